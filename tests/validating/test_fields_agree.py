"""A content field is declared in four places, and they must agree for every field of every file type.

schema.py declares what an editor may write (read through fields.py, and written out as the JSON
Schemas), validate.py maps what it read onto models.py's dataclasses, which the site is built from,
and docs/content.md tells an editor. One declaration cannot serve them all: the models are shaped for
the pages (ids resolved, services worked out), the docs are prose. So these tests hold them together.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from conftest import ROOT

from site_builder import models, pipeline, schema
from site_builder.config import BuildOptions
from site_builder.fields import ListOf, Record

DOCS = (ROOT / "docs" / "content.md").read_text(encoding="utf-8")


def _section(heading: str) -> str:
    """Return the text of docs/content.md under the `## ` heading that starts with this, up to the next one."""
    parts = re.split(r"(?m)^## ", DOCS)
    found = [part for part in parts if part.startswith(heading)]
    assert len(found) == 1, f"docs/content.md has no single section {heading!r}"
    return found[0]


def _tables(heading: str) -> list[dict[str, str]]:
    """Return each `| key | required | meaning |` table of a section: key → its required column."""
    tables: list[dict[str, str]] = []
    for block in re.findall(r"(?m)^\| key \| required \|.*\n(?:\|.*\n?)*", _section(heading)):
        rows: dict[str, str] = {}
        for line in block.splitlines()[2:]:
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            for key in re.findall(r"`([a-z_0-9]+)`", cells[0]):  # "`city` / `village`" documents two keys
                rows[key] = cells[1]
        tables.append(rows)
    return tables


def _braces(text: str) -> list[str]:
    """Return the keys of the first `{a, b: {c}, d}` in a text, top level only."""
    inner = re.search(r"`\{(.*)\}`", text)
    assert inner, f"no {{keys}} in {text!r}"
    top = re.sub(r"\{[^{}]*\}", "", inner.group(1))
    return [key.strip().rstrip(":").strip() for key in top.split(",")]


def _row(heading: str, key: str) -> str:
    """Return the meaning column of one table row."""
    for line in _section(heading).splitlines():
        if line.startswith(f"| `{key}` |"):
            return line
    raise AssertionError(f"no row {key!r} under {heading!r}")


def _bullet(heading: str, start: str) -> list[str]:
    """Return the keys a bullet such as "- page: `title` (required), ..." names, up to its first full stop."""
    text = _section(heading)
    found = re.search(rf"(?ms)^- {start}: (.*?)\.(?: |\n)", text)
    assert found, f"no bullet {start!r} under {heading!r}"
    return re.findall(r"`([a-z_]+)`", found.group(1))


def _record(field: object) -> Record:
    return field.item if isinstance(field, ListOf) else field  # type: ignore[return-value]


def _model_fields(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


# Where a YAML key maps to a differently named model field, or a field lives on one side only.
# Each entry says why; the test fails if an entry is no longer needed, so the list stays true.
RENAMED = {
    ("service", "agency"): "agency_id",  # the model holds the id it resolved
    ("memorandum", "agency"): "agency_id",
    ("news", "province"): "province_id",
}
MODEL_ONLY = {
    "province": {"id"},  # the province's folder name
    "county": {"province_id"},  # the province it lies in, from its file's folder
    "office": {"province_id", "county_id"},  # from the offices file's folder and name
    "memorandum": {"services_by_kind"},  # gathers the keys named after the kinds of office
    "page": {"slug", "body"},  # the file name and the Markdown below the front matter
    "news": {"slug", "body"},
}
SCHEMA_ONLY = {
    "memorandum": set(models.KINDS),  # gathered into services_by_kind
    # `services` (add/remove) is folded into the office's services, which the model holds under the
    # same name; `private` is kept for the directorate and deliberately never reaches the model.
    "office": {"private"},
}

SITE = "`content/site.yaml`"
PROVINCE = "`content/provinces/<province>/province.yaml`"
OFFICES = "`content/provinces/<province>/offices/<county>.yaml`"
PAGES = "`content/pages/<slug>.md`"

# file type: (its Record in schema.py, its dataclass in models.py, the keys docs/content.md names)
TYPES = {
    "site": (schema.SITE, models.SiteSettings, lambda: _tables(SITE)[0]),
    "agency": (schema.AGENCY, models.Agency, lambda: _tables("`content/agencies.yaml`")[0]),
    "service": (schema.SERVICE, models.Service, lambda: _tables("`content/services.yaml`")[0]),
    "tariff": (schema.TARIFF, models.Tariff, lambda: _tables("`content/tariffs/")[0]),
    "province": (schema.PROVINCE, models.Province, lambda: _tables(PROVINCE)[0]),
    "memorandum": (schema.MEMORANDUM, models.Memorandum, lambda: _tables(PROVINCE)[1]),
    "county": (schema.COUNTY, models.County, lambda: _braces(_row(PROVINCE, "counties"))),
    "directorate": (
        schema.PROVINCE.fields["directorate"],
        models.Directorate,
        lambda: _braces(_row(PROVINCE, "directorate")),
    ),
    "hours": (schema.HOURS, models.OpeningHours, lambda: _braces(_section(PROVINCE).split("*Hours* is")[1])),
    "office": (schema.OFFICE, models.Office, lambda: _tables(OFFICES)[0]),
    "license": (schema.LICENSE, models.License, lambda: _braces(_row(OFFICES, "license"))),
    "holder": (
        schema.LICENSE.fields["holder"],
        models.LicenseHolder,
        lambda: re.findall(r"[a-z_]+", re.search(r"holder: \{([^}]*)\}", _row(OFFICES, "license"))[1]),  # type: ignore[index]
    ),
    "location": (schema.OFFICE.fields["location"], models.Location, lambda: _braces(_row(OFFICES, "location"))),
    "page": (schema.PAGE, models.Page, lambda: _bullet(PAGES, "page")),
    "news": (schema.NEWS, models.NewsItem, lambda: _bullet(PAGES, "news")),
}


@pytest.mark.parametrize("kind", TYPES)
def test_every_schema_key_has_a_model_field_and_back(kind):
    spec, model, _ = TYPES[kind]
    keys = set(_record(spec).fields) - SCHEMA_ONLY.get(kind, set())
    expected = {RENAMED.get((kind, key), key) for key in keys} | MODEL_ONLY.get(kind, set())
    assert expected == _model_fields(model)


@pytest.mark.parametrize("kind", TYPES)
def test_every_schema_key_has_a_docs_row_and_back(kind):
    spec, _, documented = TYPES[kind]
    assert set(documented()) == set(_record(spec).fields)


@pytest.mark.parametrize("kind", [kind for kind, (_, _, docs) in TYPES.items() if isinstance(docs(), dict)])
def test_the_docs_say_which_keys_are_required(kind):
    """A table's `yes` is a required key and `no` an optional one; other words name a rule checked elsewhere."""
    spec, _, documented = TYPES[kind]
    record = _record(spec)
    for key, required in documented().items():
        if required in ("yes", "no"):
            assert (required == "yes") == (key in record.required), f"{kind}.{key}: the docs say {required}"
        else:
            assert key not in record.required, f"{kind}.{key}: the docs say {required!r}, the schema requires it"


@pytest.mark.parametrize("kind", ["page", "news"])
def test_the_docs_say_which_front_matter_keys_are_required(kind):
    spec, _, _ = TYPES[kind]
    found = re.search(rf"(?ms)^- {kind}: (.*?)\.(?: |\n)", _section(PAGES))
    assert found
    said = set(re.findall(r"`([a-z_]+)` \([^)]*required", found.group(1)))
    assert said == set(spec.required)


def test_the_exceptions_are_all_still_needed():
    for (kind, key), field in RENAMED.items():
        assert key in _record(TYPES[kind][0]).fields and field in _model_fields(TYPES[kind][1])
    for kind, names in MODEL_ONLY.items():
        assert names <= _model_fields(TYPES[kind][1]) and not names & set(_record(TYPES[kind][0]).fields)
    for kind, names in SCHEMA_ONLY.items():
        assert names <= set(_record(TYPES[kind][0]).fields) and not names & _model_fields(TYPES[kind][1])


# Every key a file may hold, each set to something other than the model's default.
EVERY_KEY = {
    "site.yaml": """\
        title: درگاه آزمایشی
        title_en: Test portal
        description: درگاه شفافیت
        description_en: A transparency portal
        base_url: https://example.org/
        languages: [fa, en]
        tariff_year: 1405
        complaints_line: "195"
        office_quota: 2500
        data_license: CC0-1.0
        sample: true
        """,
    "agencies.yaml": """\
        - id: post
          name: شرکت ملی پست
          name_en: Iran Post
          website: https://post.ir/
        """,
    "services.yaml": """\
        - id: parcel
          name: ارسال مرسوله پستی
          name_en: Sending a parcel
          agency: post
          specialised: true
          documents: [کارت ملی]
          description: ارسال بسته
        """,
    "tariffs/1405.yaml": """\
        year: 1405
        effective: 1405/01/01
        approval: مصوبه شماره ۱۲
        fees:
          parcel: 120000
        """,
    "provinces/gilan/province.yaml": """\
        name: گیلان
        name_en: Gilan
        center: رشت
        directorate:
          name: اداره کل ارتباطات استان گیلان
          address: رشت، خیابان امام
          phone: "013-33333333"
          website: https://gilan.ict.gov.ir/
          email: info@gilan.ict.gov.ir
          complaints_url: https://gilan.ict.gov.ir/complaints
        hours:
          - days: [sat, sun]
            opens: "07:30"
            closes: "19:00"
        counties:
          - id: rasht
            name: رشت
            name_en: Rasht
            urban_population: 750000
            cities: [رشت]
          - id: lahijan
            name: لاهیجان
            urban_population: 110000
        memoranda:
          - id: post
            title: تفاهم‌نامه پست
            title_en: The post's memorandum
            agency: post
            signed: 1404/01/10
            urban: [parcel]
        """,
    "provinces/gilan/offices/rasht.yaml": """\
        - code: 13100123
          kind: urban
          status: active
          name: دفتر مرکزی
          city: رشت
          village: لاکان
          address: خیابان امام، پلاک ۱۲
          postal_code: "4133654321"
          phone: "013-33123456"
          location: {lat: 37.28, lon: 49.58}
          hours:
            - days: [sat]
              opens: "08:00"
              closes: "14:00"
          license:
            number: "1234"
            holder: {name: مریم احمدی, type: person}
            issued: 1398/04/12
            expires: 1408/04/11
          services: {add: [], remove: []}
        """,
    "pages/about.md": """\
        ---
        title: درباره
        title_en: About
        description: درباره این درگاه
        order: 2
        ---
        درباره این درگاه.
        """,
    "news/1405-08-01-opening.md": """\
        ---
        title: آغاز به کار
        title_en: Opening
        date: 1405/08/01
        summary: درگاه آغاز به کار کرد
        province: gilan
        ---
        متن خبر.
        """,
}


def _unset(obj: object) -> list[str]:
    """Return the fields of a model object left at their default, or empty."""
    unset = []
    for field in dataclasses.fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, field.name)
        if value in (None, (), {}, "") or (field.default is not dataclasses.MISSING and value == field.default):
            unset.append(field.name)
    return unset


def test_the_validator_carries_every_key_into_its_model_field(site):
    """A key validate.py read but did not pass on to the model would be left at its default here."""
    for name, text in EVERY_KEY.items():
        site.write(name, text)
    report = pipeline.check(BuildOptions(content_dir=site.content, today="1405/09/01"))
    assert [p.message for p in report.problems if p.is_error] == []
    content = report.content
    assert content is not None
    province = content.provinces[0]
    office = next(office for office in report.offices if office.county_id == "rasht")  # the one EVERY_KEY writes
    assert office.license is not None
    objects = {
        "site": content.settings,
        "agency": content.agencies[0],
        "service": content.services[0],
        "tariff": content.tariffs[0],
        "province": province,
        "directorate": province.directorate,
        "hours": province.hours[0],
        "county": province.counties[0],
        "memorandum": province.memoranda[0],
        "office": office,
        "license": office.license,
        "holder": office.license.holder,
        "location": office.location,
        "page": content.pages[0],
        "news": content.news[0],
    }
    assert set(objects) == set(TYPES)
    assert {kind: _unset(obj) for kind, obj in objects.items() if _unset(obj)} == {}
