"""The citizens' site built from the sample content: every page, in Persian, linking only where it should."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_TODAY
from htmlscan import URL_ATTRIBUTES, html_pages, persian_pages, scan
from persiantools import digits

from site_builder import pipeline
from site_builder.cli import main
from site_builder.config import BuildOptions
from site_builder.opendata import LICENSES
from site_builder.persian import parse_jalali, sort_key

LATIN_DIGIT = re.compile(r"[0-9]")
PERSIAN_DIGIT = re.compile(r"[۰-۹٠-٩]")
BASE = "https://pishkhan.example.ir/"


@pytest.fixture(scope="module")
def report():
    return pipeline.check(BuildOptions(content_dir=ROOT / "content"))


@pytest.fixture(scope="module")
def content(report):
    return report.content


@pytest.fixture(scope="module")
def offices(report):
    return report.offices


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_every_page_type_is_built(sample_site, content, offices):
    expected = ["", "services/", "tariffs/", "tariffs/1404/", "tariffs/1405/", "news/"]
    expected += [f"provinces/{p.id}/" for p in content.provinces]
    expected += [f"provinces/{p.id}/{c.id}/" for p in content.provinces for c in p.counties]
    expected += [f"offices/{o.code}/" for o in offices] + [f"offices/{o.code}/board/" for o in offices]
    expected += [f"services/{s.id}/" for s in content.services]
    expected += [f"agencies/{a.id}/" for a in content.agencies]
    expected += [f"{page.slug}/" for page in content.pages] + [f"news/{n.slug}/" for n in content.news]
    expected += ["stats/", "data/", "search/"] + [f"stats/{p.id}/" for p in content.provinces]
    # A county's offices offering a service: one page for each service some active office of the county offers.
    expected += sorted(
        {
            f"provinces/{o.province_id}/{o.county_id}/services/{s}/"
            for o in offices
            if o.status == "active"
            for s in o.services
        }
    )
    missing = [url for url in expected if not (sample_site / url / "index.html").is_file()]
    assert missing == []
    for name in (
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "feed.xml",
        "data/datapackage.json",
        "data/offices.csv",
        "data/offices.json",
    ):
        assert (sample_site / name).is_file(), name
    # And each page's English twin, but the boards' (and the 404 page's).
    english = [f"en/{url}" for url in expected if not url.endswith("/board/")]
    assert [url for url in english if not (sample_site / url / "index.html").is_file()] == []
    assert len(html_pages(sample_site)) == len(expected) + len(english) + 1


def test_every_page_is_persian_and_right_to_left(sample_site):
    for path in persian_pages(sample_site):
        assert scan(path).html_tag == {"lang": "fa", "dir": "rtl"}, path


def test_visible_digits_are_persian(sample_site):
    for path in persian_pages(sample_site):
        latin = [text for text in scan(path).text if LATIN_DIGIT.search(text)]
        assert latin == [], f"{path.relative_to(sample_site)}: {latin[:5]}"


def test_urls_and_machine_attributes_keep_latin_digits(sample_site):
    for path in html_pages(sample_site):
        page = scan(path)
        bad = [
            (tag, name, value)
            for tag, name, value in page.attributes
            if name in (*URL_ATTRIBUTES, "datetime", "id") and PERSIAN_DIGIT.search(value)
        ]
        assert bad == [], f"{path.relative_to(sample_site)}: {bad[:5]}"
        for data in page.json_ld:
            assert not PERSIAN_DIGIT.search(json.dumps(data.get("telephone", ""))), path


def test_phone_links_dial_the_number_and_show_it_left_to_right(sample_site, content, offices):
    office = next(o for o in offices if o.phone)
    html = read(sample_site, f"offices/{office.code}")
    assert f'<a href="tel:{office.phone}" dir="ltr">{digits.en_to_fa(office.phone)}</a>' in html


def test_no_request_leaves_the_site(sample_site, content):
    outbound = {a.website for a in content.agencies if a.website} | {path for _, path in LICENSES.values()}
    for province in content.provinces:
        outbound |= {province.directorate.website, province.directorate.complaints_url} - {None}
    for text in [page.body for page in content.pages] + [item.body for item in content.news]:
        outbound |= set(re.findall(r"\]\((https?://[^)\s]+)\)", text))  # links editors wrote in Markdown
    for path in html_pages(sample_site):
        for tag, name, value in scan(path).attributes:
            if name not in URL_ATTRIBUTES or not re.match(r"(https?:)?//", value):
                continue
            if (
                name == "href"
                and tag == "a"
                and (value in outbound or value.startswith("https://www.openstreetmap.org/"))
            ):
                continue  # a deliberate outbound link, followed only when a citizen clicks it
            assert value.startswith(BASE), f"{path.relative_to(sample_site)}: <{tag} {name}={value}>"


def test_persian_alphabetical_order_for_each_letter_that_code_points_misplace():
    pairs = [("ب", "پ"), ("ج", "چ"), ("ز", "ژ"), ("ک", "گ"), ("و", "ه"), ("ه", "ی"), ("گ", "ی"), ("آب", "ب")]
    for first, second in pairs:
        assert sort_key(first) < sort_key(second), (first, second)
    # Code-point order gets some of these wrong, which is why ICU's collation is used at all.
    assert not all(first < second for first, second in pairs)


def test_counties_are_listed_in_persian_order(sample_site, content):
    for province in content.provinces:
        html = read(sample_site, f"provinces/{province.id}")
        table = html.split("<tbody>")[1]
        shown = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', table)
        assert shown == sorted((c.name for c in province.counties), key=sort_key)
        assert len(shown) == len(province.counties)


def test_services_are_listed_in_persian_order_within_each_agency(sample_site):
    html = read(sample_site, "services")
    for section in html.split("<section")[1:]:
        names = re.findall(r'<li><a href="/services/[^"]+">([^<]+)</a>', section)
        assert names == sorted(names, key=sort_key)


def test_county_page_publishes_license_holders_of_active_offices_only(sample_site, content, offices):
    for province in content.provinces:
        for county in province.counties:
            html = read(sample_site, f"provinces/{province.id}/{county.id}")
            holders_table = html.split("<h2>دارندگان پروانه دفاتر فعال</h2>")[1]
            shown = Counter(re.findall(r"<tr><td>([^<]+)</td><td>شخص", holders_table))
            expected = Counter(
                o.license.holder.name
                for o in offices
                if o.county_id == county.id and o.province_id == province.id and o.status == "active"
            )
            assert shown == expected, county.id


def test_office_page_says_status_in_words_and_whether_the_license_expired(sample_site, content, offices):
    today = parse_jalali(SAMPLE_TODAY)
    expired = next(o for o in offices if o.license and o.license.expires < today and o.status == "active")
    html = read(sample_site, f"offices/{expired.code}")
    # The status and the license state are the badges every page shows (templates/_trust.html).
    assert '<span class="trust status-active">فعال</span>' in html
    assert '<span class="trust license-expired">منقضی‌شده</span>' in html
    valid = next(o for o in offices if o.license and o.license.expires.year >= today.year + 2 and o.status == "active")
    assert '<span class="trust license-valid">معتبر</span>' in read(sample_site, f"offices/{valid.code}")


def test_office_page_lists_its_services_with_the_fee_in_force(sample_site, content, offices):
    tariff = next(t for t in content.tariffs if t.year == 1405)
    rural = next(
        o
        for o in offices
        if o.kind == "rural" and o.services and any(tariff.fees[s].urban != tariff.fees[s].rural for s in o.services)
    )
    html = read(sample_site, f"offices/{rural.code}")
    service_id = next(s for s in rural.services if tariff.fees[s].urban != tariff.fees[s].rural)
    row = re.search(rf'href="/services/{service_id}/">[^<]+</a></td><td>([^<]+)</td>', html)
    assert row[1] == f"{digits.en_to_fa(f'{tariff.fees[service_id].rural:,}').replace(',', '٬')} ریال"
    assert html.count('<tr><td><a href="/services/') == len(rural.services)


def test_office_json_ld_describes_a_government_office(sample_site, content, offices):
    office = next(o for o in offices if o.location and o.phone and o.address)
    [data] = scan(sample_site / "offices" / office.code / "index.html").json_ld
    assert data["@type"] == "GovernmentOffice"
    assert data["telephone"] == office.phone
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": office.location.lat, "longitude": office.location.lon}
    assert data["address"]["streetAddress"] == office.address
    assert data["url"] == f"{BASE}offices/{office.code}/"
    assert data["openingHoursSpecification"][0]["opens"]


def test_service_page_shows_fee_history_and_where_it_is_offered(sample_site, content, offices):
    service = content.services[0]
    html = read(sample_site, f"services/{service.id}")
    [data] = scan(sample_site / "services" / service.id / "index.html").json_ld
    assert data["@type"] == "GovernmentService" and data["provider"]["@type"] == "GovernmentOrganization"
    assert '<a href="/tariffs/1404/">۱۴۰۴</a>' in html and '<a href="/tariffs/1405/">۱۴۰۵</a> (در حال اجرا)' in html
    # Only offices that may serve count as offering it: active, with a license not expired on the build date; the
    # active ones whose license has expired are counted apart, marked (test_trust.py).
    today = parse_jalali(SAMPLE_TODAY)
    listing = [o for o in offices if o.status == "active" and service.id in o.services]
    offering = Counter((o.province_id, o.county_id) for o in listing if o.license and o.license.expires >= today)
    for (province_id, county_id), count in offering.items():
        assert re.search(
            rf'<li><a href="/provinces/{province_id}/{county_id}/services/{service.id}/">[^<]+</a> '
            rf"\({digits.en_to_fa(str(count))} دفتر(،[^)]*)?\)</li>",
            html,
        )
    assert html.count('<ul class="reach">') == len({o.province_id for o in listing})


def test_tariff_pages_show_effective_date_and_approval(sample_site, content):
    for tariff in content.tariffs:
        html = read(sample_site, f"tariffs/{tariff.year}")
        assert digits.en_to_fa(tariff.approval) in html
        assert f'<time datetime="{tariff.effective.to_gregorian().isoformat()}">' in html
    assert "(در حال اجرا)" in read(sample_site, "tariffs")


def test_pages_render_markdown(sample_site, content):
    about = read(sample_site, "about")
    assert "<h2>" in about and content.pages[0].title in about


def test_a_sub_path_base_url_prefixes_every_link(tmp_path):
    output = tmp_path / "output"
    assert (
        main(
            [
                "build",
                "--content",
                str(ROOT / "content"),
                "--output",
                str(output),
                "--base-url",
                "https://example.org/a/b/",
                "--today",
                SAMPLE_TODAY,
            ]
        )
        == 0
    )
    for path in html_pages(output):
        for tag, name, value in scan(path).attributes:
            if name in ("href", "src") and value.startswith("/"):
                assert value.startswith("/a/b/"), f"{path}: {value}"
            if tag == "link" and value.startswith("http"):
                assert value.startswith("https://example.org/a/b/"), f"{path}: {value}"


def test_every_page_describes_itself_for_link_previews(sample_site):
    """Open Graph: a link shared in a messenger shows the page's own title, description and address, in its language."""
    import html

    for page in sample_site.rglob("*.html"):
        english = page.relative_to(sample_site).parts[0] == "en"
        text = page.read_text(encoding="utf-8")
        meta = {
            name: html.unescape(value)
            for name, value in re.findall(r'<meta property="og:([a-z_]+)" content="([^"]*)">', text)
        }
        title = html.unescape(re.search(r"<title>(.*?)</title>", text).group(1))
        description = html.unescape(re.search(r'<meta name="description" content="([^"]*)">', text).group(1))
        canonical = re.search(r'<link rel="canonical" href="([^"]+)">', text).group(1)
        alternate = re.findall(r'<meta property="og:locale:alternate" content="([^"]*)">', text)
        assert meta == {
            "type": "website",
            "locale": "en_US" if english else "fa_IR",
            "site_name": meta["site_name"],
            "title": title,
            "description": description,
            "url": canonical,
        }, page
        assert alternate == (
            [] if page.name == "404.html" or page.parent.name == "board" else ["fa_IR"] if english else ["en_US"]
        ), page
        assert english or re.search("[\u0600-\u06ff]", title), page
        assert not english or title.endswith(
            "Transparency portal of the government counter-service offices (Pishkhan)"
        ), page
