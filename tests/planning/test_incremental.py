"""An incremental build equals a clean build, byte for byte, whatever an editor changes between builds."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_TODAY

from site_builder import pipeline
from site_builder.cache import BuildCache
from site_builder.config import BuildOptions


def tree(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def replace_once(path: Path, pattern: str, new: str, rng: random.Random) -> None:
    """Replace one randomly chosen match of a pattern in a file."""
    text = path.read_text(encoding="utf-8")
    matches = list(re.finditer(pattern, text, re.MULTILINE))
    assert matches, (path, pattern)
    match = rng.choice(matches)
    path.write_text(text[: match.start()] + new + text[match.end() :], encoding="utf-8")


def offices_file(root: Path, rng: random.Random) -> Path:
    return rng.choice(sorted((root / "content" / "provinces").glob("*/offices/*.yaml")))


def edit_office_address(root, rng):
    files = sorted((root / "content" / "provinces").glob("*/offices/*.yaml"))
    with_address = [path for path in files if re.search(r"(?m)^  address: ", path.read_text(encoding="utf-8"))]
    replace_once(rng.choice(with_address), r"^  address: .*$", "  address: خیابان ویرایش‌شده، پلاک ۷", rng)


def add_office(root, rng):
    path = offices_file(root, rng)
    code = f"99{rng.randrange(10**5, 10**6)}"
    path.write_text(
        path.read_text(encoding="utf-8")
        + f"\n- code: {code}\n  kind: rural\n  status: pending\n  village: روستای تازه\n",
        encoding="utf-8",
    )


def delete_office(root, rng):
    path = offices_file(root, rng)
    entries = re.split(r"(?m)^(?=- code:)", path.read_text(encoding="utf-8"))
    if len(entries) > 2:
        del entries[rng.randrange(1, len(entries))]
    path.write_text("".join(entries), encoding="utf-8")


def rename_service(root, rng):
    replace_once(root / "content" / "services.yaml", r"^  name: .*$", "  name: خدمت با نام تازه", rng)


def change_fee(root, rng):
    replace_once(root / "content" / "tariffs" / "1405.yaml", r"(?<=: )\d{4,}$", str(rng.randrange(1, 999) * 1000), rng)


def rename_province(root, rng):
    path = rng.choice(sorted((root / "content" / "provinces").glob("*/province.yaml")))
    replace_once(path, r"^name: .*$", "name: استان ویرایش‌شده", rng)


def change_site_title(root, rng):
    replace_once(root / "content" / "site.yaml", r"^title: .*$", "title: درگاه با عنوان تازه", rng)


def edit_page(root, rng):
    path = rng.choice(sorted((root / "content" / "pages").glob("*.md")))
    path.write_text(path.read_text(encoding="utf-8") + "\nبند تازه.\n", encoding="utf-8")


def edit_template(root, rng):
    name, closing = rng.choice(
        [("county.html", "</h1>"), ("office.html", "</h1>"), ("service.html", "</h1>"), ("base.html", "</main>")]
    )
    replace_once(root / "templates" / name, closing, f"<p>یادداشت تازه</p>\n{closing}", rng)


def edit_static(root, rng):
    path = root / "static" / "site.css"
    path.write_text(path.read_text(encoding="utf-8") + "\n.note { color: #333; }\n", encoding="utf-8")


def delete_county_file(root, rng):
    offices_file(root, rng).unlink()


EDITS = [
    edit_office_address,
    add_office,
    delete_office,
    rename_service,
    change_fee,
    rename_province,
    change_site_title,
    edit_page,
    edit_template,
    edit_static,
    delete_county_file,
    edit_office_address,
]


# The edits of offices and provinces, which the sample's three provinces and their national groups meet in ways the
# small site's one province cannot; an edit of a template, the stylesheet, a page or the site's title changes every
# page on either site alike.
CONTENT_EDITS = [edit_office_address, add_office, delete_office, change_fee, rename_province, delete_county_file]


@pytest.mark.parametrize(
    "content, seed, edits",
    [
        ("content", 1, CONTENT_EDITS),
        ("tests/fixtures/small", 2, EDITS),  # every edit on the small site, in two orders, at a fifth of the cost
        ("tests/fixtures/small", 3, EDITS),
    ],
    ids=["sample", "small-2", "small-3"],
)
def test_incremental_builds_equal_clean_builds_after_random_edits(tmp_path, content, seed, edits):
    """Each step edits something, then builds incrementally and clean; on odd steps the incremental build
    starts from the cache folder alone, as a new command does, on even ones from memory, as serve does."""
    rng = random.Random(seed)
    shutil.copytree(ROOT / content, tmp_path / "content")
    for folder in ("templates", "static"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    cache = BuildCache(tmp_path / "cache")

    def options(output: str, jobs: int, today: str, precompress: bool) -> BuildOptions:
        return BuildOptions(
            content_dir=tmp_path / "content",
            output_dir=tmp_path / output,
            today=today,
            templates_dir=tmp_path / "templates",
            static_dir=tmp_path / "static",
            jobs=jobs,
            precompress=precompress,
        )

    pipeline.build(options("incremental", 2, SAMPLE_TODAY, False), cache=cache)
    before = (SAMPLE_TODAY, False)
    for number, edit in enumerate(rng.sample(edits, len(edits))):
        edit(tmp_path, rng)
        today = rng.choice([SAMPLE_TODAY, "1406/03/01"])  # licenses expire, and the footer's date changes
        precompress = rng.random() < 0.5
        if number % 2:
            cache = BuildCache(tmp_path / "cache")
        report = pipeline.build(options("incremental", 1 + number % 2, today, precompress), cache=cache)
        pipeline.build(options(f"clean-{number}", 1, today, precompress), cache=BuildCache())
        assert tree(tmp_path / "incremental") == tree(tmp_path / f"clean-{number}"), edit.__name__
        everything_changes = (
            edit in (change_site_title, rename_service, change_fee, edit_page, edit_template, rename_province)
            or (today, precompress) != before
        )
        assert report.unchanged > 0 or everything_changes
        before = (today, precompress)
