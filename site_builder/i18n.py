"""Interface text in each language: Babel catalogues (locales/<lang>/LC_MESSAGES/messages.po), compiled on reading."""

from __future__ import annotations

import io
import os
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from persiantools.jdatetime import JalaliDate

from .errors import Message, Problem, escape_controls

DOMAIN = "messages"
SITE_LANGUAGE = "fa"  # the site's default language (site.yaml's first, which must be fa): GitHub's and serve's page


def catalogue_path(locales: Path, language: str) -> Path:
    """Return the .po file of a language."""
    return locales / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def translations(locales: Path, language: str) -> Translations:
    """Compile a language's catalogue in memory: the compiled .mo never lands in the repository or the output."""
    with catalogue_path(locales, language).open("rb") as source:
        catalogue = read_po(source, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def operator_language(requested: str | None) -> str:
    """Return the language to speak to the person at the terminal: --lang, else fa when LC_ALL or LANG is Persian."""
    if requested:
        return requested
    setting = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    return "fa" if setting.startswith("fa") else "en"


@dataclass(frozen=True)
class Speaker:
    """How the program speaks to one audience: the catalogue of its language, and Persian digits in Persian.

    The one way every command puts its messages into words: `check`, `build`, `serve`, `recover`, `import`, `export`.
    """

    language: str
    catalogue: NullTranslations

    def gettext(self, text: str) -> str:
        return self.catalogue.gettext(text)

    def ngettext(self, singular: str, plural: str, count: int, **args: object) -> str:
        """Return the form of a message for a count, its fields ({count} and any others) filled in this language."""
        return self._fill(self.catalogue.ngettext(singular, plural, count), {"count": count, **args})

    def digits(self, text: str) -> str:
        """Return text with its digits as the language writes them: Persian in Persian."""
        if self.language != "fa":
            return text
        from .persian import persian_digits

        return persian_digits(text)

    def say(self, message: Message | str) -> str:
        """Put a message into words in this language; plain text (a system's own message) is shown as it is."""
        if not isinstance(message, Message):
            return escape_controls(message)
        text = self.gettext(message.text)
        return escape_controls(self._fill(text, dict(message.args)) if message.args else text)

    def _fill(self, text: str, args: dict[str, object]) -> str:
        return _Fields(self).vformat(text, (), args)

    def problem(self, problem: Problem) -> str:
        """Return a problem as `path:line:col: severity: message`: the place stays Latin, for editors' tools to read."""
        return self.line(str(problem.mark), problem.severity, problem.message)

    def line(self, place: str, severity: str, message: Message | str) -> str:
        """Return `place: severity: message`, the place as it is and the rest in this language."""
        return f"{place}: {self.gettext(severity)}: {self.say(message)}"


class _Fields(string.Formatter):
    """Fill a message's fields: messages in the same language, numbers and Solar Hijri dates in its digits."""

    def __init__(self, speaker: Speaker):
        self.speaker = speaker

    def format_field(self, value: object, format_spec: str) -> str:
        if isinstance(value, Message):
            return self.speaker.say(value)
        if isinstance(value, JalaliDate):
            return self.speaker.digits(f"{value.year:04d}/{value.month:02d}/{value.day:02d}")
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = format(value, format_spec)
            if self.speaker.language == "fa":
                number = number.replace(",", "٬").replace(".", "٫")  # Persian's thousands and decimal separators
            return self.speaker.digits(number)
        return format(value, format_spec)


def speaker(language: str) -> Speaker:
    """Return the speaker of a language (English: the messages as written)."""
    return ENGLISH if language == "en" else _speaker(language)


@cache
def _speaker(language: str) -> Speaker:
    from .config import PROJECT_DIR

    return Speaker(language, translations(PROJECT_DIR / "locales", language))


ENGLISH = Speaker("en", NullTranslations())  # gettext returns each message as it is
