"""The open data's tables: their columns, keys and titles, and the licenses the data may be published under.

Declared apart from their serialisation (opendata.py), so that the open data page's route can list
them without routes.py depending on what comes after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .labels import N_

LICENSES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("Creative Commons Zero 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODbL-1.0": ("Open Data Commons Open Database License 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
}


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
    return tuple(Column(name, kind, title) for spec, title in specs for name, kind in [spec.split(":", 1)])


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
_TRUST = (
    ("license_state:string", N_("License state on the build date (valid, expiring: within 90 days, expired, revoked)")),
    ("license_state_fa:string", N_("License state in Persian")),
    ("may_serve:boolean", N_("May offer services on the build date: active, with a license that has not expired")),
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
        *_TRUST,
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
        *_TRUST,
        ("url:string", N_("The office's page on the portal")),
    ),
    ("office_code",),
    (("office_code", "offices", "code"),),
)
SERVICES = Table(
    "services",
    N_("Services"),
    N_(
        "The offices' services with the agency providing each, this year's tariff and the number of offices that may "
        "offer it."
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
        (
            "active_offices:integer",
            N_("Number of offices that may offer the service: active, with a license that has not expired"),
        ),
        ("url:string", N_("The service's page on the portal")),
    ),
    ("id",),
)
TARIFFS = Table(
    "tariffs",
    N_("Tariffs"),
    N_(
        "Each service's tariff in each year, for urban and rural offices, with the date it took effect and its "
        "approval."
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
