"""The site graph: the content model indexed the ways pages look it up, and the facts derived from it."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from persiantools.jdatetime import JalaliDate

from .models import KINDS, STATUSES, Agency, Content, County, Fee, Office, OpeningHours, Province, Service, Tariff
from .persian import sort_key
from .pickling import pickle_by_fields

EXPIRY_WARNING_DAYS = 90


@dataclass(frozen=True, slots=True)
class CountySummary:
    """A county with its offices, in code order, and their counts by kind and status."""

    county: County
    offices: tuple[Office, ...]
    by_kind: dict[str, int]
    by_status: dict[str, int]

    @property
    def licensed_active(self) -> tuple[Office, ...]:
        """Return the active offices, whose license holders the directorates publish."""
        return tuple(office for office in self.offices if office.status == "active" and office.license)


@dataclass(frozen=True, slots=True)
class CountyReach:
    """How many active offices of a county offer a service."""

    county: County
    offices: int


@dataclass(frozen=True, slots=True)
class ProvinceReach:
    """Where in a province a service is offered."""

    province: Province
    counties: tuple[CountyReach, ...]

    @property
    def offices(self) -> int:
        return sum(county.offices for county in self.counties)


@dataclass(frozen=True, slots=True)
class FeeInYear:
    """A service's fee in one year's tariff."""

    tariff: Tariff
    fee: Fee


@dataclass(frozen=True, slots=True)
class Figures:
    """National totals for the home page."""

    offices: int
    by_kind: dict[str, int]
    by_status: dict[str, int]
    services: int
    agencies: int
    counties: int


@dataclass(frozen=True, slots=True)
class SiteGraph:
    """Everything the routes and templates need, looked up once."""

    content: Content
    today: JalaliDate
    provinces: tuple[Province, ...]                     # in Persian alphabetical order
    province_by_id: dict[str, Province]
    counties: dict[tuple[str, str], CountySummary]
    offices: dict[str, Office]
    services: dict[str, Service]
    agencies: dict[str, Agency]
    catalogue: tuple[tuple[Agency, tuple[Service, ...]], ...]  # agencies and their services, Persian order
    tariffs: tuple[Tariff, ...]                         # newest first
    tariff_in_force: Tariff
    reach: dict[str, tuple[ProvinceReach, ...]]         # service id -> where active offices offer it
    figures: Figures

    def counties_of(self, province: Province) -> list[CountySummary]:
        """Return a province's counties in Persian alphabetical order."""
        summaries = [self.counties[(province.id, county.id)] for county in province.counties]
        return sorted(summaries, key=lambda summary: sort_key(summary.county.name))

    def county_of(self, office: Office) -> CountySummary:
        return self.counties[(office.province_id, office.county_id)]

    def fee(self, service_id: str, kind: str) -> int | None:
        """Return the fee in force for a service at an office of this kind, or None when the tariff has none."""
        fee = self.tariff_in_force.fees.get(service_id)
        return fee.for_kind(kind) if fee else None

    def fee_history(self, service: Service) -> list[FeeInYear]:
        """Return a service's fee in each year's tariff, newest first."""
        return [FeeInYear(tariff, tariff.fees[service.id]) for tariff in self.tariffs if service.id in tariff.fees]

    def fee_in_force(self, service: Service) -> Fee | None:
        """Return a service's urban and rural fee in the tariff in force."""
        return self.tariff_in_force.fees.get(service.id)

    def services_of(self, agency: Agency) -> tuple[Service, ...]:
        return next(services for listed, services in self.catalogue if listed.id == agency.id)

    def tariff_catalogue(self, tariff: Tariff) -> list[tuple[Agency, list[tuple[Service, Fee]]]]:
        """Return a tariff's fees by agency, in catalogue order, leaving out agencies it has no fee for."""
        listed = [(agency, [(s, tariff.fees[s.id]) for s in services if s.id in tariff.fees]) for agency, services in self.catalogue]
        return [(agency, fees) for agency, fees in listed if fees]

    def hours_of(self, office: Office) -> tuple[OpeningHours, ...]:
        """Return an office's own hours, or its province's where it keeps those."""
        return office.hours or self.province_by_id[office.province_id].hours

    def license_state(self, office: Office) -> str | None:
        """Return 'revoked', 'expired', 'expiring' (within 90 days of the build date) or 'valid'; None without a license."""
        if office.license is None:
            return None
        if office.status == "revoked":
            return "revoked"
        days_left = (office.license.expires.to_gregorian() - self.today.to_gregorian()).days
        if days_left < 0:
            return "expired"
        return "expiring" if days_left <= EXPIRY_WARNING_DAYS else "valid"


def counted(values, order: tuple[str, ...]) -> dict[str, int]:
    """Count values, keyed in a fixed order, leaving out what does not occur."""
    counts = Counter(values)
    return {key: counts[key] for key in order if counts[key]}


def build_graph(content: Content, today: JalaliDate) -> SiteGraph:
    """Index the content model for rendering."""
    by_county: dict[tuple[str, str], list[Office]] = defaultdict(list)
    for office in content.offices:
        by_county[(office.province_id, office.county_id)].append(office)
    counties = {}
    for province in content.provinces:
        for county in province.counties:
            offices = tuple(sorted(by_county[(province.id, county.id)], key=lambda office: office.code))
            counties[(province.id, county.id)] = CountySummary(
                county, offices, counted((o.kind for o in offices), KINDS), counted((o.status for o in offices), STATUSES)
            )
    provinces = tuple(sorted(content.provinces, key=lambda province: sort_key(province.name)))
    services_by_agency = defaultdict(list)
    for service in content.services:
        services_by_agency[service.agency_id].append(service)
    catalogue = tuple(
        (agency, tuple(sorted(services_by_agency[agency.id], key=lambda service: sort_key(service.name))))
        for agency in sorted(content.agencies, key=lambda agency: sort_key(agency.name))
    )
    tariffs = tuple(sorted(content.tariffs, key=lambda tariff: tariff.year, reverse=True))
    return SiteGraph(
        content=content,
        today=today,
        provinces=provinces,
        province_by_id={province.id: province for province in provinces},
        counties=counties,
        offices={office.code: office for office in content.offices},
        services={service.id: service for service in content.services},
        agencies={agency.id: agency for agency in content.agencies},
        catalogue=catalogue,
        tariffs=tariffs,
        tariff_in_force=next(t for t in tariffs if t.year == content.settings.tariff_year),
        reach=_reach(content, provinces),
        figures=Figures(
            offices=len(content.offices),
            by_kind=counted((o.kind for o in content.offices), KINDS),
            by_status=counted((o.status for o in content.offices), STATUSES),
            services=len(content.services),
            agencies=len(content.agencies),
            counties=len(counties),
        ),
    )


def _reach(content: Content, provinces: tuple[Province, ...]) -> dict[str, tuple[ProvinceReach, ...]]:
    """Count, for each service, the active offices offering it in each county."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for office in content.offices:
        if office.status == "active":
            for service_id in office.services:
                counts[(service_id, office.province_id, office.county_id)] += 1
    counties_in_order = [(province, sorted(province.counties, key=lambda county: sort_key(county.name))) for province in provinces]
    reach = {}
    for service in content.services:
        places = []
        for province, counties in counties_in_order:
            offering = tuple(
                CountyReach(county, counts[(service.id, province.id, county.id)])
                for county in counties
                if (service.id, province.id, county.id) in counts
            )
            if offering:
                places.append(ProvinceReach(province, offering))
        reach[service.id] = tuple(places)
    return reach


pickle_by_fields(CountySummary, CountyReach, ProvinceReach, FeeInYear, Figures)
