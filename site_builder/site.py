"""The site graph: the content model indexed the ways pages look it up, and the facts derived from it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from persiantools.jdatetime import JalaliDate

from .models import (
    KINDS,
    STATUSES,
    Agency,
    Content,
    County,
    Fee,
    Office,
    OpeningHours,
    Page,
    Province,
    Service,
    SiteSettings,
    Tariff,
)
from .persian import sort_key
from .pickling import pickle_by_fields

EXPIRY_WARNING_DAYS = 90
NEARBY = 5  # offices that may serve, named on the page of one of their county's that may not
MAY_SERVE_STATE = frozenset({"valid", "expiring"})  # the license states under which an active office may serve


@dataclass(frozen=True, slots=True)
class OfficeCounts:
    """A county's offices counted, and their codes: what the site's own pages need of them, without every office."""

    offices: int
    by_kind: dict[str, int]
    by_status: dict[str, int]
    licensed_by_service: dict[str, dict[int, int]]  # active licensed offices by service, then by license expiry
    active_by_kind: dict[str, int]
    active_by_city: dict[str, int]  # active offices by the name of their city
    license_expiries: dict[int, int]  # licenses in force (the office not revoked) by expiry date, a Gregorian ordinal
    services_offered: int  # services offered by all active offices together
    codes: tuple[str, ...]  # in code order


def count_offices(offices: tuple[Office, ...]) -> OfficeCounts:
    """Count one county's offices; the site graph is built from these counts, not from every office."""
    active = [office for office in offices if office.status == "active"]
    # By expiry date, not as "may serve": the build date decides which may serve, and may change while this is cached.
    licensed_by_service: dict[str, Counter[int]] = defaultdict(Counter)
    for office in active:
        if office.license:
            for service_id in office.services:
                licensed_by_service[service_id][office.license.expires.to_gregorian().toordinal()] += 1
    # Counted by date rather than as expired/expiring: the build date may change while this stays cached.
    expiries = Counter(
        office.license.expires.to_gregorian().toordinal()
        for office in offices
        if office.license and office.status != "revoked"
    )
    return OfficeCounts(
        offices=len(offices),
        by_kind=counted((o.kind for o in offices), KINDS),
        by_status=counted((o.status for o in offices), STATUSES),
        licensed_by_service={
            service_id: dict(sorted(expiries.items())) for service_id, expiries in sorted(licensed_by_service.items())
        },
        active_by_kind=counted((o.kind for o in active), KINDS),
        active_by_city=dict(sorted(Counter(o.city for o in active if o.city).items())),
        license_expiries=dict(sorted(expiries.items())),
        services_offered=sum(len(o.services) for o in active),
        codes=tuple(sorted(office.code for office in offices)),
    )


def expired_on(counts: OfficeCounts, day: int) -> dict[str, int]:
    """Return how many of a county's active offices list each service with a license expired on a day (a Gregorian
    ordinal): offices that may not serve it."""
    expired = {
        service_id: sum(offices for expires, offices in expiries.items() if expires < day)
        for service_id, expiries in counts.licensed_by_service.items()
    }
    return {service_id: offices for service_id, offices in expired.items() if offices}


def offering_on(counts: OfficeCounts, day: int) -> dict[str, int]:
    """Return how many of a county's offices may serve each service on a day (a Gregorian ordinal): active, with a
    license that has not expired."""
    offering = {
        service_id: sum(offices for expires, offices in expiries.items() if expires >= day)
        for service_id, expiries in counts.licensed_by_service.items()
    }
    return {service_id: offices for service_id, offices in offering.items() if offices}


@dataclass(frozen=True, slots=True)
class CountySummary:
    """A county with the number of its offices, by kind and by status."""

    county: County
    offices: int
    by_kind: dict[str, int]
    by_status: dict[str, int]


@dataclass(frozen=True, slots=True)
class ProvinceReach:
    """Where in a province a service is offered: each county with its offices that may offer it, and its active offices
    that list it but whose license has expired."""

    province: Province
    counties: tuple[tuple[County, int, int], ...]  # plain tuples: a national site has about 70,000 of them

    @property
    def offices(self) -> int:
        return sum(offices for _, offices, _ in self.counties)


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
class SiteWide:
    """What every page may show, and the only part of the site a template reaches beyond its route's context.

    Its digest is part of every page's fingerprint (fingerprint.py): a fact a page shows is either
    here or in the page's context, so that no page is left stale by an edit.
    """

    settings: SiteSettings
    today: JalaliDate  # the build date
    pages: tuple[Page, ...]  # the pages menu
    services: dict[str, Service]
    agencies: dict[str, Agency]
    catalogue: tuple[tuple[Agency, tuple[Service, ...]], ...]  # agencies and their services, Persian order
    tariffs: tuple[Tariff, ...]  # newest first
    tariff_in_force: Tariff

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
        listed = [
            (agency, [(s, tariff.fees[s.id]) for s in services if s.id in tariff.fees])
            for agency, services in self.catalogue
        ]
        return [(agency, fees) for agency, fees in listed if fees]

    def license_state(self, office: Office) -> str | None:
        """Return 'revoked', 'expired', 'expiring' (within 90 days of the build date) or 'valid'; None without a
        license."""
        if office.license is None:
            return None
        if office.status == "revoked":
            return "revoked"
        days_left = (office.license.expires.to_gregorian() - self.today.to_gregorian()).days
        if days_left < 0:
            return "expired"
        return "expiring" if days_left <= EXPIRY_WARNING_DAYS else "valid"

    def may_serve(self, office: Office) -> bool:
        """Return whether an office may offer services on the build date: active, with a license that has not
        expired. Only these count as offering a service."""
        return office.status == "active" and self.license_state(office) in MAY_SERVE_STATE


@dataclass(frozen=True, slots=True)
class SiteGraph:
    """Everything the routes and templates need, looked up once."""

    content: Content
    today: JalaliDate
    provinces: tuple[Province, ...]  # in Persian alphabetical order
    province_by_id: dict[str, Province]
    counties: dict[tuple[str, str], CountySummary]
    site_wide: SiteWide
    counts: dict[tuple[str, str], OfficeCounts]  # each county's offices counted, by province and county id
    figures: Figures

    def counties_of(self, province: Province) -> list[CountySummary]:
        """Return a province's counties in Persian alphabetical order."""
        summaries = [self.counties[(province.id, county.id)] for county in province.counties]
        return sorted(summaries, key=lambda summary: sort_key(summary.county.name))

    def county_pages(self, offices: tuple[Office, ...]) -> dict:
        """Return what a county's page shows: its offices in code order and the license holders of the active ones."""
        in_order = tuple(sorted(offices, key=lambda office: office.code))
        return {
            "offices": in_order,
            "license_holders": tuple(office for office in in_order if office.status == "active" and office.license),
        }

    def offered_in(self, county: County) -> list[tuple[Agency, list[tuple[Service, int]]]]:
        """Return the services the county's active offices offer, with how many offer each, by agency in catalogue
        order."""
        counts = self.counts.get((county.province_id, county.id))
        offering = offering_on(counts, self.today.to_gregorian().toordinal()) if counts else {}
        listed = [
            (agency, [(service, offering[service.id]) for service in services if service.id in offering])
            for agency, services in self.site_wide.catalogue
        ]
        return [(agency, services) for agency, services in listed if services]

    def offices_by_service(
        self, offices: tuple[Office, ...]
    ) -> Iterator[tuple[Service, tuple[Office, ...], tuple[Office, ...]]]:
        """Yield each service some of these offices list while active, in catalogue order, with those that may serve
        it and those that may not (their license has expired), each in the order given."""
        listing: dict[str, list[Office]] = defaultdict(list)
        for office in offices:
            if office.status == "active":
                for service_id in office.services:
                    listing[service_id].append(office)
        may_serve = self.site_wide.may_serve
        for _, services in self.site_wide.catalogue:
            for service in services:
                if service.id in listing:
                    listed = listing[service.id]
                    yield (
                        service,
                        tuple(office for office in listed if may_serve(office)),
                        tuple(office for office in listed if not may_serve(office)),
                    )

    def serving_near(self, office: Office, offices: tuple[Office, ...]) -> tuple[Office, ...]:
        """Return, for an office that may not serve, up to NEARBY offices of its county that may: those in its city or
        village first, then in code order; none for an office that may serve."""
        if self.site_wide.may_serve(office):
            return ()
        place = office.city or office.village
        serving = [other for other in offices if other.code != office.code and self.site_wide.may_serve(other)]
        serving.sort(key=lambda other: (not place or (other.city or other.village) != place, other.code))
        return tuple(serving[:NEARBY])


@dataclass(frozen=True, slots=True)
class Coverage:
    """An area's offices (a county's, a province's or the country's): kinds, statuses, the urban quota, licenses,
    services."""

    offices: int
    by_kind: dict[str, int]
    by_status: dict[str, int]
    active_by_kind: dict[str, int]
    urban_population: int
    quota: int  # urban residents per urban office, as the directorates plan placement
    expired: int  # licenses past their expiry on the build date, of offices not revoked
    expiring: int  # licenses that expire within 90 days of the build date
    services_offered: int  # by all active offices together

    @property
    def active(self) -> int:
        return sum(self.active_by_kind.values())

    @property
    def active_urban(self) -> int:
        return self.active_by_kind.get("urban", 0)

    @property
    def urban_per_quota(self) -> float | None:
        """Return active urban offices per `quota` urban residents (1 meets the quota), or None without urban
        residents."""
        return self.active_urban * self.quota / self.urban_population if self.urban_population else None

    @property
    def urban_needed(self) -> int:
        """Return how many urban offices the quota asks for."""
        return -(-self.urban_population // self.quota)

    @property
    def urban_shortfall(self) -> int:
        return max(0, self.urban_needed - self.active_urban)

    @property
    def services_per_office(self) -> float | None:
        """Return the mean number of services an active office offers, or None without active offices."""
        return self.services_offered / self.active if self.active else None


@dataclass(frozen=True, slots=True)
class ProvinceCoverage:
    """A province's coverage, and its counties' in Persian order, with the places that have no active office."""

    province: Province
    coverage: Coverage
    counties: tuple[tuple[County, Coverage], ...]
    counties_without_office: tuple[County, ...]  # no active office at all
    cities_without_office: tuple[
        tuple[County, tuple[str, ...]], ...
    ]  # each county's cities with no active office in them

    @property
    def rows(self) -> tuple[tuple[str, County, Coverage], ...]:
        """Return each county as its name, its page and its coverage: what the charts and tables list."""
        return tuple((county.name, county, measured) for county, measured in self.counties)


@dataclass(frozen=True, slots=True)
class NationalCoverage:
    """The country's coverage and each province's, in Persian order."""

    coverage: Coverage
    provinces: tuple[ProvinceCoverage, ...]

    @property
    def rows(self) -> tuple[tuple[str, ProvinceCoverage, Coverage], ...]:
        """Return each province as its name, its statistics page and its coverage: what the charts and tables list."""
        return tuple((measured.province.name, measured, measured.coverage) for measured in self.provinces)

    @property
    def counties_without_office(self) -> tuple[tuple[Province, County], ...]:
        return tuple(
            (measured.province, county) for measured in self.provinces for county in measured.counties_without_office
        )


def coverage(graph: SiteGraph) -> NationalCoverage:
    """Measure every county, province and the country against the quota on the build date."""
    quota, today = graph.content.settings.office_quota, graph.today.to_gregorian().toordinal()
    none = count_offices(())

    def measure(counts: list[OfficeCounts], urban_population: int) -> Coverage:
        expiries = [(expires, offices) for found in counts for expires, offices in found.license_expiries.items()]
        return Coverage(
            offices=sum(found.offices for found in counts),
            by_kind=_summed((found.by_kind for found in counts), KINDS),
            by_status=_summed((found.by_status for found in counts), STATUSES),
            active_by_kind=_summed((found.active_by_kind for found in counts), KINDS),
            urban_population=urban_population,
            quota=quota,
            expired=sum(offices for expires, offices in expiries if expires < today),
            expiring=sum(offices for expires, offices in expiries if today <= expires <= today + EXPIRY_WARNING_DAYS),
            services_offered=sum(found.services_offered for found in counts),
        )

    provinces: list[ProvinceCoverage] = []
    every_county: list[OfficeCounts] = []
    for province in graph.provinces:
        counties = sorted(province.counties, key=lambda county: sort_key(county.name))
        found = {county.id: graph.counts.get((province.id, county.id), none) for county in counties}
        every_county += found.values()
        provinces.append(
            ProvinceCoverage(
                province=province,
                coverage=measure(list(found.values()), sum(county.urban_population for county in counties)),
                counties=tuple((county, measure([found[county.id]], county.urban_population)) for county in counties),
                counties_without_office=tuple(county for county in counties if not found[county.id].active_by_kind),
                cities_without_office=tuple(
                    (county, missing)
                    for county in counties
                    if (
                        missing := tuple(
                            city for city in county.cities if not found[county.id].active_by_city.get(city)
                        )
                    )
                ),
            )
        )
    return NationalCoverage(
        measure(every_county, sum(p.coverage.urban_population for p in provinces)), tuple(provinces)
    )


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
        site_wide=SiteWide(
            settings=content.settings,
            today=today,
            pages=content.pages,
            services={service.id: service for service in content.services},
            agencies={agency.id: agency for agency in content.agencies},
            catalogue=catalogue,
            tariffs=tariffs,
            tariff_in_force=next(t for t in tariffs if t.year == content.settings.tariff_year),
        ),
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


def hours_of(office: Office, province: Province) -> tuple[OpeningHours, ...]:
    """Return an office's own hours, or its province's where it keeps those."""
    return office.hours or province.hours


def reach(graph: SiteGraph) -> dict[str, tuple[ProvinceReach, ...]]:
    """Gather, for each service, the offices that may serve it in each county, and those listing it with an expired
    license: provinces and counties in Persian order."""
    places: dict[str, list[ProvinceReach]] = defaultdict(list)
    today = graph.today.to_gregorian().toordinal()
    for province in graph.provinces:
        in_province: dict[str, list[tuple[County, int, int]]] = defaultdict(list)
        for county in sorted(province.counties, key=lambda county: sort_key(county.name)):
            found = graph.counts.get((province.id, county.id))
            if found is None:
                continue
            offering, expired = offering_on(found, today), expired_on(found, today)
            for service_id in sorted(offering.keys() | expired.keys()):
                in_province[service_id].append((county, offering.get(service_id, 0), expired.get(service_id, 0)))
        for service_id, counties in in_province.items():
            places[service_id].append(ProvinceReach(province, tuple(counties)))
    return {service.id: tuple(places.get(service.id, ())) for service in graph.content.services}


pickle_by_fields(
    SiteWide,
    OfficeCounts,
    CountySummary,
    ProvinceReach,
    FeeInYear,
    Figures,
    Coverage,
    ProvinceCoverage,
    NationalCoverage,
)
