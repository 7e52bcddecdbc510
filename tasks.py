#!/usr/bin/env python3
"""The project's everyday commands, each setting up what it needs; only Python 3.11+ is required.

    python3 tasks.py site      # create .venv if needed, install requirements.txt, build content/ into output/
    python3 tasks.py test      # the same with requirements-dev.txt, then run the whole test suite (pytest)
    python3 tasks.py lint      # like test, then ruff format --check, ruff check, mypy; fails on any finding
    python3 tasks.py golden    # like test, then build tests/fixtures/small/ into the golden copy, tests/golden/
    python3 tasks.py messages  # gather the interface's messages into locales/messages.pot, add new ones to catalogues
    python3 tasks.py clean     # remove output/, .preview/, .build-cache/ and .venv/

Arguments after the task go to build.py or pytest: `python3 tasks.py test -k serve`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def requirements_digest(requirements: Path) -> str:
    """Digest a requirements file together with the files it includes with -r."""
    digest = hashlib.sha256()
    for line in requirements.read_text().splitlines():
        digest.update(line.encode())
        if line.startswith("-r "):
            digest.update(requirements_digest(requirements.parent / line[3:].strip()).encode())
    return digest.hexdigest()


def ensure_environment(requirements: Path) -> None:
    """Create .venv and install the requirements, unless they are installed already."""
    if not PYTHON.exists():
        venv.create(VENV, with_pip=True)
    stamp = VENV / f".installed-{requirements.stem}"
    digest = requirements_digest(requirements)
    if stamp.exists() and stamp.read_text() == digest:
        return
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(requirements)],
        check=True,
    )
    stamp.write_text(digest)


def main(argv: list[str]) -> int:
    task, extra = (argv[0], argv[1:]) if argv else ("", [])
    if task == "site":
        ensure_environment(ROOT / "requirements.txt")
        return subprocess.call([str(PYTHON), str(ROOT / "build.py"), *extra], cwd=ROOT)
    if task == "test":
        ensure_environment(ROOT / "requirements-dev.txt")
        return subprocess.call([str(PYTHON), "-m", "pytest", *extra], cwd=ROOT)
    if task == "lint":
        ensure_environment(ROOT / "requirements-dev.txt")
        checks = (["ruff", "format", "--check", "."], ["ruff", "check", "."], ["mypy"])
        # Every check runs, so that one run shows all the findings; the exit code says whether there were any.
        failed = [subprocess.call([str(PYTHON), "-m", *check], cwd=ROOT) for check in checks]
        return 1 if any(failed) else 0
    if task == "golden":
        ensure_environment(ROOT / "requirements-dev.txt")
        return subprocess.call([str(PYTHON), str(ROOT / "tests" / "goldencopy.py")], cwd=ROOT)
    if task == "messages":
        ensure_environment(ROOT / "requirements.txt")
        pybabel = [str(PYTHON), "-m", "babel.messages.frontend"]
        extract = [
            "extract",
            "-F",
            "babel.cfg",
            "-o",
            "locales/messages.pot",
            "--no-location",
            "--sort-output",
            "--no-wrap",
            "--project",
            "Pishkhan transparency portal",
            ".",
        ]  # babel.cfg names the files below . that hold messages
        update = [
            "update",
            "-i",
            "locales/messages.pot",
            "-d",
            "locales",
            "--no-wrap",
            "--no-fuzzy-matching",
            "--ignore-obsolete",
        ]
        return subprocess.call(pybabel + extract, cwd=ROOT) or subprocess.call(pybabel + update, cwd=ROOT)
    if task == "clean":
        for folder in ("output", ".preview", ".build-cache", ".venv"):
            shutil.rmtree(ROOT / folder, ignore_errors=True)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
