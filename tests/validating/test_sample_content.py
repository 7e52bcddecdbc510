"""The shipped sample content: it passes `check`, says what the articles say, builds without leaking private data."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml
from conftest import ROOT, SAMPLE_TODAY
from persiantools import digits

from site_builder import pipeline
from site_builder.cli import main
from site_builder.config import BuildOptions

CONTENT = ROOT / "content"


@pytest.fixture(scope="module")
def report():
    return pipeline.check(BuildOptions(content_dir=CONTENT, today=SAMPLE_TODAY))


@pytest.fixture(scope="module")
def content(report):
    assert report.content is not None, "\n".join(map(str, report.problems))
    return report.content


@pytest.fixture(scope="module")
def offices(report):
    return report.offices


def test_check_finds_no_error_and_warns_only_of_the_licenses_that_expired_or_soon_will(report):
    """Like directorates' lists, the sample keeps active offices whose license has expired (nine) or expires within 30
    days (four): the site marks them and check warns of each, and of nothing else."""
    problems = [str(problem) for problem in report.problems]
    assert not any(problem.is_error for problem in report.problems), problems
    assert len(problems) == 13 and all(
        re.search(r": warning: office \d+.* its license expire[sd] on ", p) for p in problems
    )


def test_check_command_exits_zero(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["check", "--today", SAMPLE_TODAY]) == 0


def test_site_is_marked_as_sample(content):
    assert content.settings.sample is True


def test_the_three_provinces_of_the_articles(content):
    assert sorted(p.id for p in content.provinces) == ["bushehr", "gilan", "north-khorasan"]
    for province in content.provinces:
        assert len(province.counties) >= 8, province.id
        assert all(county.urban_population > 0 for county in province.counties)


def test_offices_cover_every_kind_and_status_in_every_province(content, offices):
    assert len(offices) >= 150
    for province in content.provinces:
        in_province = [office for office in offices if office.province_id == province.id]
        assert {office.kind for office in in_province} == {"urban", "rural", "police10", "kargozari"}, province.id
        assert {office.status for office in in_province} == {
            "active",
            "inactive",
            "under_review",
            "revoked",
            "pending",
        }, province.id


def test_licensees_are_persons_and_companies(content, offices):
    types = Counter(office.license.holder.type for office in offices if office.license)
    assert types["person"] > 0 and types["company"] > 0


def test_bushehr_police_and_brokerage_offices_match_the_article(content, offices):
    bushehr = [office for office in offices if office.province_id == "bushehr"]
    police = [office for office in bushehr if office.kind == "police10"]
    assert len(police) == 22
    assert sum(office.county_id == "bushehr" for office in police) == 6
    brokerages = Counter(
        office.county_id for office in bushehr if office.kind == "kargozari" and office.status != "pending"
    )
    assert sum(brokerages.values()) == 6
    assert brokerages["bushehr"] == 2 and brokerages["asaluyeh"] == 2
    assert any(
        office.kind == "kargozari" and office.status == "pending" and office.city == "برازجان" for office in bushehr
    )


def test_north_khorasan_memoranda_match_the_article(content):
    province = next(p for p in content.provinces if p.id == "north-khorasan")
    assert len(province.memoranda) == 11
    urban = {s for memo in province.memoranda for s in memo.services_by_kind.get("urban", ())}
    rural = {s for memo in province.memoranda for s in memo.services_by_kind.get("rural", ())}
    assert (len(urban), len(rural)) == (74, 32)


def test_catalogue_and_tariffs(content):
    assert len(content.services) >= 80
    assert len(content.agencies) >= 10
    assert len({service.agency_id for service in content.services}) >= 10
    assert any(service.specialised for service in content.services)
    assert [tariff.year for tariff in content.tariffs] == [1404, 1405]
    for tariff in content.tariffs:
        assert set(tariff.fees) == {service.id for service in content.services}, tariff.year
    assert any(fee.urban != fee.rural for fee in content.tariffs[-1].fees.values())


def test_pages_and_news(content):
    assert {"about", "regulation", "complaints", "open-data"} <= {page.slug for page in content.pages}
    assert len(content.news) >= 3


def private_values() -> set[str]:
    """Every value written under a `private:` block of the shipped offices."""
    values = set()
    for path in CONTENT.glob("provinces/*/offices/*.yaml"):
        for office in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            values.update(str(value) for value in (office.get("private") or {}).values())
    return values | {digits.en_to_fa(value) for value in values}  # visible text uses Persian digits


def test_sample_has_private_data_to_protect():
    assert len(private_values()) >= 20


def test_no_private_value_reaches_any_built_file(sample_site):
    secrets = private_values()
    for path in sample_site.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            leaked = [secret for secret in secrets if secret in text]
            assert not leaked, f"{path}: {leaked[:3]}"


def test_sample_builds_a_page_per_office(sample_site, offices):
    for office in offices:
        assert (sample_site / "offices" / office.code / "index.html").is_file()
