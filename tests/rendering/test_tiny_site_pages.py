"""The pages of the tiny site say what its content says, and Markdown brings no markup an editor did not mean."""

from __future__ import annotations

import lxml.html


def test_build_writes_the_pages_of_the_tiny_site(site):
    result = site.run("build")
    assert result.code == 0, result.err
    output = site.root / "output"
    office = (output / "offices/13100123/index.html").read_text(encoding="utf-8")
    assert '<html lang="fa" dir="rtl">' in office
    assert "مریم احمدی" in office  # the licensee is published
    assert "0012345678" not in office and "09121234567" not in office  # private fields are not
    assert "۱۲۰٬۰۰۰ ریال" in office  # the parcel fee in force
    assert (output / "provinces/gilan/rasht/index.html").is_file()
    assert (output / "robots.txt").read_text() == "User-agent: *\nAllow: /\nSitemap: https://example.org/sitemap.xml\n"


def test_county_page_lists_license_holders_of_active_offices_only(site):
    site.run("build")
    county = (site.root / "output/provinces/gilan/rasht/index.html").read_text(encoding="utf-8")
    holders = county.split("<h2>دارندگان پروانه دفاتر فعال</h2>")[1]
    assert "مریم احمدی" in holders
    assert "13100124" not in holders and "۱۳۱۰۰۱۲۴" not in holders  # pending office: no license holder row


def test_markdown_cannot_smuggle_script(site):
    site.write(
        "pages/about.md",
        """\
        ---
        title: درباره
        ---
        <script>alert(1)</script>
        <img src=x onerror="alert(2)">
        [link](javascript:alert(3)) [mixed case](JaVaScRiPt:alert(4)) [data](data:text/html,<script>alert(5)</script>)
        <svg onload="alert(6)"></svg><iframe src="https://evil.example/"></iframe>
        <a href="https://example.org/" onclick="alert(7)" style="color:red">styled</a>
        """,
    )
    assert site.run("build").code == 0
    html = (site.root / "output/about/index.html").read_text(encoding="utf-8")
    for smuggled in ("<script>alert", "<img", "<iframe", "<svg", "javascript:", "data:text"):
        assert smuggled not in html.lower(), smuggled
    elements = list(lxml.html.document_fromstring(html).iter())
    attributes = [(element.tag, name) for element in elements for name in element.attrib]
    assert [(tag, name) for tag, name in attributes if name.startswith("on") or name == "style"] == []
    # HTML typed in Markdown is text, shown as it was typed.
    assert '&lt;a href="https://example.org/" onclick="alert(۷)" style="color:red"&gt;styled&lt;/a&gt;' in html


def test_email_and_address_links_in_markdown_keep_their_characters(site):
    site.write(
        "pages/about.md",
        "---\ntitle: درباره\n---\n"
        "بنویسید به <info2@example.org> یا <https://example.org/a1405> در ۲۴ ساعت یا 24 ساعت.\n",
    )
    assert site.run("build").code == 0
    html = (site.root / "output/about/index.html").read_text(encoding="utf-8")
    import html as html_module

    text = html_module.unescape(html)
    assert "info2@example.org" in text
    assert '<a href="https://example.org/a1405" rel="noopener noreferrer">https://example.org/a1405</a>' in html
    assert "در ۲۴ ساعت یا ۲۴ ساعت" in html


def test_revoked_office_does_not_show_its_license_as_valid(site):
    site.write(
        "provinces/gilan/offices/rasht.yaml",
        """\
        - code: 13100123
          kind: urban
          status: revoked
          license: {number: "1", holder: {name: علی رضایی, type: person}, issued: 1404/01/01, expires: 1409/01/01}
        """,
    )
    assert site.run("build", "--today", "1405/09/01").code == 0
    html = (site.root / "output/offices/13100123/index.html").read_text(encoding="utf-8")
    # The license state is the badge every page shows (templates/_trust.html).
    assert '<span class="trust license-revoked">ابطال‌شده</span>' in html and "معتبر" not in html
