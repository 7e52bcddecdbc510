"""The small fixture site builds to its golden copy, file for file: any change to what a build writes shows here."""

from __future__ import annotations

from goldencopy import ACCEPT, build, differences


def test_the_small_site_builds_to_its_golden_copy(tmp_path):
    build(tmp_path / "output", tmp_path / "cache")
    found = differences(tmp_path / "output")
    assert not found, "the build differs from the golden copy:\n" + "\n".join(found) + "\n" + ACCEPT
