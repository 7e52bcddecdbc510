"""Trust: what a citizen sees of an office's status and license, and of whether it may serve, on every page that names
it; and what `check` tells the editor of licenses that expire."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_TODAY

from site_builder import pipeline
from site_builder.cli import main
from site_builder.config import BuildOptions
from site_builder.persian import parse_jalali

REVOKED = "17101002"  # revoked, its license not expired: the office a user found still showing its fees and board
EXPIRED_BADGE = '<span class="trust license-expired">منقضی‌شده</span>'
MAY_NOT_SERVE = "مجاز به ارائه خدمت نیست"


@pytest.fixture(scope="module")
def offices():
    return {office.code: office for office in pipeline.check(BuildOptions(content_dir=ROOT / "content")).offices}


def read(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def may_serve(office) -> bool:
    """Active, with a license not expired on the sample's build date: the rule, written apart from the code's."""
    return (
        office.status == "active"
        and office.license is not None
        and office.license.expires >= parse_jalali(SAMPLE_TODAY)
    )


def expired_active(offices) -> list:
    return [o for o in offices.values() if o.status == "active" and o.license and not may_serve(o)]


def office_row(html: str, code: str) -> str:
    """Return the table row that links to an office's page."""
    row = re.search(rf'<tr><th scope="row"><a href="/offices/{code}/">.*?</tr>', html, re.DOTALL)
    assert row, code
    return row.group(0)


def test_the_sample_has_offices_that_may_not_serve(offices):
    assert offices[REVOKED].status == "revoked" and offices[REVOKED].license
    assert len(expired_active(offices)) == 9


def test_a_revoked_office_shows_no_fees_hours_or_board_and_points_to_offices_that_may_serve(sample_site, offices):
    html = read(sample_site, f"offices/{REVOKED}")
    assert 'class="fees"' not in html
    assert f"/offices/{REVOKED}/board/" not in html
    assert 'class="hours"' not in html
    assert 'class="may-not-serve"' in html
    assert "پروانه این دفتر ابطال شده است: مجاز به ارائه خدمت نیست." in html
    linked = re.findall(r'<a href="/offices/(\d+)/">', html.split('class="may-not-serve"')[1].split("</div>")[0])
    assert linked, "no office that may serve is named"
    office = offices[REVOKED]
    for code in linked:
        other = offices[code]
        assert may_serve(other) and (other.province_id, other.county_id) == (office.province_id, office.county_id)


def test_the_board_of_an_office_that_may_not_serve_still_answers_and_says_so(sample_site, offices):
    for office in [offices[REVOKED], *expired_active(offices)]:
        html = read(sample_site, f"offices/{office.code}/board")
        assert 'class="fees"' not in html, office.code
        assert "این دفتر مجاز به ارائه خدمت نیست" in html, office.code
        assert 'class="may-not-serve"' in html, office.code


def test_an_office_that_may_serve_keeps_its_fees_and_board(sample_site, offices):
    office = next(o for o in offices.values() if may_serve(o) and o.services)
    html = read(sample_site, f"offices/{office.code}")
    assert 'class="fees"' in html and f"/offices/{office.code}/board/" in html
    assert 'class="may-not-serve"' not in html
    assert 'class="fees"' in read(sample_site, f"offices/{office.code}/board")


def test_an_expired_active_office_is_marked_alike_on_its_page_county_finder_and_service_pages(sample_site, offices):
    for office in expired_active(offices):
        county = f"provinces/{office.province_id}/{office.county_id}"
        page = read(sample_site, f"offices/{office.code}")
        assert EXPIRED_BADGE in page and "پروانه این دفتر منقضی شده است" in page
        assert 'class="fees"' not in page
        assert EXPIRED_BADGE in office_row(read(sample_site, county), office.code)
        for service in office.services:
            finder = read(sample_site, f"{county}/services/{service}")
            # Listed apart, below the offices that may serve it, with the badge and without a fee.
            assert 'id="may-not-serve"' in finder, (office.code, service)
            listed_apart = finder.split('id="may-not-serve"')[1]
            assert EXPIRED_BADGE in office_row(listed_apart, office.code)
            assert f"/offices/{office.code}/" not in finder.split('id="may-not-serve"')[0]
            item = re.search(
                rf'<li><a href="/{county}/services/{service}/">.*?</li>',
                read(sample_site, f"services/{service}"),
                re.DOTALL,
            )
            assert item and EXPIRED_BADGE in item.group(0), (office.code, service)


def test_finder_pages_count_only_offices_that_may_serve(sample_site, offices):
    office = expired_active(offices)[0]
    service = office.services[0]
    serving = [
        o
        for o in offices.values()
        if (o.province_id, o.county_id) == (office.province_id, office.county_id)
        and may_serve(o)
        and service in o.services
    ]
    finder = read(sample_site, f"provinces/{office.province_id}/{office.county_id}/services/{service}")
    shown = set(re.findall(r'<tr><th scope="row"><a href="/offices/(\d+)/">', finder.split('id="may-not-serve"')[0]))
    assert shown == {o.code for o in serving}


def test_every_badge_of_the_site_uses_the_same_words_for_the_same_class(sample_site):
    words: dict[str, set[str]] = {}
    for page in sample_site.rglob("*.html"):
        if "/en/" in page.as_posix():
            continue
        for css, text in re.findall(r'<span class="trust ([a-z_-]+)">([^<]*)</span>', page.read_text(encoding="utf-8")):
            words.setdefault(css, set()).add(text)
    assert words["license-expired"] == {"منقضی‌شده"}
    assert words["license-valid"] == {"معتبر"}
    assert words["status-revoked"] == {"ابطال‌شده"}
    assert all(len(shown) == 1 for shown in words.values()), words


def test_open_data_gives_each_office_its_license_state_and_whether_it_may_serve(sample_site, offices):
    with open(sample_site / "data" / "offices.csv", encoding="utf-8-sig", newline="") as file:
        rows = {row["code"]: row for row in csv.DictReader(file)}
    assert rows[REVOKED]["license_state"] == "revoked" and rows[REVOKED]["may_serve"] == "false"
    for office in expired_active(offices):
        assert (rows[office.code]["license_state"], rows[office.code]["license_state_fa"]) == ("expired", "منقضی‌شده")
        assert rows[office.code]["may_serve"] == "false"
    for code, office in offices.items():
        assert rows[code]["may_serve"] == ("true" if may_serve(office) else "false"), code
        assert (rows[code]["license_state"] == "") == (office.license is None), code
    package = json.loads((sample_site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in next(r for r in package["resources"] if r["name"] == "offices")["schema"]["fields"]}
    assert fields["license_state"]["type"] == "string" and fields["may_serve"]["type"] == "boolean"


def structured(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(1))


def test_json_ld_carries_status_license_state_and_whether_it_may_serve(sample_site, offices):
    office = expired_active(offices)[0]
    data = structured(read(sample_site, f"offices/{office.code}"))
    properties = {p["propertyID"]: p["value"] for p in data["additionalProperty"]}
    assert properties == {"status": "active", "licenseState": "expired", "mayServe": False}
    assert "openingHoursSpecification" not in data  # an office that may not serve has no hours to come in
    serving = next(o for o in offices.values() if may_serve(o))
    data = structured(read(sample_site, f"offices/{serving.code}"))
    assert {p["propertyID"]: p["value"] for p in data["additionalProperty"]}["mayServe"] is True


def test_check_warns_of_active_offices_whose_license_expired_or_soon_expires(capsys):
    assert main(["check", "--content", str(ROOT / "content"), "--today", SAMPLE_TODAY]) == 0
    err = capsys.readouterr().err.splitlines()
    assert (
        "content/provinces/bushehr/offices/asaluyeh.yaml:35:14: warning: office 17310001 is active but its license "
        "expired on 1404/10/06: the site says it may not offer services; renew the license or change the office's "
        "status"
    ) in err
    assert (
        "content/provinces/gilan/offices/bandar-anzali.yaml:16:14: warning: office 13102001: its license expires on "
        "1405/09/03, 2 days after the build date 1405/09/01; once it expires the site says the office may not offer "
        "services"
    ) in err
    assert sum("is active but its license expired" in line for line in err) == 9
    assert sum("days after the build date" in line for line in err) == 4
    assert not any("17101002" in line for line in err)  # revoked with a license in force is no contradiction


def test_check_warns_of_a_license_about_to_expire_in_the_editors_language(site):
    site.write(
        "provinces/gilan/offices/lahijan.yaml",
        '- code: 13200001\n  kind: rural\n  status: active\n  license:\n    number: "9"\n'
        "    holder: {name: علی رضایی, type: person}\n    issued: 1400/01/01\n    expires: 1405/09/20\n",
    )
    result = site.check("--today", "1405/09/01")
    assert (
        "content/provinces/gilan/offices/lahijan.yaml:8:14: warning: office 13200001: its license expires on "
        "1405/09/20, 19 days after the build date 1405/09/01; once it expires the site says the office may not "
        "offer services"
    ) in result.problems
    assert result.code == 0
    persian = site.check("--today", "1405/09/01", "--lang", "fa")
    assert [line for line in persian.err.splitlines() if "13200001" in line] == [
        "content/provinces/gilan/offices/lahijan.yaml:8:14: هشدار: دفتر 13200001: پروانه‌اش در ۱۴۰۵/۰۹/۲۰ منقضی می‌شود، "
        "۱۹ روز پس از تاریخ ساخت ۱۴۰۵/۰۹/۰۱؛ پس از انقضا سایت می‌گوید دفتر مجاز به ارائه خدمت نیست"
    ]


def test_a_pending_office_with_a_license_is_warned_of(site):
    site.write(
        "provinces/gilan/offices/lahijan.yaml",
        '- code: 13200001\n  kind: rural\n  status: pending\n  license:\n    number: "9"\n'
        "    holder: {name: علی رضایی, type: person}\n    issued: 1400/01/01\n    expires: 1409/09/20\n",
    )
    result = site.check("--today", "1405/09/01")
    assert (
        "content/provinces/gilan/offices/lahijan.yaml:3:11: warning: office 13200001: status pending means awaiting "
        "its license, but the office has one; write the status it has now (active once it opens)"
    ) in result.problems
