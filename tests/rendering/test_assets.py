"""Static files are published under names that carry a digest of their bytes, so hosts may cache them for a year."""

from __future__ import annotations

import re

import pytest

from site_builder.assets import hashed_assets
from site_builder.errors import UsageError

CSS = (
    b'@font-face { src: url("fonts/a.woff2") format("woff2"); }\n'
    b"body { background: url(data:image/png;base64,AAAA); }\n"
)


def test_names_carry_a_digest_and_stylesheets_point_at_the_named_fonts():
    assets = hashed_assets([("site.css", CSS), ("fonts/a.woff2", b"font"), ("fonts/OFL.txt", b"licence")])
    font, css = assets["fonts/a.woff2"], assets["site.css"]
    assert re.fullmatch(r"static/fonts/a\.[0-9a-f]{10}\.woff2", font.path)
    assert re.fullmatch(r"static/site\.[0-9a-f]{10}\.css", css.path)
    assert f'url("{font.path.removeprefix("static/")}")'.encode() in css.data
    assert b"url(data:image/png;base64,AAAA)" in css.data  # a data: URL is not a file
    assert assets["fonts/OFL.txt"].path == "static/fonts/OFL.txt"  # a licence keeps the name people look for


def test_a_new_font_gives_the_stylesheet_a_new_name_too():
    before = hashed_assets([("site.css", CSS), ("fonts/a.woff2", b"font")])
    after = hashed_assets([("site.css", CSS), ("fonts/a.woff2", b"another font")])
    assert before["fonts/a.woff2"].path != after["fonts/a.woff2"].path
    assert before["site.css"].path != after["site.css"].path


def test_pages_link_the_published_names(sample_site):
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    stylesheet = re.search(r'<link rel="stylesheet" href="/(static/site\.[0-9a-f]{10}\.css)">', home).group(1)
    assert (sample_site / stylesheet).is_file()
    assert not (sample_site / "static/site.css").exists()


def test_a_query_or_fragment_is_kept_after_the_published_name():
    assets = hashed_assets(
        [("site.css", b'src: url("f.eot?#iefix") format("eot"), url(f.eot?v=2);'), ("f.eot", b"font")]
    )
    name = assets["f.eot"].path.removeprefix("static/")
    assert f'url("{name}?#iefix")'.encode() in assets["site.css"].data
    assert f"url({name}?v=2)".encode() in assets["site.css"].data


@pytest.mark.parametrize(
    "css, message",
    [
        (b"body { background: url(missing.png); }", "static/site.css: url(missing.png) names no file in static/"),
        ("body { content: 'ی'; }".encode("utf-16"), "static/site.css is not UTF-8 text; save it as UTF-8"),
    ],
)
def test_a_stylesheet_naming_a_missing_file_or_not_utf8_is_refused(css, message):
    with pytest.raises(UsageError) as refused:
        hashed_assets([("site.css", css)])
    assert str(refused.value) == message


def test_hidden_files_in_static_are_not_published(site, tmp_path):
    import shutil

    from conftest import ROOT

    static = tmp_path / "static"
    shutil.copytree(ROOT / "static", static)
    (static / ".DS_Store").write_bytes(b"finder")
    from site_builder import pipeline
    from site_builder.config import BuildOptions

    pipeline.build(
        BuildOptions(content_dir=site.content, output_dir=site.root / "output", static_dir=static, today="1405/09/01")
    )
    assert not [p for p in (site.root / "output/static").rglob("*") if "DS_Store" in p.name]
