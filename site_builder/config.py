"""Build options: where content is read and output written, and what the command line overrides."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from persiantools.jdatetime import JalaliDate

from .errors import CONTROLS, N_, UsageError, shown
from .fields import BASE_URL
from .models import SiteSettings
from .persian import SOLAR_HIJRI_YEARS, jalali_from_gregorian, parse_jalali

PROJECT_DIR = Path(__file__).resolve().parent.parent
_SECONDS = re.compile(r"[0-9]{1,12}")


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What one run of the program was asked to do."""

    content_dir: Path = Path("content")
    output_dir: Path = Path("output")
    base_url: str | None = None
    strict: bool = False
    today: str | None = None  # the build date, Solar Hijri, as given on the command line
    jobs: int = 1  # processes that render pages
    precompress: bool = False  # also write a .gz twin of each text file, for nginx's gzip_static
    search_index: bool = True  # False: leave the last build's search index as it is (serve, until someone searches)
    force: bool = False  # update an output folder built for another base URL (--force)
    templates_dir: Path = PROJECT_DIR / "templates"
    static_dir: Path = PROJECT_DIR / "static"
    locales_dir: Path = PROJECT_DIR / "locales"


def check_base_url(url: str) -> str:
    """Return a base URL ending in '/', or refuse one that is not absolute."""
    if not BASE_URL.fullmatch(url) or CONTROLS.search(url):
        raise UsageError(
            N_(
                "--base-url {url} is not an absolute http(s) address such as https://example.org/ or "
                "https://example.org/a/b/",
                url=shown(url),
            )
        )
    return url if url.endswith("/") else url + "/"


def apply_overrides(settings: SiteSettings, options: BuildOptions) -> SiteSettings:
    """Return the site's settings with the command line's overrides applied."""
    if options.base_url:
        return replace(settings, base_url=check_base_url(options.base_url))
    return settings


def build_date(options: BuildOptions) -> JalaliDate:
    """Return the date the site is built for: --today, else SOURCE_DATE_EPOCH, else today in Tehran.

    Pages that say whether a license has expired depend on it, so a fixed date gives a reproducible site.
    """
    if options.today:
        try:
            return parse_jalali(options.today)
        except ValueError as exc:
            raise UsageError(N_("--today: {problem}", problem=exc.args[0])) from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return jalali_from_gregorian(datetime.now(ZoneInfo("Asia/Tehran")).date())
    try:
        # As reproducible-builds.org defines it: a whole, non-negative number of seconds since 1970 in ASCII digits.
        moment = datetime.fromtimestamp(int(epoch), tz=UTC) if _SECONDS.fullmatch(epoch) else None
        day = jalali_from_gregorian(moment.date()) if moment else None
    except (ValueError, OverflowError, OSError):
        day = None
    if day is None or day.year not in SOLAR_HIJRI_YEARS:
        raise UsageError(
            N_(
                "SOURCE_DATE_EPOCH={value} is not a number of seconds since 1970 that falls in the "
                "Solar Hijri years {first:d}–{last:d}",
                value=shown(epoch),
                first=SOLAR_HIJRI_YEARS.start,
                last=SOLAR_HIJRI_YEARS.stop - 1,
            )
        )
    return day
