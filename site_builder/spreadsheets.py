"""The directorates' spreadsheets: import offices from XLSX or CSV into a province's offices files; export them.

Cells are read with the project's own field definitions (schema.OFFICE), so that an import accepts exactly what
`check` accepts. The offices files are edited in ruamel.yaml's round-trip mode: only the values that changed are
set, so comments, key order, `services:` and `private:` blocks the sheet does not hold stay as they were.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import yaml
from persiantools.jdatetime import JalaliDate
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedBase, CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from . import labels
from .cache import BuildCache
from .errors import CONTROLS, N_, Message, Problem, describe_character, shown
from .fields import INVALID, Choice, Decimal, Digits, Field, JalaliDateField, ListOf, Phone, Reader, Rec
from .loader import ContentFiles, FoundFile, display_path, scan
from .persian import format_jalali, jalali_from_gregorian, latin_digits, name_key, persian_letters
from .reading import read_content
from .schema import FILE_TYPES, OFFICE, PROVINCE
from .yamlio import Source, read_yaml

if TYPE_CHECKING:
    from .i18n import Speaker

Words = Mapping[str, Mapping[str, str]]  # by field path, the Persian word for each code
SCHEMA_COMMENT = "# yaml-language-server: $schema=../../../../schemas/offices.schema.json"
EARLIEST_YEAR = 1380  # counter-service offices began in the late 1380s: an earlier date is a typing mistake
LATEST_YEARS_AHEAD = 20  # a license runs five years; a date twenty years ahead is a typing mistake
# Excel counts days from 1899-12-30 in the Gregorian calendar; serials outside these bounds (1998–2064) are not dates
# of this century's licenses and are read as what they are, numbers.
SERIALS = range(35_796, 60_000)
READ_SUFFIXES = (".xlsx", ".xlsm", ".csv")
HEADER_ROWS_SEARCHED = 20  # a title above the header row is common; the header row is looked for this far down


@dataclass(frozen=True, slots=True)
class Column:
    """A column an import reads: the office field it fills and the headers directorates write for it."""

    path: str  # the field's place in an office: "license.holder.name"; "" for a column that is read and ignored
    headers: tuple[str, ...]  # Persian headers; the first is the one export writes
    english: tuple[str, ...] = ()  # English names besides the path itself
    private: bool = False


COLUMNS = (
    Column("", ("ردیف", "شماره ردیف", "ر"), ("row",)),
    Column("code", ("کد دفتر", "کد پیشخوان", "کد دفتر پیشخوان", "کد"), ("office code", "office_code")),
    Column("kind", ("نوع دفتر", "نوع"), ("type",)),
    Column("status", ("وضعیت", "وضعیت دفتر")),
    Column("county", ("شهرستان",), ("county id", "county_id")),
    Column("name", ("نام دفتر", "عنوان دفتر", "نام")),
    Column("place", ("شهر/روستا", "شهر یا روستا", "محل")),
    Column("city", ("شهر",)),
    Column("village", ("روستا",)),
    Column("address", ("نشانی", "آدرس", "نشانی دفتر", "آدرس دفتر")),
    Column("postal_code", ("کد پستی", "کدپستی دفتر")),
    Column("phone", ("تلفن", "شماره تلفن", "تلفن دفتر", "تلفن ثابت")),
    Column("location.lat", ("عرض جغرافیایی",), ("latitude", "lat")),
    Column("location.lon", ("طول جغرافیایی",), ("longitude", "lon")),
    Column("license.number", ("شماره پروانه", "شماره مجوز"), ("license number", "license_number")),
    Column(
        "license.holder.name",
        ("نام دارنده پروانه", "دارنده پروانه", "نام و نام خانوادگی دارنده پروانه", "صاحب پروانه"),
        ("license holder", "license_holder"),
    ),
    Column(
        "license.holder.type",
        ("نوع دارنده پروانه", "نوع دارنده", "نوع شخصیت"),
        ("license holder type", "license_holder_type"),
    ),
    Column("license.issued", ("تاریخ صدور", "تاریخ صدور پروانه"), ("license issued", "license_issued")),
    Column(
        "license.expires",
        ("تاریخ انقضا", "تاریخ انقضای پروانه", "تاریخ اعتبار", "تاریخ پایان اعتبار"),
        ("license expires", "license_expires"),
    ),
    Column("services.add", ("خدمات افزوده",), ("services add",)),
    Column("services.remove", ("خدمات کاسته",), ("services remove",)),
    Column("private.national_id", ("کد ملی", "کد ملی دارنده پروانه"), ("national id",), True),
    Column("private.mobile", ("تلفن همراه", "شماره همراه", "موبایل"), ("mobile",), True),
    Column("private.home_address", ("نشانی منزل", "آدرس منزل"), ("home address",), True),
    Column("private.email", ("پست الکترونیک", "ایمیل", "رایانامه"), ("email", "e-mail"), True),
    Column("private.notes", ("یادداشت", "توضیحات", "ملاحظات"), ("notes",), True),
)
EXPORTED = tuple(column for column in COLUMNS if column.path not in ("", "place", "county"))
# Words for the codes of kind, status and holder type besides the codes themselves and the site's Persian words.
MORE_WORDS = {
    "kind": {"پلیس+10": "police10", "پلیس10+": "police10", "پلیس10": "police10", "دفترکارگزاری": "kargozari"},
    "status": {"لغوشده": "revoked", "لغو": "revoked", "ابطال": "revoked", "درانتظار": "pending", "معلق": "inactive"},
    "license.holder.type": {"حقیقی": "person", "حقوقی": "company", "شرکت": "company"},
}
WORDS = {"kind": labels.KIND, "status": labels.STATUS, "license.holder.type": labels.HOLDER}


def header_key(text: str) -> str:
    """Return what tells one header from another: ی/ک, joiners, spaces, a trailing colon or star and case set aside."""
    text = str(text).strip().rstrip(":：*").strip()
    return re.sub(r"[_.\-]", "", name_key(text))


def _headers_by_key() -> dict[str, Column]:
    """Return each header an import reads, by its header_key: the first column to claim a header keeps it."""
    headers: dict[str, Column] = {}
    for column in COLUMNS:
        for name in (*column.headers, *column.english, column.path):
            if name:
                headers.setdefault(header_key(name), column)
    return headers


HEADERS = _headers_by_key()


def office_field(path: str) -> Field:
    """Return the schema's field for a place in an office: "license.holder.name" → its Text."""
    spec: Any = OFFICE
    for part in path.split("."):
        spec = spec.fields[part]
    return spec


# ---------------------------------------------------------------------------------------------------------------- #
# Reading a file into rows of cells


@dataclass(frozen=True, slots=True)
class Place:
    """Where a cell is: `FILE:SHEET!B7` in a workbook, `FILE:7:2` in a CSV file."""

    file: str
    sheet: str | None
    row: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.cell}"

    @property
    def cell(self) -> str:
        """Return the place within the file: `SHEET!B7`, or `7:2` in a CSV file."""
        if self.sheet is None:
            return f"{self.row}:{self.col}"
        sheet = self.sheet if re.fullmatch(r"\w+", self.sheet) else "'" + self.sheet.replace("'", "''") + "'"
        return f"{sheet}!{_column_letter(self.col)}{self.row}"


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem met in a spreadsheet, printed as `FILE:SHEET!CELL: error: message`."""

    place: Place
    severity: str
    message: Message  # put into words when printed, in the reader's language

    def __str__(self) -> str:
        return f"{self.place}: {self.severity}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass(slots=True)
class Sheet:
    """A sheet's cells as values: rows of cells, 1-based places kept; merged cells hold their range's value."""

    file: str
    name: str | None  # None for a CSV file
    rows: list[list[Any]]

    def place(self, row: int, col: int) -> Place:
        return Place(self.file, self.name, row, col)


class UnreadableSpreadsheet(Exception):
    """The file is not a spreadsheet the import can read: not a workbook, damaged, or not readable at all."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def read_sheets(path: Path, shown_name: str, issues: list[Issue]) -> list[Sheet]:
    """Read every sheet of an XLSX file, or a CSV file as one sheet; UnreadableSpreadsheet says why not."""
    import zipfile

    try:
        if path.suffix.lower() == ".csv":
            return [read_csv(path.read_bytes(), shown_name, issues)]
        return read_workbook(path, shown_name)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, csv.Error) as exc:  # what openpyxl meets in a bad file
        raise UnreadableSpreadsheet(str(exc)) from exc


def read_csv(data: bytes, shown_name: str, issues: list[Issue]) -> Sheet:
    """Read a CSV file as one sheet; a cell holding bytes that are not UTF-8 in a UTF-8 file is an error at the cell."""
    text = decode_csv(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)  # Excel in some locales separates with ; and some tools with tabs
    sheet = Sheet(shown_name, None, [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)])
    for number, row in enumerate(sheet.rows, start=1):
        for col, cell in enumerate(row, start=1):
            bad = _UNDECODED.search(cell)
            if bad:
                message = N_(
                    "this cell holds the byte {byte}, which is not UTF-8 as the rest of the file is: "
                    "type the cell again and save the file as UTF-8",
                    byte=f"0x{ord(bad[0]) - 0xDC00:02X}",
                )
                issues.append(Issue(sheet.place(number, col), "error", message))
                row[col - 1] = _UNDECODED.sub("\ufffd", cell)
    return sheet


def read_workbook(path: Path, shown_name: str) -> list[Sheet]:
    """Read every sheet of an XLSX file."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, data_only=True)  # formulas as the values they last showed
    sheets = []
    for worksheet in workbook.worksheets:
        rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
        for merged in worksheet.merged_cells.ranges:  # a merged header gives its text to every cell it covers
            value = worksheet.cell(merged.min_row, merged.min_col).value
            for row in range(merged.min_row, min(merged.max_row, len(rows)) + 1):
                for col in range(merged.min_col, merged.max_col + 1):
                    while len(rows[row - 1]) < col:
                        rows[row - 1].append(None)
                    rows[row - 1][col - 1] = value
        sheets.append(Sheet(shown_name, worksheet.title, rows))
    return sheets


_UNDECODED = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, as Python's surrogateescape keeps it
UTF8_LETTERS_PER_BAD_BYTE = 10  # fewer letters of UTF-8 than this for each byte that is not: the file is Windows-1256


def decode_csv(data: bytes) -> str:
    """Decode a CSV file: UTF-8 (with or without a BOM), else Windows-1256 (Arabic Windows).

    A file of UTF-8 letters with a few bytes that are not UTF-8 is UTF-8 with mistakes, not Windows-1256: those bytes
    are kept as surrogates (surrogateescape) for read_csv to report at their cells. Windows-1256 Persian is almost
    nothing but such bytes.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("utf-8-sig", errors="surrogateescape")
    bad = len(_UNDECODED.findall(text))
    letters = sum(1 for char in text if char > "\x7f") - bad
    if letters >= UTF8_LETTERS_PER_BAD_BYTE * bad:
        return text
    return data.decode("cp1256", errors="replace")


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------------------------------------------------------- #
# Headers


@dataclass(slots=True)
class Layout:
    """Where a sheet's data lies: the columns it holds (by 1-based number) and the first row of data."""

    columns: dict[int, Column]
    first_row: int
    header_row: int


def find_layout(sheet: Sheet, issues: list[Issue]) -> Layout | None:
    """Find the header row (one or two rows, below any title) and match each header to a column."""
    best: tuple[int, int, dict[int, str]] | None = None  # (matches, row, headers by column)
    for index in range(min(HEADER_ROWS_SEARCHED, len(sheet.rows))):
        for depth in (1, 2):
            headers = _headers(sheet.rows, index, depth)
            if headers is None:
                continue
            matches = sum(header_key(text) in HEADERS for text in headers.values())
            if matches >= 2 and (best is None or matches > best[0]):
                best = (matches, index + depth, headers)
    if best is None:
        return None
    last_header_row, headers = best[1], best[2]
    columns: dict[int, Column] = {}
    seen: dict[str, int] = {}
    for col, text in sorted(headers.items()):
        column = HEADERS.get(header_key(text))
        place = sheet.place(last_header_row, col)
        if column is None:
            issues.append(
                Issue(
                    place,
                    "error",
                    N_(
                        "the column {header} is not one the import reads: rename it to one of the headers in "
                        "docs/content.md, or delete the column",
                        header=shown(text),
                    ),
                )
            )
            continue
        if column.path and column.path in seen:
            issues.append(
                Issue(
                    place,
                    "error",
                    N_(
                        "the column {header} repeats column {first}: keep one",
                        header=shown(text),
                        first=_column_letter(seen[column.path]),
                    ),
                )
            )
            continue
        seen[column.path] = col
        columns[col] = column
    for row_number in range(last_header_row + 1, len(sheet.rows) + 1):
        for col, value in enumerate(sheet.rows[row_number - 1], start=1):
            if col not in headers and not blank(value):
                issues.append(
                    Issue(
                        sheet.place(last_header_row, col),
                        "error",
                        N_(
                            "this column holds values but has no header: give it one of the headers in "
                            "docs/content.md, or delete the column"
                        ),
                    )
                )
                headers[col] = ""
    if "code" not in seen:
        issues.append(Issue(sheet.place(last_header_row, 1), "error", N_("no column holds the office code (کد دفتر)")))
    return Layout(columns, last_header_row + 1, last_header_row)


def _column_letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def _headers(rows: list[list[Any]], index: int, depth: int) -> dict[int, str] | None:
    """Return the headers of a header of `depth` rows starting at row `index` (0-based): a group header over
    sub-headers (پروانه over شماره, تاریخ صدور …) reads as each sub-header with the group after it."""
    if index + depth > len(rows):
        return None
    top = rows[index]
    if depth == 1:
        return {col: str(value).strip() for col, value in enumerate(top, start=1) if not blank(value)}
    below = rows[index + 1]
    headers = {}
    for col in range(1, max(len(top), len(below)) + 1):
        upper = top[col - 1] if col <= len(top) else None
        lower = below[col - 1] if col <= len(below) else None
        if blank(lower) or lower == upper:
            if not blank(upper):
                headers[col] = str(upper).strip()
            continue
        if isinstance(lower, (int, float, dt.date)):
            return None  # a row of data, not of headers
        lower_text = str(lower).strip()
        candidates = (
            [f"{lower_text} {upper}", f"{upper} {lower_text}", lower_text] if not blank(upper) else [lower_text]
        )
        headers[col] = next((text for text in candidates if header_key(text) in HEADERS), candidates[-1])
    return headers


# ---------------------------------------------------------------------------------------------------------------- #
# Cells


@dataclass(slots=True)
class Row:
    """One office as a row tells it: values by field path, and the place of each."""

    first: Place  # the row's first cell
    county: str | None
    values: dict[str, Any] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)


def cell_text(value: Any) -> str:
    """Return a cell's value as text: whole numbers without '.0'."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class CellReader:
    """Reads the cells of one import: each by its office field, with the problems at the cell."""

    def __init__(self, today: JalaliDate, issues: list[Issue], words: Words):
        self.today = today
        self.issues = issues
        self.words = words  # the site's Persian words for the codes of kind, status and holder type

    def error(self, place: Place, message: Message) -> Any:
        self.issues.append(Issue(place, "error", message))
        return INVALID

    def read(self, path: str, value: Any, place: Place) -> Any:
        """Return a cell's value as the office field `path` holds it, or INVALID after reporting why not."""
        spec = office_field(path)
        if isinstance(spec, JalaliDateField):
            return self.date(path, value, place)
        if isinstance(value, (dt.datetime, dt.date)):
            return self.error(place, N_("{field}: the cell holds a date, not a value of this column", field=path))
        text = cell_text(value)
        control = CONTROLS.search(text)
        if control:
            return self.error(
                place,
                N_(
                    "{field}: the invisible character {character} is in this cell: delete it",
                    field=path,
                    character=describe_character(control[0]),
                ),
            )
        if isinstance(spec, ListOf):
            items = [item for item in re.split(r"[\s,،;؛]+", text) if item]
            values = [self.field(spec.item, path, item, place) for item in items]
            return INVALID if INVALID in values else values
        if isinstance(spec, Phone):
            text = restore_phone(text)
        elif isinstance(spec, Digits):
            text = latin_digits(text).replace(" ", "")
            if path == "postal_code":
                text = text.replace("-", "")
            if path == "private.national_id" and text.isdigit() and 8 <= len(text) < 10:
                text = text.zfill(10)  # every national ID has ten digits, and many begin with 0
        elif isinstance(spec, Choice):
            text = self.word(path, text)
        elif isinstance(spec, Decimal):
            text = latin_digits(text).replace("٫", ".")
        return self.field(spec, path, text, place)

    def field(self, spec: Field, path: str, text: str, place: Place) -> Any:
        """Read text by the schema's field, as `check` reads it in a file; its errors go to the cell."""
        reader = Reader(Source(place.file))
        node = yaml.ScalarNode("tag:yaml.org,2002:str", text, style="'")
        node.start_mark = yaml.Mark(place.file, 0, 0, 0, None, None)  # type: ignore[arg-type]
        value = spec.read(node, reader, path)
        for problem in reader.problems:
            if problem.is_error:  # warnings say ی/ک or spaces were tidied: the import does that on purpose
                self.issues.append(Issue(place, "error", problem.message))
        return value

    def word(self, path: str, text: str) -> str:
        """Return the code of a kind, status or holder type written as its code or as a Persian word."""
        key = header_key(text)
        words = {header_key(code): code for code in WORDS[path]}
        words.update({header_key(persian): code for code, persian in self.words[path].items()})
        words.update({header_key(word): code for word, code in MORE_WORDS[path].items()})
        return words.get(key, text)

    def date(self, path: str, value: Any, place: Place) -> Any:
        """Read a Solar Hijri date written as text, or a date the spreadsheet keeps as an Excel date (Gregorian)."""
        if isinstance(value, (int, float)) and not isinstance(value, bool) and int(value) in SERIALS:
            from openpyxl.utils.datetime import from_excel

            value = from_excel(value)
        if isinstance(value, (dt.datetime, dt.date)):
            day = value.date() if isinstance(value, dt.datetime) else value
            if 1300 <= day.year < 1500:  # a Solar Hijri date the spreadsheet took for a Gregorian one: its digits
                text = f"{day.year}/{day.month}/{day.day}"
            else:
                text = format_jalali(jalali_from_gregorian(day))
        else:
            text = latin_digits(cell_text(value))
            if re.fullmatch(r"1[34]\d\d[01]\d[0-3]\d", text):  # 14050210: typed without separators
                text = f"{text[:4]}/{text[4:6]}/{text[6:]}"
            gregorian = re.fullmatch(
                r"((?:19|20)\d\d)[/-](\d{1,2})[/-](\d{1,2})|(\d{1,2})[/-](\d{1,2})[/-]((?:19|20)\d\d)", text
            )
            if gregorian:
                return self.error(
                    place,
                    N_(
                        "{field}: {value} looks like a Gregorian date; write the Solar Hijri date, such as 1405/02/10",
                        field=path,
                        value=shown(text),
                    ),
                )
        date = self.field(office_field(path), path, text, place)
        if date is INVALID:
            return INVALID
        if date.year < EARLIEST_YEAR or date.year > self.today.year + LATEST_YEARS_AHEAD:
            return self.error(
                place,
                N_(
                    "{field}: {date} cannot be right: a license date falls between {earliest} and {latest}",
                    field=path,
                    date=date,
                    earliest=EARLIEST_YEAR,
                    latest=self.today.year + LATEST_YEARS_AHEAD,
                ),
            )
        if path == "license.issued" and date > self.today:
            return self.error(
                place,
                N_(
                    "{field}: {date} is after today ({today}): a license is issued on a day that has come",
                    field=path,
                    date=date,
                    today=self.today,
                ),
            )
        return date


@cache
def persian_words(locales: Path) -> Words:
    """Return the site's Persian words for the codes of kind, status and holder type, from the fa catalogue."""
    from .i18n import translations

    gettext = translations(locales, "fa").gettext
    return MappingProxyType(
        {
            name: MappingProxyType({code: gettext(message) for code, message in words.items()})
            for name, words in WORDS.items()
        }
    )


def restore_phone(text: str) -> str:
    """Return a phone number with the leading 0 a spreadsheet dropped put back where its length proves it was lost.

    An Iranian number has 11 digits with its 0 (0XX-XXXXXXXX, 09XXXXXXXXX): ten digits are one that lost it.
    """
    digits = re.sub(r"[\s\-()]", "", latin_digits(text))
    if digits.startswith("+98"):
        digits = "0" + digits[3:]
    elif digits.startswith("0098"):
        digits = "0" + digits[4:]
    elif digits.startswith("98") and len(digits) == 12:
        digits = "0" + digits[2:]
    if digits.isdigit() and len(digits) == 10 and not digits.startswith("0"):
        digits = "0" + digits
    if digits.isdigit() and len(digits) == 11 and not digits.startswith("09"):
        return f"{digits[:3]}-{digits[3:]}"  # as content writes a landline: its area code, a hyphen, the number
    return digits if digits.isdigit() else text


def same_value(path: str, old: Any, new: Any) -> bool:
    """Tell whether a value read from the sheet is the one the file holds (phones compared digit by digit)."""
    if isinstance(office_field(path), Phone) and isinstance(old, str) and isinstance(new, str):
        return re.sub(r"\D", "", old) == re.sub(r"\D", "", new)
    if isinstance(old, str) and isinstance(new, str):  # digits in text may be Latin or Persian: the site shows Persian
        return latin_digits(old) == latin_digits(new)
    if isinstance(old, list) and isinstance(new, list):
        return [getattr(item, "value", item) for item in old] == list(new)
    return old == new


# ---------------------------------------------------------------------------------------------------------------- #
# The province as content holds it


@dataclass(slots=True)
class CountyFile:
    """One county's offices file: its ruamel tree to edit, and its offices as `check` reads them."""

    county: str
    path: Path
    text: str | None  # None: the file does not exist yet
    records: list[Rec]
    changed: bool = False
    appended: list[CommentedMap] = field(default_factory=list)
    _tree: CommentedSeq | None = None

    @property
    def tree(self) -> CommentedSeq:
        """The file as ruamel.yaml reads it to edit, read when first needed (it reads a thousand offices a second)."""
        if self._tree is None:
            loaded = round_trip().load(self.text) if self.text else None
            self._tree = loaded if isinstance(loaded, CommentedSeq) else CommentedSeq()
        return self._tree


@dataclass(slots=True)
class Province:
    """A province as an import needs it: its counties' names and its offices files."""

    id: str
    name: str
    folder: Path  # its offices files' folder
    counties: dict[str, str]  # id → Persian name, in province.yaml's order
    english: dict[str, str]  # name_key of an English name → id
    files: dict[str, CountyFile]

    def county_of(self, text: str) -> str | None:
        """Return the county a name, an English name or an id stands for (ی/ک, joiners and spaces set aside)."""
        key = name_key(str(text))
        for county_id, name in self.counties.items():
            if key in (name_key(name), name_key(county_id)):
                return county_id
        return self.english.get(key)


def round_trip() -> YAML:
    """Return ruamel.yaml set up to write offices files as content writes them (nested lists indented by two more)."""
    yaml_rt = YAML(typ="rt")
    yaml_rt.preserve_quotes = True
    yaml_rt.width = 4096
    yaml_rt.indent(mapping=2, sequence=4, offset=2)
    return yaml_rt


def dump(tree: Any) -> str:
    """Write a list as YAML text as content writes it: ruamel indents the top-level list like the nested ones, so it is
    written two columns to the right (its comments too) and moved back."""
    _shift_comments(tree, 2, set())
    try:
        out = io.StringIO()
        round_trip().dump(tree, out)
    finally:
        _shift_comments(tree, -2, set())
    return re.sub(r"^  ", "", out.getvalue(), flags=re.MULTILINE)


def _shift_comments(node: Any, columns: int, seen: set[int]) -> None:
    """Move the comments of a tree `columns` to the right, each once, so that they stay where they were written."""
    if not isinstance(node, CommentedBase):
        return
    pending: list[Any] = [node.ca.comment, list(node.ca.items.values()), getattr(node.ca, "end", None)]
    while pending:
        item = pending.pop()
        if isinstance(item, CommentToken) and id(item) not in seen:
            seen.add(id(item))
            item.start_mark.column += columns
        elif isinstance(item, (list, tuple)):
            pending.extend(item)
    children: Any = node.values() if isinstance(node, dict) else node
    for child in children:
        _shift_comments(child, columns, seen)


class ContentProblems(Exception):
    """The province's files have errors of their own: an import needs them to pass `check` first."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def read_province(found: ContentFiles, content: Path, province_id: str) -> Province:
    """Read a province's province.yaml and offices files from the scanned content; UsageError when there is none."""
    from .errors import UsageError

    folder = content / "provinces" / province_id
    province_file = next(
        (file for file in found.files if file.kind == "province" and file.province == province_id), None
    )
    if province_file is None:
        known = sorted(str(file.province) for file in found.files if file.kind == "province")
        raise UsageError(
            N_(
                "there is no province {province} in {folder}; the provinces are {provinces}",
                province=shown(province_id),
                folder=str(content / "provinces"),
                provinces=", ".join(known),
            )
        )
    problems: list[Problem] = []
    record = _read(province_file, PROVINCE, problems)
    if not isinstance(record, Rec) or not record.valid:
        raise ContentProblems(problems)
    counties = {c["id"]: c["name"] for c in record["counties"] if isinstance(c, Rec) and "id" in c.values}
    english = {name_key(c["name_en"]): c["id"] for c in record["counties"] if isinstance(c, Rec) and c.get("name_en")}
    files: dict[str, CountyFile] = {}
    for file in found.offices:
        if file.province == province_id:
            records = _read(file, FILE_TYPES["offices"], problems)
            text = file.data.decode("utf-8-sig", "replace") if file.data is not None else None
            files[file.county] = CountyFile(file.county, file.path, text, records or [])
    if any(problem.is_error for problem in problems):
        raise ContentProblems([problem for problem in problems if problem.is_error])
    return Province(province_id, record["name"], folder / "offices", counties, english, files)


def _read(file: FoundFile, spec: Field, problems: list[Problem]) -> Any:
    """Read a file's bytes, as the loader read them, by the schema's field; its problems go to `problems`."""
    problems.extend(file.problems)
    if file.data is None:
        return INVALID
    source = Source(display_path(file.path))
    root, found = read_yaml(source, file.data)
    problems.extend(found)
    if root is None:
        return [] if not found else INVALID
    reader = Reader(source)
    value = spec.read(root, reader, "")
    problems.extend(reader.problems)
    return value


def flatten(record: Rec, prefix: str = "") -> dict[str, Any]:
    """Return an office's values by field path: {"license.holder.name": …}."""
    values: dict[str, Any] = {}
    for key, value in record.values.items():
        path = prefix + key
        if isinstance(value, Rec):
            values.update(flatten(value, path + "."))
        else:
            values[path] = value
    return values


# ---------------------------------------------------------------------------------------------------------------- #
# Import


@dataclass(slots=True)
class Change:
    code: str
    county: str
    what: str  # "added", "changed", "missing", "removed"
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)
    moved_from: str | None = None


@dataclass(slots=True)
class ImportResult:
    issues: list[Issue]
    changes: list[Change]
    texts: dict[Path, str]  # the files to write, with their new text
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)  # what `check` says of the files as they would be written


def read_rows(sheets: list[Sheet], province: Province, reader: CellReader) -> tuple[list[Row], set[str]]:
    """Read every sheet's rows into offices; return them and the counties the file speaks for."""
    rows: list[Row] = []
    covered: set[str] = set()
    issues = reader.issues
    for sheet in sheets:
        if not any(not blank(value) for row in sheet.rows for value in row):
            continue  # an empty sheet (Excel's Sheet2)
        layout = find_layout(sheet, issues)
        if layout is None:
            issues.append(
                Issue(
                    sheet.place(1, 1),
                    "error",
                    N_(
                        "no header row found in the first {rows} rows: the headers are listed in docs/content.md, "
                        "such as کد دفتر, نوع دفتر, وضعیت",
                        rows=HEADER_ROWS_SEARCHED,
                    ),
                )
            )
            continue
        has_county_column = any(column.path == "county" for column in layout.columns.values())
        sheet_county = province.county_of(sheet.name) if sheet.name is not None else None
        if has_county_column or sheet.name is None:
            pass  # it speaks for the counties its rows name, not for every county: a partial list removes nothing else
        elif sheet_county is None:
            issues.append(
                Issue(
                    sheet.place(layout.header_row, 1),
                    "error",
                    N_(
                        "the sheet {sheet} is named after no county of {province} and has no county column (شهرستان): "
                        "name the sheet after its county, or add the column",
                        sheet=shown(sheet.name),
                        province=province.id,
                    ),
                )
            )
            continue
        else:
            covered.add(sheet_county)
        for number in range(layout.first_row, len(sheet.rows) + 1):
            cells = sheet.rows[number - 1]
            if all(
                blank(value) or not layout.columns.get(col, Column("", ())).path for col, value in enumerate(cells, 1)
            ):
                continue
            row = Row(first=sheet.place(number, 1), county=sheet_county)
            for col, value in enumerate(cells, start=1):
                column = layout.columns.get(col)
                if column is None or not column.path or blank(value):
                    continue
                place = sheet.place(number, col)
                if column.path == "county":
                    county = province.county_of(cell_text(value))
                    if county is None:
                        reader.error(
                            place,
                            N_(
                                "{county} is not a county of {province}; the counties are {counties}",
                                county=shown(value),
                                province=province.id,
                                counties="، ".join(province.counties.values()),
                            ),
                        )
                    row.county = county
                    continue
                path = column.path
                if path == "place":
                    continue  # read below, once the kind is known
                row.places[path] = place  # where the value is written, read or not: the row's problems point there
                parsed = reader.read(path, value, place)
                if parsed is not INVALID:
                    row.values[path] = parsed
            for col, column in layout.columns.items():
                if column.path == "place" and col <= len(cells) and not blank(cells[col - 1]):
                    place = sheet.place(number, col)
                    target = "village" if row.values.get("kind") == "rural" else "city"
                    parsed = reader.read(target, cells[col - 1], place)
                    if parsed is not INVALID:
                        row.values.setdefault(target, parsed)
                        row.places.setdefault(target, place)
            rows.append(row)
            if row.county is not None:
                covered.add(row.county)
    return rows, covered


def import_offices(
    path: Path,
    content: Path,
    province_id: str,
    remove_missing: bool,
    today: JalaliDate,
    locales: Path,
    shown_name: str | None = None,
    cache: BuildCache | None = None,
    jobs: int = 1,
) -> ImportResult:
    """Read a spreadsheet and work out what it changes in a province's offices files; nothing is written here.

    UnreadableSpreadsheet when the file cannot be read as a spreadsheet.
    """
    found = scan(content)  # once: the province's files now, and the content `check` reads as the import leaves it
    province = read_province(found, content, province_id)
    issues: list[Issue] = []
    sheets = read_sheets(path, shown_name or str(path), issues)
    reader = CellReader(today, issues, persian_words(locales))
    rows, covered = read_rows(sheets, province, reader)
    existing: dict[str, tuple[CountyFile, int]] = {}
    for county_file in province.files.values():
        for index, record in enumerate(county_file.records):
            existing[record["code"]] = (county_file, index)
    seen: dict[str, Place] = {}
    changes: list[Change] = []
    unchanged = 0
    moves: list[tuple[CountyFile, CommentedMap, str]] = []  # an office, its tree, the county it moves to
    for row in rows:
        code = row.values.get("code")
        if code is None:
            if "code" not in row.places:
                reader.error(row.first, N_("this row has no office code (کد دفتر)"))
            continue
        if code in seen:
            reader.error(
                row.places["code"],
                N_("office code {code} is given twice: also at {place}", code=code, place=seen[code].cell),
            )
            continue
        seen[code] = row.places["code"]
        if row.county is None:
            if not any(issue.place.row == row.first.row and issue.place.sheet == row.first.sheet for issue in issues):
                reader.error(row.first, N_("this row names no county: fill in its county (شهرستان)"))
            continue
        if code in existing:
            county_file, index = existing[code]
            old = flatten(county_file.records[index])
            fields = _changed_fields(old, row.values)
            if row.county != county_file.county or fields:
                changes.append(Change(code, row.county, "changed", fields, moved_from=_moved(county_file, row)))
                _check_dates(row, old, reader)
                item = county_file.tree[index]
                for field_path, _old, new in fields:
                    set_value(item, field_path, new)
                if row.county != county_file.county:
                    moves.append((county_file, item, row.county))
                county_file.changed = True
            else:
                unchanged += 1
        else:
            if _complete(row, reader):
                _check_dates(row, {}, reader)
                changes.append(
                    Change(
                        code,
                        row.county,
                        "added",
                        sorted(((p, None, v) for p, v in row.values.items()), key=lambda c: _order(c[0])),
                    )
                )
                target = _county_file(province, row.county)
                target.appended.append(new_office(row.values))
                target.changed = True
    # The offices to remove are taken by their place in the files before any office moves out of them.
    removals: list[tuple[CountyFile, CommentedMap]] = []
    for code, (county_file, index) in existing.items():
        if code in seen or county_file.county not in covered:
            continue
        changes.append(Change(code, county_file.county, "removed" if remove_missing else "missing"))
        if remove_missing:
            removals.append((county_file, county_file.tree[index]))
    for county_file, item, county in moves:
        _remove(county_file.tree, item)
        target = _county_file(province, county)
        target.appended.append(item)
        target.changed = True
    for county_file, item in removals:
        _remove(county_file.tree, item)
        county_file.changed = True
    texts = {} if any(issue.is_error for issue in issues) else _texts(province)
    result = ImportResult(issues, changes, texts, unchanged)
    if texts:
        result.problems = check_result(found, province_id, texts, today, cache or BuildCache(), jobs)
    return result


def _remove(seq: CommentedSeq, item: CommentedMap) -> None:
    del seq[next(index for index, each in enumerate(seq) if each is item)]


def _moved(county_file: CountyFile, row: Row) -> str | None:
    return county_file.county if row.county != county_file.county else None


def _order(path: str) -> int:
    order = [column.path for column in COLUMNS]
    return order.index(path) if path in order else len(order)


def _changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Return (field, old, new) for each value the sheet gives that the file holds otherwise; a blank cell keeps."""
    return [
        (path, old.get(path), value)
        for path, value in sorted(new.items(), key=lambda item: _order(item[0]))
        if path != "code" and not same_value(path, old.get(path), value)
    ]


def _complete(row: Row, reader: CellReader) -> bool:
    """Tell whether a new office's row has every value a new office needs (schema.OFFICE's required keys)."""
    missing = [key for key in OFFICE.required if key not in row.values]
    if row.values.get("status") != "pending" or any(p.startswith("license.") for p in row.values):
        license_spec: Any = OFFICE.fields["license"]
        holder_spec: Any = license_spec.fields["holder"]
        missing += [
            f"license.{key}" for key in license_spec.required if key != "holder" and f"license.{key}" not in row.values
        ]
        missing += [
            f"license.holder.{key}" for key in holder_spec.required if f"license.holder.{key}" not in row.values
        ]
    if missing:
        place = row.places.get("code", row.first)
        reader.error(
            place,
            N_(
                "office {code} is new, and a new office needs {fields}: fill in those cells",
                code=row.values.get("code"),
                fields=", ".join(missing),
            ),
        )
    return not missing


def _check_dates(row: Row, old: dict[str, Any], reader: CellReader) -> None:
    issued = row.values.get("license.issued", old.get("license.issued"))
    expires = row.values.get("license.expires", old.get("license.expires"))
    if issued is not None and expires is not None and expires <= issued:
        place = row.places.get("license.expires") or row.places.get("license.issued") or row.first
        reader.error(
            place,
            N_("license.expires: {expires} is not after issued {issued}", expires=expires, issued=issued),
        )


def _county_file(province: Province, county: str) -> CountyFile:
    """Return a county's offices file, a new one where the county has none yet."""
    if county not in province.files:
        province.files[county] = CountyFile(county, province.folder / f"{county}.yaml", None, [])
    return province.files[county]


def yaml_value(path: str, value: Any, old: Any = None) -> Any:
    """Return a value as an offices file writes it: dates as text, digits and phones quoted as content quotes them."""
    if isinstance(value, JalaliDate):
        return format_jalali(value)
    if isinstance(value, list):
        seq = CommentedSeq(value)
        seq.fa.set_flow_style()
        return seq
    if path == "code" and value.isdigit() and not value.startswith("0"):
        return int(value)  # written plain, as content writes codes; the reader reads it as digits all the same
    if isinstance(office_field(path), (Digits, Phone)):
        return DoubleQuotedScalarString(value)
    if isinstance(old, DoubleQuotedScalarString):
        return DoubleQuotedScalarString(value)
    return value


FLOW = ("location", "license.holder", "services")  # written on one line, as content writes them


def set_value(item: CommentedMap, path: str, value: Any) -> None:
    """Set one value in an office's tree, making the mappings on its way (in the schema's key order) where missing."""
    parts = path.split(".")
    node = item
    for depth, part in enumerate(parts[:-1]):
        if part not in node:
            child = CommentedMap()
            if ".".join(parts[: depth + 1]) in FLOW:
                child.fa.set_flow_style()
            _insert(node, part, child, ".".join(parts[:depth]))
        node = node[part]
    key = parts[-1]
    if key in node:
        node[key] = yaml_value(path, value, node[key])
    else:
        _insert(node, key, yaml_value(path, value), ".".join(parts[:-1]))


def _insert(node: CommentedMap, key: str, value: Any, parent: str) -> None:
    """Insert a key after the last key the schema puts before it."""
    spec: Any = OFFICE
    for part in filter(None, parent.split(".")):
        spec = spec.fields[part]
    order = list(spec.fields)
    rank = order.index(key) if key in order else len(order)
    position = 0
    for index, existing in enumerate(node):
        if existing in order and order.index(existing) < rank:
            position = index + 1
    node.insert(position, key, value)


def new_office(values: dict[str, Any]) -> CommentedMap:
    """Return a new office's tree, its keys in the schema's order."""
    item = CommentedMap()
    for path, value in sorted(values.items(), key=lambda pair: _order(pair[0])):
        set_value(item, path, value)
    return item


def _texts(province: Province) -> dict[Path, str]:
    """Return the new text of each changed offices file."""
    texts = {}
    for county_file in province.files.values():
        if not county_file.changed:
            continue
        if county_file.text is None:
            name = province.counties.get(county_file.county, county_file.county)
            head = f"{SCHEMA_COMMENT}\n# دفاتر شهرستان {name}، استان {province.name}\n"
            body = ""
        else:
            head = ""
            body = dump(county_file.tree) if len(county_file.tree) else ""
            if not body:  # the file's comments are kept as they were: only its offices are gone
                body = "".join(line + "\n" for line in county_file.text.splitlines() if line.startswith("#")) + "[]\n"
        parts = [body.rstrip("\n")] if body.strip() else []
        for item in county_file.appended:
            parts.append(dump(CommentedSeq([item])).rstrip("\n"))
        text = head + ("\n" if head and parts else "") + "\n\n".join(part for part in parts) + "\n"
        if parts and body.strip() == "[]" and county_file.appended:  # an empty list followed by offices
            text = text.replace("[]\n\n", "", 1)
        texts[county_file.path] = text
    return texts


def check_result(
    found: ContentFiles, province_id: str, texts: dict[Path, str], today: JalaliDate, cache: BuildCache, jobs: int
) -> list[Problem]:
    """Run `check` on the content as the import would leave it, in memory; return what it says of the files written.

    The files the import leaves as they are come from `check`'s and `build`'s cache when they read them before: at
    national scale, reading every offices file again takes half a minute. `found` is the content before the import.
    """
    written = {path.resolve(): (path, text.encode("utf-8")) for path, text in texts.items()}
    offices = []
    for file in found.offices:
        path, data = written.pop(file.path.resolve(), (file.path, None))
        if data is not None:
            file = replace(file, data=data, digest=hashlib.blake2b(data, digest_size=20).digest())
        offices.append(file)
    for path, data in written.values():
        digest = hashlib.blake2b(data, digest_size=20).digest()
        offices.append(FoundFile(path, "offices", path.stem, province_id, data, (), digest))
    offices.sort(key=lambda file: str(file.path))
    after = ContentFiles((*found.others, *offices), found.problems)
    read = read_content(after, jobs, lambda *args: None, cache, today)
    paths = {display_path(path) for path in texts}
    # A problem the import makes may be reported in a file it does not write: a code it adds that another province's
    # file holds is reported at whichever file comes later. So: every problem in the files written, and any other
    # problem the content did not have before.
    before = {str(problem) for problem in read_content(found, jobs, lambda *args: None, cache, today).problems}
    return [problem for problem in read.problems if problem.mark.path in paths or str(problem) not in before]


def write_result(result: ImportResult) -> None:
    """Write the changed offices files: every new file first, then each renamed over the old.

    An office that moves county leaves one file and enters another: were a full disk to stop the writing between the
    two, it would be lost. Renames do not fail that way, so once every file is written, they all take effect.
    """
    temporaries = []
    try:
        for path, text in result.texts.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.import")
            temporaries.append((temporary, path))
            temporary.write_text(text, encoding="utf-8", newline="\n")
    except OSError:
        for temporary, _path in temporaries:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, path in temporaries:
        temporary.replace(path)


def describe(result: ImportResult) -> Iterator[Message | str]:
    """Yield what an import does (or would do), office by office, then a summary line."""
    for change in result.changes:
        if change.what == "added":
            yield N_("{code} ({county}): added", code=change.code, county=change.county)
        elif change.what == "changed":
            if change.moved_from:
                yield N_(
                    "{code} ({county}): moved from {old}", code=change.code, county=change.county, old=change.moved_from
                )
            else:
                yield N_("{code} ({county}): changed", code=change.code, county=change.county)
            for path, old, new in change.fields:
                yield f"  {path}: {_shown(old)} → {_shown(new)}"
        elif change.what == "removed":
            yield N_("{code} ({county}): missing from the sheet, removed", code=change.code, county=change.county)
        else:
            yield N_(
                "{code} ({county}): missing from the sheet, kept (--remove-missing removes it)",
                code=change.code,
                county=change.county,
            )
    counts = {
        what: sum(change.what == what for change in result.changes)
        for what in ("added", "changed", "removed", "missing")
    }
    if not counts["added"] and not counts["changed"] and not counts["removed"]:
        yield N_(
            "no changes: {unchanged} offices as the files hold them, {missing} missing from the sheet",
            unchanged=result.unchanged,
            missing=counts["missing"],
        )
        return
    yield N_(
        "{added} added, {changed} changed, {removed} removed, {missing} missing from the sheet, {unchanged} unchanged",
        unchanged=result.unchanged,
        **counts,
    )


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, JalaliDate):
        return format_jalali(value)
    if isinstance(value, list):
        return ", ".join(str(getattr(item, "value", item)) for item in value)
    return str(value)


# ---------------------------------------------------------------------------------------------------------------- #
# Export


def export_offices(content: Path, province_id: str, target: Path, include_private: bool, locales: Path) -> int:
    """Write a province's offices as a workbook, one right-to-left sheet per county; return the number of offices."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    province = read_province(scan(content), content, province_id)
    words = persian_words(locales)
    columns = [column for column in EXPORTED if include_private or not column.private]
    workbook = Workbook()
    workbook.remove(workbook.active)
    offices = 0
    for county_id, county_name in province.counties.items():
        sheet = workbook.create_sheet(sheet_title(county_name, county_id))
        sheet.sheet_view.rightToLeft = True
        sheet.append([column.headers[0] for column in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
        sheet.freeze_panes = "A2"
        county_file = province.files.get(county_id)
        widths = [len(column.headers[0]) for column in columns]
        for row, record in enumerate(county_file.records if county_file else (), start=2):
            values = flatten(record)
            for index, column in enumerate(columns):
                value = export_value(column.path, values.get(column.path), words)
                cell = sheet.cell(row, index + 1, value)
                if isinstance(value, str):
                    cell.number_format = "@"  # text: Excel keeps the leading 0 of a phone and the digits of a date
                    widths[index] = max(widths[index], len(value))
            offices += 1
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[_column_letter(index)].width = min(60, width + 4)
    workbook.save(target)
    return offices


def sheet_title(name: str, county_id: str) -> str:
    """Return a county's sheet name: its Persian name, or its id where Excel would refuse the name."""
    if len(name) > 31 or re.search(r"[\[\]:*?/\\]", name):
        return county_id[:31]
    return persian_letters(name)


def export_value(path: str, value: Any, words: Words) -> Any:
    """Return a value as an export cell holds it: text for codes, phones and dates, numbers for a location."""
    if value is None:
        return None
    if isinstance(value, JalaliDate):
        return format_jalali(value)
    if isinstance(value, list):
        return ", ".join(str(getattr(item, "value", item)) for item in value)
    if isinstance(value, float):
        return value
    if path in WORDS:
        return words[path].get(value, value)
    return str(value)


# ---------------------------------------------------------------------------------------------------------------- #
# The commands


def _speaker(requested: str | None) -> Speaker:
    """Return the speaker of the operator's language: its catalogue, and Persian digits in Persian."""
    from .i18n import operator_language, speaker

    return speaker(operator_language(requested))


def run_import(args: Any, cache: BuildCache, jobs: int) -> int:
    """`build.py import FILE --province P`: exit 0 done, 1 problems in the sheet or the content, 2 usage."""
    import sys

    from .config import BuildOptions, build_date
    from .errors import UsageError

    voice = _speaker(args.lang)
    if args.file.suffix.lower() not in READ_SUFFIXES:
        raise UsageError(
            N_(
                "{file}: the import reads .xlsx, .xlsm and .csv files; save the sheet as one of them",
                file=str(args.file),
            )
        )
    if not args.file.is_file():
        raise UsageError(N_("{file}: there is no such file", file=str(args.file)))
    if not args.content.is_dir():
        raise UsageError(N_("the content folder {folder} does not exist", folder=shown(str(args.content))))
    options = BuildOptions(content_dir=args.content)
    today = build_date(options)
    try:
        result = import_offices(
            args.file,
            args.content,
            args.province,
            args.remove_missing,
            today,
            options.locales_dir,
            display_path(args.file),
            cache,
            jobs,
        )
    except ContentProblems as exc:
        for problem in exc.problems:
            print(voice.problem(problem), file=sys.stderr)
        message = N_(
            "import failed: the offices files of {province} have errors; correct them (build.py check) and "
            "import again; nothing was written",
            province=args.province,
        )
        print(voice.say(message), file=sys.stderr)
        return 1
    except UnreadableSpreadsheet as exc:
        message = N_("{file}: error: cannot read the spreadsheet: {reason}", file=str(args.file), reason=exc.reason)
        print(voice.say(message), file=sys.stderr)
        return 1
    errors = [issue for issue in result.issues if issue.is_error]
    for issue in result.issues:
        print(voice.line(str(issue.place), issue.severity, issue.message), file=sys.stderr)
    if errors:
        print(
            voice.ngettext(
                "import failed: {count} error in the sheet; nothing was written",
                "import failed: {count} errors in the sheet; nothing was written",
                len(errors),
            ),
            file=sys.stderr,
        )
        return 1
    for problem in result.problems:
        print(voice.problem(problem), file=sys.stderr)
    if any(problem.is_error for problem in result.problems):
        message = N_(
            "import failed: the offices files as the import would write them do not pass check (above); "
            "nothing was written"
        )
        print(voice.say(message), file=sys.stderr)
        return 1
    for line in describe(result):
        print(voice.say(line))
    if args.dry_run:
        print(voice.say(N_("dry run: nothing was written")), file=sys.stderr)
        return 0
    write_result(result)
    for path in result.texts:
        print(voice.say(N_("wrote {file}", file=display_path(path))), file=sys.stderr)
    return 0


def run_export(args: Any) -> int:
    """`build.py export --province P FILE.xlsx`: exit 0 done, 1 problems in the content, 2 usage."""
    import sys

    from .config import BuildOptions
    from .errors import UsageError

    voice = _speaker(args.lang)
    if args.file.suffix.lower() != ".xlsx":
        raise UsageError(N_("{file}: the export writes an .xlsx workbook; name the file so", file=str(args.file)))
    if not args.content.is_dir():
        raise UsageError(N_("the content folder {folder} does not exist", folder=shown(str(args.content))))
    locales = BuildOptions(content_dir=args.content).locales_dir
    try:
        offices = export_offices(args.content, args.province, args.file, args.include_private, locales)
    except ContentProblems as exc:
        for problem in exc.problems:
            print(voice.problem(problem), file=sys.stderr)
        message = N_(
            "export failed: the offices files of {province} have errors; correct them (build.py check)",
            province=args.province,
        )
        print(voice.say(message), file=sys.stderr)
        return 1
    except OSError as exc:
        raise UsageError(
            N_("cannot write {file}: {reason}", file=str(args.file), reason=str(exc.strerror or exc))
        ) from None
    # The counts in the reader's digits, the file's name as it is.
    print(
        voice.say(
            N_(
                "wrote {count} offices of {province} into {file}",
                count=offices,
                province=args.province,
                file=str(args.file),
            )
        ),
        file=sys.stderr,
    )
    if args.include_private:
        message = N_(
            "the file includes the private fields (national ID, mobile, home address, e-mail, notes), which are "
            "never published: keep it within the directorate"
        )
        print(voice.say(message), file=sys.stderr)
    return 0
