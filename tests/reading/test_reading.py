"""Values are read as the schema says: no YAML 1.1 guessing, Persian normalised, odd files read fine."""

from __future__ import annotations

from pathlib import Path

from persiantools.jdatetime import JalaliDate

from site_builder import pipeline
from site_builder.config import BuildOptions

RASHT = "provinces/gilan/offices/rasht.yaml"


def checked(site):
    report = pipeline.check(BuildOptions(content_dir=Path("content")))
    assert report.content is not None, "\n".join(map(str, report.problems))
    return report, [str(problem) for problem in report.problems]


def office_named(report, code):
    return next(office for office in report.offices if office.code == code)


def test_yaml_11_surprises_keep_the_editors_text(site):
    site.write(
        RASHT,
        """\
        - code: 13100123
          kind: urban
          status: pending
          name: no
          address: 1.10
          phone: 01333123456
          postal_code: 0133654321
          hours: [{days: [sat], opens: 12:30, closes: 19:00}]
        """,
    )
    report, _ = checked(site)
    office = office_named(report, "13100123")
    assert office.name == "no"  # not False
    assert office.address == "1.10"  # not the float 1.1
    assert office.phone == "01333123456"  # leading zero kept, not octal
    assert office.postal_code == "0133654321"
    assert office.hours[0].opens == "12:30"  # not sexagesimal 750


def test_dashed_and_slashed_dates_are_the_same_solar_hijri_date(site):
    site.write(
        RASHT,
        """\
        - code: 13100123
          kind: urban
          status: active
          license:
            number: "1"
            holder: {name: مریم احمدی, type: person}
            issued: 1402-02-31
            expires: ۱۴۰۷/۰۲/۳۱
        """,
    )
    report, _ = checked(site)
    license = office_named(report, "13100123").license
    assert license.issued == JalaliDate(1402, 2, 31)
    assert license.expires == JalaliDate(1407, 2, 31)


def test_esfand_30_exists_in_a_leap_year(site):
    site.write(
        RASHT,
        """\
        - code: 13100123
          kind: urban
          status: active
          license: {number: "1", holder: {name: علی, type: person}, issued: 1403/12/30, expires: 1408/12/30}
        """,
    )
    report, _ = checked(site)
    assert office_named(report, "13100123").license.issued == JalaliDate(1403, 12, 30)


def test_persian_digits_in_codes_are_accepted(site):
    site.write(
        RASHT,
        """\
        - code: ۱۳۱۰۰۱۲۵
          kind: rural
          status: pending
          phone: "۰۱۳-۳۳۱۲۳۴۵۶"
        """,
    )
    report, problems = checked(site)
    office = office_named(report, "13100125")
    assert office.phone == "013-33123456"
    assert problems == []


def test_arabic_letters_are_normalised_with_a_warning(site):
    site.write(
        RASHT,
        """\
        - code: 13100123
          kind: rural
          status: pending
          village: كلاچاي
          address: خيابان   امام
        """,
    )
    report, problems = checked(site)
    office = office_named(report, "13100123")
    assert office.village == "کلاچای"
    assert office.address == "خیابان امام"
    assert problems == [
        "content/provinces/gilan/offices/rasht.yaml:4:12: warning: village: Arabic ي/ك replaced by Persian ی/ک",
        "content/provinces/gilan/offices/rasht.yaml:5:12: warning: address: Arabic ي/ك replaced by Persian ی/ک and "
        "extra spaces removed",
    ]


def test_arabic_letters_in_markdown_are_normalised_with_a_warning(site):
    site.write("pages/about.md", "---\ntitle: درباره\n---\nمتن\nاين يك متن است.\n")
    report, problems = checked(site)
    assert report.content.pages[0].body == "متن\nاین یک متن است.\n"
    assert problems == ["content/pages/about.md:5:1: warning: Arabic ي/ك in the text were replaced by Persian ی/ک"]


def test_bom_and_crlf_are_read_fine(site):
    text = "\ufeff- code: 13100123\r\n  kind: urban\r\n  status: pending\r\n  city: رشت\r\n"
    site.write(RASHT, text.encode("utf-8"))
    report, problems = checked(site)
    assert office_named(report, "13100123").city == "رشت"
    assert problems == []


def test_tabs_are_read_as_spaces_with_a_warning(site):
    site.write(RASHT, "-\tcode: 13100123\n\tkind: urban\n\tstatus: pending\n\tcity: رشت\n")
    report, problems = checked(site)
    assert office_named(report, "13100123").city == "رشت"
    assert problems == [
        "content/provinces/gilan/offices/rasht.yaml:1:1: warning: tabs used for indentation were read as spaces to the "
        "next multiple of 8 columns; indent with spaces",
    ]


def test_tab_indented_problem_points_at_the_editors_column(site):
    site.write(RASHT, "-\tcode: 13100123\n\tkind: urbn\n\tstatus: pending\n")
    result = site.check()
    assert (
        "content/provinces/gilan/offices/rasht.yaml:2:8: error: kind: 'urbn' is not a kind of office; did you mean "
        "'urban'? write one of urban, rural, police10, kargozari" in result.problems
    )


def test_services_are_memoranda_plus_add_minus_remove(site):
    site.write(
        RASHT,
        """\
        - code: 13100123
          kind: urban
          status: pending
          services: {add: [sim-card], remove: [phone-bill]}
        - code: 13100124
          kind: rural
          status: pending
        - code: 13100125
          kind: police10
          status: pending
        """,
    )
    report, _ = checked(site)
    assert office_named(report, "13100123").services == ("parcel", "sim-card")
    assert office_named(report, "13100124").services == ("parcel",)
    assert office_named(report, "13100125").services == ()


def test_add_and_remove_that_change_nothing_are_warned_about(site):
    site.write(
        RASHT,
        """\
        - code: 13100123
          kind: rural
          status: pending
          services: {add: [parcel], remove: [phone-bill]}
        """,
    )
    _, problems = checked(site)
    assert problems == [
        "content/provinces/gilan/offices/rasht.yaml:4:20: warning: services.add: 'parcel' is already given to rural "
        "offices by the province's memoranda",
        "content/provinces/gilan/offices/rasht.yaml:4:38: warning: services.remove: 'phone-bill' is not given to rural "
        "offices by the province's memoranda, so there is nothing to remove",
    ]


def test_private_fields_never_reach_the_model(site):
    report, _ = checked(site)
    office = office_named(report, "13100123")
    assert not hasattr(office, "private")
    assert "0012345678" not in repr(report) and "09121234567" not in repr(report)


def test_fees_with_separators_and_urban_rural_pairs(site):
    site.write(
        "tariffs/1405.yaml",
        "year: 1405\neffective: 1405/01/01\napproval: مصوبه\nfees:\n  parcel: 1,250,000\n"
        "  phone-bill: {urban: 1_000, rural: ۹۰۰}\n  sim-card: 0\n",
    )
    report, _ = checked(site)
    fees = report.content.tariffs[0].fees
    assert fees["parcel"].urban == fees["parcel"].rural == 1250000
    assert (fees["phone-bill"].urban, fees["phone-bill"].rural) == (1000, 900)


def test_city_not_listed_in_its_county_is_a_warning_with_a_suggestion(site):
    site.write(RASHT, "- code: 13100123\n  kind: urban\n  status: pending\n  city: خمامم\n")
    _, problems = checked(site)
    assert problems == [
        "content/provinces/gilan/offices/rasht.yaml:4:9: warning: city: 'خمامم' is not among the cities of rasht in "
        "province.yaml; did you mean 'خمام'?"
    ]


def test_an_empty_county_file_is_a_county_without_offices(site):
    site.write("provinces/gilan/offices/lahijan.yaml", "# no office yet\n")
    report, problems = checked(site)
    assert problems == [  # a warning since offices that vanish are reported (test_missing_content.py)
        "content/provinces/gilan/offices/lahijan.yaml:1:1: warning: the file lists no office: county 'lahijan' is "
        "shown with none; list its offices here"
    ]
    assert {office.county_id for office in report.offices} == {"rasht"}


def test_misnamed_file_is_not_silently_ignored(site):
    site.write("provinces/gilan/offices/lahijan.yml", "[]\n")
    _, problems = checked(site)
    assert problems == [
        "content/provinces/gilan/offices/lahijan.yml:1:1: warning: this file is not read by the build (YAML files end "
        "in .yaml); see docs/content.md for where files go"
    ]


def test_errors_in_the_tariff_in_force_are_not_reported_as_a_missing_file(site):
    site.write(
        "tariffs/1405.yaml",
        "year: 1405\neffective: 1405/01/01\napprovl: مصوبه\nfees: {parcel: 1, phone-bill: 1, sim-card: x}\n",
    )
    result = site.check()
    assert result.problems == [
        "content/tariffs/1405.yaml:1:1: error: tariff: missing required key 'approval'",
        "content/tariffs/1405.yaml:3:1: error: unknown key 'approvl' in tariff; did you mean 'approval'?",
        "content/tariffs/1405.yaml:4:44: error: fees sim-card: 'x' is not a number",
    ]


def test_an_unreadable_province_does_not_bring_false_warnings_about_its_offices(site):
    site.write("provinces/gilan/province.yaml", "name: [گیلان\n")
    site.write(RASHT, "- code: 13100123\n  kind: urban\n  status: pending\n  services: {remove: [parcel]}\n")
    result = site.check()
    assert [line for line in result.problems if "warning" in line] == []


def test_markdown_headings_and_images_that_would_vanish_are_warned_about(site):
    site.write("pages/about.md", "---\ntitle: درباره\n---\n# عنوان\nمتن ![نقشه](map.png)\n")
    _, problems = checked(site)
    assert problems == [
        "content/pages/about.md:4:1: warning: a '# ' heading is shown as plain text: the page title is the only "
        "top-level heading; use '## '",
        "content/pages/about.md:5:5: warning: images are not shown on the site; link to the file instead",
    ]


def test_an_offices_file_that_cannot_be_read_is_a_problem(site):
    path = site.content / RASHT
    path.unlink()
    path.mkdir()  # a folder named like the file: unreadable even for root, unlike a chmod 0 file
    result = site.check()
    assert "content/provinces/gilan/offices/rasht.yaml:1:1: error: cannot read the file: " in result.err
