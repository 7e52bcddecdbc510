"""The built sample stays within its byte budgets (sizes are deterministic, so a test may hold them)."""

from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from budgets import measure  # noqa: E402


def test_sample_site_is_within_every_budget(sample_site):
    over = [f"{figure.name}: {figure.value} > {figure.budget}" for figure in measure(sample_site) if not figure.within]
    assert over == []


def test_budget_measure_counts_the_font_a_page_loads(sample_site):
    fonts = next(figure for figure in measure(sample_site) if figure.name == "font files on any page")
    assert fonts.value == 1  # the page does load a font: the figure is measured, not zero by accident
