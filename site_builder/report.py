"""What the command line tells people: problems as file:line:col, GitHub annotations, summaries, progress."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from babel.support import Translations

from .errors import Problem, escape_controls
from .persian import persian_digits

# A progress report: stage name, items done, items in all. The command line shows it; tests pass nothing.
Progress = Callable[[str, int, int], None]


def quiet(stage: str, done: int, total: int) -> None:
    """Show no progress."""


class ProgressDisplay:
    """Show build progress: a bar redrawn in place on a terminal, a plain line per stage elsewhere (CI logs)."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.terminal = stream.isatty()
        self.stage = ""
        self.drawn = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.terminal:
            filled = self.WIDTH * done // max(total, 1)
            self.stream.write(f"\r\x1b[K{stage:<10} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total}")
            self.stream.flush()
            self.drawn = True
        elif done == total and stage != self.stage:
            print(f"{stage}: {total} done", file=self.stream)
            self.stage = stage

    def close(self) -> None:
        """End the bar's line so that what follows starts on a line of its own."""
        if self.drawn:
            self.stream.write("\n")
            self.drawn = False


def print_problems(problems: list[Problem]) -> None:
    """Print problems as path:line:col, and as GitHub annotations when running in GitHub Actions."""
    for problem in problems:
        print(problem, file=sys.stderr)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for problem in problems:
            print(github_annotation(problem))


def github_annotation(problem: Problem) -> str:
    """Format a problem as a GitHub Actions workflow command, escaped as the runner expects."""

    def escape(text: str, extra: str = "") -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        for char, code in ((":", "%3A"), (",", "%2C")):
            if char in extra:
                text = text.replace(char, code)
        return text

    mark = problem.mark
    place = f"file={escape(mark.path, ':,')},line={mark.line},col={mark.col}"
    return f"::{problem.severity} {place}::{escape(problem.message)}"


def vanished_offices(vanished: tuple[tuple[str, int], ...], catalogue: Translations) -> list[str]:
    """Return a line for each county that had offices in the previous build and has none now, in the catalogue's
    language (Persian digits in Persian)."""
    digits = persian_digits if catalogue.info().get("language") == "fa" else str
    return [
        catalogue.ngettext(
            "county {county} had {count} office in the previous build and has none now",
            "county {county} had {count} offices in the previous build and has none now",
            count,
        ).format(county=county, count=digits(str(count)))
        for county, count in vanished
    ]


def summary(errors: int, warnings: int, content: Path, failed: bool) -> str:
    """Return the last line of a check."""

    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    verdict = "failed" if failed else "passed"
    return f"check {verdict}: {count(errors, 'error')}, {count(warnings, 'warning')} in {escape_controls(str(content))}"
