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
class OfficeCounts:
    """A county's offices counted: all, by kind, by status, and how many active ones offer each service."""

    offices: int
    by_kind: dict[str, int]
    by_status: dict[str, int]
    active_by_service: dict[str, int]


def count_offices(offices: tuple[Office, ...]) -> OfficeCounts:
    """Count one county's offices; the site graph is built from these counts, not from every office."""
    active_by_service: Counter[str] = Counter()
    for office in offices:
        if office.status == "active":
            active_by_service.update(office.services)
    return OfficeCounts(
        len(offices), counted((o.kind for o in offices), KINDS), counted((o.status for o in offices), STATUSES), dict(sorted(active_by_service.items()))
    )


@dataclass(frozen=True, slots=True)
class CountySummary:
    """A county with the number of its offices, by kind and by status."""

    county: County
    offices: int
    by_kind: dict[str, int]
    by_status: dict[str, int]


@dataclass(frozen=True, slots=True)
class ProvinceReach:
    """Where in a province a service is offered: each county with its active offices that offer it."""

    province: Province
    counties: tuple[tuple[County, int], ...]  # plain pairs: a national site has about 70,000 of them

    @property
    def offices(self) -> int:
        return sum(offices for _, offices in self.counties)


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
    services: dict[str, Service]
    agencies: dict[str, Agency]
    catalogue: tuple[tuple[Agency, tuple[Service, ...]], ...]  # agencies and their services, Persian order
    tariffs: tuple[Tariff, ...]                         # newest first
    tariff_in_force: Tariff
    counts: dict[tuple[str, str], OfficeCounts]         # each county's offices counted, by province and county id
    figures: Figures

    def counties_of(self, province: Province) -> list[CountySummary]:
        """Return a province's counties in Persian alphabetical order."""
        summaries = [self.counties[(province.id, county.id)] for county in province.counties]
        return sorted(summaries, key=lambda summary: sort_key(summary.county.name))

    def county_pages(self, offices: tuple[Office, ...]) -> dict:
        """Return what a county's page shows: its offices in code order and the license holders of the active ones."""
        in_order = tuple(sorted(offices, key=lambda office: office.code))
        return {"offices": in_order, "license_holders": tuple(office for office in in_order if office.status == "active" and office.license)}

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


def build_graph(content: Content, counts: dict[tuple[str, str], OfficeCounts], today: JalaliDate) -> SiteGraph:
    """Index the content model and the counts of each county's offices (by province and county id) for rendering."""
    none = count_offices(())
    counties = {}
    for province in content.provinces:
        for county in province.counties:
            found = counts.get((province.id, county.id), none)
            counties[(province.id, county.id)] = CountySummary(county, found.offices, found.by_kind, found.by_status)
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
        services={service.id: service for service in content.services},
        agencies={agency.id: agency for agency in content.agencies},
        catalogue=catalogue,
        tariffs=tariffs,
        tariff_in_force=next(t for t in tariffs if t.year == content.settings.tariff_year),
        counts=counts,
        figures=Figures(
            offices=sum(summary.offices for summary in counties.values()),
            by_kind=_summed((summary.by_kind for summary in counties.values()), KINDS),
            by_status=_summed((summary.by_status for summary in counties.values()), STATUSES),
            services=len(content.services),
            agencies=len(content.agencies),
            counties=len(counties),
        ),
    )


def _summed(counts, order: tuple[str, ...]) -> dict[str, int]:
    """Add up counts keyed in a fixed order, leaving out what does not occur."""
    total: Counter[str] = Counter()
    for count in counts:
        total.update(count)
    return {key: total[key] for key in order if total[key]}


def reach(graph: SiteGraph) -> dict[str, tuple[ProvinceReach, ...]]:
    """Gather, for each service, the active offices offering it in each county: provinces and counties in Persian order."""
    places: dict[str, list[ProvinceReach]] = defaultdict(list)
    for province in graph.provinces:
        in_province: dict[str, list[tuple[County, int]]] = defaultdict(list)
        for county in sorted(province.counties, key=lambda county: sort_key(county.name)):
            found = graph.counts.get((province.id, county.id))
            for service_id, offices in (found.active_by_service.items() if found else ()):
                in_province[service_id].append((county, offices))
        for service_id, counties in in_province.items():
            places[service_id].append(ProvinceReach(province, tuple(counties)))
    return {service.id: tuple(places.get(service.id, ())) for service in graph.content.services}


pickle_by_fields(OfficeCounts, CountySummary, ProvinceReach, FeeInYear, Figures)
