"""The one orchestrator: load → validate → site → routes → render → write."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from jinja2 import Environment

from .cache import BuildCache, key_of
from .config import BuildOptions, apply_overrides, build_date
from .errors import ContentError, Problem, UsageError
from .loader import OfficesSource, content_digest, load, offices_bytes, parse_offices
from .models import Content
from .fingerprint import Fingerprints, digest, files_digest
from .render import environment, render
from .routes import Route, plan
from .site import build_graph
from .validate import OfficesFile, read_offices, validate
from .writer import FileRecord, OutputUpdate, check_output_folder, refuse_duplicates, unchanged_output


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


@dataclass(frozen=True, slots=True)
class BuildRecord:
    """What the last successful build into an output folder read and left there, kept in the cache."""

    inputs: bytes                  # digest of the content, templates, static files, code and options
    files: dict[str, FileRecord]   # every file it left in the output folder
    pages: int
    problems: tuple[Problem, ...]  # its warnings, to be reported again


def build(options: BuildOptions, progress: Progress = _quiet, cache: BuildCache | None = None) -> BuildReport:
    """Build the site into the output folder; on any error the previous output stays as it was.

    When nothing the build reads has changed since the last build into this folder, and nobody has
    touched what it wrote there, there is nothing to do. Otherwise a page whose fingerprint is the
    one it had in the previous build keeps its file; only the others are rendered.
    """
    check_output_folder(options.output_dir, [options.content_dir, options.templates_dir, options.static_dir])
    if not options.content_dir.is_dir():
        raise UsageError(f"the content folder {str(options.content_dir)!r} does not exist")
    cache = cache if cache is not None else BuildCache()
    record_key = "output-" + key_of(options.output_dir.resolve(), b"")
    previous = cache.get(record_key)
    previous = previous if isinstance(previous, BuildRecord) else None
    inputs = _inputs_digest(options)
    if previous is not None and previous.inputs == inputs and unchanged_output(options.output_dir, previous.files):
        progress("unchanged", 1, 1)
        return BuildReport(previous.pages, 0, previous.pages, 0, list(previous.problems))
    content, problems = validated_content(options, progress, cache)
    content = replace(content, settings=apply_overrides(content.settings, options))
    graph = build_graph(content, build_date(options))
    routes = plan(graph)
    refuse_duplicates([route.output_file for route in routes] + [asset for asset, _ in _assets(options.static_dir)])
    with OutputUpdate(options.output_dir, previous.files if previous else None) as update:
        for path, data in _assets(options.static_dir):
            fingerprint = digest(data).hex()
            kept = update.keep(path, fingerprint)
            update.add(path, *((kept, False) if kept else update.write(path, data, fingerprint)))
        env = environment(options.templates_dir, graph)
        written = render_all(routes, env, update, Fingerprints(graph, options.templates_dir), options.jobs, progress)
    cache.put(record_key, BuildRecord(inputs, update.files, len(routes), tuple(problems)))
    return BuildReport(len(routes), written, len(routes) - written, update.removed, problems)


def _inputs_digest(options: BuildOptions) -> bytes:
    """Return a digest of everything a build reads: equal digests give equal sites."""
    settings = repr((str(options.base_url), str(build_date(options)), options.strict)).encode()
    return digest(content_digest(options.content_dir), files_digest(options.templates_dir), files_digest(options.static_dir),
                  files_digest(Path(__file__).parent, "*.py"), settings)


def _assets(static_dir: Path) -> list[tuple[str, bytes]]:
    """Return the static files, as output paths below static/ and their bytes."""
    if not static_dir.is_dir():
        return []
    return [(f"static/{path.relative_to(static_dir).as_posix()}", path.read_bytes()) for path in sorted(static_dir.rglob("*")) if path.is_file()]


# What forked render workers inherit from the parent, set just before they start (passing the
# graph and environment as arguments would pickle them for every chunk).
_WORK: tuple | None = None
CHUNK = 250  # pages a worker renders between progress reports


def render_all(routes: list[Route], env: Environment, update: OutputUpdate, fingerprints: Fingerprints, jobs: int, progress: Progress) -> int:
    """Render the routes whose fingerprint changed, keep the others' files; return how many pages changed."""
    global _WORK
    _WORK = (routes, env, update, fingerprints)
    chunks = [(start, min(start + CHUNK, len(routes))) for start in range(0, len(routes), CHUNK)]
    written = done = 0
    try:
        for results in parallel_map(_render_chunk, chunks, jobs):
            for path, record, staged in results:
                update.add(path, record, staged)
                written += staged
            done += len(results)
            progress("rendering", done, len(routes))
    finally:
        _WORK = None
    return written


def _render_chunk(chunk: tuple[int, int]) -> list[tuple[str, FileRecord, bool]]:
    routes, env, update, fingerprints = _WORK
    results = []
    for route in routes[chunk[0]:chunk[1]]:
        fingerprint = fingerprints.of(route)
        kept = update.keep(route.output_file, fingerprint) if fingerprint is not None else None
        if kept is not None:
            results.append((route.output_file, kept, False))
        else:  # a page always rendered has no fingerprint: "" never matches one
            results.append((route.output_file, *update.write(route.output_file, render(route, env).encode("utf-8"), fingerprint or "")))
    return results
