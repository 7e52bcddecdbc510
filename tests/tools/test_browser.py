"""The sample in headless Chromium: WCAG 2.1 AA (axe-core) on phone and desktop, without JavaScript or foreign hosts."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import ROOT

# One page of every template.
PAGES = {
    "home": "",
    "province": "provinces/gilan/",
    "county": "provinces/gilan/rasht/",
    "office": "offices/13101001/",
    "board": "offices/13101001/board/",
    "services": "services/",
    "service": "services/post-registered-letter/",
    "agency": "agencies/post/",
    "tariff": "tariffs/",
    "page": "about/",
    "news-index": "news/",
    "news": "news/1405-08-20-north-khorasan-memoranda/",
    "stats": "stats/",
    "stats-province": "stats/gilan/",
    "data": "data/",
    "search": "search/",
    "finder": "provinces/gilan/rasht/services/police-passport/",
    "not-found": "404.html",
}
# And the English twin of each, but the board and the 404 page, which exist in Persian only.
PAGES |= {f"en-{template}": f"en/{url}" for template, url in PAGES.items() if template not in ("board", "not-found")}
WIDTHS = {"phone": 390, "desktop": 1280}
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


@pytest.fixture(scope="module")
def axe():
    return Axe()


def test_every_sampled_page_exists(sample_site):
    for url in PAGES.values():
        target = sample_site / url
        assert (target / "index.html").is_file() or target.is_file(), url


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("template", PAGES)
def test_axe_finds_no_wcag_21_aa_violation(chromium, served_sample, axe, template, width):
    page = chromium.new_page()
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    page.goto(served_sample + PAGES[template])
    if template.endswith("search"):  # audit the results and the filters the script shows, not the empty form
        page.fill("#q", "رشت")
        page.wait_for_selector("#results[data-query] > li")
    results = axe.run(page, options=WCAG_AA)
    violations = [
        (v["id"], v["help"], [node["target"] for node in v["nodes"][:3]]) for v in results.response["violations"]
    ]
    if template.removeprefix("en-") in ("home", "county", "office", "search", "finder"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{template}-{width}.png", full_page=True)
    page.close()
    assert violations == []


def test_pages_work_without_javascript(chromium, served_sample):
    page = chromium.new_page()
    page.context.new_cdp_session(page).send("Emulation.setScriptExecutionDisabled", {"value": True})
    page.goto(served_sample)
    page.get_by_text("گیلان", exact=True).click()  # <details> opens without a script
    page.get_by_role("link", name="رشت", exact=True).click()
    assert page.url.endswith("/provinces/gilan/rasht/")
    assert page.get_by_role("table").first.is_visible()
    page.close()


def test_no_page_requests_another_host(chromium, served_sample):
    requested = []
    page = chromium.new_page()
    page.on("request", lambda request: requested.append(request.url))
    for url in PAGES.values():
        page.goto(served_sample + url)
    page.close()
    foreign = [url for url in requested if not url.startswith(served_sample)]
    assert foreign == []


def test_the_font_is_loaded_from_the_site(chromium, served_sample):
    page = chromium.new_page()
    fonts = []
    page.on("response", lambda response: fonts.append(response.url) if response.url.endswith(".woff2") else None)
    page.goto(served_sample + PAGES["office"])
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px Vazirmatn', 'دفتر')")
    assert len(fonts) == 1 and re.fullmatch(
        re.escape(served_sample) + r"static/fonts/vazirmatn-nl-variable\.[0-9a-f]{10}\.woff2", fonts[0]
    )
    page.close()
