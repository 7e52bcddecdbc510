"""The content files' shapes: one Record per file type, read by `validate` and written out by `build.py schema`."""

from __future__ import annotations

from .errors import N_
from .fields import (
    BaseUrl,
    Boolean,
    Choice,
    Decimal,
    Digits,
    Either,
    Email,
    Integer,
    JalaliDateField,
    ListOf,
    MapOf,
    Phone,
    Record,
    Slug,
    Text,
    Time,
    Url,
)
from .models import DATA_LICENSES, DAYS, HOLDER_TYPES, KINDS, STATUSES

MAX_FEE = 10**12  # a trillion Rials: far above any counter fee, far below what formatting cannot handle
# The largest county (Tehran) has about 3,000 offices, and the catalogue about 700 services; lists beyond these
# limits are mistakes (see docs/content.md). Every other list and mapping holds at most fields.MAX_ITEMS.
MAX_OFFICES = 10_000
MAX_SERVICES = 5_000
LANGUAGES = ("fa", "en")

HOURS = ListOf(
    Record(
        {
            "days": ListOf(
                Choice(DAYS, noun=N_("day")),
                min_items=1,
                unique=True,
                description="days of the week: sat sun mon tue wed thu fri",
            ),
            "opens": Time(description="opening time, HH:MM"),
            "closes": Time(description="closing time, HH:MM"),
        },
        required=("days", "opens", "closes"),
        noun=N_("hours"),
    ),
    min_items=1,
    description="working hours: a list of {days, opens, closes}",
)

SITE = Record(
    {
        "title": Text("site title, in Persian"),
        "title_en": Text("site title, in English"),
        "description": Text("one sentence describing the site, for search engines"),
        "description_en": Text("the same sentence in English"),
        "base_url": BaseUrl("absolute address where the site is published, ending in /"),
        "languages": ListOf(
            Choice(LANGUAGES, noun=N_("language")),
            min_items=1,
            unique=True,
            description="languages; the first is the default",
        ),
        "tariff_year": Integer("Solar Hijri year of the tariff in force", minimum=1300, maximum=1499),
        "complaints_line": Digits("the complaints phone line, 195", min_length=3, max_length=11),
        "office_quota": Integer("urban residents per office in the placement quota", minimum=1),
        "data_license": Choice(
            DATA_LICENSES,
            noun=N_("data license"),
            description="license of the open data under /data/ (default CC-BY-4.0)",
        ),
        "sample": Boolean("true when the content is a sample, to show a banner"),
    },
    required=("title", "base_url", "languages", "tariff_year", "complaints_line"),
    noun=N_("site"),
    description="content/site.yaml: the site's settings",
)

AGENCY = Record(
    {
        "id": Slug("agency id"),
        "name": Text("Persian name"),
        "name_en": Text("English name"),
        "website": Url("the agency's website"),
    },
    required=("id", "name"),
    noun=N_("agency"),
)
AGENCIES = ListOf(AGENCY, description="content/agencies.yaml: the service-providing agencies")

SERVICE = Record(
    {
        "id": Slug("service id"),
        "name": Text("Persian name"),
        "name_en": Text("English name"),
        "agency": Slug("id of the agency that provides the service"),
        "specialised": Boolean("true for a specialised service that needs trained staff"),
        "documents": ListOf(Text(), description="documents the citizen brings"),
        "description": Text("one paragraph about the service"),
    },
    required=("id", "name", "agency"),
    noun=N_("service"),
)
SERVICES = ListOf(
    SERVICE, description="content/services.yaml: the service catalogue", max_items=MAX_SERVICES, items=N_("services")
)

RIALS = Integer("fee in Rials", maximum=MAX_FEE, unit=N_(" of Rials"))
FEE = Either(
    RIALS,
    Record({"urban": RIALS, "rural": RIALS}, required=("urban", "rural"), noun=N_("fee")),
    description="fee in Rials, or {urban, rural} when they differ",
)
TARIFF = Record(
    {
        "year": Integer("Solar Hijri year; equals the file name", minimum=1300, maximum=1499),
        "effective": JalaliDateField("date the tariff takes effect"),
        "approval": Text("approval reference: resolution number and date"),
        "fees": MapOf(Slug(), FEE, description="service id → fee in Rials", max_items=MAX_SERVICES),
    },
    required=("year", "effective", "approval", "fees"),
    noun=N_("tariff"),
    description="content/tariffs/<year>.yaml: the tariff of one Solar Hijri year",
)

SERVICE_IDS = ListOf(
    Slug("service id"), unique=True, description="service ids", max_items=MAX_SERVICES, items=N_("services")
)
MEMORANDUM = Record(
    {
        "id": Slug("memorandum id, unique in the province"),
        "title": Text("Persian title"),
        "title_en": Text("English title"),
        "agency": Slug("agency id"),
        "signed": JalaliDateField("date signed"),
        **{kind: SERVICE_IDS for kind in KINDS},
    },
    required=("id", "title", "agency"),
    noun=N_("memorandum"),
)
COUNTY = Record(
    {
        "id": Slug("county id; names the county's offices file"),
        "name": Text("Persian name"),
        "name_en": Text("English name"),
        "urban_population": Integer("urban residents of the county"),
        "cities": ListOf(Text(), unique=True, description="the county's cities"),
    },
    required=("id", "name", "urban_population"),
    noun=N_("county"),
)
PROVINCE = Record(
    {
        "name": Text("Persian name"),
        "name_en": Text("English name"),
        "center": Text("the province's capital city"),
        "directorate": Record(
            {
                "name": Text("name of the provincial ICT directorate"),
                "address": Text("postal address"),
                "phone": Phone("phone number"),
                "website": Url("website"),
                "email": Email("e-mail address"),
                "complaints_url": Url("the complaints section of the directorate's site"),
            },
            required=("name",),
            noun=N_("directorate"),
        ),
        "hours": HOURS,
        "counties": ListOf(COUNTY, min_items=1, description="all the counties of the province"),
        "memoranda": ListOf(MEMORANDUM, description="memoranda that bring agencies' services to offices"),
    },
    required=("name", "center", "directorate", "hours", "counties"),
    noun=N_("province"),
    description="content/provinces/<province>/province.yaml: a province, its counties and memoranda",
)

LICENSE = Record(
    {
        "number": Digits("license number", max_length=12),
        "holder": Record(
            {
                "name": Text("licensee's name"),
                "type": Choice(HOLDER_TYPES, noun=N_("holder type"), description="person or company"),
            },
            required=("name", "type"),
            noun=N_("holder"),
        ),
        "issued": JalaliDateField("date of issue"),
        "expires": JalaliDateField("date of expiry"),
    },
    required=("number", "holder", "issued", "expires"),
    noun=N_("license"),
)
OFFICE = Record(
    {
        "code": Digits("national office code, unique across the country", min_length=4, max_length=12),
        "kind": Choice(KINDS, noun=N_("kind of office")),
        "status": Choice(STATUSES, noun=N_("status")),
        "name": Text("the office's name"),
        "city": Text("city"),
        "village": Text("village (rural offices)"),
        "address": Text("street address"),
        "postal_code": Digits("postal code", length=10),
        "phone": Phone("phone number"),
        "location": Record(
            {
                "lat": Decimal("latitude", minimum=25.0, maximum=40.0),
                "lon": Decimal("longitude", minimum=44.0, maximum=63.5),
            },
            required=("lat", "lon"),
            noun=N_("location"),
        ),
        "hours": HOURS,
        "license": LICENSE,
        "services": Record(
            {"add": SERVICE_IDS, "remove": SERVICE_IDS},
            noun=N_("services"),
            description="services on top of the province's memoranda for this kind",
        ),
        "private": Record(
            {
                "national_id": Digits("licensee's national ID", length=10),
                "mobile": Phone("licensee's mobile"),
                "home_address": Text("licensee's home address"),
                "email": Email("licensee's e-mail"),
                "notes": Text("the directorate's notes"),
            },
            noun=N_("private"),
            description="kept for the directorate, never published",
        ),
    },
    required=("code", "kind", "status"),
    noun=N_("office"),
)
OFFICES = ListOf(
    OFFICE,
    description="content/provinces/<province>/offices/<county>.yaml: the offices of one county",
    max_items=MAX_OFFICES,
    items=N_("offices"),
)

PAGE = Record(
    {
        "title": Text("Persian title"),
        "title_en": Text("English title"),
        "description": Text("one sentence for search engines"),
        "order": Integer("position in the menu"),
    },
    required=("title",),
    noun=N_("page"),
    description="front matter of content/pages/<slug>.md",
)
NEWS = Record(
    {
        "title": Text("Persian title"),
        "title_en": Text("English title"),
        "date": JalaliDateField("date of the announcement"),
        "summary": Text("one or two sentences"),
        "province": Slug("id of the province the news is about"),
    },
    required=("title", "date"),
    noun=N_("news item"),
    description="front matter of content/news/<slug>.md",
)

# The file types editors write, by the name of their JSON Schema file.
FILE_TYPES = {
    "site": SITE,
    "agencies": AGENCIES,
    "services": SERVICES,
    "tariff": TARIFF,
    "province": PROVINCE,
    "offices": OFFICES,
    "page": PAGE,
    "news": NEWS,
}


def json_schemas() -> dict[str, dict]:
    """Return every file type's JSON Schema, keyed by file name."""
    return {
        f"{name}.schema.json": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": name,
            **spec.json_schema(),
        }
        for name, spec in FILE_TYPES.items()
    }
