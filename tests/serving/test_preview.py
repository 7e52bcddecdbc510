"""A preview never touches what is published: serve builds into .preview/, and neither serve nor build updates a folder
built for another base URL unless told to."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import ROOT, SAMPLE_TODAY, free_port

from site_builder import writer
from site_builder.writer import OutputFacts, OutputLock, OutputUpdate, output_facts, output_state

TINY_URL = "https://example.org/"  # the tiny site's base_url in site.yaml
MARKER = ".pishkhan-output"


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Return every file below a folder with its bytes and modification time: what an untouched folder keeps."""
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_serve_builds_into_its_own_folder_and_never_into_output(site):
    assert site.run("build", "--today", SAMPLE_TODAY).code == 0
    published = snapshot(site.root / "output")
    port = free_port()
    with open(site.root / "serve.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port), "--today", SAMPLE_TODAY],
            cwd=site.root,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            page = None
            for _ in range(600):
                try:
                    page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).read().decode("utf-8")
                    break
                except (urllib.error.URLError, ConnectionError):
                    time.sleep(0.1)
            assert page is not None, (site.root / "serve.log").read_text()
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert f'href="http://127.0.0.1:{port}/"' in page  # the preview's own address, not the published one
    assert snapshot(site.root / "output") == published
    assert f"base_url: http://127.0.0.1:{port}/\n" in (site.root / ".preview" / MARKER).read_text(encoding="utf-8")


def test_serve_refuses_an_output_folder_built_for_another_base_url_before_building(site):
    assert site.run("build", "--today", SAMPLE_TODAY, "--output", "published").code == 0
    published = snapshot(site.root / "published")
    port = free_port()
    result = site.run("serve", "--output", "published", "--port", str(port), "--today", SAMPLE_TODAY)
    assert result.code == 2
    assert result.err == (
        f"build.py: error: published holds a build for {TINY_URL}, not for the preview at http://127.0.0.1:{port}/, "
        "and serve would replace it; leave out --output to preview in .preview/, or name another folder\n"
    )
    assert snapshot(site.root / "published") == published
    assert not (site.root / ".preview").exists()


def test_build_refuses_a_folder_built_for_another_base_url_unless_forced(site):
    assert site.run("build", "--today", SAMPLE_TODAY).code == 0
    published = snapshot(site.root / "output")
    refused = site.run("build", "--today", SAMPLE_TODAY, "--base-url", "https://other.example/")
    assert refused.code == 2
    assert refused.err.splitlines()[-1] == (
        f"build.py: error: output holds a build for {TINY_URL}, not for https://other.example/: its pages link to "
        "that address; build into another folder, or pass --force to replace that build"
    )
    assert snapshot(site.root / "output") == published
    forced = site.run("build", "--today", SAMPLE_TODAY, "--base-url", "https://other.example/", "--force")
    assert forced.code == 0
    assert (site.root / "output" / "robots.txt").read_text().endswith("Sitemap: https://other.example/sitemap.xml\n")
    back = site.run("build", "--today", SAMPLE_TODAY)  # site.yaml's base URL, which the folder no longer holds
    assert back.code == 2
    assert "output holds a build for https://other.example/, not for https://example.org/" in back.err


def test_a_folder_whose_marker_names_no_base_url_is_updated(site):
    """A marker from before the base URL was recorded says nothing about the links: the folder is updated as before."""
    assert site.run("build", "--today", SAMPLE_TODAY).code == 0
    marker = site.root / "output" / MARKER
    lines = marker.read_text(encoding="utf-8").splitlines(keepends=True)
    marker.write_text("".join(line for line in lines if not line.startswith(("base_url:", "offices:"))))
    result = site.run("build", "--today", SAMPLE_TODAY, "--base-url", "https://other.example/")
    assert result.code == 0
    assert "base_url: https://other.example/\n" in marker.read_text(encoding="utf-8")


def test_an_update_killed_while_moving_in_is_recovered_with_the_base_url_it_was_made_for(tmp_path):
    """The next build reads the base URL and counts from the marker: finishing a killed update keeps the new ones."""
    folder = tmp_path / "output"
    with OutputUpdate(folder, None, "one", facts=OutputFacts("https://one.example/", {"gilan/rasht": 2})) as first:
        for page in ("index.html", "about/index.html"):
            first.add(first.write(page, b"one", "1"))
    child = os.fork()
    if child == 0:  # moves the new home page in, and is killed just before
        try:
            move = writer._move

            def killed_at_the_home_page(source, target):
                if Path(target) == folder.resolve() / "index.html":
                    os.kill(os.getpid(), signal.SIGKILL)
                move(source, target)

            writer._move = killed_at_the_home_page
            facts = OutputFacts("https://two.example/", {"gilan/rasht": 0})
            with OutputUpdate(folder, None, "two", facts=facts) as second:
                for page in ("index.html", "about/index.html"):
                    second.add(second.write(page, b"two", "2"))
        finally:
            os._exit(1)
    assert os.waitpid(child, 0)[1] == signal.SIGKILL
    with OutputLock(folder) as claim:
        assert claim.recovered == f"recovered {folder}: finished an interrupted update of 2 files"
    assert output_state(folder) == "recovered"
    assert output_facts(folder) == OutputFacts("https://two.example/", {"gilan/rasht": 0})
    assert (folder / "index.html").read_bytes() == b"two"
