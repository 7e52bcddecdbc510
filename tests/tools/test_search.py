"""Search and the office finder in headless Chromium: Persian as people type it, filters, a sub-path, no JavaScript."""

from __future__ import annotations

import gzip
import re
from urllib.parse import quote

import pytest
from conftest import ROOT, serving

from site_builder.config import BuildOptions
from site_builder.pipeline import check

RASHT_OFFICE = "13101001"


@pytest.fixture(scope="module")
def sample_offices():
    return check(BuildOptions(content_dir=ROOT / "content")).offices


def search(page, url: str, query: str) -> list[dict]:
    """Open the search page, type the query key by key, and return the results shown once they are this query's."""
    page.goto(url + "search/")
    page.locator("#q").press_sequentially(query)
    page.wait_for_function(
        "query => document.getElementById('results').dataset.query === query", arg=query, timeout=15000
    )
    return results(page)


def results(page) -> list[dict]:
    return page.eval_on_selector_all(
        "#results > li",
        """items => items.map(item => ({
        href: item.querySelector('a').getAttribute('href'),
        title: item.querySelector('a').textContent,
        text: item.innerText,
    }))""",
    )


def test_a_service_name_finds_the_service_with_its_agency_and_fee(chromium, served_sample):
    page = chromium.new_page()
    found = search(page, served_sample, "تمدید گذرنامه")
    assert found[0]["href"] == "/services/police-passport/"
    assert "پلیس +۱۰ فراجا" in found[0]["text"] and "تعرفه: " in found[0]["text"] and "ریال" in found[0]["text"]
    page.close()


@pytest.mark.parametrize("typed", ["۱۳۱۰۱۰۰۱", "١٣١٠١٠٠١", "13101001"])
def test_an_office_code_in_persian_arabic_or_latin_digits_finds_the_office(chromium, served_sample, typed):
    page = chromium.new_page()
    found = search(page, served_sample, typed)
    assert found[0]["href"] == f"/offices/{RASHT_OFFICE}/"
    assert found[0]["title"] == "دفتر پیشخوان ۱۳۱۰۱۰۰۱"  # shown in Persian digits whatever was typed
    # Its status and license state, as its page shows them (its license expires within 90 days of the build date).
    assert "شهری · فعال · در آستانه انقضا · شهرستان رشت، استان گیلان" in found[0]["text"]
    page.close()


def test_a_city_typed_with_arabic_yeh_finds_it(chromium, served_sample):
    page = chromium.new_page()
    found = search(page, served_sample, "لاهيجان")  # Arabic ي, as many keyboards type it
    assert found[0]["href"] == "/provinces/gilan/lahijan/"
    assert all("لاهیجان" in result["text"] for result in found)
    page.close()


def test_the_english_search_page_finds_places_and_services_by_their_english_names_and_leads_to_english_pages(
    chromium, served_sample
):
    page = chromium.new_page()
    found = search(page, served_sample + "en/", "Rasht")
    assert found[0]["href"] == "/en/provinces/gilan/rasht/"
    assert all(result["href"].startswith("/en/") for result in found)
    assert page.locator("label[for=q]").inner_text().startswith("Office code")
    assert re.fullmatch(r"\d+ results? for “Rasht”", page.locator("#search-status").inner_text()), page.locator(
        "#search-status"
    ).inner_text()
    found = search(page, served_sample + "en/", "13101001")
    assert found[0]["href"] == f"/en/offices/{RASHT_OFFICE}/"
    assert "13101001" in found[0]["title"] and not re.search(
        "[۰-۹]", found[0]["text"]
    )  # Latin digits on an English page
    page.close()


def test_words_match_with_or_without_the_zero_width_non_joiner(chromium, served_sample):
    page = chromium.new_page()
    joined = search(page, served_sample, "حاجی\u200cآباد")
    assert joined and joined == search(page, served_sample, "حاجیآباد")
    assert joined[0]["href"] == f"/offices/{RASHT_OFFICE}/"
    page.close()


def test_words_every_address_has_do_not_drown_the_query(chromium, served_sample):
    """ "خیابان" is in nearly every address: the index and the query leave it out, the result still shows it."""
    page = chromium.new_page()
    found = search(page, served_sample, "خیابان حاجی‌آباد")
    assert found[0]["href"] == f"/offices/{RASHT_OFFICE}/"
    assert "رشت، خیابان حاجی‌آباد، نبش کوچه یاس" in found[0]["text"]
    page.close()


def test_the_query_box_and_the_results_read_right_to_left(chromium, served_sample):
    page = chromium.new_page()
    search(page, served_sample, "رشت")
    assert page.eval_on_selector("#q", "input => getComputedStyle(input).direction") == "rtl"
    # The first result's heading starts at the right edge of the list, as Persian text does.
    list_box = page.locator("#results").bounding_box()
    heading = page.locator("#results > li h2 a").first.bounding_box()
    assert abs((list_box["x"] + list_box["width"]) - (heading["x"] + heading["width"])) < 40
    page.close()


def test_a_filter_narrows_the_results_to_its_kind(chromium, served_sample, sample_offices):
    page = chromium.new_page()
    everything = search(page, served_sample, "رشت")
    page.evaluate(
        "delete document.getElementById('results').dataset.query"
    )  # set again when the filtered results are on screen
    page.select_option("select[name=kind]", "روستایی")
    page.wait_for_function("() => document.getElementById('results').dataset.query === 'رشت'")
    assert (
        page.evaluate("new URLSearchParams(location.search).get('kind')") == "روستایی"
    )  # a link to these results keeps the filter
    rural = results(page)
    rasht_rural = [o for o in sample_offices if o.county_id == "rasht" and o.kind == "rural"]
    assert 0 < len(rural) < len(everything)
    assert {result["href"] for result in rural} == {f"/offices/{office.code}/" for office in rasht_rural}
    page.close()


def test_a_county_filter_without_words_lists_its_offices(chromium, served_sample, sample_offices):
    page = chromium.new_page()
    page.goto(served_sample + "search/?county=" + quote("لاهیجان"))
    page.wait_for_selector("#results > li")
    assert page.locator("select[name=province]").input_value() == "گیلان"  # a county brings its province
    while page.locator("#more").is_visible():
        count = page.locator("#results > li").count()
        page.click("#more")
        page.wait_for_function("count => document.querySelectorAll('#results > li').length > count", arg=count)
    listed = {result["href"] for result in results(page)}
    assert {f"/offices/{office.code}/" for office in sample_offices if office.county_id == "lahijan"} <= listed
    page.close()


def test_search_works_on_a_build_for_a_sub_path(chromium, portal):
    page = chromium.new_page()
    with serving(portal) as root:
        found = search(page, root + "portal/", "۱۳۱۰۱۰۰۱")
        assert found[0]["href"] == f"/portal/offices/{RASHT_OFFICE}/"
        page.click("#results > li a")
        page.wait_for_url(f"{root}portal/offices/{RASHT_OFFICE}/")
        assert page.locator("h1").inner_text().startswith("دفتر")
    page.close()
    entry = portal / "portal" / "pagefind" / "pagefind-entry.json"
    assert entry.is_file() and not (portal / "pagefind").exists()


def test_without_javascript_the_search_box_leads_to_the_lists(chromium, served_sample):
    page = chromium.new_page()
    page.context.new_cdp_session(page).send("Emulation.setScriptExecutionDisabled", {"value": True})
    page.goto(served_sample + f"offices/{RASHT_OFFICE}/")
    page.fill("#quick-search", "رشت")
    page.press("#quick-search", "Enter")
    page.wait_for_url(re.compile(r".*/search/\?q="))
    assert "بدون آن، دفتر را از فهرست استان‌ها و شهرستان‌ها بیابید" in page.inner_text("main")
    page.get_by_role("link", name="فهرست استان‌ها و شهرستان‌ها").click()
    page.get_by_text("گیلان", exact=True).click()  # the home page's <details>, which open without a script
    page.get_by_role("link", name="رشت", exact=True).click()
    assert page.url.endswith("/provinces/gilan/rasht/")
    page.close()


def test_without_javascript_a_county_page_leads_to_the_offices_offering_a_service(
    chromium, served_sample, sample_offices
):
    page = chromium.new_page()
    page.context.new_cdp_session(page).send("Emulation.setScriptExecutionDisabled", {"value": True})
    page.goto(served_sample + "provinces/gilan/rasht/")
    page.get_by_text("پلیس +۱۰ فراجا").click()  # the agency's <details>
    page.get_by_role("link", name="درخواست صدور و تمدید گذرنامه").click()
    assert page.url.endswith("/provinces/gilan/rasht/services/police-passport/")
    listed = page.eval_on_selector_all(
        "table.offices tbody th a", "links => links.map(link => link.getAttribute('href'))"
    )
    offering = [
        o for o in sample_offices if o.county_id == "rasht" and o.status == "active" and "police-passport" in o.services
    ]
    assert listed == [f"/offices/{office.code}/" for office in sorted(offering, key=lambda office: office.code)] != []
    page.close()


def test_the_service_page_leads_to_each_county_offering_it(chromium, served_sample):
    page = chromium.new_page()
    page.goto(served_sample + "services/police-passport/")
    page.get_by_role("link", name="رشت", exact=True).click()
    assert page.url.endswith("/provinces/gilan/rasht/services/police-passport/")
    page.close()


def test_typing_filters_a_county_table_in_place(chromium, served_sample, sample_offices):
    page = chromium.new_page()
    page.goto(served_sample + "provinces/gilan/rasht/")
    rows = page.locator("table.offices tbody tr")
    total = rows.count()
    page.get_by_label("جستجو در این دفاتر").fill("روستايی")  # with an Arabic ي
    visible = [row for row in rows.all() if row.is_visible()]
    rural = [o for o in sample_offices if o.county_id == "rasht" and o.kind == "rural"]
    assert len(visible) == len(rural) < total
    assert all("روستایی" in row.inner_text() for row in visible)
    page.close()


def test_the_search_index_holds_latin_digits_and_persian_letters_only(sample_site):
    """What makes ۱۲۳ find 123 and ي find ی: the indexed text has one form of each."""
    fragments = "".join(
        gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        for path in (sample_site / "pagefind" / "fragment").iterdir()
    )
    assert RASHT_OFFICE in fragments and "لاهیجان" in fragments
    assert re.findall("[۰-۹٠-٩يك]", fragments) == []
