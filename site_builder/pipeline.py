"""The one orchestrator: load → validate → site → routes → render → write."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

from jinja2 import Environment

from .cache import BuildCache, key_of
from .config import BuildOptions, apply_overrides, build_date
from .errors import ContentError, Problem, UsageError
from .loader import OfficesSource, load, offices_bytes, parse_offices
from .models import Content
from .fingerprint import Fingerprints
from .render import environment, render
from .routes import Route, plan
from .site import build_graph
from .validate import OfficesFile, read_offices, validate
from .writer import FreshOutput, check_output_folder, refuse_duplicates


# A progress report: stage name, items done, items in all. The command line shows it; tests pass nothing.
Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    pass


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What validation found."""

    content: Content | None
    problems: list[Problem]

    @property
    def errors(self) -> int:
        return sum(problem.is_error for problem in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


def check(options: BuildOptions, progress: Progress = _quiet, cache: BuildCache | None = None) -> CheckReport:
    """Load and validate the content; nothing is written."""
    if not options.content_dir.is_dir():
        raise UsageError(f"the content folder {str(options.content_dir)!r} does not exist")
    raw = load(options.content_dir)
    offices = read_offices_files(raw.offices, options.jobs, progress, cache)
    progress("checking", 0, 1)
    content, problems = validate(raw, offices)
    progress("checking", 1, 1)
    return CheckReport(content, problems)


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


def read_offices_files(sources: tuple[OfficesSource, ...], jobs: int, progress: Progress = _quiet, cache: BuildCache | None = None) -> list[OfficesFile]:
    """Read the county offices files, most of the content, in path order: kept ones from the cache, the rest in parallel."""
    cache = cache if cache is not None else BuildCache()
    work = [(source, *offices_bytes(source)) for source in sources]
    keys = [key_of(source.path, data) if data is not None else None for source, data, _ in work]
    files: list[OfficesFile | None] = [cache.get(key) if key else None for key in keys]
    missing = [index for index, file in enumerate(files) if file is None]
    results = parallel_map(_parse_and_read, [work[index] for index in missing], jobs if len(missing) >= 16 else 1)
    for done, (index, file) in enumerate(zip(missing, results), start=1):
        files[index] = file
        if keys[index]:
            cache.put(keys[index], file)
        progress("reading", len(sources) - len(missing) + done, len(sources))
    progress("reading", len(sources), len(sources))
    return files


def _parse_and_read(work: tuple[OfficesSource, bytes | None, tuple[Problem, ...]]) -> OfficesFile:
    return read_offices(parse_offices(*work))


def validated_content(options: BuildOptions, progress: Progress = _quiet, cache: BuildCache | None = None) -> tuple[Content, list[Problem]]:
    """Return the content model, or raise ContentError with every problem."""
    report = check(options, progress, cache)
    if report.content is None or (options.strict and report.problems):
        raise ContentError(report.problems)
    return report.content, report.problems


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did."""

    pages: int
    written: int     # new or changed since the previous output
    unchanged: int
    removed: int     # files of the previous output that are gone
    problems: list[Problem]


def build(options: BuildOptions, progress: Progress = _quiet, cache: BuildCache | None = None) -> BuildReport:
    """Build the site into the output folder; on any error the previous output stays as it was.

    A page whose fingerprint is the one it had in the previous build is taken from the previous
    output instead of being rendered again.
    """
    check_output_folder(options.output_dir, [options.content_dir, options.templates_dir, options.static_dir])
    cache = cache if cache is not None else BuildCache()
    content, problems = validated_content(options, progress, cache)
    content = replace(content, settings=apply_overrides(content.settings, options))
    graph = build_graph(content, build_date(options))
    routes = plan(graph)
    refuse_duplicates([route.output_file for route in routes])
    manifest_key = "manifest-" + key_of(options.output_dir.resolve(), b"")
    previous = cache.get(manifest_key) or {}
    with FreshOutput(options.output_dir) as output:
        output.copy_tree(options.static_dir, "static")
        env = environment(options.templates_dir, graph)
        written, manifest = render_all(routes, env, output, Fingerprints(graph, options.templates_dir), previous, options.jobs, progress)
    cache.put(manifest_key, manifest)
    return BuildReport(len(routes), written, len(routes) - written, output.removed, problems)


# What forked render workers inherit from the parent, set just before they start (passing the
# graph and environment as arguments would pickle them for every chunk).
_WORK: tuple | None = None
CHUNK = 250  # pages a worker renders between progress reports


def render_all(routes: list[Route], env: Environment, output: FreshOutput, fingerprints: Fingerprints,
               previous: dict[str, str], jobs: int, progress: Progress) -> tuple[int, dict[str, str]]:
    """Render the routes whose fingerprint changed, reuse the others; return how many pages changed and the new fingerprints."""
    global _WORK
    _WORK = (routes, env, output, fingerprints, previous)
    chunks = [(start, min(start + CHUNK, len(routes))) for start in range(0, len(routes), CHUNK)]
    changed = done = 0
    manifest: dict[str, str] = {}
    try:
        for count, chunk_changed, chunk_manifest in parallel_map(_render_chunk, chunks, jobs):
            done += count
            changed += chunk_changed
            manifest.update(chunk_manifest)
            progress("rendering", done, len(routes))
    finally:
        _WORK = None
    return changed, manifest


def _render_chunk(chunk: tuple[int, int]) -> tuple[int, int, dict[str, str]]:
    routes, env, output, fingerprints, previous = _WORK
    changed = 0
    manifest = {}
    for route in routes[chunk[0]:chunk[1]]:
        fingerprint = fingerprints.of(route)
        if fingerprint is not None:
            manifest[route.output_file] = fingerprint
            if previous.get(route.output_file) == fingerprint and output.reuse(route.output_file):
                continue
        changed += output.write(route.output_file, render(route, env).encode("utf-8"))
    return chunk[1] - chunk[0], changed, manifest
