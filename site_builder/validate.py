"""Raw files → the content model, with every problem found in one pass.

Each file is read by its schema (schema.py); then the cross-file rules run over everything
that was readable. `private:` blocks are read (so their mistakes are reported) and dropped here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from persiantools.jdatetime import JalaliDate

from .errors import N_, Mark, Message, Problem, shown
from .fields import INVALID, SLUG, Item, Reader, Rec, did_you_mean
from .loader import RawContent, RawFile
from .models import (
    KINDS,
    Agency,
    Content,
    County,
    Directorate,
    Fee,
    License,
    LicenseHolder,
    Location,
    Memorandum,
    NewsItem,
    Office,
    OpeningHours,
    Page,
    Province,
    Service,
    SiteSettings,
    Tariff,
)
from .persian import has_arabic_letters, name_key, persian_letters
from .pickling import pickle_by_fields
from .schema import FILE_TYPES
from .yamlio import Source, without_controls

# Top-level URL segments the site's own pages use: a page named after one would overwrite them.
RESERVED_PAGE_NAMES = frozenset(
    {
        "provinces",
        "offices",
        "services",
        "agencies",
        "tariffs",
        "news",
        "static",
        "search",
        "pagefind",
        "data",
        "stats",
        "en",
        "fa",
    }
)
_YEAR = re.compile(r"1[34]\d\d", re.ASCII)
# Markdown nests lists and quotes recursively; far deeper than any page needs would exhaust the stack.
MAX_MARKDOWN_INDENT = 100
# python-markdown reads each paragraph again for every block and every piece of markup it finds in it, and looks for
# the end of a link's text, a link's address and a code span from every '[', '(' and '`' to the end of the paragraph
# when nothing closes them: a long paragraph, or unclosed and deeply nested brackets, take it minutes (docs/content.md).
MAX_PARAGRAPH_LINES = 200
MAX_PARAGRAPH_CHARS = 20_000
MAX_BRACKET_DEPTH = 3
# Escapes python-markdown knows (Markdown.ESCAPED_CHARS, and | of the tables extension): a bracket or backtick after
# a backslash is text.
_ESCAPED = frozenset("\\`*_{}[]()>#+-.!|")
_MARKUP = re.compile(r"\\.|`+|[\[\]]", re.DOTALL)
# A link's address as python-markdown finds its end quickly: on one line, parentheses paired, a title in quotes.
# (Words of the address are matched atomically, so that a long line is read once.)
_WORD = r"""[^()'"\s]*(?:\([^()'"\s]*\)[^()'"\s]*)*"""
_LINK_ADDRESS = re.compile(
    rf"""\(\s*(?:<[^<>\n]*>|(?>{_WORD}(?:[ \t]+(?=[^()'"\s]){_WORD})*))(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)"""
)


@dataclass
class Validation:
    """The problems found so far in one validation run, and the index and reference checks that add to them."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, mark: Mark, message: Message) -> None:
        self.problems.append(Problem(mark, "error", message))

    def warn(self, mark: Mark, message: Message) -> None:
        self.problems.append(Problem(mark, "warning", message))

    def unique(self, records: list[Rec], key: str, what: Message) -> dict[str, Rec]:
        """Index records by id; a repeated id is an error naming the first place."""
        index: dict[str, Rec] = {}
        for record in records:
            value = record.get(key)
            if value is None:
                continue
            if value in index:
                first = index[value].marks[key]
                self.error(
                    record.marks[key],
                    N_("{what} {value} is defined twice: first at {first}", what=what, value=shown(value), first=first),
                )
                continue
            index[value] = record
        return index

    def distinct_names(self, records: Iterable[Rec], what: Message) -> None:
        """Report a record whose name is another's but for ی/ک, joiners, marks or spaces (persian.name_key)."""
        first: dict[str, Rec] = {}
        for record in records:
            name = record.get("name")
            if name is None:
                continue
            other = first.setdefault(name_key(name), record)
            if other is not record:
                self.error(
                    record.marks["name"],
                    N_(
                        "{what} name {name} is the name of {other} at {place}: names that differ only in ی/ک, "
                        "the zero-width non-joiner or spaces are one name; correct one of them",
                        what=what,
                        name=shown(name),
                        other=shown(other["name"]),
                        place=other.marks["name"],
                    ),
                )

    def known(self, value: str, mark: Mark, index: Collection[str], what: Message, where: str) -> bool:
        """Check that an id refers to something defined; an unknown one is an error with a suggestion."""
        if value in index:
            return True
        hint = did_you_mean(value, tuple(index))
        if hint:
            self.error(
                mark,
                N_(
                    "unknown {what} {value}: it is not in {where};{hint}",
                    what=what,
                    value=shown(value),
                    where=where,
                    hint=hint,
                ),
            )
        else:
            self.error(
                mark, N_("unknown {what} {value}: it is not in {where}", what=what, value=shown(value), where=where)
            )
        return False


def read_file(raw: RawFile, check: Validation) -> Any:
    """Read one raw file by its schema (a Rec, a list of them, or INVALID); its problems go into the run."""
    if raw.root is None:
        if not raw.empty:
            return INVALID  # unreadable: the loader has said why
        if raw.kind == "offices":
            return []  # a county with no office yet
        check.error(Mark(raw.path, 1, 1), N_("the file is empty"))
        return INVALID
    reader = Reader(raw.source)
    value = FILE_TYPES[raw.kind].read(raw.root, reader, "")
    check.problems.extend(reader.problems)
    return value


def check_name(path: str, stem: str, check: Validation, what: Message) -> bool:
    """File and folder names become URLs: they must be lower-case ASCII ids."""
    if SLUG.fullmatch(stem):
        return True
    check.error(
        Mark(path, 1, 1),
        N_(
            "the {what} {name} is not a valid id: use lower-case English letters, digits and hyphens",
            what=what,
            name=shown(stem),
        ),
    )
    return False


def check_file_name(raw: RawFile, check: Validation, what: Message) -> bool:
    return check_name(raw.path, raw.stem, check, what)


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Everything but the offices, validated: the content model's catalogue and what offices are checked against."""

    content: Content | None  # None when any file has an error
    provinces: dict[str, ProvinceFacts]  # by province id, valid or not
    services: dict[str, None]  # the ids of the services defined, in file order
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class CountyOffices:
    """One county's offices, checked against its province and the catalogue; what the cross-file rules need."""

    offices: tuple[Office, ...]  # in file order; only offices without errors
    codes: tuple[tuple[str, int, int], ...]  # every code the file gives, with its line and column: codes must be unique
    problems: tuple[Problem, ...]
    # Each active office's code and license expiry, with the line and column of the expiry: checked on the build date.
    expiries: tuple[tuple[str, JalaliDate, int, int], ...] = ()


def validate_catalogue(raw: RawContent, today: JalaliDate) -> Catalogue:
    """Read and check every file but the offices files, on the build date `today`; the problems of reading them are the
    raw files' own."""
    check = Validation(list(raw.problems))
    settings, site = _settings(raw, check)
    agencies = _agencies(raw, check)
    services = _services(raw, check, agencies)
    tariffs = _tariffs(raw, check, services, site)
    provinces, province_facts = _provinces(raw, check, agencies, services)
    pages = _pages(raw, check)
    news = _news(raw, check, {file.stem for file in raw.of_kind("province")}, today)
    content = None
    if settings is not None and not any(problem.is_error for problem in check.problems):
        content = Content(
            settings=settings,
            agencies=tuple(Agency(a["id"], a["name"], a.get("name_en"), a.get("website")) for a in agencies.values()),
            services=tuple(_service(s) for s in services.values()),
            tariffs=tuple(sorted(tariffs, key=lambda t: t.year)),
            provinces=tuple(provinces.values()),
            pages=tuple(pages),
            news=tuple(news),
        )
    return Catalogue(content, province_facts, dict.fromkeys(services), tuple(check.problems))


def _first_record(raw: RawContent, kind: str, check: Validation) -> Rec | None:
    files = raw.of_kind(kind)
    if not files:
        return None
    value = read_file(files[0], check)
    return value if isinstance(value, Rec) else None


def _list_records(raw: RawContent, kind: str, check: Validation) -> list[Rec]:
    records: list[Rec] = []
    for file in raw.of_kind(kind):
        value = read_file(file, check)
        if value is not INVALID:
            records.extend(value)
    return records


def _settings(raw: RawContent, check: Validation) -> tuple[SiteSettings | None, Rec | None]:
    site = _first_record(raw, "site", check)
    if site is None or not site.valid:
        return None, site
    languages = site["languages"]
    if languages and languages[0].value != "fa":  # an empty or unreadable list is reported already
        # The content, the boards, the open data and the search index are Persian: the site's default language.
        check.error(
            languages[0].mark,
            N_(
                "languages: the first language is the site's default and must be fa, the content's own; "
                "{language} can follow it",
                language=languages[0].value,
            ),
        )
        return None, site
    base_url = site["base_url"]
    if not base_url.endswith("/"):
        check.warn(
            site.marks["base_url"],
            N_("base_url: {url} should end in '/'; read as {read}", url=shown(base_url), read=shown(base_url + "/")),
        )
        base_url += "/"
    return SiteSettings(
        title=site["title"],
        base_url=base_url,
        languages=tuple(item.value for item in languages),
        tariff_year=site["tariff_year"],
        complaints_line=site["complaints_line"],
        office_quota=site.get("office_quota", 3000),
        data_license=site.get("data_license", "CC-BY-4.0"),
        sample=site.get("sample", False),
        title_en=site.get("title_en"),
        description=site.get("description"),
        description_en=site.get("description_en"),
    ), site


def _agencies(raw: RawContent, check: Validation) -> dict[str, Rec]:
    return check.unique(_list_records(raw, "agencies", check), "id", N_("agency"))


def _services(raw: RawContent, check: Validation, agencies: dict[str, Rec]) -> dict[str, Rec]:
    services = check.unique(_list_records(raw, "services", check), "id", N_("service"))
    for service in services.values():
        if "agency" in service.values:
            check.known(service["agency"], service.marks["agency"], agencies, N_("agency"), "agencies.yaml")
    return services


def _service(record: Rec) -> Service:
    return Service(
        id=record["id"],
        name=record["name"],
        agency_id=record["agency"],
        specialised=record.get("specialised", False),
        documents=tuple(item.value for item in record.get("documents", ())),
        name_en=record.get("name_en"),
        description=record.get("description"),
    )


def _tariffs(raw: RawContent, check: Validation, services: dict[str, Rec], site: Rec | None) -> list[Tariff]:
    tariffs = []
    for file in raw.of_kind("tariff"):
        record = read_file(file, check)
        if not _YEAR.fullmatch(file.stem):
            check.error(
                Mark(file.path, 1, 1),
                N_(
                    "a tariff file is named after its Solar Hijri year, such as 1405.yaml, not {name}",
                    name=shown(file.stem),
                ),
            )
        if not isinstance(record, Rec):
            continue
        year = record.get("year")
        if year is not None and _YEAR.fullmatch(file.stem) and year != int(file.stem):
            check.error(
                record.marks["year"],
                N_(
                    "year: {year:d} disagrees with the file name {name}.yaml; rename the file or correct the year",
                    year=year,
                    name=file.stem,
                ),
            )
        effective = record.get("effective")
        if effective is not None and year is not None and effective.year not in (year, year - 1):
            check.error(
                record.marks["effective"],
                N_("effective: {date} is not in the tariff's year {year:d}", date=effective, year=year),
            )
        fees: dict[str, Fee] = {}
        for service_id, item in record.get("fees", {}).items():
            if check.known(service_id, item.mark, services, N_("service"), "services.yaml"):
                fee = item.value
                fees[service_id] = Fee(fee, fee) if isinstance(fee, int) else Fee(fee["urban"], fee["rural"])
        if record.valid:
            tariffs.append(Tariff(year, effective, record["approval"], fees))
    year_in_force = site.get("tariff_year") if site else None
    if site is not None and year_in_force is not None:
        in_force = next((t for t in tariffs if t.year == year_in_force), None)
        if str(year_in_force) not in {file.stem for file in raw.of_kind("tariff")}:
            check.error(
                site.marks["tariff_year"],
                N_("tariff_year: there is no tariffs/{year}.yaml for the tariff in force", year=str(year_in_force)),
            )
        elif in_force is not None:  # a tariff with errors has had them reported, and its missing fees would be noise
            for service_id, service in services.items():
                if service_id not in in_force.fees:
                    check.warn(
                        service.marks["id"],
                        N_(
                            "service {service} has no fee in the {year:d} tariff in force",
                            service=shown(service_id),
                            year=in_force.year,
                        ),
                    )
    return tariffs


def _hours(items: list[Rec]) -> tuple[OpeningHours, ...]:
    return tuple(OpeningHours(tuple(day.value for day in h["days"]), h["opens"], h["closes"]) for h in items)


@dataclass(frozen=True, slots=True)
class ProvinceFacts:
    """What offices files are checked against: the province's counties and its memoranda's services, valid or not."""

    id: str
    counties: dict[str, Rec]
    given_by_kind: dict[str, tuple[str, ...]]
    counties_mark: Mark | None = None  # where province.yaml lists its counties


def _provinces(
    raw: RawContent, check: Validation, agencies: dict[str, Rec], services: dict[str, Rec]
) -> tuple[dict[str, Province], dict[str, ProvinceFacts]]:
    provinces, facts, records = {}, {}, []
    for file in raw.of_kind("province"):
        record = read_file(file, check)
        if not check_file_name(file, check, N_("province folder name")) or not isinstance(record, Rec):
            continue
        records.append(record)
        counties = check.unique(record.get("counties", []), "id", N_("county"))
        check.distinct_names(counties.values(), N_("county"))
        memoranda = check.unique(record.get("memoranda", []), "id", N_("memorandum"))
        for memo in memoranda.values():
            if "agency" in memo.values:
                check.known(memo["agency"], memo.marks["agency"], agencies, N_("agency"), "agencies.yaml")
            if not any(memo.get(kind) for kind in KINDS):
                check.error(
                    memo.mark,
                    N_(
                        "memorandum {memorandum} gives no services: list them under {kinds}",
                        memorandum=shown(memo["id"]),
                        kinds=", ".join(KINDS),
                    ),
                )
            for kind in KINDS:
                for item in memo.get(kind, ()):
                    check.known(item.value, item.mark, services, N_("service"), "services.yaml")
        for hours in record.get("hours", ()):
            _check_hours(hours, check)
        given = {
            kind: tuple(dict.fromkeys(i.value for m in memoranda.values() for i in m.get(kind, ()))) for kind in KINDS
        }
        facts[file.stem] = ProvinceFacts(file.stem, counties, given, record.marks.get("counties"))
        if record.valid:
            provinces[file.stem] = _province(file.stem, record, counties, memoranda)
    check.distinct_names(records, N_("province"))
    return provinces, facts


def _province(province_id: str, record: Rec, counties: dict[str, Rec], memoranda: dict[str, Rec]) -> Province:
    return Province(
        id=province_id,
        name=record["name"],
        center=record["center"],
        directorate=Directorate(**record["directorate"].values),
        hours=_hours(record["hours"]),
        counties=tuple(
            County(
                c["id"],
                province_id,
                c["name"],
                c["urban_population"],
                tuple(i.value for i in c.get("cities", ())),
                c.get("name_en"),
            )
            for c in counties.values()
        ),
        memoranda=tuple(
            Memorandum(
                id=m["id"],
                title=m["title"],
                agency_id=m["agency"],
                services_by_kind={kind: tuple(i.value for i in m[kind]) for kind in KINDS if kind in m.values},
                signed=m.get("signed"),
                title_en=m.get("title_en"),
            )
            for m in memoranda.values()
        ),
        name_en=record.get("name_en"),
    )


def _check_hours(hours: Rec, check: Validation) -> None:
    if "opens" in hours.values and "closes" in hours.values and hours["closes"] <= hours["opens"]:
        check.error(
            hours.marks["closes"],
            N_("closes: {closes} is not after opens {opens}", closes=hours["closes"], opens=hours["opens"]),
        )


@dataclass(frozen=True, slots=True)
class OfficeDraft:
    """An office as its own file tells it: the office without its services, and what cross-file rules need."""

    office: Office | None  # None when the record has errors
    code: str | None
    code_mark: Mark | None
    kind: str | None
    city: str | None
    city_mark: Mark | None
    added: tuple[Item, ...]
    removed: tuple[Item, ...]
    expires_mark: Mark | None = None  # where an active office's license expiry is written


@dataclass(frozen=True, slots=True)
class OfficesFile:
    """One county's offices file read on its own, so that files can be read in parallel."""

    path: str
    province: str
    county: str
    drafts: tuple[OfficeDraft, ...] | None  # None when the file could not be read
    problems: tuple[Problem, ...]


def read_offices(raw: RawFile) -> OfficesFile:
    """Read an offices file with the rules that need nothing but the file itself."""
    assert raw.province is not None, "the loader gives an offices file its province's folder"
    check = Validation(list(raw.problems))
    value = read_file(raw, check)
    if value == []:  # an empty file or an empty list: a county whose offices may have been lost
        check.warn(
            raw.source.at(raw.root) if raw.root is not None else Mark(raw.path, 1, 1),
            N_(
                "the file lists no office: county {county} is shown with none; list its offices here",
                county=shown(raw.stem),
            ),
        )
    drafts = None if value is INVALID else tuple(_draft(record, check) for record in value)
    return OfficesFile(raw.path, raw.province, raw.stem, drafts, tuple(check.problems))


def _draft(record: Rec, check: Validation) -> OfficeDraft:
    status = record.get("status")
    license = record.get("license")
    license_missing = "license" not in record.keys or "license" in record.empty
    if status is not None and status != "pending" and license_missing and record.valid:
        check.error(
            record.mark,
            N_(
                "office {code}: a {status} office needs its license (number, holder, issued, expires); "
                "only a pending office has none",
                code=record.get("code", ""),
                status=status,
            ),
        )
        record.valid = False
    if (
        isinstance(license, Rec)
        and "issued" in license.values
        and "expires" in license.values
        and license["expires"] <= license["issued"]
    ):
        check.error(
            license.marks["expires"],
            N_(
                "license.expires: {expires} is not after issued {issued}",
                expires=license["expires"],
                issued=license["issued"],
            ),
        )
        record.valid = False
    if status == "pending" and isinstance(license, Rec) and record.valid:
        check.warn(
            record.marks["status"],
            N_(
                "office {code}: status pending means awaiting its license, but the office has one; "
                "write the status it has now (active once it opens)",
                code=record.get("code", ""),
            ),
        )
    for hours in record.get("hours") or ():
        _check_hours(hours, check)
    changes = record.get("services")
    changes = changes if isinstance(changes, Rec) else None
    return OfficeDraft(
        office=_office(record) if record.valid else None,
        code=record.get("code"),
        code_mark=record.marks.get("code"),
        kind=record.get("kind"),
        city=record.get("city"),
        city_mark=record.marks.get("city"),
        added=tuple(changes.get("add", ())) if changes else (),
        removed=tuple(changes.get("remove", ())) if changes else (),
        expires_mark=license.marks.get("expires") if isinstance(license, Rec) and status == "active" else None,
    )


def resolve_offices(file: OfficesFile, province: ProvinceFacts | None, services: dict[str, None]) -> CountyOffices:
    """Check one county's offices against their province and the catalogue, and give each its services.

    Everything here depends only on the file, its province and the services defined, so that the
    result can be kept for as long as those are unchanged.
    """
    check = Validation(list(file.problems))
    offices: list[Office] = []
    county = None
    if province is not None and check_name(file.path, file.county, check, N_("county file name")):
        county = province.counties.get(file.county)
        if county is None:
            hint = did_you_mean(file.county, tuple(province.counties))
            check.error(
                Mark(file.path, 1, 1),
                N_(
                    "{county} is not a county of {province}: "
                    "an offices file is named after one of the counties in its province.yaml;{hint}",
                    county=shown(file.county),
                    province=province.id,
                    hint=hint or N_(" they are {counties}", counties=", ".join(province.counties)),
                ),
            )
    # Without a readable province.yaml the memoranda are unknown: add/remove are compared with nothing.
    given_by_kind = province.given_by_kind if province else None
    for draft in file.drafts or ():
        _check_office_references(draft, check, county, services, given_by_kind)
        if draft.office is not None and county is not None and province is not None:  # a county has a province
            given = province.given_by_kind.get(draft.office.kind, ())
            removed = {item.value for item in draft.removed}
            offered = tuple(
                dict.fromkeys(s for s in (*given, *(item.value for item in draft.added)) if s not in removed)
            )
            offices.append(replace(draft.office, province_id=province.id, county_id=file.county, services=offered))
    codes = tuple(
        (draft.code, draft.code_mark.line, draft.code_mark.col)
        for draft in file.drafts or ()
        if draft.code is not None and draft.code_mark is not None  # a code has its place
    )
    expiries = tuple(
        (draft.office.code, draft.office.license.expires, draft.expires_mark.line, draft.expires_mark.col)
        for draft in file.drafts or ()
        if draft.office is not None and draft.office.license is not None and draft.expires_mark is not None
    )
    return CountyOffices(tuple(offices), codes, tuple(check.problems), expiries)


LICENSE_RENEWAL_DAYS = 30  # an active office's license that expires this close to the build date is warned of


def license_expiries(
    files: list[tuple[str, tuple[tuple[str, JalaliDate, int, int], ...]]], today: JalaliDate
) -> list[Problem]:
    """Warn of each active office whose license has expired on the build date `today`, or expires within
    LICENSE_RENEWAL_DAYS of it; files (path, expiries) in path order.

    Made on every run rather than kept with the file's checks: the build date changes what they say.
    """
    check = Validation()
    for path, expiries in files:
        for code, expires, line, col in expiries:
            days_left = (expires.to_gregorian() - today.to_gregorian()).days
            if days_left < 0:
                check.warn(
                    Mark(path, line, col),
                    N_(
                        "office {code} is active but its license expired on {expires}: the site says it may not "
                        "offer services; renew the license or change the office's status",
                        code=code,
                        expires=expires,
                    ),
                )
            elif days_left <= LICENSE_RENEWAL_DAYS:
                check.warn(
                    Mark(path, line, col),
                    N_(
                        "office {code}: its license expires on {expires}, {days} days after the build date {today}; "
                        "once it expires the site says the office may not offer services",
                        code=code,
                        expires=expires,
                        days=days_left,
                        today=today,
                    ),
                )
    return check.problems


def missing_offices(provinces: dict[str, ProvinceFacts], listed: dict[tuple[str, str], int]) -> list[Problem]:
    """Warn of each county with no offices file, and of each province whose offices files list no office at all;
    `listed` gives the office codes each offices file lists, by province and county."""
    check = Validation()
    for province in provinces.values():
        for county_id, county in province.counties.items():
            if (province.id, county_id) in listed or "id" not in county.marks:
                continue
            mark = county.marks["id"]
            expected = os.path.join(os.path.dirname(mark.path), "offices", f"{county_id}.yaml")
            check.warn(
                mark,
                N_(
                    "county {county} has no offices file: {file} is missing, so the county is shown with no office; "
                    "write its offices there",
                    county=shown(county_id),
                    file=expected,
                ),
            )
        if province.counties_mark is not None and not any(listed.get((province.id, c)) for c in province.counties):
            check.warn(
                province.counties_mark,
                N_(
                    "province {province} has no offices at all: none of its counties' offices files lists one, "
                    "so its pages show none",
                    province=shown(province.id),
                ),
            )
    return check.problems


def duplicate_codes(files: list[tuple[str, tuple[tuple[str, int, int], ...]]]) -> list[Problem]:
    """Report each office code given a second time, files (path, codes) in path order, naming the first place."""
    check = Validation()
    first: dict[str, tuple[str, int, int]] = {}
    for path, codes in files:
        for code, line, col in codes:
            if code in first:
                check.error(
                    Mark(path, line, col),
                    N_("office code {code} is used twice: also at {place}", code=code, place=Mark(*first[code])),
                )
            else:
                first[code] = (path, line, col)
    return check.problems


def _check_office_references(
    draft: OfficeDraft, check: Validation, county: Rec | None, services: dict[str, None], given_by_kind: dict | None
) -> None:
    cities = tuple(item.value for item in county.get("cities", ())) if county else ()
    if cities and county and draft.city is not None and draft.city_mark is not None and draft.city not in cities:
        hint = did_you_mean(draft.city, cities)
        check.warn(
            draft.city_mark,
            N_(
                "city: {city} is not among the cities of {county} in province.yaml;{hint}",
                city=shown(draft.city),
                county=county["id"],
                hint=hint or N_(" check the spelling or add the city there"),
            ),
        )
    kind = draft.kind
    given = set(given_by_kind.get(kind, ())) if given_by_kind is not None else None
    for item in draft.added:
        if (
            check.known(item.value, item.mark, services, N_("service"), "services.yaml")
            and given is not None
            and item.value in given
        ):
            check.warn(
                item.mark,
                N_(
                    "services.add: {service} is already given to {kind} offices by the province's memoranda",
                    service=shown(item.value),
                    kind=kind,
                ),
            )
    for item in draft.removed:
        if (
            check.known(item.value, item.mark, services, N_("service"), "services.yaml")
            and given is not None
            and item.value not in given
        ):
            check.warn(
                item.mark,
                N_(
                    "services.remove: {service} is not given to {kind} offices by the province's memoranda, "
                    "so there is nothing to remove",
                    service=shown(item.value),
                    kind=kind,
                ),
            )


def _office(record: Rec) -> Office:
    """Build the published office (its place and services come later); the private block is deliberately left out."""
    license = record.get("license")
    location = record.get("location")
    return Office(
        code=record["code"],
        kind=record["kind"],
        status=record["status"],
        province_id="",
        county_id="",
        services=(),
        name=record.get("name"),
        city=record.get("city"),
        village=record.get("village"),
        address=record.get("address"),
        postal_code=record.get("postal_code"),
        phone=record.get("phone"),
        location=Location(location["lat"], location["lon"]) if location else None,
        hours=_hours(record["hours"]) if record.get("hours") is not None else None,
        license=License(
            number=license["number"],
            holder=LicenseHolder(license["holder"]["name"], license["holder"]["type"]),
            issued=license["issued"],
            expires=license["expires"],
        )
        if license
        else None,
    )


def _body(file: RawFile, check: Validation) -> str | None:
    """Return a Markdown body with Persian ی/ک, warning at the first line that had Arabic letters.

    Spacing is left alone here: Markdown gives it meaning. Returns None when the body cannot be rendered.
    """
    text, problems = without_controls(Source(file.path), file.body or "", file.body_line)
    check.problems.extend(problems)
    lines = text.split("\n")
    arabic_warned = False
    for number, line in enumerate(lines, start=file.body_line):
        if has_arabic_letters(line) and not arabic_warned:
            check.warn(Mark(file.path, number, 1), N_("Arabic ي/ك in the text were replaced by Persian ی/ک"))
            arabic_warned = True
        stripped = line.lstrip(" \t>*+-")
        if len(line) - len(stripped) > MAX_MARKDOWN_INDENT:
            check.error(
                Mark(file.path, number, 1),
                N_(
                    "this line is nested more than {levels} levels deep; a page cannot show it",
                    levels=MAX_MARKDOWN_INDENT,
                ),
            )
            return None
        if line.startswith("# "):
            check.warn(
                Mark(file.path, number, 1),
                N_("a '# ' heading is shown as plain text: the page title is the only top-level heading; use '## '"),
            )
        if "![" in line:
            check.warn(
                Mark(file.path, number, line.index("![") + 1),
                N_("images are not shown on the site; link to the file instead"),
            )
    slow = [problem for part in _paragraphs(lines, file.body_line) for problem in _slow_markdown(file.path, part)]
    check.problems.extend(slow)
    if problems or slow:
        return None
    return persian_letters("\n".join(lines)).strip() + "\n"


def _paragraphs(lines: list[str], first_line: int) -> Iterator[tuple[int, list[str]]]:
    """Yield the runs of lines with no blank line between them, each with the number of its first line."""
    start = None
    for number, line in enumerate([*lines, ""], start=first_line):
        if line.strip() and start is None:
            start = number
        elif not line.strip() and start is not None:
            yield start, lines[start - first_line : number - first_line]
            start = None


def _slow_markdown(path: str, paragraph: tuple[int, list[str]]) -> list[Problem]:
    """Refuse what would make python-markdown take minutes on a paragraph: too many lines or characters, a bracket,
    link address or code span that nothing closes (each is then looked for to the paragraph's end, once per '[', '('
    or '`'), or brackets nested deeper than MAX_BRACKET_DEPTH. Escapes and code spans are read as python-markdown
    reads them."""
    first, lines = paragraph
    if len(lines) > MAX_PARAGRAPH_LINES:
        return [
            Problem(
                Mark(path, first + MAX_PARAGRAPH_LINES, 1),
                "error",
                N_(
                    "a paragraph, list or table has at most {limit} lines with no blank line between them, "
                    "and this one has {count}: put a blank line between its parts",
                    limit=MAX_PARAGRAPH_LINES,
                    count=len(lines),
                ),
            )
        ]
    text = "\n".join(lines)

    def mark(index: int) -> Mark:
        return Mark(path, first + text.count("\n", 0, index), index - text.rfind("\n", 0, index))

    if len(text) > MAX_PARAGRAPH_CHARS:
        return [
            Problem(
                mark(MAX_PARAGRAPH_CHARS),
                "error",
                N_(
                    "a paragraph, list or table has at most {limit:,} characters with no blank line between them, "
                    "and this one has {count:,}: put a blank line between its parts",
                    limit=MAX_PARAGRAPH_CHARS,
                    count=len(text),
                ),
            )
        ]

    opened: list[int] = []
    position = 0
    while match := _MARKUP.search(text, position):
        token, position = match[0], match.end()
        if token[0] == "\\":
            position = match.start() + (2 if token[1] in _ESCAPED else 1)
        elif token[0] == "`":  # a code span ends at the next run of as many backticks; brackets in it are text
            end = re.compile(f"(?<!`){token}(?!`)").search(text, position)
            if end is None:
                return [
                    Problem(
                        mark(match.start()),
                        "error",
                        N_(
                            "this {token} starts code that no {token} closes in its paragraph; close it, "
                            "or write \\` for a backtick",
                            token=shown(token),
                        ),
                    )
                ]
            position = end.end()
        elif token == "[":
            opened.append(match.start())
            if len(opened) > MAX_BRACKET_DEPTH:
                return [
                    Problem(
                        mark(match.start()),
                        "error",
                        N_(
                            "brackets are nested more than {depth} deep here; "
                            "write \\[ for a bracket that starts no link",
                            depth=MAX_BRACKET_DEPTH,
                        ),
                    )
                ]
        elif opened:
            opened.pop()
            if text.startswith("(", position) and not _LINK_ADDRESS.match(text, position):
                return [
                    Problem(
                        mark(position),
                        "error",
                        N_(
                            "this link's address is not closed by ')' on its line, or has quotes that are not its "
                            'title; write [text](https://…) or [text](https://… "title")'
                        ),
                    )
                ]
    if opened:
        return [
            Problem(
                mark(opened[0]),
                "error",
                N_(
                    "this '[' is not closed by a ']' in its paragraph; close it, or write \\[ for a bracket that "
                    "starts no link"
                ),
            )
        ]
    return []


def _pages(raw: RawContent, check: Validation) -> list[Page]:
    pages = []
    for file in raw.of_kind("page"):
        record = read_file(file, check)
        slug_ok = check_file_name(file, check, N_("page file name"))
        if file.stem in RESERVED_PAGE_NAMES:
            check.error(
                Mark(file.path, 1, 1),
                N_(
                    "a page cannot be named {name}: the site's own pages use /{stem}/; rename the file",
                    name=shown(file.stem),
                    stem=file.stem,
                ),
            )
            slug_ok = False
        body = _body(file, check)
        if isinstance(record, Rec) and record.valid and slug_ok and body is not None:
            pages.append(
                Page(
                    file.stem,
                    record["title"],
                    body,
                    record.get("order", 0),
                    record.get("title_en"),
                    record.get("description"),
                )
            )
    return sorted(pages, key=lambda page: (page.order, page.slug))


def _news(raw: RawContent, check: Validation, provinces: set[str], today: JalaliDate) -> list[NewsItem]:
    news = []
    for file in raw.of_kind("news"):
        record = read_file(file, check)
        slug_ok = check_file_name(file, check, N_("news file name"))
        body = _body(file, check)
        if not isinstance(record, Rec):
            continue
        if "province" in record.values:
            check.known(record["province"], record.marks["province"], provinces, N_("province"), "content/provinces/")
        if "date" in record.values and record["date"] > today:
            # The site has no publication date: it would show the news now, dated in the future (or misdated by a typo).
            check.error(
                record.marks["date"],
                N_(
                    "date: {date} is after the build date {today}; correct the date, or add the news on its day",
                    date=record["date"],
                    today=today,
                ),
            )
        if record.valid and slug_ok and body is not None:
            news.append(
                NewsItem(
                    file.stem,
                    record["title"],
                    record["date"],
                    body,
                    record.get("summary"),
                    record.get("province"),
                    record.get("title_en"),
                )
            )
    return sorted(news, key=lambda item: (item.date, item.slug), reverse=True)


pickle_by_fields(ProvinceFacts, OfficeDraft, OfficesFile, Catalogue)
