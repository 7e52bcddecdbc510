"""Measure the citizens' site against its byte budgets: office page HTML, CSS, font files, home page total.

    python benchmarks/budgets.py [OUTPUT_DIR]

Without OUTPUT_DIR the shipped sample content is built into a temporary folder first. Prints each
figure beside its budget and exits 1 when one is over.
"""

from __future__ import annotations

import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KB = 1024
BUDGETS = {
    "largest office page HTML": 20 * KB,
    "all CSS": 15 * KB,
    "font files on any page": 2,
    "home page with its assets": 150 * KB,
}
_ASSET = re.compile(r'<(?:link|script|img)\b[^>]*\b(?:href|src)="(/[^"]*)"')
_FONT_URL = re.compile(r'url\("?([^")]+\.woff2?)"?\)')


@dataclass(frozen=True)
class Figure:
    name: str
    value: int
    budget: int

    @property
    def within(self) -> bool:
        return self.value <= self.budget


def assets_of(page: Path, output: Path) -> set[Path]:
    """Return the files a page loads: stylesheets, scripts, images, and the fonts its CSS names."""
    files = {
        output / url.lstrip("/") for url in _ASSET.findall(page.read_text(encoding="utf-8")) if not url.endswith("/")
    }
    for css in [f for f in files if f.suffix == ".css"]:
        files |= {(css.parent / font).resolve() for font in _FONT_URL.findall(css.read_text(encoding="utf-8"))}
    return {f.resolve() for f in files if f.is_file()}


def measure(output: Path) -> list[Figure]:
    """Measure a built site."""
    offices = list((output / "offices").glob("*/index.html"))
    pages = list(output.rglob("*.html"))
    fonts_per_page = max(len({f for f in assets_of(page, output) if f.suffix in (".woff2", ".woff")}) for page in pages)
    home = output / "index.html"
    return [
        Figure(
            "largest office page HTML",
            max(page.stat().st_size for page in offices),
            BUDGETS["largest office page HTML"],
        ),
        Figure("all CSS", sum(css.stat().st_size for css in output.rglob("*.css")), BUDGETS["all CSS"]),
        Figure("font files on any page", fonts_per_page, BUDGETS["font files on any page"]),
        Figure(
            "home page with its assets",
            home.stat().st_size + sum(f.stat().st_size for f in assets_of(home, output)),
            BUDGETS["home page with its assets"],
        ),
    ]


def main() -> int:
    if len(sys.argv) > 1:
        output = Path(sys.argv[1])
    else:
        from site_builder.cli import main as build

        output = Path(tempfile.mkdtemp()) / "output"
        if build(["build", "--content", str(ROOT / "content"), "--output", str(output), "--today", "1405/09/01"]) != 0:
            return 1
    figures = measure(output)
    for figure in figures:
        unit = "" if figure.name.startswith("font") else " bytes"
        print(
            f"{figure.name:28} {figure.value:>9,}{unit:6} budget {figure.budget:>9,}  "
            f"{'ok' if figure.within else 'OVER'}"
        )
    return 0 if all(figure.within for figure in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
