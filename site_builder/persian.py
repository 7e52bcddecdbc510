"""Persian text: ی/ک normalisation, digits and Solar Hijri (Jalali) dates."""

from __future__ import annotations

import re
from datetime import date

import icu
from persiantools import characters, digits
from persiantools.jdatetime import JalaliDate

from .errors import N_, Message, shown

MONTHS_EN = (
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
)
# The months' names in the messages that name them: the catalogues give their Persian names.
_MONTHS = (
    N_("Farvardin"),
    N_("Ordibehesht"),
    N_("Khordad"),
    N_("Tir"),
    N_("Mordad"),
    N_("Shahrivar"),
    N_("Mehr"),
    N_("Aban"),
    N_("Azar"),
    N_("Dey"),
    N_("Bahman"),
    N_("Esfand"),
)
ARABIC_LETTERS = frozenset("يكى")
# Runs of horizontal space, and a zero-width non-joiner that only sits beside a space.
_SPACES = re.compile(r"[ \t\u00a0]*\u200c?[ \t\u00a0]+\u200c?|\u200c?[ \t\u00a0]+")
_JALALI = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})", re.ASCII)
SOLAR_HIJRI_YEARS = range(1300, 1500)
# Words nearly every office's address or name has. A search for one of them would match every
# office, and Pagefind takes seconds to rank 30,000 matches (its issue #49), so the search index
# leaves them out of what it indexes of offices and the search page leaves them out of queries.
COMMON_WORDS = (
    "خیابان",
    "کوچه",
    "پلاک",
    "طبقه",
    "واحد",
    "نبش",
    "بلوار",
    "میدان",
    "جنب",
    "روبه‌روی",
    "ساختمان",
    "جاده",
    "دفتر",
    "پیشخوان",
    "خدمات",
    "دولت",
)
_COMMON = re.compile(r"(?<![\w\u200c])(?:" + "|".join(COMMON_WORDS) + r")(?![\w\u200c])")
# ICU's Persian collation: code-point order and the default Unicode order both misplace letters (پ, چ, ژ, گ, و/ه).
_COLLATOR = icu.Collator.createInstance(icu.Locale("fa"))


def normalise_text(text: str) -> tuple[str, list[Message]]:
    """Return text with Persian ی/ک and single spaces, and what was changed, in editors' words."""
    changes = []
    if has_arabic_letters(text):
        text = persian_letters(text)
        changes.append(N_("Arabic ي/ك replaced by Persian ی/ک"))
    lines = [_SPACES.sub(" ", line).strip() for line in text.strip().split("\n")]
    tidy = "\n".join(lines)
    if tidy != text.strip():
        changes.append(N_("extra spaces removed"))
    return tidy, changes


# What two spellings of one name may differ in: the joiners, the directional marks, the kashida and spaces.
_NOT_IN_NAMES = re.compile(r"[\u200c\u200d\u200e\u200f\u061c\u0640\s]")


def name_key(name: str) -> str:
    """Return what tells one name from another: its letters, ی/ک, joiners, marks, kashida and spaces set aside."""
    return _NOT_IN_NAMES.sub("", persian_letters(latin_digits(name))).casefold()


def has_arabic_letters(text: str) -> bool:
    """Tell whether text has the Arabic ي, ك or ى that Persian writes as ی and ک."""
    return not ARABIC_LETTERS.isdisjoint(text)


def persian_letters(text: str) -> str:
    """Return text with Arabic ي/ك/ى replaced by Persian ی/ک, spacing untouched."""
    return characters.ar_to_fa(text)


def latin_digits(text: str) -> str:
    """Return text with Persian and Arabic-Indic digits turned into Latin ones."""
    return digits.fa_to_en(digits.ar_to_fa(text))


def without_common_words(text: str) -> str:
    """Return text without the COMMON_WORDS, as the search index holds it."""
    return _SPACES.sub(" ", _COMMON.sub("", text)).strip()


def month_length(year: int, month: int) -> int:
    """Return the number of days of a Solar Hijri month."""
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if JalaliDate.is_leap(year) else 29


def parse_jalali(text: str) -> JalaliDate:
    """Read `1402/02/31`, `1402-02-31` or `۱۴۰۲/۰۲/۳۱` as a Solar Hijri date; ValueError says why not, as a Message."""
    match = _JALALI.fullmatch(latin_digits(text.strip()))
    if not match:
        raise ValueError(
            N_(
                "{value} is not a date: write it as YYYY/MM/DD in the Solar Hijri calendar, e.g. 1405/01/15",
                value=shown(text),
            )
        )
    year, month, day = (int(part) for part in match.groups())
    if year not in SOLAR_HIJRI_YEARS:
        raise ValueError(
            N_(
                "{value}: year {year:d} is not a Solar Hijri year (expected {first:d}–{last:d})",
                value=text.strip(),
                year=year,
                first=SOLAR_HIJRI_YEARS.start,
                last=SOLAR_HIJRI_YEARS.stop - 1,
            )
        )
    if not 1 <= month <= 12:
        raise ValueError(
            N_(
                "{value}: there is no month {month:d}; months run from 1 (Farvardin) to 12 (Esfand)",
                value=text.strip(),
                month=month,
            )
        )
    days = month_length(year, month)
    if not 1 <= day <= days:
        leap: Message | str = ""
        if month == 12:
            leap = (
                N_(" ({year:d} is a leap year)", year=year)
                if days == 30
                else N_(" ({year:d} is not a leap year)", year=year)
            )
        raise ValueError(
            N_(
                "{value}: {month} {year:d} has {days:d} days{leap}",
                value=text.strip(),
                month=_MONTHS[month - 1],
                year=year,
                days=days,
                leap=leap,
            )
        )
    return JalaliDate(year, month, day)


def format_jalali(date: JalaliDate) -> str:
    """Return the date as YYYY/MM/DD with Latin digits, as editors write it."""
    return f"{date.year:04d}/{date.month:02d}/{date.day:02d}"


def persian_digits(text: str) -> str:
    """Return text with Latin and Arabic-Indic digits written as Persian digits."""
    return digits.en_to_fa(digits.ar_to_fa(text))


def sort_key(text: str) -> bytes:
    """Return a key that sorts Persian text in Persian alphabetical order."""
    return _COLLATOR.getSortKey(persian_letters(text))


def jalali_from_gregorian(day: date) -> JalaliDate:
    """Return the Solar Hijri date of a Gregorian date."""
    return JalaliDate(day)
