"""Persian and English: complete catalogues, English pages that read as English, and twins that link each other."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from conftest import ROOT, SAMPLE_TODAY
from persiantools.jdatetime import JalaliDate

from site_builder.config import BuildOptions
from site_builder.i18n import catalogue_path
from site_builder.pipeline import check

LOCALES = ROOT / "locales"
LANGUAGES = ("fa", "en")
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")
PERSIAN_DIGITS = re.compile(r"[۰-۹٠-٩]")
BASE = "https://pishkhan.example.ir/"
SOLAR_MONTHS = (
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
)


def untranslated(po: Path, template: Path) -> list[str]:
    """Return each template message the catalogue lacks, leaves empty, marks fuzzy or gives other placeholders."""
    with template.open("rb") as source:
        wanted = read_po(source)
    with po.open("rb") as source:
        catalogue = read_po(source)
    problems = []
    for message in wanted:
        if not message.id:
            continue
        found = catalogue.get(message.id)
        strings = () if found is None else found.string if isinstance(found.string, tuple) else (found.string,)
        if found is None or found.fuzzy or not all(strings):
            problems.append(f"{po.relative_to(po.parents[3])}: no translation of {message.id!r}")
        elif found.check(catalogue):
            problems.append(
                f"{po.relative_to(po.parents[3])}: {message.id!r}: {'; '.join(map(str, found.check(catalogue)))}"
            )
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    assert untranslated(catalogue_path(LOCALES, language), LOCALES / "messages.pot") == []


def test_a_missing_translation_is_named(tmp_path):
    damaged = catalogue_path(tmp_path / "locales", "en")
    damaged.parent.mkdir(parents=True)
    text = catalogue_path(LOCALES, "en").read_text(encoding="utf-8")
    damaged.write_text(
        text.replace('msgid "Open data"\nmsgstr "Open data"', 'msgid "Open data"\nmsgstr ""'), encoding="utf-8"
    )
    assert untranslated(damaged, LOCALES / "messages.pot") == [
        "locales/en/LC_MESSAGES/messages.po: no translation of 'Open data'"
    ]


def test_the_message_template_holds_every_message_of_the_templates_and_code(tmp_path):
    extracted = tmp_path / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "--quiet", "extract", "-F", str(ROOT / "babel.cfg"), "-o", str(extracted), str(ROOT)]
    )
    with extracted.open("rb") as fresh, (LOCALES / "messages.pot").open("rb") as committed:
        fresh_ids = {message.id for message in read_po(fresh) if message.id}
        committed_ids = {message.id for message in read_po(committed) if message.id}
    assert fresh_ids - committed_ids == set(), "new messages: run `python3 tasks.py messages` and translate them"
    assert committed_ids - fresh_ids == set(), "messages no longer used: run `python3 tasks.py messages`"


class _Languages(HTMLParser):
    """Collects the text a page shows outside any element marked lang="fa" (and the page's own language)."""

    VOID = frozenset(
        {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.languages: list[str | None] = []
        self.html: dict = {}
        self.unmarked: list[str] = []
        self.links: list[dict] = []
        self.in_head = False
        self.skip = 0

    def _marked(self) -> bool:
        return next((language for language in reversed(self.languages) if language), "") == "fa"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html = attrs
        self.in_head |= tag == "head"
        if tag in ("link", "a"):
            self.links.append({"tag": tag, **attrs})
        marked = self._marked() or attrs.get("lang") == "fa"
        for name in ("aria-label", "alt", "title", "placeholder", "value"):
            if not self.in_head and attrs.get(name) and ARABIC_SCRIPT.search(attrs[name]) and not marked:
                self.unmarked.append(f"<{tag} {name}={attrs[name]!r}>")
        if tag in ("script", "style"):
            self.skip += 1
        if tag not in self.VOID:
            self.languages.append(attrs.get("lang"))

    def handle_endtag(self, tag):
        self.in_head &= tag != "head"
        if tag in ("script", "style"):
            self.skip -= 1
        if tag not in self.VOID and self.languages:
            self.languages.pop()

    def handle_data(self, data):
        if not self.in_head and not self.skip and (ARABIC_SCRIPT.search(data)) and not self._marked():
            self.unmarked.append(data.strip())


def read(page: Path) -> _Languages:
    scanner = _Languages()
    scanner.feed(page.read_text(encoding="utf-8"))
    return scanner


def english_pages(site: Path) -> list[Path]:
    return sorted((site / "en").rglob("*.html"))


def test_english_pages_are_left_to_right_english_with_persian_text_only_where_marked(sample_site):
    pages = english_pages(sample_site)
    assert len(pages) > 1000
    problems = []
    for page in pages:
        scanned = read(page)
        assert scanned.html == {"lang": "en", "dir": "ltr"}, page
        # Persian letters or digits outside lang="fa" would be an untranslated message or unmarked content.
        problems += [f"{page.relative_to(sample_site)}: {text!r}" for text in scanned.unmarked[:3]]
    assert problems == []


def test_english_pages_show_latin_digits(sample_site):
    county = read(sample_site / "en" / "provinces" / "gilan" / "rasht" / "index.html")
    assert county.unmarked == []
    text = (sample_site / "en" / "stats" / "index.html").read_text(encoding="utf-8")
    body = re.sub(r'<(span|div) lang="fa"[^>]*>.*?</\1>', "", text.split("<main", 1)[1], flags=re.S)
    assert not PERSIAN_DIGITS.search(body)
    assert re.search(r"\d", body)


@pytest.fixture(scope="module")
def sample():
    return check(BuildOptions(content_dir=ROOT / "content"))


def gregorian(day: JalaliDate) -> str:
    """Write a date as an English reader expects it, independently of the code under test."""
    date = day.to_gregorian()
    return f"{date.day} {date.strftime('%B')} {date.year}"


def test_legal_dates_are_gregorian_with_the_solar_hijri_date_beside(sample_site, sample):
    office = next(office for office in sample.offices if office.license and office.status == "active")
    text = re.sub(
        r"\s+", " ", (sample_site / "en" / "offices" / office.code / "index.html").read_text(encoding="utf-8")
    )
    expires = office.license.expires
    assert f"{gregorian(expires)} ({expires.day} {SOLAR_MONTHS[expires.month - 1]} {expires.year})" in text
    tariff = next(tariff for tariff in sample.content.tariffs if tariff.year == sample.content.settings.tariff_year)
    text = (sample_site / "en" / "tariffs" / "index.html").read_text(encoding="utf-8")
    effective = tariff.effective
    assert f"{gregorian(effective)} ({effective.day} {SOLAR_MONTHS[effective.month - 1]} {effective.year})" in text
    # The Persian pages keep the Solar Hijri date alone.
    persian = (sample_site / "tariffs" / "index.html").read_text(encoding="utf-8")
    assert gregorian(effective) not in persian and SOLAR_MONTHS[effective.month - 1] not in persian


def test_a_name_without_english_twin_is_shown_in_persian_marked_right_to_left(sample_site, sample):
    untwinned = [county for province in sample.content.provinces for county in province.counties if not county.name_en]
    assert untwinned, "the sample content should keep one county without name_en"
    county = untwinned[0]
    html = (sample_site / "en" / "provinces" / county.province_id / county.id / "index.html").read_text(
        encoding="utf-8"
    )
    assert f'<span lang="fa" dir="rtl">{county.name}</span>' in html
    twinned = next(county for province in sample.content.provinces for county in province.counties if county.name_en)
    html = (sample_site / "en" / "provinces" / twinned.province_id / twinned.id / "index.html").read_text(
        encoding="utf-8"
    )
    assert re.search(r"<h1>[^<]*" + re.escape(twinned.name_en), html)


def test_every_page_and_its_twin_link_each_other(sample_site):
    checked = 0
    for page in sorted(sample_site.rglob("*.html")):
        path = page.relative_to(sample_site).as_posix().removesuffix("index.html")
        links = read(page).links
        alternates = {
            link["hreflang"]: link["href"]
            for link in links
            if link["tag"] == "link" and link.get("rel") == "alternate" and "hreflang" in link
        }
        if path in ("404.html",) or path.endswith("/board/"):
            assert alternates == {}, path  # in Persian only
            continue
        persian_path = path.removeprefix("en/")
        assert alternates == {
            "fa": BASE + persian_path,
            "en": BASE + "en/" + persian_path,
            "x-default": BASE + persian_path,
        }, path
        other = "fa" if path.startswith("en/") else "en"
        switch = [link for link in links if link["tag"] == "a" and link.get("hreflang") == other]
        assert [link["href"] for link in switch] == ["/" + alternates[other].removeprefix(BASE)], path
        assert (sample_site / alternates[other].removeprefix(BASE) / "index.html").is_file(), path
        checked += 1
    assert checked > 2000


def test_english_pages_link_to_english_pages_and_to_the_files_that_exist_once(sample_site):
    scanned = read(sample_site / "en" / "data" / "index.html")
    hrefs = [link["href"] for link in scanned.links if link["tag"] == "a"]
    assert "/data/offices.csv" in hrefs and "/data/datapackage.json" in hrefs and "/feed.xml" in hrefs
    assert "/en/services/" in hrefs and "/en/stats/" in hrefs
    files = re.compile(r"/(data/[\w-]+\.(csv|json)|feed\.xml)")
    persian_pages = [
        href for href in hrefs if href.startswith("/") and not href.startswith("/en/") and not files.fullmatch(href)
    ]
    assert persian_pages == ["/data/"]  # the language switcher, to this page's twin


def test_an_edited_translation_reaches_the_pages_and_the_open_data_of_the_next_build(tmp_path):
    from site_builder import pipeline
    from site_builder.cache import BuildCache

    locales = shutil.copytree(LOCALES, tmp_path / "locales")
    options = BuildOptions(
        content_dir=ROOT / "content",
        output_dir=tmp_path / "output",
        today=SAMPLE_TODAY,
        search_index=False,
        locales_dir=locales,
    )
    cache = BuildCache(tmp_path / "cache")
    pipeline.build(options, cache=cache)
    english, persian = catalogue_path(locales, "en"), catalogue_path(locales, "fa")
    english.write_text(
        english.read_text(encoding="utf-8").replace(
            'msgid "Open data"\nmsgstr "Open data"', 'msgid "Open data"\nmsgstr "Open government data"'
        ),
        encoding="utf-8",
    )
    persian.write_text(
        persian.read_text(encoding="utf-8").replace(
            'msgid "rural"\nmsgstr "روستایی"', 'msgid "rural"\nmsgstr "روستایی‌ها"'
        ),
        encoding="utf-8",
    )
    report = pipeline.build(options, cache=cache)  # the same output folder and cache: an incremental build
    assert report.written > 0
    assert ">Open government data</a>" in (tmp_path / "output" / "en" / "index.html").read_text(encoding="utf-8")
    assert "Open government data" not in (tmp_path / "output" / "index.html").read_text(encoding="utf-8")
    assert ",rural,روستایی‌ها," in (tmp_path / "output" / "data" / "offices.csv").read_text(encoding="utf-8-sig")


# The messages of the commands: check, build, serve, recover, import and export speak Persian or English.

RASHT = "provinces/gilan/offices/rasht.yaml"
RASHT_WITH_MISTAKES = """\
    - code: 13100123
      kind: urban
      status: activ
      city: رشت
      phone: "013-33123456"
      postal_code: "41336543"
      license:
        number: "1234"
        holder: {name: مريم احمدی, type: person}
        issued: 1398/04/12
        expires: 1403/07/31
    """
PLACE = "content/provinces/gilan/offices/rasht.yaml"
PERSIAN_LINES = [
    f"{PLACE}:3:11: خطا: status: 'activ' وضعیت معتبری نیست؛ منظورتان 'active' بود؟ یکی از این‌ها را بنویسید: "
    "active, inactive, under_review, revoked, pending",
    f"{PLACE}:6:16: خطا: postal_code: '41336543' ۸ رقم دارد؛ باید ۱۰ رقم داشته باشد",
    f"{PLACE}:9:20: هشدار: license.holder.name: ي/ك عربی با ی/ک فارسی جایگزین شد",
    f"{PLACE}:11:14: خطا: license.expires: 1403/07/31: مهر ۱۴۰۳ ۳۰ روز دارد",
    "بررسی ناموفق: ۳ خطا، ۱ هشدار در content",
]
ENGLISH_LINES = [
    f"{PLACE}:3:11: error: status: 'activ' is not a status; did you mean 'active'? write one of active, inactive, "
    "under_review, revoked, pending",
    f"{PLACE}:6:16: error: postal_code: '41336543' has 8 digits; it must have 10",
    f"{PLACE}:9:20: warning: license.holder.name: Arabic ي/ك replaced by Persian ی/ک",
    f"{PLACE}:11:14: error: license.expires: 1403/07/31: Mehr 1403 has 30 days",
    "check failed: 3 errors, 1 warning in content",
]


def test_check_speaks_persian_with_persian_digits_and_the_place_in_latin(site):
    site.write(RASHT, RASHT_WITH_MISTAKES)
    result = site.check("--lang", "fa")
    assert result.code == 1
    assert result.err.splitlines() == PERSIAN_LINES


def test_the_environment_chooses_persian_and_lang_overrides_it(site, monkeypatch):
    site.write(RASHT, RASHT_WITH_MISTAKES)
    assert site.check().err.splitlines() == ENGLISH_LINES  # neither LANG nor LC_ALL is set: English
    monkeypatch.setenv("LANG", "fa_IR.UTF-8")
    assert site.check().err.splitlines() == PERSIAN_LINES
    assert site.check("--lang", "en").err.splitlines() == ENGLISH_LINES
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")  # LC_ALL outranks LANG, as it does for every program
    assert site.check().err.splitlines() == ENGLISH_LINES


def test_github_annotations_speak_the_sites_language_unless_lang_says_otherwise(site, monkeypatch):
    site.write(RASHT, RASHT_WITH_MISTAKES)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = site.check()
    assert result.err.splitlines()[0] == ENGLISH_LINES[0]  # the terminal: the operator's language
    assert result.out.splitlines()[1] == (
        f"::error file={PLACE},line=6,col=16::postal_code: '41336543' ۸ رقم دارد؛ باید ۱۰ رقم داشته باشد"
    )
    english = site.check("--lang", "en").out.splitlines()
    assert english[1] == f"::error file={PLACE},line=6,col=16::postal_code: '41336543' has 8 digits; it must have 10"


def test_usage_errors_and_the_builds_summary_speak_persian(site):
    assert site.run("check", "--lang", "fa", "--jobs", "0").err == "build.py: خطا: --jobs دست‌کم باید ۱ باشد\n"
    assert site.run("check", "--lang", "fa", "--content", "nowhere").err == (
        "build.py: خطا: پوشه محتوا 'nowhere' وجود ندارد\n"
    )
    site.write(RASHT, RASHT_WITH_MISTAKES)
    result = site.run("build", "--lang", "fa", "--today", SAMPLE_TODAY, "--jobs", "1")
    assert result.code == 1
    assert result.err.splitlines()[-2:] == [PERSIAN_LINES[-1], "build.py: چیزی نوشته نشد؛ output دست‌نخورده ماند"]


def test_the_problems_page_of_serve_is_persian_right_to_left_with_each_problems_line(site):
    from site_builder.cache import BuildCache
    from site_builder.cli import parser, site_voice
    from site_builder.serve import Preview

    assert site_voice(parser().parse_args(["serve"])).language == "fa"  # the site's language unless --lang says
    assert site_voice(parser().parse_args(["serve", "--lang", "en"])).language == "en"
    site.write(RASHT, RASHT_WITH_MISTAKES)
    options = BuildOptions(site.content, site.root / "output", today=SAMPLE_TODAY, jobs=1)
    preview = Preview(options, BuildCache(site.root / "cache"), page=site_voice(parser().parse_args(["serve"])))
    preview.rebuild()
    page = b"".join(preview.app({"PATH_INFO": "/"}, lambda status, headers: None)).decode("utf-8")
    assert '<html lang="fa" dir="rtl">' in page
    assert "<h1>محتوا ۳ خطا دارد</h1>" in page
    items = re.findall(r"<li>(.*?)</li>", page, flags=re.S)
    assert [re.sub(r"<[^>]+>", "", item).strip() for item in items] == [
        line.replace("'", "&#39;") + "\n  " + source
        for line, source in zip(
            PERSIAN_LINES[:-1],
            [
                "  status: activ",
                "  postal_code: &#34;41336543&#34;",
                "    holder: {name: مريم احمدی, type: person}",
                "    expires: 1403/07/31",
            ],
        )
    ]
    assert f'<bdi dir="ltr">{PLACE}:3:11</bdi>' in page


def _messages(message) -> list:
    """Return a message and every message among its arguments, however deep."""
    from site_builder.errors import Message

    found = [message]
    for _, value in message.args:
        if isinstance(value, Message):
            found += _messages(value)
    return found


def test_every_message_check_gives_is_in_the_catalogues(site):
    """A message made without N_ would never reach the catalogues: each message of a check is one of the .pot's.

    Only the frames that hold a field's name, libyaml's own words and a hint's punctuation are not messages."""
    from site_builder.errors import Message

    site.write(RASHT, RASHT_WITH_MISTAKES + "- code: 13100123\n  kind: urbn\n  adress: x\n  hours: 12\n")
    site.write("provinces/gilan/offices/lahijan.yaml", "- code: [1\n")
    site.write("services.yaml", "- id: Parcel\n  name: ارسال\n  agency: postt\n  documents: yes\n")
    site.write("pages/about.md", "---\ntitle: درباره\n---\n# عنوان\n![x](y.png)\n[باز\n")
    site.write("news/1405-08-01-opening.md", "---\ntitle: خبر\ndate: 1406/01/01\n---\nمتن\n")
    report = check(BuildOptions(content_dir=site.content, today=SAMPLE_TODAY, jobs=1))
    with (LOCALES / "messages.pot").open("rb") as source:
        known = {message.id for message in read_po(source) if message.id}
    frames = {"{field}: ", " ({context})"}
    made = []
    for problem in report.problems:
        assert isinstance(problem.message, Message)
        for message in _messages(problem.message):
            if message.text.startswith("YAML syntax: "):
                made.append(message.text)
                break  # libyaml's words follow, translated only when catalogued
            made.append(message.text)
    assert len(report.problems) >= 12
    assert sorted({text for text in made if text not in known} - frames) == []


def test_every_translation_keeps_the_fields_of_its_message():
    with catalogue_path(LOCALES, "fa").open("rb") as source:
        catalogue = read_po(source)
    fields = re.compile(r"\{(\w*)[^{}]*\}|%\((\w+)\)s")
    differ = []
    for message in catalogue:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = sorted(fields.findall(ids[0]))
        differ += [message.id for string in strings if sorted(fields.findall(string)) != wanted]
    assert differ == []
