"""The one orchestrator: load → validate → site → routes → render → write."""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass, replace
from pathlib import Path

from jinja2 import Environment

from .config import BuildOptions, apply_overrides, build_date
from .errors import ContentError, Problem, UsageError
from .loader import OfficesSource, load, load_offices
from .models import Content
from .render import environment, render
from .routes import Route, plan
from .site import build_graph
from .validate import OfficesFile, read_offices, validate
from .writer import FreshOutput, refuse_duplicates


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


def check(options: BuildOptions) -> CheckReport:
    """Load and validate the content; nothing is written."""
    if not options.content_dir.is_dir():
        raise UsageError(f"the content folder {str(options.content_dir)!r} does not exist")
    raw = load(options.content_dir)
    content, problems = validate(raw, read_offices_files(raw.offices, options.jobs))
    return CheckReport(content, problems)


def read_offices_files(sources: tuple[OfficesSource, ...], jobs: int) -> list[OfficesFile]:
    """Read the county offices files, most of the content, on `jobs` processes."""
    if jobs <= 1 or len(sources) < 16:
        return [_read_offices_file(source) for source in sources]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return pool.map(_read_offices_file, sources, chunksize=4)


def _read_offices_file(source: OfficesSource) -> OfficesFile:
    return read_offices(load_offices(source))


def validated_content(options: BuildOptions) -> tuple[Content, list[Problem]]:
    """Return the content model, or raise ContentError with every problem."""
    report = check(options)
    if report.content is None or (options.strict and report.problems):
        raise ContentError(report.problems)
    return report.content, report.problems


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did."""

    pages: int
    problems: list[Problem]


def build(options: BuildOptions) -> BuildReport:
    """Build the whole site into the output folder; on any error the previous output stays as it was."""
    content, problems = validated_content(options)
    content = replace(content, settings=apply_overrides(content.settings, options))
    graph = build_graph(content, build_date(options))
    routes = plan(graph)
    refuse_duplicates([route.output_file for route in routes])
    with FreshOutput(options.output_dir) as output:
        output.copy_tree(options.static_dir, "static")
        render_all(routes, environment(options.templates_dir, graph), output.folder, options.jobs)
    return BuildReport(len(routes), problems)


# What forked render workers inherit from the parent: set just before the pool starts.
_WORK: tuple[list[Route], Environment, Path] | None = None


def render_all(routes: list[Route], env: Environment, folder: Path, jobs: int) -> None:
    """Render every route into the fresh folder, on `jobs` processes (forked, so they share the parent's graph)."""
    global _WORK
    if jobs <= 1 or len(routes) < 200:
        _render_slice(routes, env, folder)
        return
    _WORK = (routes, env, folder)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            pool.map(_render_share, [(start, jobs) for start in range(jobs)])
    finally:
        _WORK = None


def _render_share(share: tuple[int, int]) -> None:
    start, step = share
    routes, env, folder = _WORK
    _render_slice(routes[start::step], env, folder)


def _render_slice(routes: list[Route], env: Environment, folder: Path) -> None:
    output = FreshOutput.attach(folder)
    for route in routes:
        output.write(route.output_file, render(route, env).encode("utf-8"))
