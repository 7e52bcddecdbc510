"""Problems found in content, and the few exceptions the program raises."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from .pickling import pickle_by_fields

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Mark:
    """A place in a content file: 1-based line and column."""

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One content problem, reported to the editor as `path:line:col: severity: message`."""

    mark: Mark
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.mark}: {self.severity}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class ContentError(Exception):
    """The content has errors; the build stops before writing anything."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{sum(p.is_error for p in problems)} content errors")
        self.problems = problems


class UsageError(Exception):
    """The command line asks for something impossible (exit code 2)."""


pickle_by_fields(Mark, Problem)
