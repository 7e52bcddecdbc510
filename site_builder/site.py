"""The site graph: the content model indexed the ways the pages look it up."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from .models import Agency, Content, County, Office, Province, Service, Tariff


@dataclass(frozen=True, slots=True)
class CountySummary:
    """A county with its offices and the counts its province page shows."""

    county: County
    offices: tuple[Office, ...]
    by_kind: dict[str, int]
    by_status: dict[str, int]

    @property
    def licensed_active(self) -> tuple[Office, ...]:
        """Return the active offices, whose license holders the directorates publish."""
        return tuple(office for office in self.offices if office.status == "active" and office.license)


@dataclass(frozen=True, slots=True)
class SiteGraph:
    """Everything the routes need, looked up once."""

    content: Content
    provinces: dict[str, Province]
    counties: dict[tuple[str, str], CountySummary]
    offices: dict[str, Office]
    services: dict[str, Service]
    agencies: dict[str, Agency]
    tariff_in_force: Tariff

    def counties_of(self, province: Province) -> list[CountySummary]:
        """Return a province's county summaries in the order province.yaml lists them."""
        return [self.counties[(province.id, county.id)] for county in province.counties]

    def county_of(self, office: Office) -> CountySummary:
        return self.counties[(office.province_id, office.county_id)]

    def fee(self, service_id: str, kind: str) -> int | None:
        """Return the fee in force for a service at an office of this kind, or None when it has none."""
        fee = self.tariff_in_force.fees.get(service_id)
        return fee.for_kind(kind) if fee else None


def count(offices, attribute: str) -> dict[str, int]:
    """Count offices by an attribute, most common first, ties in name order."""
    counts = Counter(getattr(office, attribute) for office in offices)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def build_graph(content: Content) -> SiteGraph:
    """Index the content model for rendering."""
    by_county: dict[tuple[str, str], list[Office]] = defaultdict(list)
    for office in content.offices:
        by_county[(office.province_id, office.county_id)].append(office)
    counties = {}
    for province in content.provinces:
        for county in province.counties:
            offices = tuple(sorted(by_county[(province.id, county.id)], key=lambda office: office.code))
            counties[(province.id, county.id)] = CountySummary(county, offices, count(offices, "kind"), count(offices, "status"))
    tariff = next(t for t in content.tariffs if t.year == content.settings.tariff_year)
    return SiteGraph(
        content=content,
        provinces={province.id: province for province in content.provinces},
        counties=counties,
        offices={office.code: office for office in content.offices},
        services={service.id: service for service in content.services},
        agencies={agency.id: agency for agency in content.agencies},
        tariff_in_force=tariff,
    )
