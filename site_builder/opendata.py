"""Open data: the offices, license holders, services and tariffs as CSV and JSON, described by a Frictionless Data
Package.

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

from .datatables import LICENSE_HOLDERS, LICENSES, OFFICES, SERVICES, TABLES, TARIFFS, Table
from .models import County, Office, Province
from .pickling import pickle_by_fields
from .routes import data_file, url_of
from .site import SiteGraph, SiteWide, offering_on

# The data's words (its tables' titles and descriptions, `kind_fa` and `status_fa`) are Persian: an English message
# of the catalogues here, translated by the Persian catalogue for the files and by the page's for /en/data/.
LANGUAGE = "fa"
PACKAGE = "datapackage.json"
DATA_FILES = (
    *(data_file(table.name + suffix) for table in TABLES for suffix in (".csv", ".json")),
    data_file(PACKAGE),
)
Row = dict[str, object]  # a table's row: its values by column name, in the table's order of columns


@dataclass(frozen=True, slots=True)
class Serialised:
    """Some rows of a table, as UTF-8 CSV lines and JSON objects separated by commas: bytes, which a build joins
    without decoding."""

    csv: bytes
    json: bytes
    rows: int


@dataclass(frozen=True, slots=True)
class CountyData:
    """One county's rows of the offices and license-holders tables."""

    offices: Serialised
    license_holders: Serialised


def county_data(
    province: Province,
    county: County,
    offices: Iterable[Office],
    base_url: str,
    words: dict[str, dict[str, str]],
    site_wide: SiteWide,
) -> CountyData:
    """Serialise one county's offices and its active offices' license holders, in code order, with the `words` of the
    codes (`labels.translated` in the data's language) and their license states on the build date."""
    offices = sorted(offices, key=lambda office: office.code)
    place: Row = {"province_id": province.id, "province": province.name, "county_id": county.id, "county": county.name}
    office_rows = [_office_row(office, place, base_url, words, site_wide) for office in offices]
    holder_rows: list[Row] = [
        {
            **place,
            "office_code": office.code,
            "kind": office.kind,
            "kind_fa": words["KIND"][office.kind],
            **_license(office),
            **_trust(office, words, site_wide),
            "url": base_url + url_of(office),
        }
        for office in offices
        if office.status == "active" and office.license
    ]
    return CountyData(_serialise(OFFICES, office_rows), _serialise(LICENSE_HOLDERS, holder_rows))


def _office_row(
    office: Office, place: Row, base_url: str, words: dict[str, dict[str, str]], site_wide: SiteWide
) -> Row:
    location = office.location
    return {
        "code": office.code,
        "name": office.name,
        "kind": office.kind,
        "kind_fa": words["KIND"][office.kind],
        "status": office.status,
        "status_fa": words["STATUS"][office.status],
        **place,
        "city": office.city,
        "village": office.village,
        "address": office.address,
        "postal_code": office.postal_code,
        "phone": office.phone,
        "latitude": location.lat if location else None,
        "longitude": location.lon if location else None,
        **_license(office),
        **_trust(office, words, site_wide),
        # The count, not the list: 60 to 80 service ids an office made the national tables five times their size.
        "services_count": len(office.services),
        "url": base_url + url_of(office),
    }


def _license(office: Office) -> Row:
    license = office.license
    issued, issued_gregorian = _dates(license.issued) if license else (None, None)
    expires, expires_gregorian = _dates(license.expires) if license else (None, None)
    return {
        "license_number": license.number if license else None,
        "license_holder": license.holder.name if license else None,
        "license_holder_type": license.holder.type if license else None,
        "license_issued": issued,
        "license_issued_gregorian": issued_gregorian,
        "license_expires": expires,
        "license_expires_gregorian": expires_gregorian,
    }


def _trust(office: Office, words: dict[str, dict[str, str]], site_wide: SiteWide) -> Row:
    """Return an office's license state on the build date and whether it may serve, as the site's pages show them."""
    state = site_wide.license_state(office)
    return {
        "license_state": state,
        "license_state_fa": words["LICENSE_STATE"][state] if state else None,
        "may_serve": site_wide.may_serve(office),
    }


def _dates(date: JalaliDate) -> tuple[str, str]:
    """Return a Solar Hijri date as editors write it and as the Gregorian ISO date that spreadsheets read."""
    return f"{date.year:04d}/{date.month:02d}/{date.day:02d}", date.to_gregorian().isoformat()


class RowMismatch(ValueError):
    """A row whose columns are not its table's declared columns, in their order: a mistake in this program."""


def _serialise(table: Table, rows: list[Row]) -> Serialised:
    for row in rows:
        if tuple(row) != table.names:
            raise RowMismatch(
                f"a row of {table.name} has the columns {list(row)}, not the declared {list(table.names)}"
            )
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")  # RFC 4180, as spreadsheets expect
    writer.writerows(tuple(_csv_value(value) for value in row.values()) for row in rows)
    objects = ",\n".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows)
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
    today = graph.today.to_gregorian().toordinal()
    for counts in graph.counts.values():
        for service_id, offices in offering_on(counts, today).items():
            active_offices[service_id] = active_offices.get(service_id, 0) + offices
    site_wide = graph.site_wide
    services: list[Row] = []
    for agency, listed in site_wide.catalogue:
        for service in listed:
            fee = site_wide.fee_in_force(service)
            services.append(
                {
                    "id": service.id,
                    "name": service.name,
                    "name_en": service.name_en,
                    "agency_id": agency.id,
                    "agency": agency.name,
                    "specialised": service.specialised,
                    "documents": " | ".join(service.documents) or None,
                    "fee_urban": fee.urban if fee else None,
                    "fee_rural": fee.rural if fee else None,
                    "active_offices": active_offices.get(service.id, 0),
                    "url": base_url + url_of(service),
                }
            )
    tariffs: list[Row] = [
        {
            "year": tariff.year,
            "effective": effective,
            "effective_gregorian": effective_gregorian,
            "approval": tariff.approval,
            "service_id": service.id,
            "service": service.name,
            "fee_urban": fee.urban,
            "fee_rural": fee.rural,
        }
        for tariff in site_wide.tariffs
        for effective, effective_gregorian in [_dates(tariff.effective)]
        for _, fees in site_wide.tariff_catalogue(tariff)
        for service, fee in fees
    ]
    return {SERVICES.name: _serialise(SERVICES, services), TARIFFS.name: _serialise(TARIFFS, tariffs)}


def data_files(
    graph: SiteGraph, counties: list[CountyData], gettext: Callable[[str], str]
) -> Iterator[tuple[str, bytes]]:
    """Yield every file of the open data (DATA_FILES) with its bytes, one at a time: a national table is tens of
    megabytes.

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
            yield data_file(table.name + suffix), data
        del csv_bytes, json_bytes, data, objects  # before the next table is joined
    yield data_file(PACKAGE), _package(graph, resources)


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
    resource: dict[str, object] = {
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
        "homepage": settings.base_url + url_of("data"),
        "created": graph.today.to_gregorian().isoformat() + "T00:00:00+03:30",
        "licenses": [{"name": settings.data_license, "title": title, "path": path}],
        "resources": resources,
    }
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


pickle_by_fields(Serialised, CountyData)
