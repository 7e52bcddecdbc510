"""Time an editor's save to the open page showing it, through `build.py serve` and headless Chromium.

    python benchmarks/edit_to_reload.py [--content DIR] [--edits 10]

Copies the content (the shipped sample unless --content is given), starts `build.py serve` on a
free loopback port, opens an office page in Debian's chromium (Playwright), then edits that
office's address again and again, timing each save until the page shows the new text by itself.
The floor, in the same run: a page load of the same office page, which every reload includes.
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str) -> None:
    for _ in range(600):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise SystemExit(f"the preview server did not answer at {url}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pishkhan-reload-"))
    shutil.copytree(args.content, work / "content")
    offices_file = sorted((work / "content").glob("provinces/*/offices/*.yaml"))[0]
    text = offices_file.read_text(encoding="utf-8")
    address = re.search(r"(?m)^  address: ", text)  # the first office that has an address: its page shows the edit
    if address is None:
        raise SystemExit(f"{offices_file} has no office with an address to edit")
    code = re.findall(r"(?m)^- code: '?(\d+)", text[: address.start()])[-1]
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port), "--jobs", "2"],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/offices/{code}/"
    try:
        wait_for(url)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch_persistent_context(
                str(work / "profile"), executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS
            )
            page = browser.new_page()
            loads = []
            for _ in range(args.edits):
                started = time.perf_counter()
                page.goto(url)
                loads.append(time.perf_counter() - started)
            # a reload sent before the page's live-reload socket has shaken hands reaches no one
            page.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol > 0", timeout=30000)
            reloads = []
            for number in range(args.edits):
                marker = "نشانی ویرایش‌شده " + str(number).translate(PERSIAN_DIGITS)  # the site shows digits in Persian
                text = offices_file.read_text(encoding="utf-8")
                started = time.perf_counter()
                offices_file.write_text(
                    re.sub(r"(?m)^  address: .*$", f"  address: {marker}", text, count=1), encoding="utf-8"
                )
                page.wait_for_function("text => document.body.innerText.includes(text)", arg=marker, timeout=60000)
                reloads.append(time.perf_counter() - started)
                time.sleep(0.5)  # an editor does not save twice within the same moment
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"content: {args.content}; edited: {offices_file.relative_to(work / 'content')}, office {code}; "
        f"{args.edits} edits"
    )
    print(f"floor: page load of the office page   median {statistics.median(loads):.2f} s")
    print(
        f"edit to reload (save → page shows it)  median {statistics.median(reloads):.2f} s, "
        f"slowest {max(reloads):.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
