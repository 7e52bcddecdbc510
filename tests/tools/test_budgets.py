"""The built sample stays within its byte budgets (sizes are deterministic, so a test may hold them)."""

from __future__ import annotations

import sys
import time

from conftest import ROOT, SAMPLE_TODAY, free_port, require

from site_builder.cli import main

sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "deploy"))
from budgets import measure
from nginx_preview import nginx_path, nginx_serving


def test_sample_site_is_within_every_budget(sample_site):
    over = [f"{figure.name}: {figure.value} > {figure.budget}" for figure in measure(sample_site) if not figure.within]
    assert over == []


def test_budget_measure_counts_the_font_a_page_loads(sample_site):
    fonts = next(figure for figure in measure(sample_site) if figure.name == "font files on any page")
    assert fonts.value == 1  # the page does load a font: the figure is measured, not zero by accident


def test_a_first_search_sends_at_most_300_kb(chromium, tmp_path):
    """What a phone downloads to search once: the page, its assets, Pagefind and index chunks, as nginx sends them."""
    require(nginx_path() is not None, "nginx", "install Debian's nginx (apt-get install nginx)")
    port = free_port()
    output, log = tmp_path / "output", tmp_path / "access.log"
    assert (
        main(
            [
                "build",
                "--content",
                str(ROOT / "content"),
                "--output",
                str(output),
                "--today",
                SAMPLE_TODAY,
                "--base-url",
                f"http://127.0.0.1:{port}/",
                "--precompress",
            ]
        )
        == 0
    )
    with nginx_serving(output, "/", port, access_log=log) as url:
        page = chromium.new_page()
        page.goto(url + "search/")
        page.locator("#q").press_sequentially("۱۳۱۰۱۰۰۱")
        page.wait_for_function("() => document.getElementById('results').dataset.query === '۱۳۱۰۱۰۰۱'")
        page.close()
    time.sleep(0.2)  # nginx writes a line as each response ends
    sent = {path.split("?")[0]: int(size) for path, _, size in (line.split() for line in log.read_text().splitlines())}
    assert "/pagefind/wasm.unknown.pagefind" in sent and "/search/" in sent
    assert any(path.startswith("/pagefind/index/") for path in sent) and any(
        path.startswith("/pagefind/fragment/") for path in sent
    )
    assert sum(sent.values()) <= 300_000, sent
