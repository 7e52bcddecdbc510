"""What lets a build skip work: the record of the last build into an output folder, and the groups of pages it kept.

A build skips at four levels. Nothing it reads has changed and nobody touched its output: there is
nothing to do (`nothing_changed`). A group of pages (the site's own, a county's, the open data, the
search index) whose shared fingerprint is unchanged keeps its files without being planned
(`kept_group`). A page whose fingerprint is unchanged keeps its file, and a file whose bytes are
unchanged is not staged (both in writer.OutputUpdate).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import NamedTuple

from .cache import CODE_VERSION, BuildCache, Kind, key_of
from .config import BuildOptions, build_date
from .errors import Problem
from .fingerprint import Fingerprints, digest, folder_digest
from .loader import ContentFiles, scan
from .models import Content, County
from .pickling import pickle_by_fields
from .reading import ContentRead, CountyRead, files_digest, offices_of
from .routes import Route, plan, plan_county, url_of
from .site import SiteGraph
from .writer import Entry, FileRecord, located, output_state, unchanged_output


class GroupRecord(NamedTuple):
    """A group of pages as the last build left it: their shared fingerprint, their files, how many pages."""

    fingerprint: str
    files: tuple[str, ...]
    pages: int  # 0 for the open data and the search index, which are files, not pages


@dataclass(frozen=True, slots=True)
class BuildRecord:
    """What the last successful build into an output folder read and left there, kept in the cache."""

    inputs: bytes  # digest of the content, templates, catalogues, static files, code and options; the marker names it
    files: dict[str, tuple[str, int, int]]  # every file it left in the output folder: a FileRecord's fields
    groups: dict[str, GroupRecord]  # by the group's name: a county's URL, "" for the site's own pages, data/, …
    pages: int
    problems: tuple[Problem, ...]  # its warnings, to be reported again


@dataclass(frozen=True, slots=True)
class BuildInputs:
    """Everything a build reads besides the cache, read once: the content files, the interface and the static files."""

    found: ContentFiles
    interface: bytes  # digest of the templates and the translation catalogues
    static: list[tuple[str, bytes]]  # each static file's path below static/ and its bytes
    digest: bytes  # of all of it, the code and the options: equal digests give equal sites


class PageGroup(NamedTuple):
    """Pages that share a fingerprint: the site's own, or one county's; `plan` makes their routes."""

    name: str
    fingerprint: str
    plan: Callable[[], list[Route]]


def read_inputs(options: BuildOptions) -> BuildInputs:
    """Read what the build reads, and digest it with the code and the options."""
    found = scan(options.content_dir)
    interface, static = interface_digest(options), static_files(options.static_dir)
    settings = repr(
        (
            str(options.base_url),
            str(build_date(options)),
            options.strict,
            options.precompress,
            options.search_index,
            found.problems,
        )
    ).encode()
    inputs = digest(
        files_digest(found.files),
        interface,
        *(part for name, data in static for part in (name.encode(), data)),
        CODE_VERSION,
        settings,
    )
    return BuildInputs(found, interface, static, inputs)


def interface_digest(options: BuildOptions) -> bytes:
    """Return a digest of what every page is made with besides the content: the templates and the catalogues."""
    return digest(folder_digest(options.templates_dir), folder_digest(options.locales_dir, "**/*.po"))


def static_files(static_dir: Path) -> list[tuple[str, bytes]]:
    """Return the static files: their paths below static/ and their bytes."""
    if not static_dir.is_dir():
        return []
    return [
        (path.relative_to(static_dir).as_posix(), path.read_bytes())
        for path in sorted(static_dir.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(static_dir).parts)
    ]  # not .DS_Store


def _record_key(output_dir: Path) -> str:
    """Return the cache key of an output folder's record: the folder as named, not the tree a link leads to."""
    return key_of(located(output_dir), b"")


def last_build(output_dir: Path, cache: BuildCache) -> BuildRecord | None:
    """Return the record of the last build into the output folder, or None when there is none to trust.

    A record describes the output only if the marker names its state: another cache or working
    folder may have built into the same output since, or a build may have stopped while moving files.
    """
    record = cache.get(Kind.OUTPUT, _record_key(output_dir))
    if not isinstance(record, BuildRecord) or output_state(output_dir) != record.inputs.hex():
        return None
    return record


def nothing_changed(previous: BuildRecord | None, inputs: BuildInputs, output_dir: Path) -> bool:
    """Return whether the last build read what this one would and nobody has touched what it wrote."""
    return previous is not None and previous.inputs == inputs.digest and unchanged_output(output_dir, previous.files)


def remember_build(output_dir: Path, cache: BuildCache, record: BuildRecord) -> None:
    """Keep the record of a build into the output folder for the next build into it."""
    cache.put(Kind.OUTPUT, _record_key(output_dir), record)


def kept_group(
    previous: BuildRecord | None, name: str, fingerprint: str | None, output_dir: Path
) -> tuple[GroupRecord, list[Entry]] | None:
    """Return a group's record and its files' entries as the last build left them when its fingerprint (None: whatever
    it was) and its files are unchanged; else None."""
    old = previous.groups.get(name) if previous else None
    if previous is None or old is None or (fingerprint is not None and old.fingerprint != fingerprint):
        return None
    files = {file: previous.files[file] for file in old.files}
    if not unchanged_output(output_dir, files):
        return None
    return old, [(file, FileRecord(*record), False) for file, record in files.items()]  # checked when first written


def page_groups(
    read: ContentRead, content: Content, graph: SiteGraph, fingerprints: Fingerprints, cache: BuildCache
) -> Iterator[PageGroup]:
    """Yield the groups of pages that share a fingerprint: each with its name, fingerprint and how to plan its pages.

    The site's own pages (provinces, services, agencies, tariffs, pages, news; not the home page,
    which is always planned) show the catalogue and the counts; each county's pages show its
    offices. A group whose fingerprint is unchanged keeps its files without being planned.
    """
    yield PageGroup("", fingerprints.of_site(), lambda: plan(graph, with_home=False))
    by_county = {(county.province, county.county): county for county in read.counties}
    for province in content.provinces:
        for county in province.counties:
            county_read = by_county.get((province.id, county.id))
            source = county_read.key.encode() if county_read and county_read.key else b""
            yield PageGroup(
                url_of(county),
                fingerprints.of_county(county, source),
                partial(_county_routes, graph, county, county_read, read, cache),
            )


def _county_routes(
    graph: SiteGraph, county: County, county_read: CountyRead | None, read: ContentRead, cache: BuildCache
) -> list[Route]:
    """Plan a county's pages, reading its offices (from the cache when kept)."""
    return plan_county(graph, county, offices_of(county_read, read, cache) if county_read else ())


pickle_by_fields(BuildRecord)
