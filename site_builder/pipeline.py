"""The one orchestrator: load → validate → site → routes → render → write."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .config import BuildOptions, apply_overrides, build_date
from .errors import ContentError, Problem, UsageError
from .loader import load
from .models import Content
from .render import environment, render
from .routes import plan
from .site import build_graph
from .validate import validate
from .writer import write_site


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
    content, problems = validate(load(options.content_dir))
    return CheckReport(content, problems)


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
    """Build the whole site into the output folder; on any content error nothing is written."""
    content, problems = validated_content(options)
    content = replace(content, settings=apply_overrides(content.settings, options))
    graph = build_graph(content, build_date(options))
    env = environment(options.templates_dir, graph)
    pages = [(route.output_file, render(route, env).encode("utf-8")) for route in plan(graph)]
    write_site(options.output_dir, pages, options.static_dir)
    return BuildReport(len(pages), problems)
