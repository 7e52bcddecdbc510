"""Content that goes missing is reported: empty offices files, counties and provinces without offices, and counties
whose offices vanished since the previous build."""

from __future__ import annotations

from conftest import SAMPLE_TODAY

LAHIJAN = "provinces/gilan/offices/lahijan.yaml"
RASHT = "provinces/gilan/offices/rasht.yaml"
EMPTY_LAHIJAN = (
    "content/provinces/gilan/offices/lahijan.yaml:{place}: warning: the file lists no office: county 'lahijan' is "
    "shown with none; list its offices here"
)
NO_LAHIJAN_FILE = (
    "content/provinces/gilan/province.yaml:15:9: warning: county 'lahijan' has no offices file: "
    "content/provinces/gilan/offices/lahijan.yaml is missing, so the county is shown with no office; "
    "write its offices there"
)


def test_an_empty_offices_file_is_a_warning_at_its_start(site):
    site.write(LAHIJAN, "")
    result = site.check()
    assert (result.code, result.problems) == (0, [EMPTY_LAHIJAN.format(place="1:1")])


def test_an_offices_file_of_comments_only_is_a_warning_at_its_start(site):
    site.write(LAHIJAN, "# no office yet\n")
    assert site.check().problems == [EMPTY_LAHIJAN.format(place="1:1")]


def test_an_empty_list_of_offices_is_a_warning_where_the_list_is(site):
    site.write(LAHIJAN, "# offices of Lahijan\n\n[]\n")
    assert site.check().problems == [EMPTY_LAHIJAN.format(place="3:1")]


def test_a_county_without_an_offices_file_is_a_warning_at_its_id_naming_the_file(site):
    site.remove(LAHIJAN)
    result = site.check()
    assert (result.code, result.problems) == (0, [NO_LAHIJAN_FILE])
    assert result.err.splitlines()[-1] == "check passed: 0 errors, 1 warning in content"


def test_a_province_without_any_office_is_a_warning_at_its_counties(site):
    site.remove(LAHIJAN)
    site.write(RASHT, "[]\n")
    assert site.check().problems == [
        "content/provinces/gilan/offices/rasht.yaml:1:1: warning: the file lists no office: county 'rasht' is shown "
        "with none; list its offices here",
        "content/provinces/gilan/province.yaml:11:3: warning: province 'gilan' has no offices at all: none of its "
        "counties' offices files lists one, so its pages show none",
        NO_LAHIJAN_FILE,
    ]


def test_strict_makes_missing_offices_errors_in_check_and_build(site):
    site.remove(LAHIJAN)
    strict = site.check("--strict")
    assert strict.code == 1
    assert strict.problems == [NO_LAHIJAN_FILE]
    assert strict.err.splitlines()[-1] == "check failed: 0 errors, 1 warning in content"
    build = site.run("build", "--strict", "--today", SAMPLE_TODAY)
    assert build.code == 1
    assert build.problems == [NO_LAHIJAN_FILE]
    assert "build.py: nothing was written; output is as it was" in build.err
    assert not (site.root / "output").exists()


def test_a_build_reports_missing_offices_with_the_other_problems(site):
    site.remove(LAHIJAN)
    site.write(
        RASHT, site.content.joinpath(RASHT).read_text(encoding="utf-8").replace("village: لاکان", "village: لاكان")
    )
    build = site.run("build", "--today", SAMPLE_TODAY)
    assert build.code == 0
    assert build.problems == [
        "content/provinces/gilan/offices/rasht.yaml:18:12: warning: village: Arabic ي/ك replaced by Persian ی/ک",
        NO_LAHIJAN_FILE,
    ]


def test_the_summary_names_each_county_whose_offices_vanished_since_the_previous_build(site):
    first = site.run("build", "--today", SAMPLE_TODAY)
    assert first.code == 0 and "previous build" not in first.err
    site.write(LAHIJAN, "[]\n")
    # A new cache: what the previous build had is read from the output folder's marker.
    second = site.run("build", "--today", SAMPLE_TODAY, "--cache", "another-cache")
    assert second.code == 0
    assert second.err.splitlines()[-1] == "county gilan/lahijan had 1 office in the previous build and has none now"
    site.remove(LAHIJAN)
    site.write(RASHT, "[]\n")
    third = site.run("build", "--today", SAMPLE_TODAY)
    assert third.code == 0
    assert third.err.splitlines()[-1] == "county gilan/rasht had 2 offices in the previous build and has none now"
    again = site.run("build", "--today", SAMPLE_TODAY)
    assert "previous build" not in again.err  # none vanished since


def test_the_vanished_offices_are_said_in_persian_to_a_persian_operator(site, monkeypatch):
    assert site.run("build", "--today", SAMPLE_TODAY).code == 0
    site.write(RASHT, "[]\n")
    monkeypatch.setenv("LANG", "fa_IR.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    result = site.run("build", "--today", SAMPLE_TODAY)
    assert result.err.splitlines()[-1] == "شهرستان gilan/rasht در ساخت پیشین ۲ دفتر داشت و اکنون هیچ دفتری ندارد"
