"""The one orchestrator: load → validate → site → routes → render → write."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from jinja2 import Environment

from .config import BuildOptions, apply_overrides, build_date
from .errors import ContentError, Problem, UsageError
from .loader import OfficesSource, load, offices_bytes, parse_offices
from .models import Content
from .render import environment, render
from .routes import Route, plan
from .site import build_graph
from .validate import OfficesFile, read_offices, validate
from .writer import FreshOutput, refuse_duplicates


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


def check(options: BuildOptions, progress: Progress = _quiet, cache: OfficesCache | None = None) -> CheckReport:
    """Load and validate the content; nothing is written."""
    if not options.content_dir.is_dir():
        raise UsageError(f"the content folder {str(options.content_dir)!r} does not exist")
    raw = load(options.content_dir)
    offices = read_offices_files(raw.offices, options.jobs, progress, cache)
    progress("checking", 0, 1)
    content, problems = validate(raw, offices)
    progress("checking", 1, 1)
    return CheckReport(content, problems)


class OfficesCache:
    """Offices files already read, by content: an unchanged file is never parsed twice.

    Kept in memory (serve keeps one across rebuilds) and, when given a folder, on disk between
    runs. The key covers the file's bytes, the path it is reported under and the code that reads it.
    """

    def __init__(self, folder: Path | None = None):
        self.folder = folder
        self.memory: dict[str, OfficesFile] = {}

    def get(self, key: str) -> OfficesFile | None:
        if key in self.memory:
            return self.memory[key]
        if self.folder is not None:
            try:
                found = pickle.loads((self.folder / f"{key}.pickle").read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
                return None
            self.memory[key] = found
            return found
        return None

    def put(self, key: str, file: OfficesFile) -> None:
        self.memory[key] = file
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{key}.{os.getpid()}"
            temporary.write_bytes(pickle.dumps(file, protocol=pickle.HIGHEST_PROTOCOL))
            temporary.replace(self.folder / f"{key}.pickle")


def _code_version() -> bytes:
    """Digest of the modules that turn an offices file into an OfficesFile: a change to them empties the cache."""
    digest = hashlib.blake2b(digest_size=16)
    for name in ("errors", "yamlio", "persian", "fields", "models", "schema", "loader", "validate"):
        digest.update((Path(__file__).parent / f"{name}.py").read_bytes())
    return digest.digest()


_CODE_VERSION = _code_version()


def cache_key(source: OfficesSource, data: bytes | None) -> str:
    digest = hashlib.blake2b(_CODE_VERSION, digest_size=20)
    digest.update(str(source.path).encode())
    digest.update(os.getcwd().encode())  # problems name files relative to the working directory
    digest.update(data if data is not None else b"\0unreadable")
    return digest.hexdigest()


def read_offices_files(sources: tuple[OfficesSource, ...], jobs: int, progress: Progress = _quiet, cache: OfficesCache | None = None) -> list[OfficesFile]:
    """Read the county offices files, most of the content, in path order: cached ones from the cache, the rest on `jobs` processes."""
    cache = cache if cache is not None else OfficesCache()
    work = [(source, offices_bytes(source)) for source in sources]
    keys = [cache_key(source, data) for source, data in work]
    files: list[OfficesFile | None] = [cache.get(key) for key in keys]
    missing = [index for index, file in enumerate(files) if file is None]
    if jobs <= 1 or len(missing) < 16:
        results = map(_parse_and_read, (work[index] for index in missing))
        pool = None
    else:
        pool = multiprocessing.get_context("fork").Pool(jobs)
        results = pool.imap(_parse_and_read, [work[index] for index in missing], chunksize=4)
    try:
        for done, (index, file) in enumerate(zip(missing, results), start=1):
            files[index] = file
            cache.put(keys[index], file)
            progress("reading", len(sources) - len(missing) + done, len(sources))
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    progress("reading", len(sources), len(sources))
    return files


def _parse_and_read(work: tuple[OfficesSource, bytes | None]) -> OfficesFile:
    return read_offices(parse_offices(*work))


def validated_content(options: BuildOptions, progress: Progress = _quiet, cache: OfficesCache | None = None) -> tuple[Content, list[Problem]]:
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


def build(options: BuildOptions, progress: Progress = _quiet, cache: OfficesCache | None = None) -> BuildReport:
    """Build the whole site into the output folder; on any error the previous output stays as it was."""
    content, problems = validated_content(options, progress, cache)
    content = replace(content, settings=apply_overrides(content.settings, options))
    graph = build_graph(content, build_date(options))
    routes = plan(graph)
    refuse_duplicates([route.output_file for route in routes])
    with FreshOutput(options.output_dir) as output:
        output.copy_tree(options.static_dir, "static")
        written = render_all(routes, environment(options.templates_dir, graph), output, options.jobs, progress)
    return BuildReport(len(routes), written, len(routes) - written, output.removed, problems)


# What forked render workers inherit from the parent: set just before the pool starts.
_WORK: tuple[list[Route], Environment, FreshOutput] | None = None
CHUNK = 250  # pages a worker renders between progress reports


def render_all(routes: list[Route], env: Environment, output: FreshOutput, jobs: int, progress: Progress) -> int:
    """Render every route into the fresh folder on `jobs` forked processes; return how many pages changed."""
    global _WORK
    _WORK = (routes, env, output)
    chunks = [(start, min(start + CHUNK, len(routes))) for start in range(0, len(routes), CHUNK)]
    changed = done = 0
    try:
        if jobs <= 1 or len(chunks) < 2:
            results = map(_render_chunk, chunks)
            pool = None
        else:
            pool = multiprocessing.get_context("fork").Pool(jobs)
            results = pool.imap_unordered(_render_chunk, chunks)
        for (count, chunk_changed) in results:
            done += count
            changed += chunk_changed
            progress("rendering", done, len(routes))
        if pool is not None:
            pool.close()
            pool.join()
    finally:
        _WORK = None
    return changed


def _render_chunk(chunk: tuple[int, int]) -> tuple[int, int]:
    routes, env, output = _WORK
    changed = 0
    for route in routes[chunk[0]:chunk[1]]:
        changed += output.write(route.output_file, render(route, env).encode("utf-8"))
    return chunk[1] - chunk[0], changed
