"""The content model: frozen dataclasses handed from validation to the rest of the program.

Nothing here reads files, and nothing private is here: `private:` fields never reach these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from persiantools.jdatetime import JalaliDate

from .pickling import pickle_by_fields

KINDS = ("urban", "rural", "police10", "kargozari")
STATUSES = ("active", "inactive", "under_review", "revoked", "pending")
HOLDER_TYPES = ("person", "company")
DAYS = ("sat", "sun", "mon", "tue", "wed", "thu", "fri")
DATA_LICENSES = ("CC-BY-4.0", "CC0-1.0", "ODbL-1.0")  # licenses the open data may be published under


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Hours on a set of weekdays (`sat` … `fri`)."""

    days: tuple[str, ...]
    opens: str
    closes: str


@dataclass(frozen=True, slots=True)
class Agency:
    """A service-providing agency (دستگاه خدمات‌دهنده)."""

    id: str
    name: str
    name_en: str | None = None
    website: str | None = None


@dataclass(frozen=True, slots=True)
class Service:
    """A government e-service that offices deliver (خدمت)."""

    id: str
    name: str
    agency_id: str
    specialised: bool = False
    documents: tuple[str, ...] = ()
    name_en: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Fee:
    """A fee in Rials, for urban and rural offices."""

    urban: int
    rural: int

    def for_kind(self, kind: str) -> int:
        """Return the fee an office of this kind charges (only rural offices take the rural fee)."""
        return self.rural if kind == "rural" else self.urban


@dataclass(frozen=True, slots=True)
class Tariff:
    """The approved fees of one Solar Hijri year (تعرفه)."""

    year: int
    effective: JalaliDate
    approval: str
    fees: dict[str, Fee]


@dataclass(frozen=True, slots=True)
class Directorate:
    """A provincial ICT directorate (اداره کل ارتباطات و فناوری اطلاعات استان)."""

    name: str
    address: str | None = None
    phone: str | None = None
    website: str | None = None
    email: str | None = None
    complaints_url: str | None = None


@dataclass(frozen=True, slots=True)
class Memorandum:
    """A memorandum of understanding (تفاهم‌نامه) that gives offices of some kinds an agency's services."""

    id: str
    title: str
    agency_id: str
    services_by_kind: dict[str, tuple[str, ...]]
    signed: JalaliDate | None = None
    title_en: str | None = None


@dataclass(frozen=True, slots=True)
class County:
    """A county (شهرستان) of a province."""

    id: str
    province_id: str
    name: str
    urban_population: int
    cities: tuple[str, ...] = ()
    name_en: str | None = None


@dataclass(frozen=True, slots=True)
class Province:
    """A province (استان): its directorate, working hours, counties and memoranda."""

    id: str
    name: str
    center: str
    directorate: Directorate
    hours: tuple[OpeningHours, ...]
    counties: tuple[County, ...]
    memoranda: tuple[Memorandum, ...] = ()
    name_en: str | None = None


@dataclass(frozen=True, slots=True)
class LicenseHolder:
    """The licensee (دارنده پروانه): a natural person or a legal entity."""

    name: str
    type: str  # person | company


@dataclass(frozen=True, slots=True)
class License:
    """An office's license (پروانه)."""

    number: str
    holder: LicenseHolder
    issued: JalaliDate
    expires: JalaliDate


@dataclass(frozen=True, slots=True)
class Location:
    """A point on the map."""

    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Office:
    """A counter-service office (دفتر پیشخوان) as published: no private field exists here."""

    code: str
    kind: str
    status: str
    province_id: str
    county_id: str
    services: tuple[str, ...]
    name: str | None = None
    city: str | None = None
    village: str | None = None
    address: str | None = None
    postal_code: str | None = None
    phone: str | None = None
    location: Location | None = None
    hours: tuple[OpeningHours, ...] | None = None
    license: License | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """A Markdown page such as about or complaints."""

    slug: str
    title: str
    body: str
    order: int = 0
    title_en: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class NewsItem:
    """An announcement with its Solar Hijri date."""

    slug: str
    title: str
    date: JalaliDate
    body: str
    summary: str | None = None
    province_id: str | None = None
    title_en: str | None = None


@dataclass(frozen=True, slots=True)
class SiteSettings:
    """What content/site.yaml says about the site."""

    title: str
    base_url: str
    languages: tuple[str, ...]
    tariff_year: int
    complaints_line: str
    office_quota: int = 3000
    data_license: str = "CC-BY-4.0"
    sample: bool = False
    title_en: str | None = None
    description: str | None = None
    description_en: str | None = None


@dataclass(frozen=True, slots=True)
class Content:
    """All validated content but the offices, which are kept and read county by county."""

    settings: SiteSettings
    agencies: tuple[Agency, ...]
    services: tuple[Service, ...]
    tariffs: tuple[Tariff, ...]
    provinces: tuple[Province, ...]
    pages: tuple[Page, ...] = ()
    news: tuple[NewsItem, ...] = field(default=())


pickle_by_fields(
    OpeningHours,
    Agency,
    Service,
    Fee,
    Tariff,
    Directorate,
    Memorandum,
    County,
    Province,
    LicenseHolder,
    License,
    Location,
    Office,
    Page,
    NewsItem,
    SiteSettings,
    Content,
)
