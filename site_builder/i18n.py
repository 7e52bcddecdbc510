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
