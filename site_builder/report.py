"""What the command line tells people: problems as file:line:col, GitHub annotations, summaries, progress."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import N_, Problem, escape_controls
from .i18n import ENGLISH, Speaker

# A progress report: stage name, items done, items in all. The command line shows it; tests pass nothing.
Progress = Callable[[str, int, int], None]
# The stages' names (reading.py, pipeline.py, publish.py name them), written here for the catalogues to hold them.
STAGES = (N_("checking"), N_("reading"), N_("rendering"), N_("open data"), N_("search index"))
SEVERITIES = (N_("error"), N_("warning"))  # as a problem's line names them: translated where it is shown


def quiet(stage: str, done: int, total: int) -> None:
    """Show no progress."""


class ProgressDisplay:
    """Show build progress: a bar redrawn in place on a terminal, a plain line per stage elsewhere (CI logs)."""

    WIDTH = 30

    def __init__(self, stream, voice: Speaker = ENGLISH):
        self.stream = stream
        self.voice = voice
        self.terminal = stream.isatty()
        self.stage = ""
        self.drawn = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        name = self.voice.gettext(stage)
        if self.terminal:
            filled = self.WIDTH * done // max(total, 1)
            counts = self.voice.digits(f"{done}/{total}")
            self.stream.write(f"\r\x1b[K{name:<10} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {counts}")
            self.stream.flush()
            self.drawn = True
        elif done == total and stage != self.stage:
            print(self.voice.say(N_("{stage}: {count} done", stage=name, count=total)), file=self.stream)
            self.stage = stage

    def close(self) -> None:
        """End the bar's line so that what follows starts on a line of its own."""
        if self.drawn:
            self.stream.write("\n")
            self.drawn = False


def print_problems(problems: list[Problem], voice: Speaker = ENGLISH, annotations: Speaker = ENGLISH) -> None:
    """Print problems as path:line:col, and as GitHub annotations when running in GitHub Actions.

    The terminal's lines are in the operator's language (`voice`); the annotations, which the pull request shows to
    every editor, in the site's unless --lang chose (`annotations`).
    """
    for problem in problems:
        print(voice.problem(problem), file=sys.stderr)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for problem in problems:
            print(github_annotation(problem, annotations))


def github_annotation(problem: Problem, voice: Speaker = ENGLISH) -> str:
    """Format a problem as a GitHub Actions workflow command, escaped as the runner expects; only the message is
    in the language spoken, the command and its place are what the runner reads."""

    def escape(text: str, extra: str = "") -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        for char, code in ((":", "%3A"), (",", "%2C")):
            if char in extra:
                text = text.replace(char, code)
        return text

    mark = problem.mark
    place = f"file={escape(mark.path, ':,')},line={mark.line},col={mark.col}"
    return f"::{problem.severity} {place}::{escape(voice.say(problem.message))}"


def vanished_offices(vanished: tuple[tuple[str, int], ...], voice: Speaker = ENGLISH) -> list[str]:
    """Return a line for each county that had offices in the previous build and has none now, in the voice's
    language (Persian digits in Persian)."""
    return [
        voice.ngettext(
            "county {county} had {count} office in the previous build and has none now",
            "county {county} had {count} offices in the previous build and has none now",
            count,
            county=county,
        )
        for county, count in vanished
    ]


def summary(errors: int, warnings: int, content: Path, failed: bool, voice: Speaker = ENGLISH) -> str:
    """Return the last line of a check."""
    counts = {
        "errors": voice.ngettext("{count} error", "{count} errors", errors),
        "warnings": voice.ngettext("{count} warning", "{count} warnings", warnings),
        "content": escape_controls(str(content)),
    }
    if failed:
        return voice.say(N_("check failed: {errors}, {warnings} in {content}", **counts))
    return voice.say(N_("check passed: {errors}, {warnings} in {content}", **counts))
