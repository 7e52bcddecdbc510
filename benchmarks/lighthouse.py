"""Lighthouse's four scores for the home, a county and an office page, served by nginx as deployed.

    python benchmarks/lighthouse.py [--content DIR]

Installs Lighthouse (npm, pinned below) into benchmarks/.lighthouse/ on first use, builds the
sample content (or --content) with --precompress, serves it with deploy/nginx.conf on a loopback
port, and runs Lighthouse with Debian's chromium in its default mobile emulation (a mid-range
phone on a throttled 4G connection, simulated). Prints each page's performance, accessibility,
best-practices and SEO scores (the goal is 100 in each) and, for any below 100, the audits that
cost points.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "deploy"))

from nginx_preview import nginx_serving  # noqa: E402

from site_builder.cli import main as build  # noqa: E402

LIGHTHOUSE = "lighthouse@12.8.2"
TOOLS = Path(__file__).resolve().parent / ".lighthouse"
PAGES = {"home": "", "county": "provinces/gilan/rasht/", "office": "offices/13101001/"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROMIUM_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking "
    "--disable-component-update --disable-sync"
)


def lighthouse_cli() -> Path:
    """Return Lighthouse's command line script, installing the pinned version on first use."""
    cli = TOOLS / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.is_file():
        TOOLS.mkdir(exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund", LIGHTHOUSE], check=True)
    return cli


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def audit(cli: Path, url: str, work: Path) -> dict:
    """Run Lighthouse on one URL; return its report."""
    report = work / "report.json"
    profile = tempfile.mkdtemp(dir=work)
    subprocess.run(
        [
            "node",
            str(cli),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROMIUM_FLAGS} --user-data-dir={profile}",
        ],
        check=True,
        env={
            "CHROME_PATH": shutil.which("chromium") or "/usr/bin/chromium",
            "PATH": "/usr/bin:/bin",
            "HOME": str(work),
        },
    )
    return json.loads(report.read_text(encoding="utf-8"))


def costs(report: dict, category: str) -> list[str]:
    """Return the audits that cost a category points."""
    found = []
    for ref in report["categories"][category]["auditRefs"]:
        result = report["audits"][ref["id"]]
        if ref["weight"] > 0 and result["score"] is not None and result["score"] < 1:
            found.append(f"{ref['id']} ({result['score']:.2f}): {result['title']}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    args = parser.parse_args()
    cli = lighthouse_cli()
    work = Path(tempfile.mkdtemp(prefix="pishkhan-lighthouse-"))
    try:
        port = free_port()
        output = work / "output"
        if (
            build(
                [
                    "build",
                    "--content",
                    str(args.content),
                    "--output",
                    str(output),
                    "--base-url",
                    f"http://127.0.0.1:{port}/",
                    "--precompress",
                    "--cache",
                    str(work / "cache"),
                ]
            )
            != 0
        ):
            return 1
        with nginx_serving(output, "/", port) as url:
            print(f"{'page':<8} " + " ".join(f"{name:>15}" for name in CATEGORIES))
            below = []
            for name, path in PAGES.items():
                report = audit(cli, url + path, work)
                scores = {category: round(report["categories"][category]["score"] * 100) for category in CATEGORIES}
                print(f"{name:<8} " + " ".join(f"{scores[category]:>15}" for category in CATEGORIES))
                below += [
                    f"  {name}, {category}: {cost}"
                    for category in CATEGORIES
                    if scores[category] < 100
                    for cost in costs(report, category)
                ]
            if below:
                print("what costs points:")
                print("\n".join(below))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
