"""`build.py serve` in a browser: an edit shows by itself, content errors show as a page, nothing else is served."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import ROOT, SAMPLE_TODAY, free_port

RASHT = Path("content/provinces/gilan/offices/rasht.yaml")
OFFICE = "offices/13101001/"


@pytest.fixture
def server(tmp_path):
    """A preview server on a copy of the sample content; stopped when the test ends."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    port = free_port()
    # The server writes to its own copy of the file's descriptor; the test reads serve.log when it needs to.
    with open(tmp_path / "serve.log", "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "build.py"),
                "serve",
                "--port",
                str(port),
                "--today",
                SAMPLE_TODAY,
                "--jobs",
                "1",
                "--lang",
                "en",
            ],
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    # serve builds the whole sample before it listens: on a loaded machine that takes well over half a minute.
    deadline = time.monotonic() + 240
    while True:
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"serve did not start listening:\n{(tmp_path / 'serve.log').read_text()}")
            time.sleep(0.1)
    yield url, tmp_path
    process.terminate()
    process.wait(timeout=10)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def open_live(page, url: str) -> None:
    """Open a page and wait until its live-reload socket has shaken hands: a reload sent before that reaches no one."""
    page.goto(url)
    page.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol > 0", timeout=30000)


def edit_and_wait_for_reload(page, path: Path, old: str, new: str, expected_text: str) -> None:
    """Edit a file and wait until the open page shows the expected text without being told to reload."""
    edit(path, old, new)
    page.wait_for_function("text => document.body.innerText.includes(text)", arg=expected_text, timeout=30000)


def test_an_edit_reloads_the_open_page(chromium, server):
    url, folder = server
    page = chromium.new_page()
    open_live(page, url + OFFICE)
    assert "خیابان حاجی‌آباد" in page.inner_text("main")
    edit_and_wait_for_reload(
        page, folder / RASHT, "خیابان حاجی‌آباد، نبش کوچه یاس", "خیابان تازه‌ساز، نبش کوچه یاس", "خیابان تازه‌ساز"
    )
    page.close()


def test_content_errors_show_in_the_browser_and_fixing_brings_the_site_back(chromium, server):
    url, folder = server
    page = chromium.new_page()
    open_live(page, url + OFFICE)
    edit_and_wait_for_reload(
        page, folder / RASHT, "status: active", "status: activ", "error: status: 'activ' is not a status"
    )
    assert "content/provinces/gilan/offices/rasht.yaml:" in page.inner_text("#problems")
    edit_and_wait_for_reload(page, folder / RASHT, "status: activ\n", "status: active\n", "خیابان حاجی‌آباد")
    assert page.locator("h1").inner_text().startswith("دفتر")
    page.close()


def test_serve_listens_on_loopback_and_serves_nothing_outside_the_output(server):
    url, folder = server
    assert "Serving on http://127.0.0.1:" in (folder / "serve.log").read_text()
    for escape in (
        "..%2f..%2f..%2fetc%2fpasswd",
        "%2e%2e/%2e%2e/etc/passwd",
        "static/..%2f..%2f..%2fcontent%2fsite.yaml",
    ):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url + escape, timeout=5)
        assert refused.value.code == 404
        assert b"root:" not in refused.value.read()


def test_a_build_into_the_folder_serve_writes_is_refused_and_names_serve(server):
    _, folder = server
    build = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", "--today", SAMPLE_TODAY, "--output", ".preview"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert build.returncode == 2
    assert build.stderr.startswith("build.py: error: .preview is being written by build.py serve --port ")


def test_serve_does_not_decode_twice_nor_fail_on_odd_names(server):
    url, _ = server
    for odd in ("%2561bout/", "a%00b", "x" * 5000):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url + odd, timeout=5)
        assert refused.value.code == 404, odd


def test_the_search_page_finds_what_was_just_saved(chromium, server):
    """serve leaves the search index behind while an editor saves, and updates it when the search page is opened."""
    url, folder = server
    page = chromium.new_page()
    open_live(page, url + OFFICE)
    edit_and_wait_for_reload(
        page, folder / RASHT, "خیابان حاجی‌آباد، نبش کوچه یاس", "خیابان نوبنیاد، نبش کوچه یاس", "خیابان نوبنیاد"
    )
    page.goto(url + "search/?q=" + quote("نوبنیاد"))
    page.wait_for_selector("#results[data-query] > li")
    assert page.locator("#results > li a").first.get_attribute("href") == "/" + OFFICE
    page.close()


def test_serve_on_a_port_in_use_says_so_before_building(site):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = site.run("serve", "--port", str(port), "--jobs", "1")
    assert result.code == 2
    assert result.err == f"build.py: error: port {port} on 127.0.0.1 is in use; pass --port to choose another\n"
    assert not (site.root / "output").exists() and not (site.root / ".preview").exists()


def test_the_port_probe_lets_the_port_go():
    from site_builder.serve import check_port

    port = free_port()
    check_port("127.0.0.1", port)
    with socket.socket() as after:
        after.bind(("127.0.0.1", port))  # as livereload then binds it
        after.listen()


def test_a_template_error_shows_on_the_problems_page_at_its_line(site):
    import html

    from site_builder.cache import BuildCache
    from site_builder.config import BuildOptions
    from site_builder.serve import Preview

    templates = site.root / "templates"
    shutil.copytree(ROOT / "templates", templates)
    edit(templates / "county.html", "summary.county|name_text", "summary.county.nmae|name_text")
    options = BuildOptions(site.content, site.root / "output", today=SAMPLE_TODAY, templates_dir=templates)
    preview = Preview(options, BuildCache(site.root / "cache"))
    preview.rebuild()
    page = b"".join(preview.app({"PATH_INFO": "/"}, lambda status, headers: None)).decode("utf-8")
    text = (templates / "county.html").read_text(encoding="utf-8")
    line = text[: text.index("summary.county.nmae")].count("\n") + 1  # the line the test put the error on
    assert (
        f"templates/county.html:{line}:1: error: 'site_builder.models.County object' has no attribute 'nmae'"
        in html.unescape(page)
    )
