"""The named records a build skips work by: groups kept whole, the record of the last build, cache kinds, workers."""

from __future__ import annotations

import os
from functools import partial

from site_builder.cache import BuildCache, Kind
from site_builder.incremental import BuildRecord, GroupRecord, kept_group, last_build, remember_build
from site_builder.workers import parallel_map
from site_builder.writer import MARKER, FileRecord


def _output(tmp_path, files: dict[str, str], fingerprint: str = "f1") -> tuple:
    """Write an output folder holding these files; return it and a record of them as a build leaves one."""
    output = tmp_path / "output"
    for path, text in files.items():
        (output / path).parent.mkdir(parents=True, exist_ok=True)
        (output / path).write_text(text, encoding="utf-8")
    records = {}
    for path in files:
        stat = os.stat(output / path)
        records[path] = (fingerprint, stat.st_size, stat.st_mtime_ns)
    group = GroupRecord(fingerprint, tuple(files), len(files))
    record = BuildRecord(b"inputs", records, {"offices/gilan/rasht/": group}, len(files), ())
    return output, record


def test_a_group_whose_fingerprint_and_files_are_unchanged_is_kept_with_its_files(tmp_path):
    output, record = _output(tmp_path, {"a/index.html": "a", "b/index.html": "b"})
    kept = kept_group(record, "offices/gilan/rasht/", "f1", output)
    assert kept is not None
    group, entries = kept
    assert group == GroupRecord("f1", ("a/index.html", "b/index.html"), 2)
    assert [(path, staged) for path, _, staged in entries] == [("a/index.html", False), ("b/index.html", False)]
    assert all(isinstance(file, FileRecord) for _, file, _ in entries)


def test_a_group_whose_fingerprint_changed_is_planned_again(tmp_path):
    output, record = _output(tmp_path, {"a/index.html": "a"})
    assert kept_group(record, "offices/gilan/rasht/", "f2", output) is None
    assert kept_group(record, "offices/gilan/lahijan/", "f1", output) is None  # no such group last time
    assert kept_group(None, "offices/gilan/rasht/", "f1", output) is None  # no record to trust


def test_a_group_one_of_whose_files_was_touched_is_planned_again(tmp_path):
    output, record = _output(tmp_path, {"a/index.html": "a", "b/index.html": "b"})
    (output / "b/index.html").write_text("changed by hand", encoding="utf-8")
    assert kept_group(record, "offices/gilan/rasht/", "f1", output) is None


def test_a_group_that_may_lag_is_kept_whatever_its_fingerprint_was(tmp_path):
    output, record = _output(tmp_path, {"pagefind/pagefind.js": "index"})
    kept = kept_group(record, "offices/gilan/rasht/", None, output)
    assert kept is not None and kept[0].fingerprint == "f1"


def test_the_record_of_the_last_build_is_trusted_only_while_the_marker_names_it(tmp_path):
    output, record = _output(tmp_path, {"index.html": "home"})
    cache = BuildCache()
    remember_build(output, cache, record)
    assert last_build(output, cache) is None  # no marker: another process may have written the folder
    (output / MARKER).write_text(f"state: {record.inputs.hex()}\n", encoding="utf-8")
    assert last_build(output, cache) == record
    (output / MARKER).write_text("state: 00\n", encoding="utf-8")  # another build since, from another cache
    assert last_build(output, cache) is None


def test_the_build_record_survives_the_disk_cache(tmp_path):
    output, record = _output(tmp_path, {"index.html": "home"})
    (output / MARKER).write_text(f"state: {record.inputs.hex()}\n", encoding="utf-8")
    remember_build(output, BuildCache(tmp_path / "cache"), record)
    again = last_build(output, BuildCache(tmp_path / "cache"))  # a new run, from the disk
    assert again == record
    assert again is not None and again.groups["offices/gilan/rasht/"].files == ("index.html",)


def test_a_cache_entry_is_found_only_under_its_own_kind(tmp_path):
    cache = BuildCache(tmp_path / "cache")
    cache.put(Kind.COUNTY, "abc", ("rasht",))
    assert cache.get(Kind.COUNTY, "abc") == ("rasht",)
    assert cache.get(Kind.OFFICES, "abc") is None
    assert BuildCache(tmp_path / "cache").get(Kind.COUNTY, "abc") == ("rasht",)
    assert BuildCache(tmp_path / "cache").get(Kind.PARSE, "abc") is None


def _scaled(factor: int, item: int) -> tuple[int, int]:
    return item * factor, os.getpid()


def test_parallel_map_gives_each_worker_the_shared_part_and_keeps_the_order():
    results = list(parallel_map(partial(_scaled, 10), list(range(40)), 2))
    assert [value for value, _ in results] == [item * 10 for item in range(40)]
    assert os.getpid() not in {pid for _, pid in results}  # worked in other processes
