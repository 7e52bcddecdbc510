"""The command line as editors and CI meet it: exit codes, annotations, usage errors, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import ROOT, TINY

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
    result = site.check()
    assert result.out.splitlines() == [
        "::error file=content/provinces/gilan/offices/rasht.yaml,line=3,col=11::status: 'activ' is not a status; did you mean 'active'? write one of active, inactive, under_review, revoked, pending",
    ]


def test_annotation_escapes_newlines(site, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    site.write("pages/about.md", "no front matter\n")
    result = site.check()
    assert "::error file=content/pages/about.md,line=1,col=1::a page starts with front matter between two '---' lines, such as:%0A---%0Atitle: …%0A---" in result.out


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
    assert names == [f"{kind}.schema.json" for kind in ("agencies", "news", "offices", "page", "province", "services", "site", "tariff")]


def test_build_py_as_a_process_reports_without_traceback(tmp_path):
    content = tmp_path / "content"
    for name, text in TINY.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (content / RASHT).write_bytes(b"- code: [\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GITHUB_ACTIONS", None)
    run = subprocess.run([sys.executable, str(ROOT / "build.py"), "check"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith("content/provinces/gilan/offices/rasht.yaml:2:1: error: YAML syntax:")


# Whatever an editor does to a file, `check` answers with problems and an exit code, never a crash.
EDITS = st.lists(
    st.tuples(
        st.sampled_from(sorted(TINY)),
        st.integers(min_value=0, max_value=400),
        st.sampled_from(["", ":", "- ", "  ", "\t", "[", "]", "{", "}", "#", "'", '"', "&a ", "*a", "!!str ", "\n", "null", "~", "0x1F", "-1", "1.5", "ي", "\x00", "---\n", "? "]),
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
        site.write(name, text[:position] + insert + text[position + delete:])
    result = site.check()
    assert result.code in (0, 1), result.err
    assert result.err.splitlines()[-1].startswith("check ")


def paths_of(data, prefix=()):
    """Every path to a value inside parsed YAML."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from paths_of(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from paths_of(value, prefix + (index,))


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
