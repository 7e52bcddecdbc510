"""The Jinja environment and its filters: numbers, dates and money reach HTML only through these."""

from __future__ import annotations

from pathlib import Path

import markdown
import nh3
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from persiantools import digits
from persiantools.jdatetime import JalaliDate

from .routes import Route, base_path, url_of
from .site import SiteGraph

# Tags and attributes Markdown produces that a page may keep; everything else is dropped.
ALLOWED_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "a", "strong", "em", "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "hr", "br"}


def persian_digits(value: object) -> str:
    """Return a value's text with Latin digits written as Persian digits."""
    return digits.en_to_fa(str(value))


def format_number(value: int) -> str:
    """Return a whole number with Persian digits and the Persian thousands separator."""
    return persian_digits(format_decimal(value, locale="fa", numbering_system="default"))


def format_rial(value: int) -> str:
    """Return an amount in Rials as citizens read it: ۱٬۲۵۰٬۰۰۰ ریال."""
    return f"{format_number(value)} ریال"


def format_date(value: JalaliDate) -> str:
    """Return a Solar Hijri date as ۱۴۰۵/۰۹/۰۱."""
    return persian_digits(f"{value.year:04d}/{value.month:02d}/{value.day:02d}")


def render_markdown(text: str) -> Markup:
    """Render an editor's Markdown to HTML that can hold no script, event handler or javascript: link."""
    html = markdown.markdown(text, extensions=["tables"], output_format="html")
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}}, url_schemes={"http", "https", "mailto", "tel"}))


def environment(templates: Path, graph: SiteGraph) -> Environment:
    """Return the Jinja environment: strict about undefined names, escaping everything by default."""
    env = Environment(
        loader=FileSystemLoader(templates),
        autoescape=select_autoescape(("html", "xml")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    root = base_path(graph.content.settings.base_url)
    env.filters.update(
        fa=persian_digits,
        number=format_number,
        rial=format_rial,
        jdate=format_date,
        markdown=render_markdown,
        url=lambda target: root + url_of(target),
    )
    env.globals.update(site=graph.content.settings, graph=graph, root=root)
    return env


def render(route: Route, env: Environment) -> str:
    """Render one page to HTML."""
    return env.get_template(route.template).render(route.context, route=route)
