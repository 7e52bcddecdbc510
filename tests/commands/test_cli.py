"""The command line as editors and CI meet it: exit codes, annotations, usage errors, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
import yaml
from conftest import ROOT, TINY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

RASHT = "provinces/gilan/offices/rasht.yaml"


def test_check_passes_on_good_content(site):
    result = site.check()
    assert result.code == 0
    assert result.err.strip() == "check passed: 0 errors, 0 warnings in content"


def test_warnings_fail_only_with_strict(site):
    site.write(RASHT, "- code: 13100123\n  kind: rural\n  status: pending\n  village: كلاچاي\n")
    assert site.check().code == 0
    strict = site.check("--strict")
    assert strict.code == 1
    assert strict.err.splitlines()[-1] == "check failed: 0 errors, 1 warning in content"


def test_github_annotations(site, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    site.write(RASHT, "- code: 13100123\n  kind: urban\n  status: activ\n")
    result = site.check("--lang", "en")  # annotations are in the site's language, Persian, unless --lang says
    assert result.out.splitlines() == [
        "::error file=content/provinces/gilan/offices/rasht.yaml,line=3,col=11::status: 'activ' is not a status; did "
        "you mean 'active'? write one of active, inactive, under_review, revoked, pending",
    ]


def test_annotation_escapes_newlines(site, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    site.write("pages/about.md", "no front matter\n")
    result = site.check("--lang", "en")
    assert (
        "::error file=content/pages/about.md,line=1,col=1::a page starts with front matter between two '---' lines, "
        "such as:%0A---%0Atitle: …%0A---" in result.out
    )


def test_missing_content_folder_is_a_usage_error(site):
    result = site.run("check", "--content", "nowhere")
    assert result.code == 2
    assert result.err.strip() == "build.py: error: the content folder 'nowhere' does not exist"


def test_unknown_option_is_a_usage_error(site):
    assert site.run("check", "--frobnicate").code == 2


def test_bad_base_url_is_a_usage_error(site):
    result = site.run("build", "--base-url", "example.org")
    assert result.code == 2
    assert "is not an absolute http(s) address" in result.err


def test_schema_command_writes_every_file_type(site):
    assert site.run("schema", "out-schemas").code == 0
    names = sorted(path.name for path in (site.root / "out-schemas").iterdir())
    assert names == [
        f"{kind}.schema.json"
        for kind in ("agencies", "news", "offices", "page", "province", "services", "site", "tariff")
    ]


def test_build_py_as_a_process_reports_without_traceback(tmp_path):
    content = tmp_path / "content"
    for name, text in TINY.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (content / RASHT).write_bytes(b"- code: [\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GITHUB_ACTIONS", None)
    run = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "check"], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith("content/provinces/gilan/offices/rasht.yaml:2:1: error: YAML syntax:")


# Whatever an editor does to a file, `check` answers with problems and an exit code, never a crash.
EDITS = st.lists(
    st.tuples(
        st.sampled_from(sorted(TINY)),
        st.integers(min_value=0, max_value=400),
        st.sampled_from(
            [
                "",
                ":",
                "- ",
                "  ",
                "\t",
                "[",
                "]",
                "{",
                "}",
                "#",
                "'",
                '"',
                "&a ",
                "*a",
                "!!str ",
                "\n",
                "null",
                "~",
                "0x1F",
                "-1",
                "1.5",
                "ي",
                "\x00",
                "---\n",
                "? ",
            ]
        ),
        st.integers(min_value=0, max_value=3),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_random_edits_never_crash_check(site, edits):
    for name, text in TINY.items():
        site.write(name, text)
    for name, position, insert, delete in edits:
        text = textwrap.dedent(TINY[name])
        position = min(position, len(text))
        site.write(name, text[:position] + insert + text[position + delete :])
    result = site.check()
    assert result.code in (0, 1), result.err
    assert result.err.splitlines()[-1].startswith("check ")


def paths_of(data, prefix=()):
    """Every path to a value inside parsed YAML."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from paths_of(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from paths_of(value, (*prefix, index))


def replaced(data, path, value):
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: replaced(data[head], rest, value)}
    return [replaced(item, rest, value) if index == head else item for index, item in enumerate(data)]


WRONG_SHAPES = [None, [], {}, "x", -5, 1.5, [1], {"a": 1}, True, "", [None], {"id": None}]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_values_of_the_wrong_shape_never_crash_check(site, data):
    for name, text in TINY.items():
        site.write(name, text)
    name = data.draw(st.sampled_from([n for n in sorted(TINY) if n.endswith(".yaml")]))
    parsed = yaml.safe_load(textwrap.dedent(TINY[name]))
    path = data.draw(st.sampled_from(list(paths_of(parsed))))
    value = data.draw(st.sampled_from(WRONG_SHAPES))
    site.write(name, yaml.safe_dump(replaced(parsed, path, value), allow_unicode=True))
    result = site.check()
    assert result.code in (0, 1), result.err
    if result.code == 0:  # what check lets through, the build must be able to render
        built = site.run("build", "--jobs", "1", "--today", "1405/09/01")
        assert built.code == 0, built.err


@pytest.mark.parametrize("encoding", ["latin-1", "cp1256", "utf-16-le", "utf-32", "mac-roman"])
@pytest.mark.parametrize("name", [name for name in sorted(TINY)])
def test_files_in_other_encodings_get_an_answer_not_a_crash(site, name, encoding):
    text = textwrap.dedent(TINY[name]).replace("ی", "ي").replace("ک", "ك") + "# café\n"
    site.write(name, text.encode(encoding, errors="replace"))
    result = site.check()
    assert result.code == 1, result.err
    assert result.err.splitlines()[-1].startswith("check failed: ")


def test_a_symbolic_link_in_the_content_is_refused(site, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: راز\n---\nراز\n", encoding="utf-8")
    (site.content / "pages" / "secret.md").symlink_to(secret)
    result = site.check()
    assert result.code == 2
    assert result.err.strip() == (
        "build.py: error: the build reads only plain files and folders inside the content folder, not symbolic links "
        "or special files: content/pages/secret.md; replace each link with a copy of what it points to"
    )


def test_a_symbolically_linked_folder_in_the_content_is_refused_even_by_the_build(site, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (site.content / "news" / "more").symlink_to(tmp_path / "elsewhere")
    result = site.run("build", "--today", "1405/09/01")
    assert result.code == 2
    assert "content/news/more" in result.err and "Traceback" not in result.err
    assert not (site.root / "output").exists()


def test_the_content_folder_itself_may_be_a_link(site):
    (site.root / "linked").symlink_to(site.content)
    assert site.run("check", "--content", "linked").code == 0


@pytest.mark.parametrize("inside", ["content/site", "templates/site", "static/x"])
def test_an_output_inside_a_folder_the_build_reads_is_refused(site, inside):
    if not inside.startswith("content"):
        inside = str(ROOT / inside)
    result = site.run("build", "--output", inside, "--today", "1405/09/01")
    assert result.code == 2
    assert "which the build reads; choose a folder outside it" in result.err


@pytest.mark.parametrize("epoch", ["-86400", "99999999999999999999", "1e9", "12.5", "soon", "4200000000000"])
def test_a_source_date_epoch_that_is_no_date_is_a_usage_error(site, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    for command in ("check", "build"):
        result = site.run(command)
        assert result.code == 2
        assert result.err.startswith(
            f"build.py: error: SOURCE_DATE_EPOCH='{epoch}' is not a number of seconds since 1970"
        ), result.err


def test_a_source_date_epoch_gives_the_build_date(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763683200")  # 21 November 2025: 1404/08/30, before the news of 1405/08/01
    result = site.check()
    assert result.problems == [
        "content/news/1405-08-01-opening.md:3:7: error: date: 1405/08/01 is after the build date 1404/08/30; correct "
        "the date, or add the news on its day"
    ]


def test_garbage_today_is_a_usage_error_that_repeats_little_of_it(site):
    result = site.run("check", "--today", "x" * 100_000)
    assert result.code == 2
    assert result.err.strip() == (
        f"build.py: error: --today: '{'x' * 60}…' is not a date: "
        "write it as YYYY/MM/DD in the Solar Hijri calendar, e.g. 1405/01/15"
    )


def test_an_absurd_number_of_jobs_is_capped_and_none_refused(site):
    assert site.run("check", "--jobs", "1000000").code == 0
    result = site.run("build", "--jobs", "0")
    assert (result.code, result.err.strip()) == (2, "build.py: error: --jobs must be at least 1")


def test_a_base_url_with_control_characters_is_refused_and_shown_escaped(site):
    result = site.run("build", "--base-url", "https://example.org/\x1b[2J\u202e/", "--today", "1405/09/01")
    assert result.code == 2
    assert "\x1b" not in result.err and "\u202e" not in result.err
    assert "--base-url 'https://example.org/\\x1b[2J\\u202e/' is not an absolute http(s) address" in result.err


def test_a_folder_name_with_a_nul_byte_is_a_usage_error(site):
    result = site.run("build", "--output", "out\0put")
    assert result.code == 2 and "holds a NUL byte" in result.err


def broken_templates(tmp_path, name: str, old: str, new: str):
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    path = templates / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return templates


@pytest.mark.parametrize(
    "name, old, new, expected",
    [
        (
            "county.html",
            "summary.county|name_text",
            "summary.county.nmae|name_text",
            "templates/county.html:{line}: error: 'site_builder.models.County object' has no attribute 'nmae'",
        ),
        (
            "office.html",
            "{% block main %}",
            "{% block main %}{% if %}",
            "templates/office.html:{line}: error: Expected an expression, got 'end of statement block'",
        ),
        (
            "news.html",
            "{% block main %}",
            "{% block main %}{{ item.title|nope }}",
            "templates/news.html:{line}: error: No filter named 'nope'.",
        ),
        ("_fee_row.html", "{", "{{ oops }}{", "templates/_fee_row.html:{line}: error: 'oops' is undefined"),
    ],
)
def test_a_template_error_is_reported_at_its_line_and_the_site_stays(
    site, tmp_path, monkeypatch, name, old, new, expected
):
    import functools

    from site_builder import cli
    from site_builder.config import BuildOptions

    assert site.run("build", "--today", "1405/09/01").code == 0
    before = {path: path.read_bytes() for path in (site.root / "output").rglob("*") if path.is_file()}
    templates = broken_templates(tmp_path, name, old, new)
    text = (templates / name).read_text(encoding="utf-8")
    expected = expected.format(line=text[: text.index(new)].count("\n") + 1)  # the line the error was put on
    monkeypatch.setattr(cli, "BuildOptions", functools.partial(BuildOptions, templates_dir=templates))
    for jobs in ("1", "2"):
        result = site.run("build", "--today", "1405/09/01", "--jobs", jobs)
        assert result.code == 1
        assert result.err.splitlines()[-2:] == [expected, "build.py: nothing was written; output is as it was"], (
            result.err
        )
        assert "Traceback" not in result.err
    assert {path: path.read_bytes() for path in (site.root / "output").rglob("*") if path.is_file()} == before
