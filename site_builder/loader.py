"""The only reader of content/: each file is read once (scan), then parsed into a RawFile of YAML nodes and their marks.

Nothing is interpreted here beyond the file layout: which kind of file each path is, and the
ids its path gives (province folder, county file name, page slug).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import N_, Mark, Problem, UsageError, escape_controls
from .yamlio import Node, Source, compose, decode, read_yaml

# Top-level YAML files, by the file type that reads them.
TOP_FILES = {"site.yaml": "site", "agencies.yaml": "agencies", "services.yaml": "services"}
IGNORED = frozenset({".gitkeep", ".DS_Store", "Thumbs.db", "README.md"})
# The largest YAML file, Tehran's offices, is about 1 MB (2 MB for the synthetic national content's); a page a few KB,
# a long regulation 50 KB. Larger files are mistakes; python-markdown takes half a second on 64 KB of the densest
# markup (benchmarks/hostile_markdown.py).
MAX_YAML_BYTES = 10_000_000
MAX_MARKDOWN_BYTES = 64_000


@dataclass(frozen=True, slots=True)
class RawFile:
    """One content file, parsed but not yet validated."""

    kind: str  # a key of schema.FILE_TYPES
    source: Source
    root: Node | None  # None when the file could not be parsed (its problems say why)
    stem: str  # the file name without extension: a county, a year, a page slug
    province: str | None = None
    body: str | None = None  # the Markdown after the front matter
    body_line: int = 1  # the line the body starts on
    empty: bool = False  # parsed fine but holds no YAML at all
    problems: tuple[Problem, ...] = ()  # met while reading, for files read on their own (offices)

    @property
    def path(self) -> str:
        return self.source.path


@dataclass(frozen=True, slots=True)
class FoundFile:
    """A content file found where the layout expects one, with its bytes (None when it cannot be read)."""

    path: Path
    kind: str  # a key of schema.FILE_TYPES
    stem: str
    province: str | None
    data: bytes | None
    problems: tuple[Problem, ...]  # why it cannot be read
    digest: bytes  # of the bytes, taken once: cache keys and the build's input digest are made of it

    @property
    def county(self) -> str:
        """An offices file is named after its county."""
        return self.stem


@dataclass(frozen=True, slots=True)
class ContentFiles:
    """What content/ holds: each file the build reads, in path order, and the problems of the layout."""

    files: tuple[FoundFile, ...]
    problems: tuple[Problem, ...]  # missing and unexpected files

    @property
    def offices(self) -> tuple[FoundFile, ...]:
        return tuple(file for file in self.files if file.kind == "offices")

    @property
    def others(self) -> tuple[FoundFile, ...]:
        return tuple(file for file in self.files if file.kind != "offices")


@dataclass(frozen=True, slots=True)
class RawContent:
    """Every file but the offices files, parsed, with the problems met while reading them."""

    files: tuple[RawFile, ...]
    problems: tuple[Problem, ...]

    def of_kind(self, kind: str) -> list[RawFile]:
        """Return the files of one type, in path order."""
        return [file for file in self.files if file.kind == kind]


def display_path(path: Path) -> str:
    """Return a path as the editor wants to see it: relative to the working directory."""
    return os.path.relpath(path)


def scan(content_dir: Path) -> ContentFiles:
    """Find and read every file under content/; report missing, unreadable and unexpected files."""
    refuse_links(content_dir)
    files: list[FoundFile] = []
    problems: list[Problem] = []

    def add(path: Path, kind: str, stem: str, province: str | None = None) -> None:
        limit = MAX_MARKDOWN_BYTES if path.suffix == ".md" else MAX_YAML_BYTES
        data, unreadable = read_bytes(Source(display_path(path)), path, limit)
        digest = hashlib.blake2b(data, digest_size=20).digest() if data is not None else b"unreadable"
        files.append(FoundFile(path, kind, stem, province, data, tuple(unreadable), digest))

    for name, kind in TOP_FILES.items():
        path = content_dir / name
        if path.is_file():
            add(path, kind, path.stem)
        else:
            problems.append(
                Problem(
                    Mark(display_path(path), 1, 1), "error", N_("{name} is missing: every site needs one", name=name)
                )
            )
    for path in sorted((content_dir / "tariffs").glob("*.yaml")):
        add(path, "tariff", path.stem)
    for folder in sorted(p for p in (content_dir / "provinces").glob("*") if p.is_dir()):
        province_file = folder / "province.yaml"
        if province_file.is_file():
            add(province_file, "province", folder.name, folder.name)
        else:
            problems.append(
                Problem(
                    Mark(display_path(province_file), 1, 1),
                    "error",
                    N_("province.yaml is missing: the folder {folder} needs one", folder=repr(folder.name)),
                )
            )
        for path in sorted((folder / "offices").glob("*.yaml")):
            add(path, "offices", path.stem, folder.name)
    for kind, folder_name in (("page", "pages"), ("news", "news")):
        for path in sorted((content_dir / folder_name).glob("*.md")):
            add(path, kind, path.stem)
    problems.extend(_unexpected_files(content_dir, {file.path for file in files}))
    return ContentFiles(tuple(files), tuple(problems))


def load(found: ContentFiles) -> RawContent:
    """Parse every file but the offices files into nodes."""
    files: list[RawFile] = []
    problems: list[Problem] = []
    for file in found.others:
        raw, met = (load_markdown if file.path.suffix == ".md" else load_yaml)(
            file.path, file.kind, file.stem, file.province, file.data
        )
        files.append(raw)
        problems.extend(file.problems)
        problems.extend(met)
    return RawContent(tuple(files), tuple(problems))


def read_bytes(source: Source, path: Path, limit: int) -> tuple[bytes | None, list[Problem]]:
    """Read a file's bytes, at most `limit`; a file that cannot be opened, or is larger, is a problem, not a crash."""
    try:
        with path.open("rb") as file:
            data = file.read(limit + 1)
    except OSError as exc:
        return None, [
            Problem(Mark(source.path, 1, 1), "error", N_("cannot read the file: {reason}", reason=str(exc.strerror)))
        ]
    if len(data) > limit:
        message = N_(
            "the file is larger than {limit:,} bytes, the most a file of its kind may hold "
            "(see the limits in docs/content.md)",
            limit=limit,
        )
        return None, [Problem(Mark(source.path, 1, 1), "error", message)]
    return data, []


def offending_lines(problems: Iterable[Problem], limit: int = 200) -> dict[Mark, str]:
    """Return the line of its file that each problem points at, as the file holds it now (at most `limit` characters):
    serve's problems page shows it under the problem. A file or line that is not there has none."""
    lines: dict[Mark, str] = {}
    files: dict[str, list[str] | None] = {}
    for problem in problems:
        path = problem.mark.path
        if path not in files:
            try:
                with open(path, "rb") as file:
                    files[path] = file.read(MAX_YAML_BYTES).decode("utf-8-sig", "replace").splitlines()
            except OSError:
                files[path] = None
        text = files[path]
        if text is not None and 1 <= problem.mark.line <= len(text):
            line = text[problem.mark.line - 1].rstrip()
            lines[problem.mark] = escape_controls(line if len(line) <= limit else line[:limit] + "…")
    return lines


def refuse_links(content_dir: Path) -> None:
    """Refuse symbolic links and special files (pipes, devices) below the content folder, which may itself be a link.

    A link would make the build read a file outside the folder the editors keep, such as a secret
    that any readable path leads to; a pipe would make it wait forever.
    """
    strange = []
    for folder, folders, names in os.walk(content_dir):
        for name in folders + names:
            path = Path(folder, name)
            try:
                mode = path.lstat().st_mode
            except OSError:  # gone since the folder was listed: scan will not find it either
                continue
            if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                strange.append(path)
    if strange:
        listed = ", ".join(escape_controls(display_path(path)) for path in strange[:5])
        more = N_(" and {count} more", count=len(strange) - 5) if len(strange) > 5 else ""
        raise UsageError(
            N_(
                "the build reads only plain files and folders inside the content folder, not symbolic links "
                "or special files: {files}{more}; replace each link with a copy of what it points to",
                files=listed,
                more=more,
            )
        )


def parse_offices(file: FoundFile) -> RawFile:
    """Parse one county's offices file from the bytes already read; its problems travel with it."""
    if file.data is None:
        return RawFile(
            "offices", Source(display_path(file.path)), None, file.stem, file.province, problems=file.problems
        )
    raw, found = load_yaml(file.path, "offices", file.stem, file.province, file.data)
    return replace(raw, problems=tuple(found))


def load_yaml(
    path: Path, kind: str, stem: str, province: str | None, data: bytes | None
) -> tuple[RawFile, list[Problem]]:
    """Parse the bytes read from one YAML file into nodes (None: it could not be read, and scan said why)."""
    source = Source(display_path(path))
    if data is None:
        return RawFile(kind, source, None, stem, province), []
    root, problems = read_yaml(source, data)
    empty = root is None and not any(problem.is_error for problem in problems)
    return RawFile(kind, source, root, stem, province, empty=empty), problems


def load_markdown(
    path: Path, kind: str, stem: str, province: str | None, data: bytes | None
) -> tuple[RawFile, list[Problem]]:
    """Parse a Markdown file's bytes: YAML front matter between '---' lines, then the body."""
    source = Source(display_path(path), line_offset=1)
    if data is None:
        return RawFile(kind, source, None, stem), []
    text, problems = decode(source, data)
    if text is None:
        return RawFile(kind, source, None, stem), problems
    lines = text.replace("\r\n", "\n").split("\n")
    if lines[0].strip() != "---" or "---" not in (line.strip() for line in lines[1:]):
        message = N_("a page starts with front matter between two '---' lines, such as:\n---\ntitle: …\n---")
        return RawFile(kind, source, None, stem), [*problems, Problem(Mark(source.path, 1, 1), "error", message)]
    end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---")
    root, found = compose(source, "\n".join(lines[1:end]))
    if root is None and not found:
        found = [Problem(Mark(source.path, 1, 1), "error", N_("the front matter is empty: it needs at least a title"))]
    body = "\n".join(lines[end + 1 :])
    return RawFile(kind, source, root, stem, province, body, end + 2), problems + found


def _unexpected_files(content_dir: Path, expected: set[Path]) -> list[Problem]:
    """Warn about files that the build does not read, so a misnamed file is not silently ignored."""
    problems = []
    for path in sorted(content_dir.rglob("*")):
        if not path.is_file() or path in expected or path.name in IGNORED or path.name.startswith("."):
            continue
        hint = N_(" (YAML files end in .yaml)") if path.suffix == ".yml" else ""
        problems.append(
            Problem(
                Mark(display_path(path), 1, 1),
                "warning",
                N_("this file is not read by the build{hint}; see docs/content.md for where files go", hint=hint),
            )
        )
    return problems
