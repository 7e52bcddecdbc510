"""The printable board each office must post: printed by Chromium on A4, its QR code read back by zbar."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import PORTAL_URL as BASE_URL
from conftest import ROOT, require, serving

from site_builder.config import BuildOptions
from site_builder.pipeline import check

A4_POINTS = (595.3, 841.9)


@pytest.fixture(scope="module")
def busiest_office():
    """The sample office that offers the most services: the longest board."""
    offices = check(BuildOptions(content_dir=ROOT / "content")).offices
    return max(offices, key=lambda office: (len(office.services), office.code))


def test_the_board_of_the_office_with_most_services_prints_on_at_most_two_a4_pages_with_a_readable_qr_code(
    portal, busiest_office, chromium, tmp_path
):
    require(
        shutil.which("pdfinfo") is not None and shutil.which("pdftoppm") is not None,
        "poppler-utils",
        "apt-get install poppler-utils",
    )
    require(shutil.which("zbarimg") is not None, "zbarimg", "apt-get install zbar-tools")
    assert len(busiest_office.services) >= 70  # the sample's urban offices in North Khorasan: a real test of the length
    page = chromium.new_page()
    try:
        with serving(portal) as root:
            page.goto(f"{root}portal/offices/{busiest_office.code}/board/")
            page.emulate_media(media="print")
            rows = page.locator(".board tbody tr")
            assert rows.count() == len(busiest_office.services)
            assert all(rows.nth(index).is_visible() for index in range(rows.count()))
            assert page.locator(".board .complaints").is_visible()
            pdf = tmp_path / "board.pdf"
            pdf.write_bytes(page.pdf(prefer_css_page_size=True, print_background=True))
    finally:
        page.close()

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
    width, height = map(float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M).groups())
    assert 1 <= pages <= 2, info
    assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1, info  # Chromium rounds to whole points

    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    image = next(tmp_path.glob("page-*1.png"))
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)], capture_output=True, text=True
    )
    assert decoded.returncode == 0, decoded.stderr
    assert decoded.stdout.strip() == f"{BASE_URL}offices/{busiest_office.code}/"


def test_the_board_points_crawlers_to_the_office_page_and_the_office_page_links_its_board(portal, busiest_office):
    code = busiest_office.code
    board = (portal / "portal" / "offices" / code / "board" / "index.html").read_text(encoding="utf-8")
    office = (portal / "portal" / "offices" / code / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{BASE_URL}offices/{code}/">' in board
    assert f'href="/portal/offices/{code}/board/"' in office
    assert '<svg role="img"' in board and "<title>" in board  # the QR code is named for screen readers
