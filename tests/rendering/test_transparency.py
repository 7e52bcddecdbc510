"""What turns listings into transparency: coverage statistics, open data, sitemap, feed, no private field anywhere."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
import shutil
import tarfile
import urllib.request

import pytest
import yaml
from conftest import ROOT, SAMPLE_TODAY, require
from htmlscan import scan
from persiantools.digits import en_to_fa, fa_to_ar, fa_to_en
from persiantools.jdatetime import JalaliDate

from site_builder.cli import main
from site_builder.config import BuildOptions
from site_builder.persian import sort_key
from site_builder.pipeline import check
from site_builder.site import EXPIRY_WARNING_DAYS

# The sitemap schema as the sitemap package on npm ships it (MIT), fetched once and checked against this digest.
SITEMAP_PACKAGE = "https://registry.npmjs.org/sitemap/-/sitemap-9.0.1.tgz"
SITEMAP_PACKAGE_SHA256 = "413c182add50ef752a3a700a406eb3d8f0ef06bb4b80868563cea7d3ea620575"
CACHE = ROOT / "tests" / ".cache"


@pytest.fixture(scope="module")
def sample():
    """The sample content, checked, with every office."""
    return check(BuildOptions(content_dir=ROOT / "content"))


def figures(cells: list[str]) -> list[int]:
    """Read table cells printed with Persian digits and separators as whole numbers."""
    return [int(fa_to_en(cell).replace("٬", "")) for cell in cells]


def table_rows(html: str, caption: str) -> list[list[str]]:
    """Return the text of each row's cells in the table with this caption."""
    table = re.search(r"<caption>" + re.escape(caption) + r"</caption>(.*?)</table>", html, re.S)[1]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


def test_the_statistics_count_every_office_by_kind_status_and_license_on_the_build_date(sample_site, sample):
    offices = sample.offices
    html = (sample_site / "stats" / "index.html").read_text(encoding="utf-8")
    rows = table_rows(html, "دفاتر هر استان به تفکیک نوع و وضعیت")
    provinces, total = rows[1:-1], rows[-1]  # below the header row
    assert len(provinces) == len(sample.content.provinces)
    assert figures(total[1:3]) == [len(offices), sum(office.kind == "urban" for office in offices)]
    by_name = {province.name: province.id for province in sample.content.provinces}
    for row in provinces:
        mine = [office for office in offices if office.province_id == by_name[row[0]]]
        assert figures(row[1:2]) == [len(mine)]
        assert figures(row[-5:]) == [
            sum(office.status == status for office in mine)
            for status in ("active", "inactive", "under_review", "revoked", "pending")
        ]

    day = JalaliDate(1405, 9, 1).to_gregorian()  # SAMPLE_TODAY
    in_force = [
        office.license.expires.to_gregorian() for office in offices if office.license and office.status != "revoked"
    ]
    expired = sum(expires < day for expires in in_force)
    expiring = sum(0 <= (expires - day).days <= EXPIRY_WARNING_DAYS for expires in in_force)
    licenses = table_rows(html, "پروانه‌ها و خدمات دفاتر هر استان")[-1]
    assert figures(licenses[1:4]) == [expired, expiring, sum(office.status == "active" for office in offices)]
    assert expired and expiring  # the sample has both, so the figures are tested


def test_the_quota_chart_and_its_table_give_the_same_figures_per_county(sample_site, sample):
    html = (sample_site / "stats" / "gilan" / "index.html").read_text(encoding="utf-8")
    gilan = next(province for province in sample.content.provinces if province.id == "gilan")
    rows = table_rows(html, "دفاتر شهری فعال و سهمیه هر شهرستان")[1:-1]
    assert [row[0] for row in rows] == sorted([row[0] for row in rows], key=sort_key)
    for row in rows:
        county = next(county for county in gilan.counties if county.name == row[0])
        active_urban = sum(
            o.county_id == county.id and o.province_id == "gilan" and o.kind == "urban" and o.status == "active"
            for o in sample.offices
        )
        assert figures(row[1:4]) == [county.urban_population, active_urban, -(-county.urban_population // 3000)]
    charts = re.findall(r'<svg viewBox="[^"]+" role="img" aria-labelledby="([^"]+)">\s*<title id="\1">', html)
    assert charts == ["kinds-chart", "quota-chart"]
    quota_chart = html[html.index('aria-labelledby="quota-chart"') :]
    assert len(re.findall(r'<text class="label"', quota_chart[: quota_chart.index("</svg>")])) == len(rows)
    assert not re.search(r'(?:x|y|width|height|viewBox)="[^"]*[۰-۹]', html)  # SVG geometry keeps Latin digits


def test_places_without_an_active_office_are_listed(sample_site, sample):
    html = (sample_site / "stats" / "index.html").read_text(encoding="utf-8")
    section = html[html.index('id="without"') :]
    for province in sample.content.provinces:
        for county in province.counties:
            has_active = any(
                o.province_id == province.id and o.county_id == county.id and o.status == "active"
                for o in sample.offices
            )
            listed = f'>{county.name}</a> <span class="count">(استان {province.name})' in section
            assert listed == (not has_active), county.id


def test_the_open_data_package_is_valid_and_its_rows_equal_the_content(sample_site, sample):
    from frictionless import validate

    data = sample_site / "data"
    report = validate(str(data / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "type", "note"])[:10]
    rows = {task.name: task.stats["rows"] for task in report.tasks}
    content = sample.content
    holders = [o for o in sample.offices if o.status == "active" and o.license]
    expected = {
        "offices": len(sample.offices),
        "license-holders": len(holders),
        "services": len(content.services),
        "tariffs": sum(len(t.fees) for t in content.tariffs),
    }
    assert rows == {**expected, **{f"{name}-json": count for name, count in expected.items()}}

    raw = (data / "offices.csv").read_bytes()
    assert (
        raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    )  # Excel reads UTF-8 with a byte-order mark; RFC 4180 line ends
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [row["code"] for row in table] == [
        row["code"] for row in json.loads((data / "offices.json").read_text(encoding="utf-8"))
    ]
    office = next(o for o in sample.offices if o.license and o.location)
    row = next(row for row in table if row["code"] == office.code)
    assert (row["license_holder"], row["license_expires_gregorian"], float(row["latitude"])) == (
        office.license.holder.name,
        office.license.expires.to_gregorian().isoformat(),
        office.location.lat,
    )
    assert row["url"] == f"{content.settings.base_url}offices/{office.code}/"


def test_the_validator_would_catch_a_broken_file(sample_site, tmp_path):
    from frictionless import validate

    copy = shutil.copytree(sample_site / "data", tmp_path / "data")
    holders = copy / "license-holders.csv"
    lines = holders.read_bytes().split(b"\r\n")
    lines[1] = re.sub(rb"^((?:[^,]*,){4})\d+", rb"\g<1>99999999", lines[1])  # an office code no office has
    holders.write_bytes(b"\r\n".join(lines))
    errors = {error.type for task in validate(str(copy / "datapackage.json")).tasks for error in task.errors}
    assert {"foreign-key", "hash-count"} <= errors


def test_the_data_page_describes_every_column_and_the_license(sample_site):
    page = scan(sample_site / "data" / "index.html")
    html, text = (sample_site / "data" / "index.html").read_text(encoding="utf-8"), " ".join(page.text)
    package = json.loads((sample_site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            assert f'<code dir="ltr">{field["name"]}</code>' in html and en_to_fa(field["title"]) in text
    links = {value for tag, name, value in page.attributes if tag == "a" and name == "href"}
    assert package["licenses"][0]["path"] in links
    assert {f"/data/{resource['path']}" for resource in package["resources"]} | {"/data/datapackage.json"} <= links


@pytest.fixture(scope="module")
def sitemap_schema():
    """The sitemap XML Schema, from the sitemap package on npm."""
    schema = CACHE / "sitemap-9.0.1" / "sitemap.xsd"
    if not schema.is_file():
        try:
            with urllib.request.urlopen(SITEMAP_PACKAGE, timeout=30) as response:
                package = response.read()
        except OSError as error:
            require(
                False,
                "the sitemap schema",
                f"the npm registry is unreachable ({error}); it is fetched from {SITEMAP_PACKAGE}",
            )
        assert hashlib.sha256(package).hexdigest() == SITEMAP_PACKAGE_SHA256
        with tarfile.open(fileobj=io.BytesIO(package)) as archive:
            data = archive.extractfile("package/schema/sitemap.xsd").read()
        schema.parent.mkdir(parents=True, exist_ok=True)
        schema.write_bytes(data)
    return schema


# The sitemap schema lets a <url> hold elements of other namespaces only if a schema declares them; the
# w3.org XHTML schema cannot be fetched here, so this declares the one element Google's hreflang
# sitemaps use, with XHTML 1.0's attributes for it.
XHTML_LINK_SCHEMA = b"""<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/1999/xhtml"
            elementFormDefault="qualified">
  <xsd:element name="link">
    <xsd:complexType>
      <xsd:attribute name="rel" type="xsd:NMTOKEN" use="required" fixed="alternate"/>
      <xsd:attribute name="hreflang" type="xsd:string" use="required"/>
      <xsd:attribute name="href" type="xsd:anyURI" use="required"/>
    </xsd:complexType>
  </xsd:element>
</xsd:schema>
"""


def test_the_sitemap_is_valid_and_lists_every_page_but_the_boards_and_the_finders_with_its_twins(
    sample_site, sitemap_schema, tmp_path
):
    from lxml import etree

    (tmp_path / "xhtml-link.xsd").write_bytes(XHTML_LINK_SCHEMA)
    (tmp_path / "both.xsd").write_text(f"""<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:import namespace="http://www.sitemaps.org/schemas/sitemap/0.9" schemaLocation="{sitemap_schema.as_uri()}"/>
  <xsd:import namespace="http://www.w3.org/1999/xhtml" schemaLocation="{(tmp_path / "xhtml-link.xsd").as_uri()}"/>
</xsd:schema>""")
    document = etree.parse(str(sample_site / "sitemap.xml"))
    schema = etree.XMLSchema(etree.parse(str(tmp_path / "both.xsd")))
    assert schema.validate(document), schema.error_log
    base = "https://pishkhan.example.ir/"
    sitemap = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    listed = {url.findtext(f"{sitemap}loc").removeprefix(base): url for url in document.iter(f"{sitemap}url")}
    pages = {path.parent.relative_to(sample_site).as_posix() + "/" for path in sample_site.rglob("index.html")}
    pages = {"" if page == "./" else page for page in pages if not page.startswith("en/")}
    # A board repeats its office's page; a county's offices offering one service are a view of the county's page.
    assert set(listed) == {
        page
        for page in pages
        if not page.endswith("/board/") and not re.fullmatch(r"provinces/[^/]+/[^/]+/services/[^/]+/", page)
    }
    # Each lists its English twin, which exists, as an alternate; and itself, as the Persian one and the default.
    for path, url in listed.items():
        alternates = {link.get("hreflang"): link.get("href") for link in url.iter("{http://www.w3.org/1999/xhtml}link")}
        assert alternates == {"fa": base + path, "en": base + "en/" + path, "x-default": base + path}, path
        assert (sample_site / "en" / path / "index.html").is_file(), path
    assert f"Sitemap: {base}sitemap.xml" in (sample_site / "robots.txt").read_text()


def test_the_feed_gives_every_announcement_with_its_absolute_address(sample_site, sample):
    import feedparser

    feed = feedparser.parse((sample_site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    news = sample.content.news
    assert [entry.title for entry in feed.entries] == [en_to_fa(item.title) for item in news]
    for entry, item in zip(feed.entries, news):
        assert entry.link == f"https://pishkhan.example.ir/news/{item.slug}/"
        assert entry.updated.startswith(item.date.to_gregorian().isoformat())
        assert (sample_site / "news" / item.slug / "index.html").is_file()
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/atom+xml"' in home


SENTINELS = {
    "national_id": "9081726354",
    "mobile": "09190817263",
    "home_address": "SENTINELHOMEADDRESS",
    "email": "sentinel.private@example.org",
    "notes": "SENTINELNOTES",
}


def test_no_private_field_reaches_any_output_file(tmp_path):
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    offices = 0
    for path in (content / "provinces").glob("*/offices/*.yaml"):
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        for entry in entries:
            entry["private"] = dict(SENTINELS)  # a copy each: a shared dict would be dumped as a YAML alias
            offices += 1
        path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    output = tmp_path / "output"
    assert (
        main(["build", "--content", str(content), "--output", str(output), "--today", SAMPLE_TODAY, "--precompress"])
        == 0
    )
    assert offices > 100

    # A leak may show as written or with its digits in Persian or Arabic script, as pages print them.
    needles = {
        form.encode() for value in SENTINELS.values() for form in (value, en_to_fa(value), fa_to_ar(en_to_fa(value)))
    }
    files = [path for path in output.rglob("*") if path.is_file()]
    assert {path.suffix for path in files} >= {
        ".html",
        ".csv",
        ".json",
        ".xml",
        ".txt",
        ".gz",
        ".pf_fragment",
        ".pf_index",
        ".pf_meta",
    }
    leaks, searchable = [], b""
    for path in files:
        # gzip twins, and the search index's files, which Pagefind writes gzip-compressed
        data = (
            gzip.decompress(path.read_bytes())
            if path.suffix == ".gz" or path.suffix.startswith(".pf_")
            else path.read_bytes()
        )
        leaks += [f"{path.relative_to(output)}: {needle.decode()}" for needle in needles if needle in data]
        searchable += data if path.suffix == ".pf_fragment" else b""
    assert leaks == []
    assert "هادی شفیعی".encode() in searchable  # the walk reads the index's text: a public field of an office is there


def test_a_new_base_url_reaches_the_sitemap_address_and_the_feed_even_with_compiled_templates_kept(site):
    for base in ("https://one.example/", "https://two.example/sub/"):
        # --force: the output holds the build for the other base URL (test_preview.py)
        assert site.run("build", "--base-url", base, "--cache", "shared-cache", "--force").code == 0
        assert (site.root / "output" / "robots.txt").read_text().endswith(f"Sitemap: {base}sitemap.xml\n")
        assert f'<link rel="self" type="application/atom+xml" href="{base}feed.xml"/>' in (
            site.root / "output" / "feed.xml"
        ).read_text(encoding="utf-8")
