"""`build.py synth` writes valid national content, the same files for the same seed."""

from __future__ import annotations

import json

from conftest import SAMPLE_TODAY

from site_builder.cli import main
from site_builder.synth import DATA


def files_of(folder):
    return {path.relative_to(folder): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_synth_content_passes_check_with_no_problem(tmp_path, capsys):
    assert main(["synth", str(tmp_path / "content"), "--offices", "1500", "--seed", "7"]) == 0
    assert (
        main(["check", "--content", str(tmp_path / "content"), "--strict", "--jobs", "2", "--today", SAMPLE_TODAY]) == 0
    )
    assert capsys.readouterr().err.splitlines()[-1].startswith("check passed: 0 errors, 0 warnings")


def test_synth_covers_every_province_county_kind_and_status(tmp_path):
    from site_builder import pipeline
    from site_builder.config import BuildOptions

    assert main(["synth", str(tmp_path / "content"), "--offices", "3000"]) == 0
    report = pipeline.check(BuildOptions(content_dir=tmp_path / "content"))
    content = report.content
    provinces = json.loads(DATA.read_text(encoding="utf-8"))
    assert len(content.provinces) == len(provinces) == 31
    assert sum(len(p.counties) for p in content.provinces) == sum(len(p["counties"]) for p in provinces) > 400
    assert len(report.offices) == 3000
    assert len(content.services) == 700
    assert {o.kind for o in report.offices} == {"urban", "rural", "police10", "kargozari"}
    assert {o.status for o in report.offices} == {"active", "inactive", "under_review", "revoked", "pending"}
    assert [t.year for t in content.tariffs] == [1404, 1405]


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    for name, seed in (("a", "3"), ("b", "3"), ("c", "4")):
        assert main(["synth", str(tmp_path / name), "--offices", "600", "--seed", seed]) == 0
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")
    assert files_of(tmp_path / "a") != files_of(tmp_path / "c")


def test_synth_refuses_a_folder_with_files(tmp_path, capsys):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "site.yaml").write_text("x")
    assert main(["synth", str(tmp_path / "content")]) == 2
    assert "is not an empty folder" in capsys.readouterr().err
