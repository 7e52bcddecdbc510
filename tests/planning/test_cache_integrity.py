"""A cache can only ever cost speed: whatever happens to its folder, the build succeeds and makes the same site."""

from __future__ import annotations

import builtins
import errno
import os
import random
import re
import shutil
from pathlib import Path

import pytest

from site_builder import pipeline, reading

LAHIJAN = """\
- code: 13200001
  kind: rural
  status: active
  village: لیالستان
  license: {number: '77', holder: {name: علی کاظمی, type: person}, issued: 1400/01/01, expires: 1410/01/01}
"""
# What every build into a new output folder reads from the cache: a damaged one of these is noticed.
READ_BY_EVERY_BUILD = ("catalogue-", "county-", "offices-", "data-", "search-", "templates-")


def tree(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def entries(cache: Path) -> list[Path]:
    """Every entry in a cache folder: the pickles and the compiled templates."""
    return sorted(path for path in cache.rglob("*") if path.is_file() and not path.name.startswith("."))


def name_of(entry: Path, cache: Path) -> str:
    return entry.relative_to(cache).as_posix()


def kind_of(entry: Path, cache: Path) -> str:
    """An entry's kind: its prefix (county-, offices- …), or the folder of a compiled template (its language)."""
    name = name_of(entry, cache)
    return name.rsplit("/", 1)[0] if "/" in name else name.split("-", 1)[0]


def templates(cache: Path) -> list[Path]:
    return [entry for entry in entries(cache) if entry.suffix == ".cache"]


def flip_a_bit(rng, cache):
    entry = rng.choice(entries(cache))
    data = bytearray(entry.read_bytes())
    data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    entry.write_bytes(bytes(data))
    return [entry]


def truncate(rng, cache, among=entries):
    entry = rng.choice(among(cache))
    data = entry.read_bytes()
    entry.write_bytes(data[: rng.randrange(len(data))])
    return [entry]


def swap_two(rng, cache):
    first, second = rng.sample(entries(cache), 2)
    first_data, second_data = first.read_bytes(), second.read_bytes()
    first.write_bytes(second_data)
    second.write_bytes(first_data)
    return [first, second]


def replace_by_one_of_its_kind(rng, cache):
    """Copy an entry over another of the same kind: a well-formed entry, under another's name."""
    by_kind: dict[str, list[Path]] = {}
    for entry in entries(cache):
        by_kind.setdefault(kind_of(entry, cache), []).append(entry)
    source, target = rng.sample(rng.choice([group for group in by_kind.values() if len(group) > 1]), 2)
    target.write_bytes(source.read_bytes())
    return [target]


def change_a_literal_in_a_template(rng, cache):
    """Change one letter of a piece of markup in a compiled template, as an operator editing it would."""
    entry = rng.choice(templates(cache))
    data = bytearray(entry.read_bytes())
    literals = list(re.finditer(rb"<[a-z]+[ >]", bytes(data)))
    assert literals, entry
    position = rng.choice(literals).start() + 1
    data[position] = ord("x") if data[position] != ord("x") else ord("y")
    entry.write_bytes(bytes(data))
    return [entry]


def flip_a_byte_in_a_template(rng, cache):
    entry = rng.choice(templates(cache))
    data = bytearray(entry.read_bytes())
    data[rng.randrange(len(data))] ^= 0xFF
    entry.write_bytes(bytes(data))
    return [entry]


def truncate_a_template(rng, cache):
    return truncate(rng, cache, templates)


def copy_a_template_from_the_other_language(rng, cache):
    """Copy a Persian compiled template into the English folder: Jinja folded filters into it (Persian digits)."""
    persian = rng.choice([entry for entry in templates(cache) if entry.parent.name == "fa"])
    english = persian.parent.parent / "en" / persian.name
    english.write_bytes(persian.read_bytes())
    return [english]


CORRUPTIONS = [
    flip_a_bit,
    truncate,
    swap_two,
    replace_by_one_of_its_kind,
    change_a_literal_in_a_template,
    flip_a_byte_in_a_template,
    truncate_a_template,
    copy_a_template_from_the_other_language,
]


def notes(err: str) -> list[str]:
    """The lines of what the build printed that are about the cache."""
    return [
        line for line in err.splitlines() if line.startswith(("build.py: note: cache:", "build.py: warning: cache:"))
    ]


def discarded(name: str) -> str:
    return f"build.py: note: cache: discarded a damaged entry ({name}); it is made again"


def cannot_write(reason: str) -> str:
    return (
        f"build.py: warning: cache: cannot write to cache ({reason}); "
        "this build is slower and the next one will not reuse it"
    )


def test_a_corrupted_cache_never_changes_the_site(site):
    """Damage the cache at random, 48 times: each build succeeds, notes what it discarded and equals a clean build."""
    site.write("provinces/gilan/offices/lahijan.yaml", LAHIJAN)  # two entries of each kind
    build = ("build", "--jobs", "1", "--today", "1405/09/01")
    assert site.run(*build, "--cache", "clean-cache", "--output", "clean").code == 0
    clean = tree(site.root / "clean")
    cache = site.root / "cache"
    assert site.run(*build, "--cache", "cache", "--output", "warm").code == 0
    rng = random.Random(20240516)
    for round in range(48):
        corruption = CORRUPTIONS[round % len(CORRUPTIONS)]
        damaged = [name_of(entry, cache) for entry in corruption(rng, cache)]
        # a new output folder each time: the build reads every entry a site needs instead of finding nothing to do
        result = site.run(*build, "--cache", "cache", "--output", f"output-{round}")
        assert result.code == 0, (round, corruption.__name__, damaged, result.err)
        assert tree(site.root / f"output-{round}") == clean, (round, corruption.__name__, damaged)
        for name in damaged:
            if name.startswith(READ_BY_EVERY_BUILD):
                assert discarded(name) in notes(result.err), (round, corruption.__name__)
        assert all(line.startswith("build.py: note: cache: discarded a damaged entry") for line in notes(result.err))


def test_a_changed_literal_in_a_compiled_template_is_discarded_and_compiled_again(site):
    assert site.run("build", "--jobs", "1", "--cache", "cache").code == 0
    compiled = (site.root / "cache").glob("templates-*/fa/*.cache")
    base = next(entry for entry in compiled if b"<main" in entry.read_bytes())
    base.write_bytes(base.read_bytes().replace(b"<main", b"<xain"))
    result = site.run("build", "--jobs", "1", "--cache", "cache", "--output", "again")
    assert result.code == 0
    name = base.relative_to(site.root / "cache").as_posix()
    assert notes(result.err) == [discarded(name)]
    assert tree(site.root / "again") == tree(site.root / "output")
    third = site.run("build", "--jobs", "1", "--cache", "cache", "--output", "third")
    assert notes(third.err) == []  # made again whole


def failing_writes(monkeypatch, folder: Path, code: int) -> None:
    """Make every folder made and every file written below a folder fail as a file system would, with an errno."""
    open_file, make_folder = builtins.open, os.mkdir

    def below(path) -> bool:
        return isinstance(path, (str, os.PathLike)) and Path(os.path.abspath(path)).is_relative_to(folder)

    def failing_open(path, mode="r", *args, **kwargs):
        if below(path) and any(letter in mode for letter in "wax+"):
            raise OSError(code, os.strerror(code), str(path))
        return open_file(path, mode, *args, **kwargs)

    def failing_mkdir(path, *args, **kwargs):
        if below(path):
            raise OSError(code, os.strerror(code), str(path))
        return make_folder(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", failing_open)
    monkeypatch.setattr(os, "mkdir", failing_mkdir)


@pytest.mark.parametrize("code, cold", [(errno.ENOSPC, True), (errno.EROFS, False), (errno.EACCES, False)])
def test_a_cache_folder_that_cannot_be_written_costs_speed_with_one_warning(site, monkeypatch, code, cold):
    """Cold, everything is to be written; warm, only the compiled templates, as after a change to a template."""
    cache = site.root / "cache"
    if not cold:
        assert site.run("build", "--jobs", "1", "--cache", "cache", "--output", "warm").code == 0
        shutil.rmtree(next(cache.glob("templates-*")))
    with monkeypatch.context() as patch:
        failing_writes(patch, cache, code)
        result = site.run("build", "--jobs", "1", "--cache", "cache", "--output", "output")
    assert result.code == 0, result.err
    assert notes(result.err) == [cannot_write(os.strerror(code))]
    assert site.run("build", "--jobs", "1", "--cache", "clean-cache", "--output", "clean").code == 0
    assert tree(site.root / "output") == tree(site.root / "clean")


def test_a_file_where_the_cache_folder_should_be_costs_speed_with_one_warning(site):
    (site.root / "cache").write_text("a file where the cache folder should be")
    result = site.run("build", "--jobs", "1", "--cache", "cache")
    assert result.code == 0, result.err
    assert notes(result.err) == [cannot_write("Not a directory")]
    assert (site.root / "output/offices/13100123/index.html").is_file()


def test_a_cache_folder_that_cannot_be_read_costs_speed_with_one_warning(site, monkeypatch):
    assert site.run("build", "--jobs", "1", "--cache", "cache").code == 0
    read_bytes = Path.read_bytes

    def failing_read(path):
        if path.absolute().is_relative_to(site.root / "cache"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return read_bytes(path)

    with monkeypatch.context() as patch:
        patch.setattr(Path, "read_bytes", failing_read)
        result = site.run("build", "--jobs", "1", "--cache", "cache", "--output", "again")
    assert result.code == 0, result.err
    assert notes(result.err) == [
        "build.py: warning: cache: cannot read cache (Permission denied); this build is slower"
    ]
    assert tree(site.root / "again") == tree(site.root / "output")


def test_forked_workers_notes_reach_the_user_once(site, monkeypatch):
    """Offices files are read and pages rendered in forked processes: what they find wrong in the cache is told once."""
    monkeypatch.setattr(reading, "READ_IN_PARALLEL", 2)  # the tiny site's two offices files, read in two processes
    monkeypatch.setattr(pipeline, "CHUNK", 4)  # and its pages rendered in two
    site.write("provinces/gilan/offices/lahijan.yaml", LAHIJAN)
    build = ("build", "--jobs", "2", "--cache", "cache")
    assert site.run(*build).code == 0
    cache = site.root / "cache"
    for entry in entries(cache):
        if entry.name.startswith(("county-", "parse-")):  # a county's is read here; its parse, then, by a worker
            entry.write_bytes(entry.read_bytes()[:-1])
    result = site.run(*build, "--output", "again")
    assert result.code == 0, result.err
    parses = sorted(entry.name for entry in entries(cache) if entry.name.startswith("parse-"))
    assert len(parses) == 2
    for name in parses:
        assert notes(result.err).count(discarded(name)) == 1
    assert tree(site.root / "again") == tree(site.root / "output")

    for entry in cache.glob("county-*"):  # both offices files to be read again, in two processes that cannot keep them
        entry.unlink()
    failing_writes(monkeypatch, cache, errno.ENOSPC)
    result = site.run(*build, "--output", "third")
    assert result.code == 0, result.err
    assert notes(result.err) == [cannot_write("No space left on device")]
