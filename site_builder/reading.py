"""Reading and checking the content: the catalogue once per change to it, each offices file once per change, in
parallel.

Every offices file is read and checked into a CountyRead (its codes, problems and counts) and its
offices, both kept in the cache; a build then needs only the CountyReads, and the offices of the
counties whose pages it renders.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from persiantools.jdatetime import JalaliDate

from .cache import BuildCache, Kind, key_of
from .errors import Message, Problem
from .fingerprint import digest
from .loader import ContentFiles, FoundFile, display_path, load, parse_offices
from .models import Content, Office
from .pickling import pickle_by_fields
from .report import Progress, quiet
from .site import OfficeCounts, count_offices
from .validate import (
    Catalogue,
    CountyOffices,
    OfficesFile,
    ProvinceFacts,
    duplicate_codes,
    license_expiries,
    missing_offices,
    read_offices,
    resolve_offices,
    validate_catalogue,
)
from .workers import parallel_map

READ_IN_PARALLEL = 16  # fewer offices files to read than this are read in this process: forking would cost more


@dataclass(frozen=True, slots=True)
class CountyRead:
    """One county's offices file read and checked, without its offices: what every build needs of it."""

    path: Path
    province: str
    county: str
    key: str | None  # stands for the file, its province, the services and the code; None: unreadable
    codes: tuple[tuple[str, int, int], ...]  # each code with its line and column
    problems: tuple[Problem, ...]
    counts: OfficeCounts
    expiries: tuple[
        tuple[str, JalaliDate, int, int], ...
    ]  # active offices' license expiries, checked on the build date


@dataclass(frozen=True, slots=True)
class ContentRead:
    """All content read and checked; the offices themselves stay in the cache until a page needs them."""

    content: Content | None  # None when there is an error
    counties: tuple[CountyRead, ...]  # in path order
    catalogue: Catalogue
    problems: list[Problem]
    found: ContentFiles  # what was read, should an office have to be read again


def read_content(
    found: ContentFiles, jobs: int, progress: Progress, cache: BuildCache, today: JalaliDate
) -> ContentRead:
    """Validate what scan found on the build date `today`: the catalogue once per change to it or to the date, each
    offices file once per change to it or its province."""
    catalogue_key = key_of(Path("content"), digest(files_digest(found.others), str(today).encode()))
    catalogue = cache.get(Kind.CATALOGUE, catalogue_key)
    if not isinstance(catalogue, Catalogue):
        catalogue = validate_catalogue(load(found), today)
        cache.put(Kind.CATALOGUE, catalogue_key, catalogue)
    counties = read_counties(found.offices, catalogue, jobs, progress, cache)
    progress("checking", 0, 1)
    problems = sorted(
        [
            *found.problems,
            *catalogue.problems,
            *(p for county in counties for p in county.problems),
            *duplicate_codes([(display_path(county.path), county.codes) for county in counties]),
            *license_expiries([(display_path(county.path), county.expiries) for county in counties], today),
            *missing_offices(
                catalogue.provinces, {(county.province, county.county): len(county.codes) for county in counties}
            ),
        ]
    )
    progress("checking", 1, 1)
    failed = catalogue.content is None or any(problem.is_error for problem in problems)
    return ContentRead(None if failed else catalogue.content, tuple(counties), catalogue, problems, found)


def files_digest(files: tuple[FoundFile, ...]) -> bytes:
    """Return a digest of content files' names and bytes: equal digests mean the same files were read."""
    return digest(*(part for file in files for part in (file.path.as_posix().encode(), file.digest)))


def _facts_key(province: ProvinceFacts | None) -> bytes:
    """Return what checking an offices file reads of its province, as bytes (pickles of its records vary by run).

    The key holds the counties' ids and cities, not their names, because no check of an offices file reads a name: a
    check that comes to read one must add it here, or files read before keep the answer given for the old name.
    """
    if province is None:
        return b""
    counties = [
        (county_id, tuple(item.value for item in county.get("cities", ())))
        for county_id, county in province.counties.items()
    ]
    return repr((province.id, province.given_by_kind, counties)).encode()


def read_counties(
    files: tuple[FoundFile, ...],
    catalogue: Catalogue,
    jobs: int,
    progress: Progress = quiet,
    cache: BuildCache | None = None,
) -> list[CountyRead]:
    """Read and check the county offices files, most of the content, in path order: kept ones from the cache, the
    rest in parallel.

    A file's key stands for its bytes, what its province says, the services defined and the code,
    which is everything its reading and checking depend on.
    """
    cache = cache if cache is not None else BuildCache()
    services = repr(tuple(catalogue.services)).encode()
    facts = {
        province: _facts_key(catalogue.provinces.get(province)) for province in {file.province or "" for file in files}
    }
    keys = [
        key_of(file.path, digest(file.digest, facts[file.province or ""], services)) if file.data is not None else None
        for file in files
    ]
    found = [cache.get(Kind.COUNTY, key) if key else None for key in keys]
    reads = [read if isinstance(read, CountyRead) else None for read in found]
    missing = [index for index, read in enumerate(reads) if read is None]
    work = [(files[index], keys[index]) for index in missing]
    jobs = jobs if len(missing) >= READ_IN_PARALLEL else 1
    reading = parallel_map(partial(_read_county, catalogue, cache), work, jobs)
    for done, (index, (read, offices, notes)) in enumerate(zip(missing, reading), start=1):
        reads[index] = read
        if read.key:  # a worker kept both on disk; this process keeps them in memory
            cache.remember(Kind.COUNTY, read.key, read)
            cache.remember(Kind.OFFICES, read.key, offices)
        for note in notes:  # what a worker found wrong with the cache folder
            cache.note(note)
        progress("reading", len(files) - len(missing) + done, len(files))
    progress("reading", len(files), len(files))
    return [read for read in reads if read is not None]


def _read_county(
    catalogue: Catalogue, cache: BuildCache, work: tuple[FoundFile, str | None]
) -> tuple[CountyRead, tuple[Office, ...], tuple[Message, ...]]:
    """Read and check one offices file; keep and return what builds need of it, its offices, and the cache's notes."""
    found, key = work
    county = _check_offices_file(found, catalogue, cache)
    read = CountyRead(
        found.path,
        found.province or "",
        found.county,
        key,
        county.codes,
        county.problems,
        count_offices(county.offices),
        county.expiries,
    )
    if key:
        cache.put(Kind.COUNTY, key, read)
        cache.put(Kind.OFFICES, key, county.offices)
    return read, county.offices, tuple(cache.notes)


def offices_of(county: CountyRead, read: ContentRead, cache: BuildCache) -> tuple[Office, ...]:
    """Return a county's offices, from the cache, or read again where the cache has lost them."""
    offices = cache.get(Kind.OFFICES, county.key) if county.key else None
    if not isinstance(offices, tuple):
        found = next(found for found in read.found.offices if found.path == county.path)
        offices = _check_offices_file(found, read.catalogue, cache).offices
    return offices


def _check_offices_file(found: FoundFile, catalogue: Catalogue, cache: BuildCache) -> CountyOffices:
    """Read one offices file (its parse from the cache when kept); check it against its province and the catalogue."""
    key = key_of(found.path, found.digest) if found.data is not None else None
    file = cache.get(Kind.PARSE, key) if key else None
    if not isinstance(file, OfficesFile):
        file = read_offices(parse_offices(found))
        if key:
            cache.put(Kind.PARSE, key, file)
    return resolve_offices(file, catalogue.provinces.get(found.province or ""), catalogue.services)


pickle_by_fields(CountyRead)
