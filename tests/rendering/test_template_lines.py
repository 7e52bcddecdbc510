"""Templates keep the code's line length: Jinja's whitespace control (`{%-`, `{{-`, trim_blocks) and
`{% trans trimmed %}` let a long line break without a byte of the output or a message changing."""

from __future__ import annotations

import pytest
from conftest import ROOT

LIMIT = 120  # as pyproject.toml's ruff line-length
TEMPLATES = ROOT / "templates"


@pytest.mark.parametrize(
    "path",
    sorted(path for path in TEMPLATES.rglob("*") if path.is_file()),
    ids=lambda path: path.relative_to(TEMPLATES).as_posix(),
)
def test_no_template_line_is_longer_than_the_limit(path):
    long = [number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if len(line) > LIMIT]
    assert not long, f"{path.relative_to(ROOT)}: lines {long} are longer than {LIMIT} characters"
