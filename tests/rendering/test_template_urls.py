"""Templates make no URL themselves: every link comes from routes.py through the `url`, `absolute`, `board_url`,
`data_url`, `asset` and `page_url` filters."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from site_builder.render import TEMPLATE_TYPES
from site_builder.routes import SECTIONS

TEMPLATES = ROOT / "templates"
# The first folder of each kind of page url_of makes, and every section's path.
SECTION_PATHS = sorted(
    {"provinces/", "offices/", "services/", "agencies/", "tariffs/", "news/", "stats/", "board/"}
    | {path for path in SECTIONS.values() if path}
)
# Jinja comments and the tags that name other templates ("search/_document.html" is a template, not a URL).
NOT_OUTPUT = re.compile(r"\{#.*?#\}|\{%-?\s*(?:extends|include|import|from)\b.*?%\}", re.DOTALL)
WRITTEN_URL = re.compile(r"""(?:href|src|action)=["']/|\broot\s*\}\}\s*[\w.]|\broot\s*~\s*["']""")


def template_sources() -> list[tuple[str, str]]:
    return [
        (path.relative_to(TEMPLATES).as_posix(), NOT_OUTPUT.sub("", path.read_text(encoding="utf-8")))
        for path in sorted(TEMPLATES.rglob("*"))
        if path.suffix[1:] in TEMPLATE_TYPES
    ]


@pytest.mark.parametrize("name, source", template_sources())
def test_no_template_writes_a_url_or_a_section_path(name, source):
    assert not WRITTEN_URL.findall(source), name
    assert not [path for path in SECTION_PATHS if path in source], name


@pytest.mark.parametrize(
    "source",
    [
        '<a href="/offices/">',
        '<img src="/static/x.png">',
        '<form action="/search/">',
        '<a href="{{ root }}services/">',
        '<a href="{{ site_root }}feed.xml">',
        '{% trans url=root ~ "data/" %}',
        '{% set board = office|url ~ "board/" %}',
    ],
)
def test_the_check_finds_a_written_url(source):
    found = WRITTEN_URL.findall(source) or [path for path in SECTION_PATHS if path in source]
    assert found
