"""The Jinja environment and its filters: numbers, dates and money reach HTML only through these.

Every value a template prints is shown with Persian digits, unless it is machine-readable: URLs,
`tel:` numbers and JSON-LD are marked `Latin` (by the `url`, `absolute` and `latin` filters) or
are already markup, and keep their Latin digits.
"""

from __future__ import annotations

import os
import re
import traceback
from contextlib import contextmanager
from functools import cache, lru_cache
from pathlib import Path
from xml.etree.ElementTree import Element

import markdown
import nh3
import segno
from babel.dates import format_date as format_babel_date
from babel.numbers import format_decimal
from babel.support import Translations
from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    pass_context,
    select_autoescape,
)
from jinja2.bccache import Bucket, BytecodeCache
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup
from persiantools.jdatetime import JalaliDate

from . import labels, structured
from .cache import BuildCache
from .errors import TemplateFailed
from .i18n import ENGLISH, Speaker
from .persian import COMMON_WORDS, MONTHS_EN, latin_digits, persian_digits, without_common_words
from .routes import Route, base_path, board_of, data_file, language_prefix, url_of
from .site import EXPIRY_WARNING_DAYS, SiteWide

# Tags and attributes Markdown produces that a page may keep; everything else is dropped.
ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "a",
    "strong",
    "em",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "br",
}
# Each language's name in itself, as a language switcher shows it, and its Open Graph locale.
LANGUAGE_NAMES = {"fa": "فارسی", "en": "English"}
LOCALES = {"fa": "fa_IR", "en": "en_US"}


class Latin(str):
    """Text that machines read (a URL, a tel: number): printed with its Latin digits."""


def show(value: object) -> object:
    """Finalize every printed value on a Persian page: Persian digits for people, untouched markup and Latin text for
    machines."""
    if isinstance(value, (Markup, Latin)) or value is None:
        return value
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return persian_digits(str(value))
    return value


def show_latin(value: object) -> object:
    """Finalize every printed value on a page in a language written with Latin digits."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return latin_digits(value)
    return value


@lru_cache(maxsize=65536)
def format_number(value: int, language: str = "fa") -> str:
    """Return a whole number with the language's digits and thousands separator (fees repeat: cached)."""
    if language != "fa":
        return format_decimal(value, locale=language)
    return persian_digits(format_decimal(value, locale="fa", numbering_system="default"))


def format_fraction(value: float, language: str = "fa") -> str:
    """Return a number with two decimals and the language's digits and separators: ۱٫۲۵, 1.25."""
    if language != "fa":
        return format_decimal(value, format="#,##0.00", locale=language)
    return persian_digits(format_decimal(value, format="#,##0.00", locale="fa", numbering_system="default"))


def format_date(value: JalaliDate) -> str:
    """Return a Solar Hijri date as ۱۴۰۵/۰۹/۰۱."""
    return persian_digits(f"{value.year:04d}/{value.month:02d}/{value.day:02d}")


@lru_cache(maxsize=4096)
def format_gregorian(value: JalaliDate, language: str) -> str:
    """Return the Gregorian date of a Solar Hijri date as the language writes it: 22 November 2026."""
    return format_babel_date(value.to_gregorian(), "d MMMM y", locale=language)


def format_jalali_words(value: JalaliDate) -> str:
    """Return a Solar Hijri date with its month's name in Latin letters: 1 Azar 1405."""
    return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"


def atom_date(value: JalaliDate) -> Latin:
    """Return the start of a Solar Hijri day in Tehran as an RFC 3339 date-time, for feeds."""
    return Latin(value.to_gregorian().isoformat() + "T00:00:00+03:30")


def iso_date(value: JalaliDate) -> Latin:
    """Return the Gregorian ISO date of a Solar Hijri date, for machine-readable attributes."""
    return Latin(value.to_gregorian().isoformat())


def in_persian(text: str | None, language: str) -> object:
    """Return content text known to be Persian, marked as such on a page in another language so that it is read and
    laid out right."""
    if text is None or language == "fa":
        return text
    return Markup('<span lang="fa" dir="rtl">{}</span>').format(persian_digits(text))


def name_in(item: object, language: str, field: str | None = None) -> tuple[str, bool]:
    """Return a content object's name or title (or the field named) in a language, and whether it is that language's
    own:
    where the content gives no twin (`name_en`, `title_en` …), the Persian text."""
    field = field or ("name" if hasattr(item, "name") else "title")
    persian = getattr(item, field)
    if language == "fa":
        return persian, True
    twin = getattr(item, f"{field}_{language}", None)
    return (twin, True) if twin else (persian, False)


# Markdown keeps raw HTML and other stashed pieces as STX…ETX placeholders (an e-mail address's letters
# as `STX amp ETX #105;` entities) whose digits must stay as they are.
_TEXT_OUTSIDE_PLACEHOLDERS = re.compile(r"(\x02[^\x03]*\x03(?:#\d+;)?)|([^\x02]+)")


def _persian_digits_in_text(text: str) -> str:
    return _TEXT_OUTSIDE_PLACEHOLDERS.sub(lambda m: m[1] or persian_digits(m[2]), text)


class _PersianDigitsInText(Treeprocessor):
    """Write digits in Markdown's text as Persian digits, leaving code, link targets and raw HTML alone."""

    def run(self, root: Element) -> None:
        for element in root.iter():
            shows_its_address = element.tag == "a" and element.text == element.get("href")
            if element.tag not in ("code", "pre") and element.text and not shows_its_address:
                element.text = _persian_digits_in_text(element.text)
            if element.tail:
                element.tail = _persian_digits_in_text(element.tail)


class PersianDigits(Extension):
    """Python-Markdown extension: Persian digits in running text."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_PersianDigitsInText(md), "persian_digits", 0)


def qr_code(url: str, title: str) -> Markup:
    """Return an inline SVG QR code of a URL that phones read off a printed board.

    The mask is fixed: letting segno score all eight masks costs five times as much, 4 ms a code,
    and any mask is valid (the tests decode a printed board with zbar).
    """
    svg = segno.make_qr(url, error="m", mask=2).svg_inline(
        title=title, svgclass="qr-code", lineclass=None, omitsize=True
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))


class TextOnlyHtml(Extension):
    """Python-Markdown extension: HTML written in Markdown is shown as text.

    Pages are Markdown; what HTML an editor types is text to show. python-markdown hands raw HTML
    to Python's HTML parser, whose time grows with the square of a page full of '<' (docs/content.md).
    """

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


def render_markdown(text: str) -> Markup:
    """Render an editor's Markdown to HTML that can hold no script, event handler or javascript: link."""
    html = markdown.markdown(text, extensions=["tables", PersianDigits(), TextOnlyHtml()], output_format="html")
    return Markup(
        nh3.clean(
            html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}}, url_schemes={"http", "https", "mailto", "tel"}
        )
    )


class CompiledTemplates(BytecodeCache):
    """Jinja's bytecode cache in a folder of the build cache: each compiled template sealed with its name and bytes.

    A compiled template runs as code, so one that fails its seal (damaged, edited, swapped with
    another, copied from another language's folder) is discarded and compiled again; Jinja's
    bucket then checks that it was compiled from the template's present source.
    """

    def __init__(self, cache: BuildCache, folder: str):
        self.cache = cache
        self.folder = folder  # below the cache's folder, one per language and code version

    def load_bytecode(self, bucket: Bucket) -> None:
        compiled = self.cache.load(f"{self.folder}/{bucket.key}.cache")
        if compiled is not None:
            bucket.bytecode_from_string(bytes(compiled))

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.cache.store(f"{self.folder}/{bucket.key}.cache", bucket.bytecode_to_string())


# The templates' file types: every one is loaded when an environment is made.
TEMPLATE_TYPES = ("html", "xml", "txt")


def environment(
    templates: Path,
    site_wide: SiteWide,
    language: str,
    translations: Translations,
    compiled: CompiledTemplates | None = None,
    assets: dict[str, str] | None = None,
    index_translations: Translations | None = None,
) -> Environment:
    """Return the Jinja environment of one language: strict about undefined names, escaping everything by default.

    Templates see `site_wide`, what every page may show, and their route's context: nothing else of
    the site, so that a page's fingerprint (fingerprint.py) covers everything it shows.

    Given `compiled`, compiled templates are kept for the next build: one folder per language,
    since Jinja folds a filter or finalize applied to a literal into the compiled code. Every
    template is loaded here, so that the processes that render pages, forked later, find them
    all and never write to the cache. `assets` maps each static
    file, as templates name it, to its published path. `index_translations` are the default
    language's, in which the search index is written (the search page of another language maps its words).
    """
    index_translations = index_translations or translations
    env = Environment(
        loader=FileSystemLoader(templates),
        extensions=["jinja2.ext.i18n"],
        bytecode_cache=compiled,
        autoescape=select_autoescape(("html", "xml")),
        undefined=StrictUndefined,
        finalize=show if language == "fa" else show_latin,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]  # by the i18n extension
    settings = site_wide.settings
    base = base_path(settings.base_url)
    prefix = language_prefix(language, settings.languages)
    default_prefix = language_prefix(settings.languages[0], settings.languages)  # of the pages in ONE_LANGUAGE
    root = base + prefix

    def name(item: object, field: str | None = None) -> object:
        text, own = name_in(item, language, field)
        return text if own else in_persian(text, language)

    def legal_date(value: JalaliDate) -> str:
        """A date the law reads (license expiry, a tariff's effective date): in English, the Gregorian and the Solar
        Hijri date."""
        if language == "fa":
            return format_date(value)
        return translations.gettext("%(gregorian)s (%(jalali)s)") % {
            "gregorian": format_gregorian(value, language),
            "jalali": format_jalali_words(value),
        }

    env.filters.update(
        number=lambda value: format_number(value, language),
        decimal=lambda value: format_fraction(value, language),
        coord=lambda value: Latin(f"{value:.1f}"),  # an SVG coordinate
        rial=lambda value: translations.gettext("%(amount)s rials") % {"amount": format_number(value, language)},
        jdate=format_date if language == "fa" else lambda value: format_gregorian(value, language),
        legal_date=legal_date,
        isodate=iso_date,
        atomdate=atom_date,
        markdown=render_markdown
        if language == "fa"
        else lambda text: Markup('<div lang="fa" dir="rtl">{}</div>').format(render_markdown(text)),
        without_common_words=without_common_words,
        latin=Latin,
        qr_code=qr_code,
        name=name,
        name_text=lambda item, field=None: name_in(item, language, field)[0],
        digits=show
        if language == "fa"
        else show_latin,  # for values a {% trans %} block shows, which finalize does not see
        fa=lambda text: in_persian(text, language),
        # Every link a template makes comes from routes.py through these. pass_context keeps Jinja from folding
        # a filter applied to a literal ({{ "site.css"|asset }}, {{ "services"|url }}) into the compiled template,
        # which the bytecode cache would keep after the stylesheet's name or the base URL changed.
        # in_language: the page in another language, such as the feed, which exists in the default language only.
        url=pass_context(
            lambda context, target, service=None, in_language=None: Latin(
                root + url_of(target, service)
                if in_language is None
                else base + language_prefix(in_language, settings.languages) + url_of(target, service)
            )
        ),
        board_url=pass_context(lambda context, office: Latin(base + default_prefix + board_of(office))),
        data_url=pass_context(lambda context, name: Latin(base + data_file(name))),
        asset=pass_context(lambda context, source: Latin(base + _published(assets or {}, source))),
        absolute=pass_context(lambda context, target: Latin(settings.base_url + prefix + url_of(target))),
        page_url=pass_context(lambda context, path: Latin(settings.base_url + path)),  # a path routes.py made
        office_data=lambda office, name, province, hours: structured.office_data(
            office,
            province,
            hours,
            name,
            settings.base_url + prefix + url_of(office),
            site_wide.license_state(office),
            site_wide.may_serve(office),
        ),
        service_data=lambda service: structured.service_data(
            service, site_wide.agencies[service.agency_id], settings.base_url + prefix + url_of(service)
        ),
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    env.globals.update(
        site=settings,
        site_wide=site_wide,
        root=Latin(root),
        site_root=Latin(base),
        base_url=Latin(settings.base_url),
        expiry_warning_days=EXPIRY_WARNING_DAYS,
        common_words=COMMON_WORDS,
        language=language,
        direction="rtl" if language == "fa" else "ltr",
        languages=settings.languages,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        LOCALES=LOCALES,
        LABELS=labels.translated(translations.gettext),
        INDEX_LABELS=labels.translated(index_translations.gettext),
        index_gettext=index_translations.gettext,
    )
    with reported_at_its_line(templates):
        env.filters["fee_row"] = fragment_cache(env.get_template("_fee_row.html"))
        for template in env.list_templates(extensions=TEMPLATE_TYPES):
            env.get_template(template)
    env.bytecode_cache = None  # a template edited while pages render is compiled again in that process only
    return env


def fragment_cache(template):
    """Render a small template once per distinct arguments: the same row stands on thousands of pages."""

    @cache
    def fragment(*args) -> Markup:
        return Markup(template.render(args=args))

    return fragment


def render_problems(templates: Path, problems: list, voice: Speaker = ENGLISH, lines: dict | None = None) -> str:
    """Render the preview page that lists content problems, in the language of `voice` (no site graph exists), each
    with the line of its file it points at (`lines`: mark → text, from the loader)."""
    env = Environment(
        loader=FileSystemLoader(templates), autoescape=True, undefined=StrictUndefined, extensions=["jinja2.ext.i18n"]
    )
    env.install_gettext_translations(voice.catalogue, newstyle=True)  # type: ignore[attr-defined]
    errors = sum(problem.is_error for problem in problems)
    shown = [
        {
            "place": str(problem.mark),
            "severity": voice.gettext(problem.severity),
            "message": voice.say(problem.message),
            "line": (lines or {}).get(problem.mark),
        }
        for problem in problems
    ]
    return env.get_template("problems.html").render(
        problems=shown,
        errors=errors,
        shown_errors=voice.digits(str(errors)),
        language=voice.language,
        direction="rtl" if voice.language == "fa" else "ltr",
    )


def render(route: Route, env: Environment) -> str:
    """Render one page to HTML, in the language of the environment given (the route's own)."""
    assert isinstance(env.loader, FileSystemLoader)
    with reported_at_its_line(env.loader.searchpath[0]):
        template = env.get_template(route.template)
        return template.render(route.context, route=route, canonical=Latin(f"{env.globals['base_url']}{route.path}"))


@contextmanager
def reported_at_its_line(templates: Path | str):
    """Turn an error that a template makes (syntax, an undefined name, an unknown filter, a filter given the wrong
    value) into TemplateFailed, naming the template's file and line, which the command line prints without a traceback.

    Jinja gives a syntax error its line; for an error while rendering, it rewrites the traceback so
    that the frames of template code name the template's file and line: the innermost one is where
    the error is. An error that no template frame leads to is the program's, and keeps its traceback.
    """
    try:
        yield
    except TemplateSyntaxError as exc:
        path = os.path.relpath(exc.filename or Path(templates, exc.name or "?"))
        raise TemplateFailed(path, exc.lineno, exc.message or str(exc)) from None
    except Exception as exc:
        lines = [
            (frame.f_code.co_filename, line)
            for frame, line in traceback.walk_tb(exc.__traceback__)
            if Path(frame.f_code.co_filename).is_relative_to(templates)
        ]
        if not lines:
            raise
        message = str(exc) if isinstance(exc, TemplateError) else f"{type(exc).__name__}: {exc}"
        raise TemplateFailed(os.path.relpath(lines[-1][0]), lines[-1][1], message) from None


def _published(assets: dict[str, str], source: str) -> str:
    """Return a static file's published path; a template naming a file static/ lacks is an error."""
    try:
        return assets[source]
    except KeyError:
        raise TemplateError(f"no static file {source!r} in static/") from None
