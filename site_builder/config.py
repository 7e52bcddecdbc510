"""Build options: where content is read and output written, and what the command line overrides."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import UsageError
from .models import SiteSettings

_BASE_URL = re.compile(r"https?://[^\s/?#]+(/[^\s?#]*)?")


PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What one run of the program was asked to do."""

    content_dir: Path = Path("content")
    output_dir: Path = Path("output")
    base_url: str | None = None
    strict: bool = False
    templates_dir: Path = PROJECT_DIR / "templates"
    static_dir: Path = PROJECT_DIR / "static"


def check_base_url(url: str) -> str:
    """Return a base URL ending in '/', or refuse one that is not absolute."""
    if not _BASE_URL.fullmatch(url):
        raise UsageError(f"--base-url {url!r} is not an absolute http(s) address such as https://example.org/ or https://example.org/a/b/")
    return url if url.endswith("/") else url + "/"


def apply_overrides(settings: SiteSettings, options: BuildOptions) -> SiteSettings:
    """Return the site's settings with the command line's overrides applied."""
    if options.base_url:
        return replace(settings, base_url=check_base_url(options.base_url))
    return settings
