"""The only reader of content/: every file becomes a RawFile of YAML nodes with their marks.

Nothing is interpreted here beyond the file layout: which kind of file each path is, and the
ids its path gives (province folder, county file name, page slug).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import Mark, Problem
from .yamlio import Node, Source, compose, decode, read_yaml

# Top-level YAML files, by the file type that reads them.
TOP_FILES = {"site.yaml": "site", "agencies.yaml": "agencies", "services.yaml": "services"}
IGNORED = frozenset({".gitkeep", ".DS_Store", "Thumbs.db", "README.md"})


@dataclass(frozen=True, slots=True)
class RawFile:
    """One content file, parsed but not yet validated."""

    kind: str                 # a key of schema.FILE_TYPES
    source: Source
    root: Node | None         # None when the file could not be parsed (its problems say why)
    stem: str                 # the file name without extension: a county, a year, a page slug
    province: str | None = None
    body: str | None = None   # the Markdown after the front matter
    body_line: int = 1        # the line the body starts on
    empty: bool = False       # parsed fine but holds no YAML at all
    problems: tuple[Problem, ...] = ()  # met while reading, for files read on their own (offices)

    @property
    def path(self) -> str:
        return self.source.path


@dataclass(frozen=True, slots=True)
class OfficesSource:
    """An offices file found but not yet read: the pipeline reads these in parallel with `load_offices`."""

    path: Path
    province: str
    county: str


@dataclass(frozen=True, slots=True)
class RawContent:
    """Everything read from content/, with the problems met while reading; offices files are only listed."""

    files: tuple[RawFile, ...]
    offices: tuple[OfficesSource, ...]
    problems: tuple[Problem, ...]

    def of_kind(self, kind: str) -> list[RawFile]:
        """Return the files of one type, in path order."""
        return [file for file in self.files if file.kind == kind]


def display_path(path: Path) -> str:
    """Return a path as the editor wants to see it: relative to the working directory."""
    return os.path.relpath(path)


def load(content_dir: Path) -> RawContent:
    """Read every file under content/ into nodes; report missing, unreadable and unexpected files."""
    files: list[RawFile] = []
    offices: list[OfficesSource] = []
    problems: list[Problem] = []
    expected = set()

    def add(path: Path, kind: str, **ids) -> None:
        expected.add(path)
        file, found = (load_markdown if path.suffix == ".md" else load_yaml)(path, kind, **ids)
        files.append(file)
        problems.extend(found)

    for name, kind in TOP_FILES.items():
        path = content_dir / name
        if path.is_file():
            add(path, kind, stem=path.stem)
        else:
            problems.append(Problem(Mark(display_path(path), 1, 1), "error", f"{name} is missing: every site needs one"))
    for path in sorted((content_dir / "tariffs").glob("*.yaml")):
        add(path, "tariff", stem=path.stem)
    for folder in sorted(p for p in (content_dir / "provinces").glob("*") if p.is_dir()):
        province_file = folder / "province.yaml"
        if province_file.is_file():
            add(province_file, "province", stem=folder.name, province=folder.name)
        else:
            problems.append(Problem(Mark(display_path(province_file), 1, 1), "error", f"province.yaml is missing: the folder {folder.name!r} needs one"))
        for path in sorted((folder / "offices").glob("*.yaml")):
            expected.add(path)
            offices.append(OfficesSource(path, folder.name, path.stem))
    for kind, folder in (("page", "pages"), ("news", "news")):
        for path in sorted((content_dir / folder).glob("*.md")):
            add(path, kind, stem=path.stem)
    problems.extend(_unexpected_files(content_dir, expected))
    return RawContent(tuple(files), tuple(offices), tuple(problems))


def content_digest(content_dir: Path) -> bytes:
    """Return a digest of every file under content/, names and bytes: equal digests mean a build would read the same content."""
    digest = hashlib.blake2b(digest_size=20)
    for path in sorted(content_dir.rglob("*")):
        if path.is_file():
            try:
                data = path.read_bytes()
            except OSError:  # unreadable: the build reports it; no digest can stand for it
                data = os.urandom(16)
            name = path.relative_to(content_dir).as_posix().encode()
            digest.update(len(name).to_bytes(8, "little") + name + len(data).to_bytes(8, "little") + data)
    return digest.digest()


def read_bytes(source: Source, path: Path) -> tuple[bytes | None, list[Problem]]:
    """Read a file's bytes; a file that cannot be opened is a problem, not a crash."""
    try:
        return path.read_bytes(), []
    except OSError as exc:
        return None, [Problem(Mark(source.path, 1, 1), "error", f"cannot read the file: {exc.strerror}")]


def offices_bytes(source: OfficesSource) -> tuple[bytes | None, tuple[Problem, ...]]:
    """Return the bytes of an offices file, or None and the problem that says why it cannot be read."""
    data, problems = read_bytes(Source(display_path(source.path)), source.path)
    return data, tuple(problems)


def parse_offices(source: OfficesSource, data: bytes | None, problems: tuple[Problem, ...] = ()) -> RawFile:
    """Parse one county's offices file from the bytes already read; its problems travel with it."""
    if data is None:
        return RawFile("offices", Source(display_path(source.path)), None, source.county, source.province, problems=problems)
    raw, found = load_yaml(source.path, "offices", source.county, source.province, data)
    return replace(raw, problems=tuple(found))


def load_yaml(path: Path, kind: str, stem: str, province: str | None = None, data: bytes | None = None) -> tuple[RawFile, list[Problem]]:
    """Read one YAML file (or parse bytes already read from it) into nodes."""
    source = Source(display_path(path))
    problems = []
    if data is None:
        data, problems = read_bytes(source, path)
    if data is None:
        return RawFile(kind, source, None, stem, province), problems
    root, problems = read_yaml(source, data)
    empty = root is None and not any(problem.is_error for problem in problems)
    return RawFile(kind, source, root, stem, province, empty=empty), problems


def load_markdown(path: Path, kind: str, stem: str, province: str | None = None) -> tuple[RawFile, list[Problem]]:
    """Read a Markdown file: YAML front matter between '---' lines, then the body."""
    source = Source(display_path(path), line_offset=1)
    data, problems = read_bytes(source, path)
    if data is None:
        return RawFile(kind, source, None, stem), problems
    text, problems = decode(source, data)
    if text is None:
        return RawFile(kind, source, None, stem), problems
    lines = text.replace("\r\n", "\n").split("\n")
    if lines[0].strip() != "---" or "---" not in (line.strip() for line in lines[1:]):
        message = "a page starts with front matter between two '---' lines, such as:\n---\ntitle: …\n---"
        return RawFile(kind, source, None, stem), problems + [Problem(Mark(source.path, 1, 1), "error", message)]
    end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---")
    root, found = compose(source, "\n".join(lines[1:end]))
    if root is None and not found:
        found = [Problem(Mark(source.path, 1, 1), "error", "the front matter is empty: it needs at least a title")]
    body = "\n".join(lines[end + 1:])
    return RawFile(kind, source, root, stem, province, body, end + 2), problems + found


def _unexpected_files(content_dir: Path, expected: set[Path]) -> list[Problem]:
    """Warn about files that the build does not read, so a misnamed file is not silently ignored."""
    problems = []
    for path in sorted(content_dir.rglob("*")):
        if not path.is_file() or path in expected or path.name in IGNORED or path.name.startswith("."):
            continue
        hint = " (YAML files end in .yaml)" if path.suffix == ".yml" else ""
        problems.append(Problem(Mark(display_path(path), 1, 1), "warning", f"this file is not read by the build{hint}; see docs/content.md for where files go"))
    return problems
