"""The national groups, files made from every county at once: the open data and the search index.

Each county's part (its rows, its search documents) is made once per change to what it shows and
kept in the cache; a group is made again only when one of its parts changed, and after the pages,
so that the render workers do not inherit the tables or the index.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from jinja2 import Environment

from . import labels
from .cache import BuildCache, Kind, key_of
from .fingerprint import Fingerprints, digest
from .incremental import GroupRecord
from .models import Content, County, Province
from .opendata import CountyData, county_data, data_files
from .reading import ContentRead, CountyRead, offices_of
from .render import render
from .report import Progress
from .routes import plan_search, plan_search_county
from .search import BUNDLE, index, searchable
from .site import SiteGraph
from .writer import OutputUpdate


@dataclass(frozen=True, slots=True)
class NationalGroup:
    """Files made from every county, the open data or the search index: one fingerprint for all, how to make them."""

    name: str
    stage: str  # as the progress display names it
    fingerprint: str
    files: Callable[[], Iterable[tuple[str, bytes]]]
    # Keep the last build's files even when changed (the search index, in serve until someone searches).
    may_lag: bool = False


@dataclass(frozen=True, slots=True)
class KeyedCounty:
    """A county read, with its province, its county and the cache key of what a national group makes of it."""

    read: CountyRead
    province: Province
    county: County
    key: str


def keyed_counties(read: ContentRead, graph: SiteGraph, *shown: bytes) -> list[KeyedCounty]:
    """Return each county read with its province, its county and the cache key of what a national group makes of it.

    The key stands for the county's offices file (its own key), the names of its province and county,
    which that key leaves out, and what else the group's files show (`shown`).
    """
    keyed = []
    for county_read in read.counties:
        province = graph.province_by_id[county_read.province]
        county = next(county for county in province.counties if county.id == county_read.county)
        names = repr((province.name, county.name)).encode()
        key = key_of(county_read.path, digest((county_read.key or "").encode(), names, *shown))
        keyed.append(KeyedCounty(county_read, province, county, key))
    return keyed


def data_group(
    read: ContentRead,
    content: Content,
    graph: SiteGraph,
    fingerprints: Fingerprints,
    cache: BuildCache,
    gettext: Callable[[str], str],
) -> NationalGroup:
    """Return the open data's group: each county's rows are serialised once per change to the county or to the words
    of the codes they hold (translated by `gettext`, the data's catalogue), and kept in the cache."""
    base_url = content.settings.base_url
    shown = labels.translated(gettext)  # the words of the codes (kind_fa, status_fa) the rows hold
    # The build date too: the rows hold each license's state on it.
    counties = keyed_counties(read, graph, base_url.encode(), repr(shown).encode(), str(graph.today).encode())

    def files() -> Iterator[tuple[str, bytes]]:
        serialised = []
        for keyed in counties:
            found = cache.get(Kind.DATA, keyed.key)
            if not isinstance(found, CountyData):
                offices = offices_of(keyed.read, read, cache)
                found = county_data(keyed.province, keyed.county, offices, base_url, shown, graph.site_wide)
                cache.put(Kind.DATA, keyed.key, found)
            serialised.append(found)
        return data_files(graph, serialised, gettext)

    fingerprint = fingerprints.of_national("data", [keyed.key for keyed in counties])
    return NationalGroup("data/", "open data", fingerprint, files)


def search_group(
    read: ContentRead,
    graph: SiteGraph,
    fingerprints: Fingerprints,
    cache: BuildCache,
    env: Environment,
    interface: bytes,
    may_lag: bool,
) -> NationalGroup:
    """Return the search index's group: each county's documents are rendered once per change to the county, the
    templates or the catalogues."""
    # The build date too: an office's document says whether its license is in force on it.
    counties = keyed_counties(read, graph, str(env.globals["root"]).encode(), interface, str(graph.today).encode())

    def files() -> list[tuple[str, bytes]]:
        documents = [searchable(render(route, env)) for route in plan_search(graph)]
        for keyed in counties:
            found = cache.get(Kind.SEARCH, keyed.key)
            if not isinstance(found, tuple):
                offices = offices_of(keyed.read, read, cache)
                routes = plan_search_county(graph, keyed.county, offices)
                found = tuple(searchable(render(route, env)) for route in routes)
                cache.put(Kind.SEARCH, keyed.key, found)
            documents += found
        return index(documents)

    fingerprint = fingerprints.of_national("search", [keyed.key for keyed in counties])
    return NationalGroup(BUNDLE, "search index", fingerprint, files, may_lag)


def publish(group: NationalGroup, update: OutputUpdate, progress: Progress) -> GroupRecord:
    """Make a national group's files and stage those that changed; return the group's record."""
    progress(group.stage, 0, 1)
    files: list[str] = []
    for path, body in group.files():
        # Tens of milliseconds for the 46 MiB of tables; unchanged files are then kept by their stat.
        fingerprint = digest(body).hex()
        update.add(update.keep(path, fingerprint) or update.write(path, body, fingerprint))
        files += update.files_of(path)
    progress(group.stage, 1, 1)
    return GroupRecord(group.fingerprint, tuple(files), 0)
