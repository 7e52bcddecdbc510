"""Shared fixtures: a tiny valid content tree written into tmp_path, and a way to run the CLI on it."""

from __future__ import annotations

import functools
import os
import shutil
import socket
import textwrap
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from filelock import FileLock

from site_builder.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_TODAY = "1405/09/01"


def require(available: bool, what: str, how: str) -> None:
    """Skip a test whose tool is missing, except in CI (CI=true), where a missing tool fails the run."""
    if available:
        return
    message = f"{what} is not available: {how}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    """Return a loopback port nothing listens on, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def chromium_path() -> str | None:
    """Return Debian's chromium, which the browser tests drive."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def shared_folder(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """Make a folder once for the whole test run, however many pytest-xdist workers ask for it, and return it.

    The first worker to ask makes it under a lock; the others wait for it and then read the same folder, which
    no test may change.
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, which every worker's own folder is in
    folder, made = root / name, root / f"{name}.made"
    with FileLock(root / f"{name}.lock"):
        if not made.exists():
            shutil.rmtree(folder, ignore_errors=True)
            make(folder)
            made.touch()
    return folder


def build_sample(output: Path, *extra: str) -> None:
    """Build the shipped sample content, dated SAMPLE_TODAY, into output."""
    argv = ["build", "--content", str(ROOT / "content"), "--output", str(output), "--today", SAMPLE_TODAY, *extra]
    assert main(argv) == 0


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """One build of the shipped sample content, dated 1405/09/01, that many tests read."""
    return shared_folder(tmp_path_factory, "sample", lambda folder: build_sample(folder / "output")) / "output"


PORTAL_URL = "https://pishkhan.example.ir/portal/"


@pytest.fixture(scope="session")
def portal(tmp_path_factory) -> Path:
    """The sample built for PORTAL_URL, a sub-path of its domain, in a folder that is that sub-path when served."""
    return shared_folder(tmp_path_factory, "www", lambda www: build_sample(www / "portal", "--base-url", PORTAL_URL))


# The smallest content that passes `check`: each test overrides the file it is about.
TINY = {
    "site.yaml": """\
        title: درگاه آزمایشی
        base_url: https://example.org/
        languages: [fa, en]
        tariff_year: 1405
        complaints_line: "195"
        """,
    "agencies.yaml": """\
        - id: post
          name: شرکت ملی پست
        - id: telecom
          name: شرکت مخابرات ایران
        """,
    "services.yaml": """\
        - id: parcel
          name: ارسال مرسوله پستی
          agency: post
        - id: phone-bill
          name: پرداخت قبض تلفن
          agency: telecom
        - id: sim-card
          name: ثبت‌نام سیم‌کارت
          agency: telecom
          specialised: true
        """,
    "tariffs/1405.yaml": """\
        year: 1405
        effective: 1405/01/01
        approval: مصوبه شماره ۱۲
        fees:
          parcel: 120000
          phone-bill: {urban: 30000, rural: 25000}
          sim-card: 0
        """,
    "provinces/gilan/province.yaml": """\
        name: گیلان
        center: رشت
        directorate:
          name: اداره کل ارتباطات و فناوری اطلاعات استان گیلان
          phone: "013-33333333"
        hours:
          - days: [sat, sun, mon, tue, wed]
            opens: "07:30"
            closes: "19:00"
        counties:
          - id: rasht
            name: رشت
            urban_population: 750000
            cities: [رشت, خمام]
          - id: lahijan
            name: لاهیجان
            urban_population: 110000
        memoranda:
          - id: post
            title: تفاهم‌نامه پست
            agency: post
            urban: [parcel]
            rural: [parcel]
          - id: telecom
            title: تفاهم‌نامه مخابرات
            agency: telecom
            urban: [phone-bill]
        """,
    "provinces/gilan/offices/rasht.yaml": """\
        - code: 13100123
          kind: urban
          status: active
          city: رشت
          phone: "013-33123456"
          postal_code: "4133654321"
          license:
            number: "1234"
            holder: {name: مریم احمدی, type: person}
            issued: 1398/04/12
            expires: 1409/04/11
          private:
            national_id: "0012345678"
            mobile: "09121234567"
        - code: 13100124
          kind: rural
          status: pending
          village: لاکان
        """,
    # Every county has its offices file: a county without one is a warning (test_missing_content.py).
    "provinces/gilan/offices/lahijan.yaml": """\
        - code: 13200001
          kind: rural
          status: pending
        """,
    "pages/about.md": """\
        ---
        title: درباره
        order: 1
        ---
        درباره این درگاه.
        """,
    "news/1405-08-01-opening.md": """\
        ---
        title: آغاز به کار
        date: 1405/08/01
        ---
        متن خبر.
        """,
}


@dataclass
class Result:
    """What a CLI run printed and returned."""

    code: int
    out: str
    err: str

    @property
    def problems(self) -> list[str]:
        return [line for line in self.err.splitlines() if ": error: " in line or ": warning: " in line]


@pytest.fixture
def site(tmp_path, monkeypatch, capsys):
    """A tiny valid content tree in tmp_path/content; site.write(name, text) edits it, site.run(...) runs build.py."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    for setting in ("LANG", "LC_ALL"):  # the messages' language follows them: English unless a test sets them
        monkeypatch.delenv(setting, raising=False)

    class Site:
        root = tmp_path
        content = tmp_path / "content"

        def write(self, name: str, text: str | bytes) -> Path:
            path = self.content / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(textwrap.dedent(text), encoding="utf-8")
            return path

        def remove(self, name: str) -> None:
            (self.content / name).unlink()

        def run(self, *argv: str) -> Result:
            capsys.readouterr()
            code = main(list(argv))
            captured = capsys.readouterr()
            return Result(code, captured.out, captured.err)

        def check(self, *extra: str) -> Result:
            return self.run("check", *extra)

    built = Site()
    for name, text in TINY.items():
        built.write(name, text)
    return built


@contextmanager
def serving(directory: Path):
    """Serve a folder over HTTP on a loopback port while the block runs; yield its root URL."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def served_sample(sample_site):
    """The sample build served over HTTP on a loopback port; stopped when the tests end."""
    with serving(sample_site) as url:
        yield url


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    """Headless Debian chromium driven by Playwright, with a fresh profile; closed when the tests end."""
    path = chromium_path()
    require(path is not None, "chromium", "install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield context
        context.close()
