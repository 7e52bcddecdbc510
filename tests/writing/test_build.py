"""The build writes the site from content, and a failed build leaves the previous site untouched."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from site_builder.writer import UnsafePath, safe_relative


def test_failed_build_leaves_previous_output_untouched(site):
    assert site.run("build").code == 0
    before = {path: path.read_bytes() for path in (site.root / "output").rglob("*") if path.is_file()}
    site.write("provinces/gilan/offices/rasht.yaml", "- code: 13100123\n  kind: urban\n  status: activ\n")
    result = site.run("build")
    assert result.code == 1
    assert "nothing was written" in result.err
    after = {path: path.read_bytes() for path in (site.root / "output").rglob("*") if path.is_file()}
    assert after == before
    assert not [p for p in site.root.iterdir() if p.name.startswith(".output-")]


@pytest.mark.parametrize("path", ["../escape.html", "/etc/passwd", "a/../../b", "", "a\\..\\b"])
def test_writer_refuses_paths_outside_the_output(path):
    with pytest.raises(UnsafePath):
        safe_relative(path)


def test_writer_refuses_a_plan_that_writes_one_path_twice():
    from site_builder.writer import refuse_duplicates

    with pytest.raises(UnsafePath):
        refuse_duplicates(["a/index.html", "b/index.html", "a/index.html"])


def retitle(site) -> None:
    """Change the site's title, which every page shows."""
    text = (site.content / "site.yaml").read_text(encoding="utf-8")
    site.write("site.yaml", text.replace("title: ", "title: تازه ", 1))


def test_a_full_disk_while_staging_leaves_previous_output_untouched(site, monkeypatch):
    assert site.run("build", "--jobs", "1").code == 0
    before = output_files(site)
    from site_builder import writer

    staged = []

    def full_disk(self, path, data, fingerprint):
        staged.append(path)
        if len(staged) > 3:
            raise OSError(28, "No space left on device")
        return original(self, path, data, fingerprint)

    original = writer.OutputUpdate.write
    monkeypatch.setattr(writer.OutputUpdate, "write", full_disk)
    retitle(site)
    result = site.run("build", "--jobs", "1")
    assert result.code == 1
    assert (
        result.err.splitlines()[-1]
        == "build.py: error: cannot write the site: No space left on device; output is as it was"
    )
    assert output_files(site) == before
    assert not [p for p in site.root.iterdir() if p.name.startswith(".output-")]


@pytest.mark.parametrize("fail_after", [0, 5, 20])
def test_a_failure_while_applying_puts_every_file_back(site, monkeypatch, fail_after):
    assert site.run("build", "--jobs", "1").code == 0
    before = output_files(site)
    from site_builder import writer

    calls = []

    def failing_replace(source, target):
        calls.append(target)
        if len(calls) > fail_after:
            raise OSError(5, "Input/output error")
        return os.replace(source, target)

    import os

    original = writer._move
    monkeypatch.setattr(writer, "_move", failing_replace)
    retitle(site)
    site.write("provinces/gilan/offices/rasht.yaml", TINY_RASHT_WITHOUT_PENDING)  # a page to remove as well
    result = site.run("build", "--jobs", "1")
    assert result.code == 1, result.err
    assert output_files(site) == before
    assert not [p for p in site.root.iterdir() if p.name.startswith(".output-")]
    monkeypatch.setattr(writer, "_move", original)
    assert site.run("build", "--jobs", "1").code == 0  # and the next build finishes the job
    assert not (site.root / "output/offices/13100124").exists()


def output_files(site) -> dict:
    return {path: path.read_bytes() for path in (site.root / "output").rglob("*") if path.is_file()}


def test_two_jobs_build_the_same_bytes_as_one(tmp_path):
    from conftest import ROOT, SAMPLE_TODAY

    from site_builder.cli import main

    outputs = []
    for jobs in ("1", "2"):
        output = tmp_path / f"out-{jobs}"
        assert (
            main(
                [
                    "build",
                    "--content",
                    str(ROOT / "content"),
                    "--output",
                    str(output),
                    "--today",
                    SAMPLE_TODAY,
                    "--jobs",
                    jobs,
                ]
            )
            == 0
        )
        outputs.append({p.relative_to(output): p.read_bytes() for p in output.rglob("*") if p.is_file()})
    assert outputs[0] == outputs[1]


def test_two_clean_builds_are_byte_identical_with_source_date_epoch(tmp_path, monkeypatch):
    from conftest import ROOT

    from site_builder.cli import main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1797592000")  # 2026-12-18: 1405/09/27, after the sample's last news
    outputs = []
    for name in ("a", "b"):
        assert main(["build", "--content", str(ROOT / "content"), "--output", str(tmp_path / name)]) == 0
        outputs.append(
            {p.relative_to(tmp_path / name): p.read_bytes() for p in (tmp_path / name).rglob("*") if p.is_file()}
        )
    assert outputs[0] == outputs[1]
    assert "۱۴۰۵/۰۹/۲۷" in outputs[0][Path("index.html")].decode()


def page_files(output: Path) -> list[Path]:
    """Return the files of a build that are pages: not assets, open data, the search index or the marker."""
    return [
        p
        for p in output.rglob("*")
        if p.is_file()
        and not {"static", "pagefind"} & set(p.parts)
        and p.suffix not in (".csv", ".json")
        and p.name != ".pishkhan-output"
    ]


def test_rebuild_reports_written_unchanged_and_removed_pages(site):
    first = site.run("build", "--jobs", "1")
    assert first.code == 0
    pages = len(page_files(site.root / "output"))
    assert f"built {pages} pages into output: {pages} written, 0 unchanged, 0 removed, in " in first.err
    again = site.run("build", "--jobs", "1")
    assert f"built {pages} pages into output: 0 written, {pages} unchanged, 0 removed, in " in again.err
    before = output_files(site)
    site.write("provinces/gilan/offices/rasht.yaml", TINY_RASHT_WITHOUT_PENDING)
    third = site.run("build", "--jobs", "1")
    assert not (site.root / "output/offices/13100124").exists()  # deleted content disappears
    gone = {path.relative_to(site.root / "output").as_posix() for path in set(before) - set(output_files(site))}
    # Its page in both languages and its board, and the search index's files that named it.
    assert {"offices/13100124/index.html", "en/offices/13100124/index.html", "offices/13100124/board/index.html"} < gone
    assert f"built {pages - 3} pages into output: " in third.err and f", {len(gone)} removed, in " in third.err


def test_progress_in_a_log_is_a_few_plain_lines(site):
    result = site.run("build", "--jobs", "1")
    pages = len(page_files(site.root / "output"))
    assert [line for line in result.err.splitlines() if line.endswith(" done")] == [
        "reading: 2 done",  # rasht's and lahijan's offices files
        "checking: 1 done",
        f"rendering: {pages} done",
        "open data: 1 done",
        "search index: 1 done",
    ]


TINY_RASHT_WITHOUT_PENDING = """\
    - code: 13100123
      kind: urban
      status: active
      license: {number: "1234", holder: {name: مریم احمدی, type: person}, issued: 1398/04/12, expires: 1403/04/11}
    """


def test_a_template_error_leaves_previous_output_untouched(site, tmp_path):
    import shutil

    from conftest import ROOT

    from site_builder import pipeline
    from site_builder.config import BuildOptions
    from site_builder.errors import TemplateFailed

    assert site.run("build", "--jobs", "1").code == 0
    before = {path: path.read_bytes() for path in (site.root / "output").rglob("*") if path.is_file()}
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "county.html").write_text(
        (templates / "county.html")
        .read_text(encoding="utf-8")
        .replace("summary.county|name_text", "summary.county.nmae|name_text", 1),
        encoding="utf-8",
    )
    with pytest.raises(TemplateFailed):
        pipeline.build(
            BuildOptions(
                content_dir=site.content, output_dir=site.root / "output", templates_dir=templates, today="1405/09/01"
            )
        )
    after = {path: path.read_bytes() for path in (site.root / "output").rglob("*") if path.is_file()}
    assert after == before
    assert not [p for p in site.root.iterdir() if p.name.startswith(".output-")]


def test_an_unchanged_offices_file_is_never_parsed_twice(site, monkeypatch):
    from site_builder import pipeline, reading
    from site_builder.cache import BuildCache
    from site_builder.config import BuildOptions

    parsed = []
    original = reading.parse_offices
    monkeypatch.setattr(reading, "parse_offices", lambda file: parsed.append(file.county) or original(file))
    site.write("provinces/gilan/offices/lahijan.yaml", "- {code: 13200001, kind: rural, status: pending}\n")
    options = BuildOptions(content_dir=site.content, jobs=1)
    cache = BuildCache(site.root / "cache")
    first = pipeline.check(options, cache=cache)
    assert sorted(parsed) == ["lahijan", "rasht"]
    site.write(
        "provinces/gilan/offices/lahijan.yaml",
        "- {code: 13200001, kind: rural, status: inactive, "
        "license: {number: '1', holder: {name: علی, type: person}, issued: 1400/01/01, expires: 1405/01/01}}\n",
    )
    second = pipeline.check(options, cache=cache)
    assert sorted(parsed) == ["lahijan", "lahijan", "rasht"]  # only the edited file is read again
    again = pipeline.check(options, cache=BuildCache(site.root / "cache"))  # a new run, from the disk cache
    assert sorted(parsed) == ["lahijan", "lahijan", "rasht"]
    assert again.offices == second.offices != first.offices


def test_cached_problems_are_reported_again(site):
    site.write("provinces/gilan/offices/rasht.yaml", "- code: 13100123\n  kind: urban\n  status: activ\n")
    assert site.check().problems == site.check().problems != []


@pytest.mark.parametrize("output", ["content", ".", "content/pages", "notes.txt", "elsewhere"])
def test_build_refuses_an_output_folder_it_would_destroy(site, output):
    (site.root / "notes.txt").write_text("mine")
    (site.root / "elsewhere").mkdir()
    (site.root / "elsewhere" / "thesis.tex").write_text("mine too")
    before = sorted(str(p.relative_to(site.root)) for p in site.root.rglob("*"))
    result = site.run("build", "--output", output)
    assert result.code == 2
    assert result.err.startswith("build.py: error: the output ")
    assert sorted(str(p.relative_to(site.root)) for p in site.root.rglob("*")) == before


def test_build_replaces_an_output_it_made_itself(site):
    assert site.run("build", "--output", "public").code == 0
    assert site.run("build", "--output", "public").code == 0
    assert (site.root / "public" / ".pishkhan-output").is_file()


def test_a_damaged_cache_file_is_read_again_not_trusted(site):
    from site_builder import pipeline
    from site_builder.cache import BuildCache
    from site_builder.config import BuildOptions

    options = BuildOptions(content_dir=site.content, jobs=1)
    first = pipeline.check(options, cache=BuildCache(site.root / "cache"))
    for entry in (site.root / "cache").glob("*.pickle"):
        data = bytearray(entry.read_bytes())
        data[len(data) // 2] ^= 0xFF
        entry.write_bytes(bytes(data))
    again = pipeline.check(options, cache=BuildCache(site.root / "cache"))
    assert (again.content, again.offices) == (first.content, first.offices)


def test_a_cache_folder_that_cannot_be_written_only_costs_speed(site):
    (site.root / "cache").write_text("a file where the cache folder's parent should be")
    assert site.run("check", "--cache", "cache/inside").code == 0


def test_a_worker_that_dies_stops_the_build_instead_of_hanging():
    from concurrent.futures.process import BrokenProcessPool

    from site_builder.workers import parallel_map

    with pytest.raises(BrokenProcessPool):
        list(parallel_map(_die, [1, 2, 3, 4], 2))


def _die(item):
    import os

    os._exit(137)


def test_a_failed_parallel_render_leaves_no_staging_folder_behind(site, tmp_path):
    import shutil

    from conftest import ROOT

    from site_builder import pipeline
    from site_builder.config import BuildOptions
    from site_builder.errors import TemplateFailed

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "office.html").write_text("{{ nothing.here }}", encoding="utf-8")
    with pytest.raises(TemplateFailed):
        pipeline.build(
            BuildOptions(
                content_dir=ROOT / "content",
                output_dir=site.root / "output",
                templates_dir=templates,
                jobs=2,
                today="1405/09/01",
            )
        )
    assert [p.name for p in site.root.iterdir() if p.name.startswith(".output-")] == []


def test_a_rebuild_with_nothing_changed_writes_nothing_and_repeats_the_warnings(site):
    site.write("provinces/gilan/offices/notes.txt", "a stray file")
    first = site.run("build", "--jobs", "1")
    assert first.code == 0 and first.problems
    files = output_files(site)
    times = {path: path.stat().st_mtime_ns for path in files}
    again = site.run("build", "--jobs", "1")
    assert again.problems == first.problems
    assert ": 0 written, " in again.err and ", 0 removed, in " in again.err
    assert {path: path.stat().st_mtime_ns for path in output_files(site)} == times


def test_a_file_changed_or_deleted_in_the_output_is_put_right_by_the_next_build(site):
    assert site.run("build", "--jobs", "1").code == 0
    clean = output_files(site)
    office = site.root / "output/offices/13100123/index.html"
    office.write_text("defaced", encoding="utf-8")
    next((site.root / "output/static").glob("site.*.css")).unlink()
    result = site.run("build", "--jobs", "1")
    assert ": 1 written, " in result.err
    assert output_files(site) == clean


def test_without_the_cache_a_build_still_removes_what_no_page_makes(site):
    assert site.run("build", "--jobs", "1").code == 0
    before = output_files(site)
    site.write("provinces/gilan/offices/rasht.yaml", TINY_RASHT_WITHOUT_PENDING)
    result = site.run("build", "--jobs", "1", "--cache", "a-new-cache")  # no record of what the last build wrote
    assert result.code == 0
    assert not (site.root / "output/offices/13100124").exists()
    gone = set(before) - set(output_files(site))
    assert (
        f"{len(gone)} removed, in " in result.err
    )  # the office's page and its board, the search index's files that named it
    # The pages that show Rasht's offices change (22, among them the finder and service pages that count the offices
    # that may serve); the rest are compared, not rewritten.
    assert ": 22 written, 30 unchanged, " in result.err
    assert site.run("build", "--jobs", "1", "--output", "clean").code == 0
    clean = {
        path.relative_to(site.root / "clean"): path.read_bytes()
        for path in (site.root / "clean").rglob("*")
        if path.is_file()
    }
    assert {path.relative_to(site.root / "output"): data for path, data in output_files(site).items()} == clean


def apply_output(folder, previous, files: dict[str, bytes], state: str = "s"):
    """Write a whole output with OutputUpdate, as a build does; return the update."""
    from site_builder.writer import OutputUpdate

    with OutputUpdate(folder, previous, state) as update:
        for path, data in files.items():
            update.add(update.write(path, data, path))
    return update


def files_in(folder) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != ".pishkhan-output"
    }


@pytest.mark.parametrize(
    "before, after",
    [
        ({"static/extra": b"a file"}, {"static/extra/x.css": b"now a folder"}),
        ({"static/extra/x.css": b"a folder"}, {"static/extra": b"now a file"}),
    ],
)
def test_a_file_may_become_a_folder_and_a_folder_a_file(tmp_path, before, after):
    output = tmp_path / "output"
    first = apply_output(output, None, before)
    apply_output(output, first.files, after)
    assert files_in(output) == after


@pytest.mark.parametrize(
    "before, after",
    [
        (
            {"static/extra": b"a file", "index.html": b"home"},
            {"static/extra/x.css": b"now a folder", "index.html": b"new home"},
        ),
        (
            {"static/extra/x.css": b"a folder", "index.html": b"home"},
            {"static/extra": b"now a file", "index.html": b"new home"},
        ),
    ],
)
def test_a_failure_while_such_a_change_is_applied_puts_the_old_output_back(tmp_path, monkeypatch, before, after):
    from site_builder import writer

    output = tmp_path / "output"
    first = apply_output(output, None, before)
    marker = (output / ".pishkhan-output").read_bytes()
    original = writer._move
    moves = []

    def fail_on_last_move(source, target):
        moves.append(target)
        if len(moves) == 3:  # midway: after the new home page went in, before the folder or file changed places
            raise OSError(28, "No space left on device")
        original(source, target)

    monkeypatch.setattr(writer, "_move", fail_on_last_move)
    with pytest.raises(OSError):
        apply_output(output, first.files, after, state="t")
    assert files_in(output) == before
    assert (output / ".pishkhan-output").read_bytes() == marker
    assert [p.name for p in tmp_path.iterdir()] == ["output"]


def test_a_failed_first_build_leaves_no_output_folder(tmp_path, monkeypatch):
    from site_builder import writer

    def no_space(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "_move", no_space)
    with pytest.raises(OSError):
        apply_output(tmp_path / "output", None, {"index.html": b"home", "a/index.html": b"a"})
    assert list(tmp_path.iterdir()) == []


def test_a_record_of_an_output_another_build_has_changed_since_is_not_trusted(site, monkeypatch):
    """A build from another working folder or with another cache leaves the first cache's record out of date."""
    assert site.run("build", "--jobs", "1", "--output", "public").code == 0
    (site.root / "elsewhere").mkdir()
    monkeypatch.chdir(site.root / "elsewhere")
    site.write("provinces/gilan/offices/rasht.yaml", TINY_RASHT_WITHOUT_PENDING.replace("13100123", "13100999"))
    assert site.run("build", "--jobs", "1", "--content", "../content", "--output", "../public").code == 0
    assert (site.root / "public/offices/13100999/index.html").is_file()
    monkeypatch.chdir(site.root)
    site.write("provinces/gilan/offices/rasht.yaml", TINY_RASHT_WITHOUT_PENDING)
    assert site.run("build", "--jobs", "1", "--output", "public").code == 0
    assert site.run("build", "--jobs", "1", "--output", "clean", "--cache", "another-cache").code == 0
    assert files_in(site.root / "public") == files_in(site.root / "clean")


def test_a_link_in_the_output_to_a_folder_outside_is_never_written_through(site):
    assert site.run("build", "--jobs", "1").code == 0
    outside = site.root / "outside"
    outside.mkdir()
    office = site.root / "output/offices/13100123"
    shutil.rmtree(office)
    office.symlink_to(outside)
    result = site.run("build", "--jobs", "1")
    assert result.code == 2
    assert "leads outside the output folder" in result.err
    assert list(outside.iterdir()) == []


def test_precompress_writes_a_gzip_twin_of_each_text_file_and_no_more(site):
    import gzip

    assert site.run("build", "--jobs", "1", "--precompress").code == 0
    output = site.root / "output"
    twins = sorted(output.rglob("*.gz"))
    texts = [
        p
        for p in output.rglob("*")
        if p.is_file() and p.suffix in (".html", ".css", ".js", ".txt", ".svg", ".xml", ".csv", ".json")
    ]
    assert len(twins) == len(texts) > 10
    assert all(gzip.decompress(p.read_bytes()) == p.with_suffix("").read_bytes() for p in twins)
    assert not list(output.rglob("*.woff2.gz"))
    assert site.run("build", "--jobs", "1").code == 0  # without the option the twins go
    assert not list(output.rglob("*.gz"))


def test_the_report_counts_pages_not_files_when_precompressing(site):
    first = site.run("build", "--jobs", "1", "--precompress")
    pages = re.search(r"built (\d+) pages", first.err).group(1)
    site.write(
        "provinces/gilan/offices/rasht.yaml",
        (site.content / "provinces/gilan/offices/rasht.yaml")
        .read_text(encoding="utf-8")
        .replace("kind: urban", "kind: urban\n  address: خیابان تازه", 1),
    )
    again = site.run("build", "--jobs", "1", "--precompress")
    # The office's page and board, the home page and the county's two pages of offices offering a service, and the
    # English twins of all but the board; the page and board of the county's pending office, which names the offices
    # that may serve, with the English twin of the page; the search index's fragment of the office, the index chunk
    # with its words and the metadata are new files with new names.
    assert f"built {pages} pages into output: 12 written, {int(pages) - 12} unchanged, 3 removed" in again.err
    next((site.root / "output").rglob("services/index.html.gz")).unlink()
    assert f"built {pages} pages into output: 1 written, " in site.run("build", "--jobs", "1", "--precompress").err


def test_the_cache_forgets_what_no_build_has_used_for_a_month(site):
    import os
    import time

    assert site.run("build", "--jobs", "1", "--cache", "cache").code == 0
    cache = site.root / "cache"
    month_ago = time.time() - 31 * 86400
    stale = cache / ("0" * 40 + ".pickle")
    stale.write_bytes(b"an entry of an edit long gone")
    old_templates = cache / "templates-0000000000000000"
    old_templates.mkdir()
    for path in (stale, old_templates):
        os.utime(path, (month_ago, month_ago))
    in_use = sorted(p.name for p in cache.iterdir() if p not in (stale, old_templates))
    for path in cache.iterdir():  # entries this content uses, last used a month ago too
        if path not in (stale, old_templates):
            os.utime(path, (month_ago, month_ago))
    site.write("provinces/gilan/offices/rasht.yaml", TINY_RASHT_WITHOUT_PENDING)
    assert site.run("build", "--jobs", "1", "--cache", "cache").code == 0
    left = sorted(p.name for p in cache.iterdir())
    assert stale.name not in left and old_templates.name not in left
    assert [name for name in in_use if name.startswith("templates-")] == [
        name for name in left if name.startswith("templates-")
    ]
    assert len(left) >= len(in_use) - 3  # the edited file's old entries may go; what the build read stays


def test_serve_keeps_in_memory_only_what_the_last_build_used(site):
    from site_builder import pipeline
    from site_builder.cache import BuildCache
    from site_builder.config import BuildOptions

    cache = BuildCache()  # as serve keeps one across rebuilds
    options = BuildOptions(content_dir=site.content, output_dir=site.root / "output", today="1405/09/01")
    pipeline.build(options, cache=cache)
    for number in range(5):
        site.write(
            "provinces/gilan/offices/lahijan.yaml", f"- {{code: 1320000{number}, kind: rural, status: pending}}\n"
        )
        pipeline.build(options, cache=cache)
    assert sum(key.startswith("county-") for key in cache.memory) == 2  # rasht's and the last lahijan's, not five


def test_a_failing_search_indexer_stops_the_build_and_leaves_the_site_as_it_was(site, monkeypatch, tmp_path):
    assert site.run("build", "--jobs", "1").code == 0
    before = output_files(site)
    failing = tmp_path / "pagefind"
    failing.write_text("#!/bin/sh\necho 'No space left on device' >&2\nexit 3\n")
    failing.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(failing))  # where Pagefind's Python package looks first
    site.write("provinces/gilan/offices/rasht.yaml", TINY_RASHT_WITHOUT_PENDING)
    result = site.run("build", "--jobs", "1")
    assert result.code == 1
    assert "build.py: error: Pagefind failed (exit 3): No space left on device; output is as it was" in result.err
    assert output_files(site) == before
