"""Open data: the offices, license holders, services and tariffs as CSV and JSON, described by a Frictionless Data Package.

The offices and license holders are serialised county by county (`county_data`), so that a
build that changed one county serialises one county and joins the rest as text.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from persiantools.jdatetime import JalaliDate

from .labels import N_
from .models import County, Office, Province
from .pickling import pickle_by_fields
from .site import SiteGraph

FOLDER = "data/"
LICENSES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("Creative Commons Zero 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODbL-1.0": ("Open Data Commons Open Database License 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
}
# The data's words (its tables' titles and descriptions, `kind_fa` and `status_fa`) are Persian: an English message
# of the catalogues here, translated by the Persian catalogue for the files and by the page's for /en/data/.
LANGUAGE = "fa"


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a table: its name, its Table Schema type and what it holds (an English message)."""

    name: str
    type: str  # string | integer | number | boolean | date
    title: str


@dataclass(frozen=True, slots=True)
class Table:
    """A published table, written as `<name>.csv` and `<name>.json`; its title and description are English messages."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # column, table, its column

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def _columns(*specs: tuple[str, str]) -> tuple[Column, ...]:
    """Read columns written as ('name:type', title)."""
    return tuple(Column(*spec.split(":", 1), title) for spec, title in specs)


_PLACE = (
    ("province_id:string", N_("Province ID")),
    ("province:string", N_("Province")),
    ("county_id:string", N_("County ID")),
    ("county:string", N_("County")),
)
_LICENSE = (
    ("license_number:string", N_("License number")),
    ("license_holder:string", N_("License holder")),
    ("license_holder_type:string", N_("License holder type (person: natural person, company: legal entity)")),
    ("license_issued:string", N_("Issue date (Solar Hijri)")),
    ("license_issued_gregorian:date", N_("Issue date (Gregorian)")),
    ("license_expires:string", N_("Expiry date (Solar Hijri)")),
    ("license_expires_gregorian:date", N_("Expiry date (Gregorian)")),
)
OFFICES = Table(
    "offices",
    N_("Offices"),
    N_("Every counter-service office, Police +10 office and agency office, with its status, address and license."),
    _columns(
        ("code:string", N_("Office code")),
        ("name:string", N_("Office name")),
        ("kind:string", N_("Office type (urban, rural, police10, kargozari)")),
        ("kind_fa:string", N_("Office type in Persian")),
        ("status:string", N_("Status (active, inactive, under_review, revoked, pending)")),
        ("status_fa:string", N_("Status in Persian")),
        *_PLACE,
        ("city:string", N_("City")),
        ("village:string", N_("Village")),
        ("address:string", N_("Address")),
        ("postal_code:string", N_("Postal code")),
        ("phone:string", N_("Phone")),
        ("latitude:number", N_("Latitude")),
        ("longitude:number", N_("Longitude")),
        *_LICENSE,
        ("services_count:integer", N_("Number of services the office offers (listed on its page)")),
        ("url:string", N_("The office's page on the portal")),
    ),
    ("code",),
)
LICENSE_HOLDERS = Table(
    "license-holders",
    N_("License holders of active offices"),
    N_(
        "The license holders of active offices by province and county, as the provinces' ICT directorates publish them."
    ),
    _columns(
        *_PLACE,
        ("office_code:string", N_("Office code")),
        ("kind:string", N_("Office type")),
        ("kind_fa:string", N_("Office type in Persian")),
        *_LICENSE,
        ("url:string", N_("The office's page on the portal")),
    ),
    ("office_code",),
    (("office_code", "offices", "code"),),
)
SERVICES = Table(
    "services",
    N_("Services"),
    N_(
        "The offices' services with the agency providing each, this year's tariff and the number of active offices offering it."
    ),
    _columns(
        ("id:string", N_("Service ID")),
        ("name:string", N_("Service name")),
        ("name_en:string", N_("English name")),
        ("agency_id:string", N_("Agency ID")),
        ("agency:string", N_("Providing agency")),
        ("specialised:boolean", N_("Specialised service")),
        ("documents:string", N_("Required documents, separated by “ | ”")),
        ("fee_urban:integer", N_("This year's tariff at urban offices (rials)")),
        ("fee_rural:integer", N_("This year's tariff at rural offices (rials)")),
        ("active_offices:integer", N_("Number of active offices offering the service")),
        ("url:string", N_("The service's page on the portal")),
    ),
    ("id",),
)
TARIFFS = Table(
    "tariffs",
    N_("Tariffs"),
    N_(
        "Each service's tariff in each year, for urban and rural offices, with the date it took effect and its approval."
    ),
    _columns(
        ("year:integer", N_("Year")),
        ("effective:string", N_("Effective date (Solar Hijri)")),
        ("effective_gregorian:date", N_("Effective date (Gregorian)")),
        ("approval:string", N_("Approving resolution")),
        ("service_id:string", N_("Service ID")),
        ("service:string", N_("Service")),
        ("fee_urban:integer", N_("Tariff at urban offices (rials)")),
        ("fee_rural:integer", N_("Tariff at rural offices (rials)")),
    ),
    ("year", "service_id"),
    (("service_id", "services", "id"),),
)
TABLES = (OFFICES, LICENSE_HOLDERS, SERVICES, TARIFFS)
DATA_FILES = tuple(FOLDER + table.name + suffix for table in TABLES for suffix in (".csv", ".json")) + (
    FOLDER + "datapackage.json",
)


@dataclass(frozen=True, slots=True)
class Serialised:
    """Some rows of a table, as UTF-8 CSV lines and JSON objects separated by commas: bytes, which a build joins without decoding."""

    csv: bytes
    json: bytes
    rows: int


@dataclass(frozen=True, slots=True)
class CountyData:
    """One county's rows of the offices and license-holders tables."""

    offices: Serialised
    license_holders: Serialised


def county_data(
    province: Province, county: County, offices: Iterable[Office], base_url: str, words: dict[str, dict[str, str]]
) -> CountyData:
    """Serialise one county's offices and its active offices' license holders, in code order, with the `words` of the codes
    (`labels.translated` in the data's language)."""
    offices = sorted(offices, key=lambda office: office.code)
    place = (province.id, province.name, county.id, county.name)
    office_rows = [_office_row(office, place, base_url, words) for office in offices]
    holder_rows = [
        (
            *place,
            office.code,
            office.kind,
            words["KIND"][office.kind],
            *_license(office),
            f"{base_url}offices/{office.code}/",
        )
        for office in offices
        if office.status == "active" and office.license
    ]
    return CountyData(_serialise(OFFICES, office_rows), _serialise(LICENSE_HOLDERS, holder_rows))


def _office_row(office: Office, place: tuple, base_url: str, words: dict[str, dict[str, str]]) -> tuple:
    location = office.location
    return (
        office.code,
        office.name,
        office.kind,
        words["KIND"][office.kind],
        office.status,
        words["STATUS"][office.status],
        *place,
        office.city,
        office.village,
        office.address,
        office.postal_code,
        office.phone,
        location.lat if location else None,
        location.lon if location else None,
        *_license(office),
        # The count, not the list: 60 to 80 service ids an office made the national tables five times their size.
        len(office.services),
        f"{base_url}offices/{office.code}/",
    )


def _license(office: Office) -> tuple:
    license = office.license
    if license is None:
        return (None,) * 7
    return (license.number, license.holder.name, license.holder.type, *_dates(license.issued), *_dates(license.expires))


def _dates(date: JalaliDate) -> tuple[str, str]:
    """Return a Solar Hijri date as editors write it and as the Gregorian ISO date that spreadsheets read."""
    return f"{date.year:04d}/{date.month:02d}/{date.day:02d}", date.to_gregorian().isoformat()


def _serialise(table: Table, rows: list[tuple]) -> Serialised:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")  # RFC 4180, as spreadsheets expect
    writer.writerows(tuple(_csv_value(value) for value in row) for row in rows)
    objects = ",\n".join(
        json.dumps(dict(zip(table.names, row)), ensure_ascii=False, separators=(",", ":")) for row in rows
    )
    return Serialised(text.getvalue().encode("utf-8"), objects.encode("utf-8"), len(rows))


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): a name or address written
# =HYPERLINK(…) would run on the computer of whoever opens the file. As OWASP advises, such a text gets a single quote
# before it, which spreadsheets show as text; the JSON files keep every value exactly. Numbers are not text: they stay.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def catalogue_data(graph: SiteGraph) -> dict[str, Serialised]:
    """Serialise the services and every year's tariffs."""
    base_url = graph.content.settings.base_url
    active_offices: dict[str, int] = {}
    for counts in graph.counts.values():
        for service_id, offices in counts.active_by_service.items():
            active_offices[service_id] = active_offices.get(service_id, 0) + offices
    services = []
    for agency, listed in graph.site_wide.catalogue:
        for service in listed:
            fee = graph.site_wide.fee_in_force(service)
            services.append(
                (
                    service.id,
                    service.name,
                    service.name_en,
                    agency.id,
                    agency.name,
                    service.specialised,
                    " | ".join(service.documents) or None,
                    fee.urban if fee else None,
                    fee.rural if fee else None,
                    active_offices.get(service.id, 0),
                    f"{base_url}services/{service.id}/",
                )
            )
    tariffs = [
        (tariff.year, *_dates(tariff.effective), tariff.approval, service.id, service.name, fee.urban, fee.rural)
        for tariff in graph.site_wide.tariffs
        for _, fees in graph.site_wide.tariff_catalogue(tariff)
        for service, fee in fees
    ]
    return {SERVICES.name: _serialise(SERVICES, services), TARIFFS.name: _serialise(TARIFFS, tariffs)}


def data_files(
    graph: SiteGraph, counties: list[CountyData], gettext: Callable[[str], str]
) -> Iterator[tuple[str, bytes]]:
    """Yield every file of the open data (DATA_FILES) with its bytes, one at a time: a national table is tens of megabytes.

    `gettext` translates the tables' titles and descriptions into the data's language (LANGUAGE).
    """
    parts = {
        OFFICES.name: [county.offices for county in counties],
        LICENSE_HOLDERS.name: [county.license_holders for county in counties],
        **{name: [serialised] for name, serialised in catalogue_data(graph).items()},
    }
    resources = []
    for table in TABLES:
        header = io.StringIO()
        csv.writer(header, lineterminator="\r\n").writerow(table.names)
        # A byte-order mark, so that Excel reads the Persian as UTF-8.
        csv_bytes = ("\ufeff" + header.getvalue()).encode("utf-8") + b"".join(part.csv for part in parts[table.name])
        objects = b",\n".join(part.json for part in parts[table.name] if part.rows)
        json_bytes = b"[\n" + objects + b"\n]\n" if objects else b"[]\n"
        for suffix, data in ((".csv", csv_bytes), (".json", json_bytes)):
            resources.append(_resource(table, suffix, data, gettext))
            yield FOLDER + table.name + suffix, data
        del csv_bytes, json_bytes, data, objects  # before the next table is joined
    yield FOLDER + "datapackage.json", _package(graph, resources)


def _resource(table: Table, suffix: str, data: bytes, gettext: Callable[[str], str]) -> dict:
    """Describe one file as a Tabular Data Resource."""
    name = table.name if suffix == ".csv" else f"{table.name}-json"
    schema: dict = {
        "fields": [
            {"name": column.name, "type": column.type, "title": gettext(column.title)} for column in table.columns
        ],
        "primaryKey": list(table.primary_key),
    }
    if table.foreign_keys:
        # Foreign keys join the CSV files; the JSON files repeat them row for row.
        schema["foreignKeys"] = [
            {
                "fields": column,
                "reference": {"resource": other if suffix == ".csv" else f"{other}-json", "fields": other_column},
            }
            for column, other, other_column in table.foreign_keys
        ]
    resource = {
        "name": name,
        "path": table.name + suffix,
        "profile": "tabular-data-resource",
        "title": gettext(table.title),
        "description": gettext(table.description),
        "format": suffix[1:],
        "mediatype": "text/csv" if suffix == ".csv" else "application/json",
        "encoding": "utf-8",
        "schema": schema,
    }
    if suffix == ".csv":
        # Size and digest let a reader check a download; given for the CSV files, which Frictionless reads as bytes.
        resource.update(bytes=len(data), hash="sha256:" + hashlib.sha256(data).hexdigest())
        resource["dialect"] = {"delimiter": ",", "lineTerminator": "\r\n", "header": True}
    return resource


def _package(graph: SiteGraph, resources: list[dict]) -> bytes:
    settings = graph.content.settings
    title, path = LICENSES[settings.data_license]
    package = {
        "profile": "tabular-data-package",
        "name": "pishkhan-offices",
        "title": settings.title,
        "description": settings.description or settings.title,
        "homepage": settings.base_url + FOLDER,
        "created": graph.today.to_gregorian().isoformat() + "T00:00:00+03:30",
        "licenses": [{"name": settings.data_license, "title": title, "path": path}],
        "resources": resources,
    }
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


pickle_by_fields(Serialised, CountyData)
