"""Time python-markdown on the Markdown it is known to be slow on, each case as large as a page may be.

    python benchmarks/hostile_markdown.py

Each case (runs of `[`, `*`, `<`, backticks, unclosed links, nested lists and quotes, long
paragraphs, and random mixtures of Markdown's punctuation) is written as the body of a page of a
copy of the sample content, just under the size limit. `check` must either refuse it with an error
or let it through; what it lets through is rendered (render.render_markdown, as a page is) and
timed (processor time). Prints each case's verdict and time, and exits 1 when a case let through takes
half a second or more.
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from site_builder import pipeline  # noqa: E402
from site_builder.cache import BuildCache  # noqa: E402
from site_builder.config import BuildOptions  # noqa: E402
from site_builder.loader import MAX_MARKDOWN_BYTES  # noqa: E402
from site_builder.render import render_markdown  # noqa: E402

FRONT = "---\ntitle: آزمون\n---\n"
SIZE = MAX_MARKDOWN_BYTES - len(FRONT.encode()) - 16
LIMIT_SECONDS = 0.5


def repeated(unit: str) -> str:
    """Return `unit` repeated up to the size limit."""
    return unit * (SIZE // len(unit.encode()))


# What the case is made of, repeated: python-markdown's known slow inputs, and ordinary markup for comparison.
UNITS = (
    "[",
    "![",
    "[a](",
    '[a](b "c) ',
    "[a][b]",
    "*",
    "*a ",
    "**a ",
    "_a ",
    "*_",
    "*[",
    "<",
    "<a",
    "<a>",
    "<!--",
    "<http://",
    "</a",
    "<a@b.c",
    "`",
    "`a",
    "`[` ",
    "\\",
    "\\[",
    "&",
    "&#",
    "&amp;",
    "|" * 50 + "\n",
    "- a\n",
    "## a\n",
    "a\n---\n",
    "* * *\n",
    "> a\n",
    "1. a\n",
    "a  \n",
    "[a](https://example.org/) ",
    "این یک متن فارسی است با **تأکید** و [پیوند](https://example.ir/a) و `کد`. ",
)


def cases() -> dict[str, str]:
    found = {}
    for unit in UNITS:
        name = repr(unit[:24])
        found[f"{name} in one paragraph"] = repeated(unit)
        if "\n" in unit:  # a paragraph, list or table may have 200 lines
            found[f"{name} in paragraphs of 150 lines"] = repeated(unit * (150 // unit.count("\n")) + "\n")
        else:  # and 20,000 characters
            found[f"{name} in paragraphs of 19,000 characters"] = repeated(unit * (19_000 // len(unit)) + "\n\n")
    found["backtick runs of every length"] = "".join("`" * n + "a" for n in range(1, 440))
    found["nested brackets"] = "[" * (SIZE // 2) + "]" * (SIZE // 2)
    found["nested quotes and lists"] = "".join(">" * n + " - a\n" for n in range(1, 100)) * 10
    chance = random.Random(7)
    alphabet = [*list("[]()<>*_`!\"' \n-#=|:\\a۱"), "\n\n", "](", "](a ", "> ", "- ", "    "]
    for number in range(20):
        found[f"random punctuation {number}"] = "".join(chance.choice(alphabet) for _ in range(SIZE // 2))
    return found


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="hostile-markdown-") as scratch:
        content = Path(scratch, "content")
        shutil.copytree(ROOT / "content", content)
        cache = BuildCache(Path(scratch, "cache"))
        worst, slow = 0.0, []
        for name, body in cases().items():
            page = content / "pages" / "about.md"
            page.write_text(FRONT + body, encoding="utf-8")
            started = time.perf_counter()
            report = pipeline.check(BuildOptions(content_dir=content, today="1405/09/01"), cache=cache, offices=False)
            checked = time.perf_counter() - started
            errors = [problem for problem in report.problems if problem.is_error]
            if errors:
                print(f"refused   check {checked:5.2f} s  {name}: {str(errors[0].message)[:70]}")
                continue
            started = time.process_time()  # the machine may be shared: the processor time this process took
            assert report.content is not None  # a check without errors gives the content
            render_markdown(next(p.body for p in report.content.pages if p.slug == "about"))
            rendered = time.process_time() - started
            worst = max(worst, rendered)
            if rendered >= LIMIT_SECONDS:
                slow.append(name)
            print(f"rendered  {rendered:5.2f} s (check {checked:4.2f} s)  {name}")
    print(f"slowest render of what check lets through: {worst:.2f} s (limit {LIMIT_SECONDS} s)")
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
