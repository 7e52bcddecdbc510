"""Interface text in each language: Babel catalogues (locales/<lang>/LC_MESSAGES/messages.po), compiled on reading."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DOMAIN = "messages"


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
    import os

    setting = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    return "fa" if setting.startswith("fa") else "en"


def operator_translations(language: str) -> Translations:
    """Return the catalogue of the operator's language (English: the messages as written)."""
    from .config import PROJECT_DIR

    if language == "en":
        return Translations()  # gettext returns each message as it is
    return translations(PROJECT_DIR / "locales", language)
