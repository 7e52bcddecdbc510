"""The one orchestrator: load → validate → site → routes → render → write."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from jinja2 import Environment
from persiantools.jdatetime import JalaliDate

from . import labels
from .assets import hashed_assets
from .cache import CODE_VERSION, BuildCache, key_of
from .config import BuildOptions, apply_overrides, build_date
from .errors import ContentError, Problem, UsageError
from .fingerprint import Fingerprints, digest, folder_digest
from .i18n import translations
from .loader import ContentFiles, FoundFile, display_path, load, parse_offices, scan
from .models import Content, County, Office, Province
from .opendata import DATA_FILES, LANGUAGE, CountyData, county_data, data_files
from .pickling import pickle_by_fields
from .render import CompiledTemplates, environment, render
from .routes import Route, in_languages, plan, plan_county, plan_home, plan_search, plan_search_county, url_of
from .search import BUNDLE, index, searchable
from .site import OfficeCounts, SiteGraph, build_graph, count_offices
from .validate import (
    Catalogue,
    CountyOffices,
    OfficesFile,
    ProvinceFacts,
    duplicate_codes,
    read_offices,
    resolve_offices,
    validate_catalogue,
)
from .writer import (
    Entry,
    OutputLock,
    OutputUpdate,
    check_output_folder,
    located,
    output_state,
    refuse_duplicates,
    unchanged_output,
)

# A progress report: stage name, items done, items in all. The command line shows it; tests pass nothing.
Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    pass


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


@dataclass(frozen=True, slots=True)
class ContentRead:
    """All content read and checked; the offices themselves stay in the cache until a page needs them."""

    content: Content | None  # None when there is an error
    counties: tuple[CountyRead, ...]  # in path order
    catalogue: Catalogue
    problems: list[Problem]
    found: ContentFiles  # what was read, should an office have to be read again


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What validation found, and the content with every office when there was no error."""

    content: Content | None
    offices: tuple[Office, ...]
    problems: list[Problem]

    @property
    def errors(self) -> int:
        return sum(problem.is_error for problem in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


def check(
    options: BuildOptions, progress: Progress = _quiet, cache: BuildCache | None = None, offices: bool = True
) -> CheckReport:
    """Load and validate the content; nothing is written. Without `offices` the report leaves them out, which is quicker."""
    if not options.content_dir.is_dir():
        raise UsageError(f"the content folder {str(options.content_dir)!r} does not exist")
    cache = cache if cache is not None else BuildCache()
    read = read_content(scan(options.content_dir), options.jobs, progress, cache, build_date(options))
    if read.content is None or not offices:
        return CheckReport(read.content, (), read.problems)
    every_office = tuple(office for county in read.counties for office in offices_of(county, read, cache))
    return CheckReport(read.content, every_office, read.problems)


def read_content(
    found: ContentFiles, jobs: int, progress: Progress, cache: BuildCache, today: JalaliDate
) -> ContentRead:
    """Validate what scan found on the build date `today`: the catalogue once per change to it or to the date, each
    offices file once per change to it or its province."""
    catalogue_key = "catalogue-" + key_of(Path("content"), digest(_files_digest(found.others), str(today).encode()))
    catalogue = cache.get(catalogue_key)
    if not isinstance(catalogue, Catalogue):
        catalogue = validate_catalogue(load(found), today)
        cache.put(catalogue_key, catalogue)
    counties = read_counties(found.offices, catalogue, jobs, progress, cache)
    progress("checking", 0, 1)
    problems = sorted(
        [
            *found.problems,
            *catalogue.problems,
            *(p for county in counties for p in county.problems),
            *duplicate_codes([(display_path(county.path), county.codes) for county in counties]),
        ]
    )
    progress("checking", 1, 1)
    failed = catalogue.content is None or any(problem.is_error for problem in problems)
    return ContentRead(None if failed else catalogue.content, tuple(counties), catalogue, problems, found)


def parallel_map(function: Callable, items: list, jobs: int) -> Iterator:
    """Yield function(item) for each item, in order, on `jobs` forked processes.

    A worker that dies raises BrokenProcessPool instead of hanging; when the caller stops early
    (an error), work not yet started is cancelled and the workers are waited for. Where fork does
    not exist (Windows) the work runs in this process.
    """
    if jobs <= 1 or len(items) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(function, items)
        return
    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"))
    try:
        yield from executor.map(function, items)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _facts_key(province: ProvinceFacts | None) -> bytes:
    """Return what checking an offices file reads of its province, as bytes (pickles of its records would vary by run)."""
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
    progress: Progress = _quiet,
    cache: BuildCache | None = None,
) -> list[CountyRead]:
    """Read and check the county offices files, most of the content, in path order: kept ones from the cache, the rest in parallel.

    A file's key stands for its bytes, what its province says, the services defined and the code,
    which is everything its reading and checking depend on.
    """
    cache = cache if cache is not None else BuildCache()
    services = repr(tuple(catalogue.services)).encode()
    facts = {province: _facts_key(catalogue.provinces.get(province)) for province in {file.province for file in files}}
    keys = [
        key_of(file.path, digest(file.digest, facts[file.province], services)) if file.data is not None else None
        for file in files
    ]
    reads: list[CountyRead | None] = [cache.get("county-" + key) if key else None for key in keys]
    missing = [index for index, read in enumerate(reads) if not isinstance(read, CountyRead)]
    global _READING
    _READING = (catalogue, cache)  # inherited by forked workers, like _WORK below
    try:
        work = [(files[index], keys[index]) for index in missing]
        reading = parallel_map(_read_county, work, jobs if len(missing) >= READ_IN_PARALLEL else 1)
        for done, (index, (read, offices, notes)) in enumerate(zip(missing, reading), start=1):
            reads[index] = read
            if read.key:  # a worker kept both on disk; this process keeps them in memory
                cache.remember("county-" + read.key, read)
                cache.remember("offices-" + read.key, offices)
            for note in notes:  # what a worker found wrong with the cache folder
                cache.note(note)
            progress("reading", len(files) - len(missing) + done, len(files))
    finally:
        _READING = None
    progress("reading", len(files), len(files))
    return reads


_READING: tuple | None = None
READ_IN_PARALLEL = 16  # fewer offices files to read than this are read in this process: forking would cost more


def _read_county(work: tuple[FoundFile, str | None]) -> tuple[CountyRead, tuple[Office, ...], tuple[str, ...]]:
    """Read and check one offices file; keep and return what builds need of it, its offices, and the cache's notes."""
    found, key = work
    catalogue, cache = _READING
    county = _check_offices_file(found, catalogue, cache)
    read = CountyRead(
        found.path, found.province, found.county, key, county.codes, county.problems, count_offices(county.offices)
    )
    if key:
        cache.put("county-" + key, read)
        cache.put("offices-" + key, county.offices)
    return read, county.offices, tuple(cache.notes)


def offices_of(county: CountyRead, read: ContentRead, cache: BuildCache) -> tuple[Office, ...]:
    """Return a county's offices, from the cache, or read again where the cache has lost them."""
    offices = cache.get("offices-" + county.key) if county.key else None
    if offices is None:
        found = next(found for found in read.found.offices if found.path == county.path)
        offices = _check_offices_file(found, read.catalogue, cache).offices
    return offices


def _check_offices_file(found: FoundFile, catalogue: Catalogue, cache: BuildCache) -> CountyOffices:
    """Read one offices file (its parse from the cache when kept) and check it against its province and the catalogue."""
    key = "parse-" + key_of(found.path, found.digest) if found.data is not None else None
    file = cache.get(key) if key else None
    if not isinstance(file, OfficesFile):
        file = read_offices(parse_offices(found))
        if key:
            cache.put(key, file)
    return resolve_offices(file, catalogue.provinces.get(found.province), catalogue.services)


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did."""

    pages: int
    written: int  # new or changed since the previous output
    unchanged: int
    removed: int  # files of the previous output that are gone
    problems: list[Problem]


@dataclass(frozen=True, slots=True)
class BuildRecord:
    """What the last successful build into an output folder read and left there, kept in the cache."""

    inputs: bytes  # digest of the content, templates, catalogues, static files, code and options; the marker names it
    files: dict[
        str, tuple[str, int, int]
    ]  # every file it left in the output folder: a FileRecord's fields, quicker to keep
    groups: dict[
        str, tuple[str, tuple[str, ...], int]
    ]  # a group of pages -> their shared fingerprint, their files, how many pages
    pages: int
    problems: tuple[Problem, ...]  # its warnings, to be reported again


def validated(
    options: BuildOptions, found: ContentFiles, progress: Progress, cache: BuildCache
) -> tuple[ContentRead, Content]:
    """Return the content read and checked, with the command line's overrides; raise ContentError with every problem."""
    read = read_content(found, options.jobs, progress, cache, build_date(options))
    if read.content is None or (options.strict and read.problems):
        raise ContentError(read.problems)
    return read, replace(read.content, settings=apply_overrides(read.content.settings, options))


def site_graph(options: BuildOptions, read: ContentRead, content: Content) -> SiteGraph:
    """Build the site graph from the content and each county's office counts."""
    return build_graph(
        content, {(county.province, county.county): county.counts for county in read.counties}, build_date(options)
    )


def claim_output(options: BuildOptions, wait: float = 0, notify: Callable[[str], None] | None = None) -> OutputLock:
    """Refuse an output folder a build must not update; else return its lock, which `build` takes (again, if held)."""
    sources = [options.content_dir, options.templates_dir, options.static_dir, options.locales_dir]
    check_output_folder(options.output_dir, sources)
    return OutputLock(options.output_dir, wait, notify)


def build(
    options: BuildOptions,
    progress: Progress = _quiet,
    cache: BuildCache | None = None,
    publish_via_symlink: bool = False,
) -> BuildReport:
    """Build the site into the output folder, holding its lock from the first look at it to the record of the files.
    With `publish_via_symlink` the output is a link, pointed in one step at a new folder holding the whole site."""
    with claim_output(options):
        return _build_locked(options, progress, cache, publish_via_symlink)


def _build_locked(
    options: BuildOptions, progress: Progress, cache: BuildCache | None, publish_via_symlink: bool
) -> BuildReport:
    """Build the site into the output folder; on any error the previous output stays as it was.

    When nothing the build reads has changed since the last build into this folder, and nobody has
    touched what it wrote there, there is nothing to do. Otherwise a group of pages (the site's
    own, or a county's) whose shared fingerprint is unchanged keeps its files without being
    planned; of the other pages, one whose fingerprint is unchanged keeps its file; only the rest
    are rendered.
    """
    check_output_folder(
        options.output_dir, [options.content_dir, options.templates_dir, options.static_dir, options.locales_dir]
    )
    if not options.content_dir.is_dir():
        raise UsageError(f"the content folder {str(options.content_dir)!r} does not exist")
    cache = cache if cache is not None else BuildCache()
    record_key = "output-" + key_of(located(options.output_dir), b"")  # not the tree a published link leads to
    previous = cache.get(record_key)
    # A record describes the output only if the marker names its state: another cache or working
    # folder may have built into the same output since, or a build may have stopped while moving files.
    if not isinstance(previous, BuildRecord) or output_state(options.output_dir) != previous.inputs.hex():
        previous = None
    found = scan(options.content_dir)
    interface, static = interface_digest(options), static_files(options.static_dir)
    inputs = _inputs_digest(options, found, interface, static)
    if previous is not None and previous.inputs == inputs and unchanged_output(options.output_dir, previous.files):
        return BuildReport(previous.pages, 0, previous.pages, 0, list(previous.problems))
    read, content = validated(options, found, progress, cache)
    graph = site_graph(options, read, content)
    assets = hashed_assets(static)
    # Pages name the assets they load: a new asset name is a change to every page, like a template's.
    fingerprints = Fingerprints(
        graph,
        digest(
            interface,
            *(asset.path.encode() for asset in assets.values()),
            b"gzip twins" if options.precompress else b"",
        ),
    )
    with OutputUpdate(
        options.output_dir, previous.files if previous else None, inputs.hex(), options.precompress, publish_via_symlink
    ) as update:
        languages = content.settings.languages
        routes, groups, kept = in_languages([plan_home(graph)], languages), {}, 0
        for group, fingerprint, planner in _page_groups(read, content, graph, fingerprints, cache):
            old = _kept_group(previous, group, fingerprint, update)
            if old is not None:
                groups[group], kept = old, kept + old[2]
                continue
            planned = in_languages(planner(), languages)
            routes += planned
            groups[group] = (
                fingerprint,
                tuple(file for route in planned for file in update.files_of(route.output_file)),
                len(planned),
            )
        compiled = f"templates-{CODE_VERSION.hex()[:16]}" if cache.folder else None  # Jinja's key is the source alone
        published = {source: asset.path for source, asset in assets.items()}
        catalogues = {language: translations(options.locales_dir, language) for language in languages}
        # One folder of compiled templates per language: Jinja folds filters and finalize applied to literals into the compiled code.
        envs = {
            language: environment(
                options.templates_dir,
                graph.site_wide,
                language,
                catalogues[language],
                CompiledTemplates(cache, f"{compiled}/{language}") if compiled else None,
                published,
                catalogues[languages[0]],
            )
            for language in languages
        }
        env = envs[languages[0]]
        national = []
        data_gettext = catalogues[LANGUAGE].gettext  # the open data's language, the default one (validate holds it)
        for made in (
            _data_group(read, content, graph, fingerprints, cache, data_gettext),
            _search_group(read, graph, fingerprints, cache, env, interface, not options.search_index),
        ):
            old = _kept_group(previous, made.name, None if made.may_lag else made.fingerprint, update)
            if old is not None:
                groups[made.name] = (
                    old  # with its own fingerprint: a lagging group is made again by the next build that wants it
                )
            elif not made.may_lag:
                national.append(made)
        refuse_duplicates(
            [route.output_file for route in routes] + [asset.path for asset in assets.values()] + list(DATA_FILES)
        )
        for asset in assets.values():
            fingerprint = digest(asset.data).hex()
            update.add(update.keep(asset.path, fingerprint) or update.write(asset.path, asset.data, fingerprint))
        written = render_all(routes, envs, update, fingerprints, options.jobs, progress)
        for made in national:  # after rendering, so that the render workers do not inherit the tables or the index
            progress(made.stage, 0, 1)
            files = []
            for path, body in made.files():
                fingerprint = digest(
                    body
                ).hex()  # tens of milliseconds for the 46 MiB of tables; unchanged files are then kept by their stat
                update.add(update.keep(path, fingerprint) or update.write(path, body, fingerprint))
                files += update.files_of(path)
            groups[made.name] = (made.fingerprint, tuple(files), 0)
            progress(made.stage, 1, 1)
    pages = len(routes) + kept
    cache.put(
        record_key,
        BuildRecord(
            inputs, {path: tuple(record) for path, record in update.files.items()}, groups, pages, tuple(read.problems)
        ),
    )
    cache.trim(keep=(compiled,) if compiled else ())
    return BuildReport(pages, written, pages - written, update.removed, read.problems)


def _kept_group(previous: BuildRecord | None, name: str, fingerprint: str | None, update: OutputUpdate) -> tuple | None:
    """Keep a group's files as the last build left them when its fingerprint (None: whatever it was) and files are unchanged;
    return its record, else None."""
    old = previous.groups.get(name) if previous else None
    if (
        old is None
        or (fingerprint is not None and old[0] != fingerprint)
        or not unchanged_output(update.output_dir, {file: previous.files[file] for file in old[1]})
    ):
        return None
    update.add([(file, previous.files[file], False) for file in old[1]])  # checked when they were first written
    return old


def _page_groups(
    read: ContentRead, content: Content, graph: SiteGraph, fingerprints: Fingerprints, cache: BuildCache
) -> Iterator[tuple[str, str, Callable[[], list[Route]]]]:
    """Yield the groups of pages that share a fingerprint: each with its name, its fingerprint and how to plan its pages.

    The site's own pages (provinces, services, agencies, tariffs, pages, news; not the home page,
    which is always planned) show the catalogue and the counts; each county's pages show its
    offices. A group whose fingerprint is unchanged keeps its files without being planned.
    """
    yield "", fingerprints.of_site(), lambda: plan(graph, with_home=False)
    by_county = {(county.province, county.county): county for county in read.counties}
    for province in content.provinces:
        for county in province.counties:
            county_read = by_county.get((province.id, county.id))
            fingerprint = fingerprints.of_county(
                county, county_read.key.encode() if county_read and county_read.key else b""
            )
            yield (
                url_of(county),
                fingerprint,
                lambda county=county, county_read=county_read: plan_county(
                    graph, county, offices_of(county_read, read, cache) if county_read else ()
                ),
            )


@dataclass(frozen=True, slots=True)
class NationalGroup:
    """Files made from every county, the open data or the search index: one fingerprint for all, and how to make them."""

    name: str
    stage: str  # as the progress display names it
    fingerprint: str
    files: Callable[[], Iterable[tuple[str, bytes]]]
    may_lag: bool = (
        False  # keep the last build's files even when changed (the search index, in serve until someone searches)
    )


def _keyed_counties(
    read: ContentRead, graph: SiteGraph, prefix: str, *shown: bytes
) -> list[tuple[CountyRead, Province, County, str]]:
    """Return each county read with its province, its county and the cache key of what a national group makes of it.

    The key stands for the county's offices file (its own key), the names of its province and county,
    which that key leaves out, and what else the group's files show (`shown`).
    """
    keyed = []
    for county_read in read.counties:
        province = graph.province_by_id[county_read.province]
        county = next(county for county in province.counties if county.id == county_read.county)
        names = repr((province.name, county.name)).encode()
        keyed.append(
            (
                county_read,
                province,
                county,
                prefix + key_of(county_read.path, digest((county_read.key or "").encode(), names, *shown)),
            )
        )
    return keyed


def _data_group(
    read: ContentRead,
    content: Content,
    graph: SiteGraph,
    fingerprints: Fingerprints,
    cache: BuildCache,
    gettext: Callable[[str], str],
) -> NationalGroup:
    """Return the open data's group: each county's rows are serialised once per change to the county or to the words of the
    codes they hold (translated by `gettext`, the data's catalogue), and kept in the cache."""
    base_url = content.settings.base_url
    shown = labels.translated(gettext)  # the words of the codes (kind_fa, status_fa) the rows hold
    counties = _keyed_counties(read, graph, "data-", base_url.encode(), repr(shown).encode())

    def files() -> Iterator[tuple[str, bytes]]:
        serialised = []
        for county_read, province, county, key in counties:
            found = cache.get(key)
            if not isinstance(found, CountyData):
                found = county_data(province, county, offices_of(county_read, read, cache), base_url, shown)
                cache.put(key, found)
            serialised.append(found)
        return data_files(graph, serialised, gettext)

    return NationalGroup("data/", "open data", fingerprints.of_national("data", [key for *_, key in counties]), files)


def _search_group(
    read: ContentRead,
    graph: SiteGraph,
    fingerprints: Fingerprints,
    cache: BuildCache,
    env: Environment,
    interface: bytes,
    may_lag: bool,
) -> NationalGroup:
    """Return the search index's group: each county's documents are rendered once per change to the county, the templates or the catalogues."""
    counties = _keyed_counties(read, graph, "search-", str(env.globals["root"]).encode(), interface)

    def files() -> list[tuple[str, bytes]]:
        documents = [searchable(render(route, env)) for route in plan_search(graph)]
        for county_read, _, county, key in counties:
            found = cache.get(key)
            if not isinstance(found, tuple):
                found = tuple(
                    searchable(render(route, env))
                    for route in plan_search_county(graph, county, offices_of(county_read, read, cache))
                )
                cache.put(key, found)
            documents += found
        return index(documents)

    return NationalGroup(
        BUNDLE, "search index", fingerprints.of_national("search", [key for *_, key in counties]), files, may_lag
    )


def _files_digest(files: tuple[FoundFile, ...]) -> bytes:
    """Return a digest of content files' names and bytes: equal digests mean the same files were read."""
    return digest(*(part for file in files for part in (file.path.as_posix().encode(), file.digest)))


def _inputs_digest(
    options: BuildOptions, found: ContentFiles, interface: bytes, static: list[tuple[str, bytes]]
) -> bytes:
    """Return a digest of everything a build reads: equal digests give equal sites."""
    settings = repr(
        (
            str(options.base_url),
            str(build_date(options)),
            options.strict,
            options.precompress,
            options.search_index,
            found.problems,
        )
    ).encode()
    return digest(
        _files_digest(found.files),
        interface,
        *(part for name, data in static for part in (name.encode(), data)),
        CODE_VERSION,
        settings,
    )


def interface_digest(options: BuildOptions) -> bytes:
    """Return a digest of what every page is made with besides the content: the templates and the translation catalogues."""
    return digest(folder_digest(options.templates_dir), folder_digest(options.locales_dir, "**/*.po"))


def static_files(static_dir: Path) -> list[tuple[str, bytes]]:
    """Return the static files: their paths below static/ and their bytes."""
    if not static_dir.is_dir():
        return []
    return [
        (path.relative_to(static_dir).as_posix(), path.read_bytes())
        for path in sorted(static_dir.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(static_dir).parts)
    ]  # not .DS_Store


# What forked render workers inherit from the parent, set just before they start (passing the
# graph and environment as arguments would pickle them for every chunk).
_WORK: tuple | None = None
CHUNK = 250  # pages a worker renders between progress reports


def render_all(
    routes: list[Route],
    envs: dict[str, Environment],
    update: OutputUpdate,
    fingerprints: Fingerprints,
    jobs: int,
    progress: Progress,
) -> int:
    """Render the routes whose fingerprint changed, each in its language's environment, keep the others' files; return how many pages changed."""
    global _WORK
    _WORK = (routes, envs, update, fingerprints)
    chunks = [(start, min(start + CHUNK, len(routes))) for start in range(0, len(routes), CHUNK)]
    written = done = 0
    try:
        for pages in parallel_map(_render_chunk, chunks, jobs):
            for entries in pages:
                update.add(entries)
                written += any(staged for _, _, staged in entries)  # the page, or its gzip twin
            done += len(pages)
            progress("rendering", done, len(routes))
    finally:
        _WORK = None
    return written


def _render_chunk(chunk: tuple[int, int]) -> list[list[Entry]]:
    routes, envs, update, fingerprints = _WORK
    pages = []
    for route in routes[chunk[0] : chunk[1]]:
        fingerprint = fingerprints.of(route)
        kept = update.keep(route.output_file, fingerprint) if fingerprint is not None else None
        # A page always rendered has no fingerprint: "" never matches one.
        pages.append(
            kept
            or update.write(route.output_file, render(route, envs[route.language]).encode("utf-8"), fingerprint or "")
        )
    return pages


pickle_by_fields(CountyRead, BuildRecord)
