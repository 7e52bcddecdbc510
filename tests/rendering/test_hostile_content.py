"""Hostile text in every text field of the content arrives as text in every output format, read with the format's own
parser: the pages and the search documents (lxml's HTML parser), JSON-LD (json), the SVG charts and the feed (lxml's
XML parser), and the open data (csv and json). One build of the tiny site, every field filled at once."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
import textwrap

import lxml.etree
import lxml.html
import pytest
import yaml

from site_builder import publish
from site_builder.opendata import FORMULA_STARTS
from site_builder.persian import latin_digits

# What each text field holds: markup, template syntax, an entity, a spreadsheet formula and the end of a CDATA section.
HOSTILE = (
    '</script><script>alert(1)</script> "><img src=x onerror=alert(1)> <svg onload=alert(1)> ]]> {{7*7}} &amp; '
    "'-prompt(1)-'"
)
STARTS = ("=", "+", "-", "@")  # a formula's first character, one per field in turn
URL = 'https://example.org/"><svg/onload=alert(1)>'  # a web address may hold quotes and angle brackets
EMAIL = '"><svg/onload=alert(1)>@example.org'
FIELDS: list[str] = []


def hostile(field: str) -> str:
    """Return the hostile value of one field: a formula, the markup, and the field's name, which makes it its own."""
    FIELDS.append(field)
    return f'{STARTS[len(FIELDS) % len(STARTS)]}HYPERLINK("http://x") {HOSTILE} {field}'


SITE = {
    "title": hostile("site-title"),
    "title_en": hostile("site-title-en"),
    "description": hostile("site-description"),
    "description_en": hostile("site-description-en"),
    "base_url": "https://example.org/",
    "languages": ["fa", "en"],
    "tariff_year": 1405,
    "complaints_line": "195",
}
AGENCIES = [{"id": "post", "name": hostile("agency-name"), "name_en": hostile("agency-name-en"), "website": URL}]
SERVICES = [
    {
        "id": "parcel",
        "name": hostile("service-name"),
        "name_en": hostile("service-name-en"),
        "agency": "post",
        "documents": [hostile("document-1"), hostile("document-2")],
        "description": hostile("service-description"),
    }
]
TARIFF = {"year": 1405, "effective": "1405/01/01", "approval": hostile("tariff-approval"), "fees": {"parcel": 120000}}
PROVINCE = {
    "name": hostile("province-name"),
    "name_en": hostile("province-name-en"),
    "center": hostile("province-center"),
    "directorate": {
        "name": hostile("directorate-name"),
        "address": hostile("directorate-address"),
        "phone": "013-33333333",
        "website": URL,
        "email": EMAIL,
        "complaints_url": URL,
    },
    "hours": [{"days": ["sat", "sun"], "opens": "07:30", "closes": "19:00"}],
    "counties": [
        {
            "id": "rasht",
            "name": hostile("county-name"),
            "name_en": hostile("county-name-en"),
            "urban_population": 750000,
            "cities": [hostile("city-name")],
        }
    ],
    "memoranda": [
        {
            "id": "post",
            "title": hostile("memorandum-title"),
            "title_en": hostile("memorandum-title-en"),
            "agency": "post",
            "urban": ["parcel"],
            "rural": ["parcel"],
        }
    ],
}
OFFICES = [
    {
        "code": "13100123",
        "kind": "urban",
        "status": "active",
        "name": hostile("office-name"),
        "city": PROVINCE["counties"][0]["cities"][0],
        "address": hostile("office-address"),
        "phone": "013-33123456",
        "license": {
            "number": "1234",
            "holder": {"name": hostile("holder-name"), "type": "person"},
            "issued": "1398/04/12",
            "expires": "1410/04/11",
        },
    },
    {
        "code": "13100124",
        "kind": "rural",
        "status": "active",
        "village": hostile("office-village"),
        "license": {
            "number": "1235",
            "holder": {"name": hostile("holder-name-2"), "type": "company"},
            "issued": "1398/04/12",
            "expires": "1410/04/11",
        },
    },
]
PAGE = {
    "title": hostile("page-title"),
    "title_en": hostile("page-title-en"),
    "description": hostile("page-description"),
    "order": 1,
}
NEWS = {
    "title": hostile("news-title"),
    "title_en": hostile("news-title-en"),
    "date": "1405/08/01",
    "summary": hostile("news-summary"),
}
# Markdown bodies: the same markup as text, and a javascript: link, which the sanitiser must drop.
BODY = textwrap.dedent("""\
    {hostile}

    - {hostile}
    - [a javascript link](javascript:alert(1))

    > <script>alert(2)</script>
    """)
TEXT_IN_BODIES = (
    "</script><script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "]]>",
    "{{7*7}}",
    "<script>alert(2)</script>",
)


NOT_SHOWN = ["province-center"]  # read and checked, but no page shows it


def dumped(value) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=10_000)


@pytest.fixture
def hostile_site(site, monkeypatch):
    """The tiny site with a hostile value in every text field, built; the search documents given to Pagefind kept."""
    for path in site.content.rglob("*"):
        if path.is_file():
            path.unlink()
    site.write("site.yaml", dumped(SITE))
    site.write("agencies.yaml", dumped(AGENCIES))
    site.write("services.yaml", dumped(SERVICES))
    site.write("tariffs/1405.yaml", dumped(TARIFF))
    site.write("provinces/gilan/province.yaml", dumped(PROVINCE))
    site.write("provinces/gilan/offices/rasht.yaml", dumped(OFFICES))
    site.write("pages/about.md", f"---\n{dumped(PAGE)}---\n{BODY.format(hostile=hostile('page-body'))}")
    site.write("news/1405-08-01-opening.md", f"---\n{dumped(NEWS)}---\n{BODY.format(hostile=hostile('news-body'))}")
    documents = []

    def index(found):
        documents.extend(found)
        return real_index(documents)

    real_index = publish.index
    monkeypatch.setattr(publish, "index", index)
    result = site.run("build", "--today", "1405/09/01", "--jobs", "1")
    assert result.code == 0, result.err
    assert result.problems == [], result.err
    site.documents = documents
    return site


def field_values() -> dict[str, str]:
    """Every field's hostile value, by field name."""
    values = {}
    for section in (
        SITE,
        PROVINCE,
        PROVINCE["directorate"],
        PAGE,
        NEWS,
        *AGENCIES,
        *SERVICES,
        TARIFF,
        *PROVINCE["counties"],
        *PROVINCE["memoranda"],
        *OFFICES,
        *(office["license"]["holder"] for office in OFFICES),
    ):
        for value in section.values():
            for text in value if isinstance(value, list) else [value]:
                if isinstance(text, str) and text.startswith(STARTS) and "HYPERLINK" in text:
                    values[text.rsplit(" ", 1)[1]] = text
    return values


def same_digits(text: str) -> str:
    """Pages show digits in the page's language: compare with Latin digits."""
    return latin_digits(text)


def injected(root) -> list[str]:
    """Return what in a parsed page only content read as markup can make: handlers, scripts, images, javascript:."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        found += [f"<{element.tag} {name}>" for name in element.attrib if name.lower().startswith("on")]
        if element.tag == "script" and not element.get("src") and element.get("type") != "application/ld+json":
            found.append(f"<script>{element.text}")
        if element.tag in ("img", "iframe", "object", "embed"):
            found.append(f"<{element.tag}>")
        found += [
            f"<{element.tag} {name}={value}>"
            for name, value in element.attrib.items()
            if value.strip().lower().startswith("javascript:")
        ]
    return found


def page_text(root) -> str:
    """Return a page's text and its attributes' values, as a reader and a browser see them."""
    attributes = " ".join(
        value for element in root.iter() if isinstance(element.tag, str) for value in element.attrib.values()
    )
    return same_digits(root.text_content() + " " + attributes)


def test_every_field_reaches_the_pages_as_text_and_injects_nothing(hostile_site):
    pages = sorted(path for path in (hostile_site.root / "output").rglob("*.html"))
    assert len(pages) > 30
    seen = []
    for path in pages:
        root = lxml.html.document_fromstring(path.read_bytes())
        assert injected(root) == [], path
        seen.append(page_text(root))
    everything = "\n".join(seen)
    missing = [field for field, value in field_values().items() if same_digits(value) not in everything]
    assert missing == NOT_SHOWN
    for text in TEXT_IN_BODIES:
        assert same_digits(text) in everything


def test_json_ld_parses_and_holds_the_exact_values(hostile_site):
    strings = set()

    def collect(value):
        if isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, str):
            strings.add(value)

    blocks = 0
    for path in (hostile_site.root / "output").rglob("*.html"):
        for script in lxml.html.document_fromstring(path.read_bytes()).iter("script"):
            if script.get("type") == "application/ld+json":
                collect(json.loads(script.text))
                blocks += 1
    assert blocks >= 4
    values = field_values()
    for field in (
        "service-name",
        "service-name-en",
        "service-description",
        "agency-name",
        "office-address",
        "office-village",
        "province-name",
    ):
        assert values[field] in strings, field
    assert URL in strings


def test_the_svg_charts_are_well_formed_xml_that_shows_the_names_as_text(hostile_site):
    labels = []
    for path in (hostile_site.root / "output" / "stats").rglob("*.html"):
        for svg in re.findall(r"<svg .*?</svg>", path.read_text(encoding="utf-8"), re.DOTALL):
            root = lxml.etree.fromstring(svg)
            assert injected(root) == []
            labels.append(same_digits(" ".join(root.itertext())))
    assert len(labels) >= 4
    for field in ("province-name", "county-name"):
        assert same_digits(field_values()[field]) in "\n".join(labels), field


def test_the_feed_is_well_formed_and_its_entries_hold_the_text(hostile_site):
    feed = lxml.etree.parse(str(hostile_site.root / "output" / "feed.xml"))
    atom = {"atom": "http://www.w3.org/2005/Atom"}
    values = field_values()
    assert same_digits(feed.findtext("atom:entry/atom:title", namespaces=atom)) == same_digits(values["news-title"])
    assert same_digits(feed.findtext("atom:entry/atom:summary", namespaces=atom)) == same_digits(values["news-summary"])
    content = lxml.html.fragment_fromstring(
        feed.findtext("atom:entry/atom:content", namespaces=atom), create_parent="div"
    )
    assert injected(content) == []
    for text in TEXT_IN_BODIES:
        assert same_digits(text) in same_digits(content.text_content())


def test_the_csv_files_run_no_formula_and_the_json_files_are_exact(hostile_site):
    data = hostile_site.root / "output" / "data"
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    values = field_values()
    cells, objects = set(), []
    for resource in package["resources"]:
        body = (data / resource["path"]).read_bytes()
        if resource["format"] == "json":
            objects += json.loads(body)
            continue
        assert resource["hash"] == "sha256:" + hashlib.sha256(body).hexdigest() and resource["bytes"] == len(body)
        types = {field["name"]: field["type"] for field in resource["schema"]["fields"]}
        for row in csv.DictReader(body.decode("utf-8-sig").splitlines()):
            for column, cell in row.items():
                if types[column] == "string":
                    assert not cell.startswith(FORMULA_STARTS), (resource["path"], column, cell)
                    cells.add(cell)
                else:  # numbers stay numbers
                    assert not cell.startswith("'"), (resource["path"], column, cell)
    exact = {value for row in objects for value in row.values() if isinstance(value, str)}
    for field in (
        "office-name",
        "office-address",
        "office-village",
        "holder-name",
        "holder-name-2",
        "county-name",
        "province-name",
        "service-name",
        "service-name-en",
        "agency-name",
        "tariff-approval",
    ):
        assert "'" + values[field] in cells, field
        assert values[field] in exact, field


def test_the_search_documents_hold_the_text_and_no_markup_it_brought(hostile_site):
    assert len(hostile_site.documents) >= 5
    everything = []
    for document in hostile_site.documents:
        root = lxml.html.document_fromstring(document)
        assert injected(root) == []
        everything.append(page_text(root))
    everything = "\n".join(everything)
    for field in (
        "office-address",
        "office-village",
        "holder-name",
        "county-name",
        "province-name",
        "service-name",
        "agency-name",
        "page-title",
        "news-title",
    ):
        assert same_digits(field_values()[field]) in everything, field
    bundle = hostile_site.root / "output" / "pagefind" / "fragment"
    fragments = "".join(gzip.decompress(path.read_bytes()).decode("utf-8") for path in bundle.iterdir())
    assert "alert(1)" in fragments  # Pagefind indexed the markup as words, which it could not have had it been a script


def test_a_javascript_address_is_refused_where_an_address_belongs(site):
    site.write("agencies.yaml", "- id: post\n  name: پست\n  website: javascript:alert(1)\n")
    result = site.check()
    assert (
        "content/agencies.yaml:3:12: error: website: 'javascript:alert(1)' is not a web address: write it in full, "
        "starting with https://"
    ) in result.problems
