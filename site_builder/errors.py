"""Problems found in content, and the few exceptions the program raises."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from .pickling import pickle_by_fields

Severity = Literal["error", "warning"]

# Characters that change how text is shown or read without being seen: the C0 and C1 controls (but tab, line feed
# and carriage return, which files are made of) and the bidirectional embeddings, overrides and isolates, which can
# reorder the text after them. The zero-width non-joiner and joiner stay (Persian spelling needs them), and so do the
# left-to-right, right-to-left and Arabic letter marks: Persian keyboards type them, and a mark has no scope that could
# reorder anything but its neighbours.
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# In what the program prints, a carriage return or tab would move the terminal's cursor too: only line feeds stay.
_CONTROLS_IN_MESSAGES = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SHOWN_LENGTH = 60  # characters of a value that a message repeats


def escape_controls(text: str) -> str:
    """Return text with its control characters as escapes (\\x07, \\u202e): a terminal shows them, not obeys them."""
    return _CONTROLS_IN_MESSAGES.sub(lambda match: match[0].encode("unicode_escape").decode("ascii"), text)


def shown(value: object, limit: int = SHOWN_LENGTH) -> str:
    """Return a value as a message repeats it: quoted, at most its first `limit` characters, controls escaped."""
    text = str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    return "'" + escape_controls(text.replace("\n", "\\n")) + "'"


def describe_character(char: str) -> Message | str:
    """Name a character for an editor who cannot see it: U+202E (RIGHT-TO-LEFT OVERRIDE)."""
    name = unicodedata.name(char, "")
    if not name:  # Unicode names no C0 or C1 control
        return N_("U+{code} (a control character)", code=f"{ord(char):04X}")
    return f"U+{ord(char):04X} ({name})"


@dataclass(frozen=True, slots=True)
class Message:
    """A message as written in English, which is its msgid in the catalogues, and the values of its str.format fields.

    A message is made where the problem is found but put into words where it is shown, in the language the person
    reading it chose (`Speaker.say` in i18n.py); str() gives the English. An argument may itself be a Message.
    """

    text: str
    args: tuple[tuple[str, object], ...] = ()

    def __str__(self) -> str:
        from .i18n import ENGLISH

        return ENGLISH.say(self)

    def __lt__(self, other: Message) -> bool:
        return str(self) < str(other)


def N_(text: str, **args: object) -> Message:
    """Mark a message for the catalogues (`python3 tasks.py messages`), with its arguments, translated when shown."""
    return Message(text, tuple(args.items()))


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
    message: Message

    def __post_init__(self) -> None:
        # A file's name is the editor's: it may not drive the terminal (a message is escaped when put into words).
        if _CONTROLS_IN_MESSAGES.search(self.mark.path):
            object.__setattr__(self, "mark", Mark(escape_controls(self.mark.path), self.mark.line, self.mark.col))

    def __str__(self) -> str:
        return f"{self.mark}: {self.severity}: {escape_controls(str(self.message))}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class ContentError(Exception):
    """The content has errors; the build stops before writing anything."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{sum(p.is_error for p in problems)} content errors")
        self.problems = problems


class UsageError(Exception):
    """The command line asks for something impossible (exit code 2); its argument is a Message or plain text."""


class TemplateFailed(Exception):
    """A template could not be compiled or rendered: its file, its line and what went wrong, without a traceback.

    Raised in the render workers and pickled back to the parent, so it carries plain values only.
    """

    def __init__(self, path: str, line: int, message: str):
        super().__init__(path, line, message)
        self.path, self.line, self.message = path, line, message

    def __str__(self) -> str:
        return escape_controls(f"{self.path}:{self.line}: error: {self.message}")


pickle_by_fields(Message, Mark, Problem)
