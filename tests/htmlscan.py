"""Read built pages the way the tests need: visible text, attributes, JSON-LD."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

URL_ATTRIBUTES = ("href", "src", "action", "poster", "srcset")


@dataclass
class Page:
    """What a page shows and links to."""

    text: list[str] = field(default_factory=list)  # visible text, URLs shown as URLs left out
    attributes: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, name, value)
    json_ld: list[dict] = field(default_factory=list)
    html_tag: dict = field(default_factory=dict)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.skip = 0  # inside script or style
        self.code = 0  # inside code: literal text such as what an editor types
        self.script_type = ""
        self.script = []
        self.link_href: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.page.html_tag = attrs
        for name, value in attrs.items():
            self.page.attributes.append((tag, name, value or ""))
        if tag in ("script", "style"):
            self.skip += 1
            self.script_type = attrs.get("type", "")
            self.script = []
        if tag == "a":
            self.link_href.append(attrs.get("href", ""))
        if tag == "code":
            self.code += 1

    def handle_endtag(self, tag):
        if tag == "code":
            self.code -= 1
        if tag in ("script", "style"):
            self.skip -= 1
            if self.script_type == "application/ld+json":
                self.page.json_ld.append(json.loads("".join(self.script)))
        if tag == "a" and self.link_href:
            self.link_href.pop()

    def handle_data(self, data):
        if self.skip:
            self.script.append(data)
            return
        shown_url = (
            self.link_href
            and data.strip()
            and data.strip() in (self.link_href[-1], self.link_href[-1].removeprefix("mailto:"))
        )
        if data.strip() and not shown_url and not self.code:
            self.page.text.append(data)


def scan(path: Path) -> Page:
    """Read one built page."""
    scanner = _Scanner()
    scanner.feed(path.read_text(encoding="utf-8"))
    return scanner.page


def html_pages(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def persian_pages(output: Path) -> list[Path]:
    """Return the pages of the default language, Persian: all but the English twins under en/."""
    return [page for page in html_pages(output) if page.relative_to(output).parts[0] != "en"]
