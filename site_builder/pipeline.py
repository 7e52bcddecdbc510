"""The one orchestrator: check() reads and validates; build() reads, validates, plans, renders, writes and publishes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from jinja2 import Environment

from .assets import Asset, hashed_assets
from .cache import COMPILED_TEMPLATES, BuildCache
from .config import BuildOptions, apply_overrides, build_date
from .errors import N_, ContentError, Message, Problem, UsageError
from .fingerprint import Fingerprints, digest
from .i18n import translations
from .incremental import BuildInputs, BuildRecord, last_build, nothing_changed, read_inputs, remember_build
from .loader import ContentFiles, scan
from .models import Content, Office
from .opendata import DATA_FILES, LANGUAGE
from .planning import plan_build
from .publish import publish
from .reading import ContentRead, offices_of, read_content
from .render import CompiledTemplates, environment, render
from .report import Progress, quiet
from .routes import Route
from .site import SiteGraph, build_graph
from .workers import parallel_map
from .writer import (
    Entry,
    OutputFacts,
    OutputLock,
    OutputUpdate,
    check_output_folder,
    output_facts,
    refuse_duplicates,
)

CHUNK = 250  # pages a worker renders between progress reports


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


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did."""

    pages: int
    written: int  # new or changed since the previous output
    unchanged: int
    removed: int  # files of the previous output that are gone
    problems: list[Problem]
    vanished: tuple[tuple[str, int], ...] = ()  # each "province/county" that had offices in the previous build and
    # has none now, with how many it had


class BuiltForAnotherUrl(UsageError):
    """The output folder holds a build made for another base URL: updating it would mix links to two addresses."""

    def __init__(self, output_dir: Path, held: str, wanted: str):
        super().__init__(f"{output_dir} holds a build for {held}, not for {wanted}")
        self.output_dir, self.held, self.wanted = output_dir, held, wanted


def refuse_another_base_url(output_dir: Path, base_url: str, facts: OutputFacts | None = None) -> None:
    """Refuse to update an output folder that the marker (or its facts, when read already) says was built for another
    base URL.

    A marker written before the base URL was recorded names none: such a folder is updated, as it
    was before, since nothing says which address its links lead to.
    """
    held = (facts or output_facts(output_dir)).base_url
    if held is not None and held.rstrip("/") != base_url.rstrip("/"):
        raise BuiltForAnotherUrl(output_dir, held, base_url)


def check(
    options: BuildOptions, progress: Progress = quiet, cache: BuildCache | None = None, offices: bool = True
) -> CheckReport:
    """Load and validate the content; nothing is written. Without `offices` the report leaves them out (quicker)."""
    if not options.content_dir.is_dir():
        raise UsageError(N_("the content folder {folder} does not exist", folder=repr(str(options.content_dir))))
    cache = cache if cache is not None else BuildCache()
    read = read_content(scan(options.content_dir), options.jobs, progress, cache, build_date(options))
    if read.content is None or not offices:
        return CheckReport(read.content, (), read.problems)
    every_office = tuple(office for county in read.counties for office in offices_of(county, read, cache))
    return CheckReport(read.content, every_office, read.problems)


def claim_output(options: BuildOptions, wait: float = 0, notify: Callable[[Message], None] | None = None) -> OutputLock:
    """Refuse an output folder a build must not update; else return its lock, which `build` takes (again, if held)."""
    check_output_folder(options.output_dir, _sources(options))
    return OutputLock(options.output_dir, wait, notify)


def _sources(options: BuildOptions) -> list[Path]:
    """Return the folders a build reads, which its output must not be or hold."""
    return [options.content_dir, options.templates_dir, options.static_dir, options.locales_dir]


def build(
    options: BuildOptions,
    progress: Progress = quiet,
    cache: BuildCache | None = None,
    publish_via_symlink: bool = False,
) -> BuildReport:
    """Build the site into the output folder, holding its lock from the first look at it to the record of the files.
    With `publish_via_symlink` the output is a link, pointed in one step at a new folder holding the whole site."""
    with claim_output(options):
        return _build_locked(options, progress, cache if cache is not None else BuildCache(), publish_via_symlink)


def _build_locked(
    options: BuildOptions, progress: Progress, cache: BuildCache, publish_via_symlink: bool
) -> BuildReport:
    """Build the site into the output folder; on any error the previous output stays as it was.

    The phases: read what the build reads and, when nothing changed since the last build into this
    folder, stop; validate the content and make the site graph; plan the pages, keeping whole
    groups whose fingerprint is unchanged (incremental.py); then, in the output update, write the
    assets, render the pages and publish the open data and the search index; last, remember what
    was built for the next build.
    """
    if not options.content_dir.is_dir():  # the output folder was checked by claim_output
        raise UsageError(N_("the content folder {folder} does not exist", folder=repr(str(options.content_dir))))
    previous = last_build(options.output_dir, cache)
    inputs = read_inputs(options)
    if previous is not None and nothing_changed(previous, inputs, options.output_dir):
        return BuildReport(previous.pages, 0, previous.pages, 0, list(previous.problems))
    read, content = validated(options, inputs.found, progress, cache)
    before = output_facts(options.output_dir)
    if not options.force:
        refuse_another_base_url(options.output_dir, content.settings.base_url, before)
    facts = OutputFacts(
        content.settings.base_url,
        {f"{county.province}/{county.county}": county.counts.offices for county in read.counties},
    )
    graph = site_graph(options, read, content)
    assets = hashed_assets(inputs.static)
    fingerprints = page_fingerprints(options, graph, inputs, assets)
    envs, data_gettext = environments(options, graph, content, assets, cache)
    plan = plan_build(options, previous, read, content, graph, fingerprints, cache, envs, data_gettext, inputs)
    with OutputUpdate(
        options.output_dir,
        previous.files if previous else None,
        inputs.digest.hex(),
        options.precompress,
        publish_via_symlink,
        facts,
    ) as update:
        refuse_duplicates(
            [route.output_file for route in plan.routes] + [asset.path for asset in assets.values()] + list(DATA_FILES)
        )
        update.add(plan.kept_files)
        write_assets(assets, update)
        written = render_pages(plan.routes, envs, update, fingerprints, options.jobs, progress)
        # After rendering, so that the render workers do not inherit the tables or the index.
        published = {group.name: publish(group, update, progress) for group in plan.national}
    groups = {**plan.kept, **plan.rendered(update.files_of), **published}
    # Plain tuples, not FileRecords: at national scale (400,000 files) the record pickles and loads 3-4 times faster.
    left = {path: (fingerprint, size, mtime) for path, (fingerprint, size, mtime) in update.files.items()}
    record = BuildRecord(inputs.digest, left, groups, plan.pages, tuple(read.problems))
    remember_build(options.output_dir, cache, record)
    cache.trim(keep=(COMPILED_TEMPLATES,))
    vanished = tuple(
        (county, count) for county, count in sorted(before.offices.items()) if count and not facts.offices.get(county)
    )
    return BuildReport(plan.pages, written, plan.pages - written, update.removed, read.problems, vanished)


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


def page_fingerprints(
    options: BuildOptions, graph: SiteGraph, inputs: BuildInputs, assets: dict[str, Asset]
) -> Fingerprints:
    """Return the fingerprints of this build's pages."""
    # Pages name the assets they load: a new asset name is a change to every page, like a template's.
    shared = digest(
        inputs.interface,
        *(asset.path.encode() for asset in assets.values()),
        b"gzip twins" if options.precompress else b"",
    )
    return Fingerprints(graph, shared)


def environments(
    options: BuildOptions, graph: SiteGraph, content: Content, assets: dict[str, Asset], cache: BuildCache
) -> tuple[dict[str, Environment], Callable[[str], str]]:
    """Return the Jinja environment of each language, and the gettext of the open data's language."""
    languages = content.settings.languages
    published = {source: asset.path for source, asset in assets.items()}
    catalogues = {language: translations(options.locales_dir, language) for language in languages}
    # One folder of compiled templates per language: Jinja folds filters and finalize applied to literals into the
    # compiled code.
    envs = {
        language: environment(
            options.templates_dir,
            graph.site_wide,
            language,
            catalogues[language],
            CompiledTemplates(cache, f"{COMPILED_TEMPLATES}/{language}") if cache.folder else None,
            published,
            catalogues[languages[0]],
        )
        for language in languages
    }
    return envs, catalogues[LANGUAGE].gettext  # the open data's language, the default one (validate holds it)


def write_assets(assets: dict[str, Asset], update: OutputUpdate) -> None:
    """Stage the static files that changed, each under its hashed name."""
    for asset in assets.values():
        fingerprint = digest(asset.data).hex()
        update.add(update.keep(asset.path, fingerprint) or update.write(asset.path, asset.data, fingerprint))


@dataclass(frozen=True, slots=True)
class RenderWork:
    """What every render worker needs: the pages, the environments, the update they stage into and the fingerprints."""

    routes: list[Route]
    envs: dict[str, Environment]
    update: OutputUpdate
    fingerprints: Fingerprints


def render_pages(
    routes: list[Route],
    envs: dict[str, Environment],
    update: OutputUpdate,
    fingerprints: Fingerprints,
    jobs: int,
    progress: Progress,
) -> int:
    """Render the routes whose fingerprint changed, each in its language's environment, and keep the others' files;
    return how many pages changed."""
    work = RenderWork(routes, envs, update, fingerprints)
    chunks = [(start, min(start + CHUNK, len(routes))) for start in range(0, len(routes), CHUNK)]
    written = done = 0
    for pages in parallel_map(partial(_render_chunk, work), chunks, jobs):
        for entries in pages:
            update.add(entries)
            written += any(staged for _, _, staged in entries)  # the page, or its gzip twin
        done += len(pages)
        progress("rendering", done, len(routes))
    return written


def _render_chunk(work: RenderWork, chunk: tuple[int, int]) -> list[list[Entry]]:
    """Render or keep the pages of one chunk of the routes; return their entries."""
    pages = []
    for route in work.routes[chunk[0] : chunk[1]]:
        fingerprint = work.fingerprints.of(route)
        pages.append(
            work.update.keep(route.output_file, fingerprint)
            or work.update.write(
                route.output_file, render(route, work.envs[route.language]).encode("utf-8"), fingerprint
            )
        )
    return pages
