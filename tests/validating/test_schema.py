"""The JSON Schemas editors' plugins use: committed, up to date, and true to the shipped content."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import ROOT

from site_builder.schema import json_schemas

CONTENT = ROOT / "content"
SCHEMAS = ROOT / "schemas"


def schema_of(path: Path) -> str:
    """Name the schema a content file is read by, from where it lives."""
    relative = path.relative_to(CONTENT)
    if relative.parts[0] == "tariffs":
        return "tariff.schema.json"
    if relative.parts[0] == "provinces":
        return "province.schema.json" if relative.name == "province.yaml" else "offices.schema.json"
    return f"{relative.stem}.schema.json"


YAML_FILES = sorted(CONTENT.rglob("*.yaml"))


def test_committed_schemas_are_what_the_code_generates():
    generated = json_schemas()
    committed = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in SCHEMAS.glob("*.json")}
    assert committed == generated, "run `python build.py schema` and commit schemas/"


@pytest.mark.parametrize("schema", sorted(json_schemas()))
def test_schemas_are_valid_json_schema(schema):
    jsonschema.Draft202012Validator.check_schema(json_schemas()[schema])


def test_there_is_sample_content_to_check():
    assert len(YAML_FILES) > 10


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(CONTENT)))
def test_sample_file_names_its_schema_and_satisfies_it(path):
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("# yaml-language-server: $schema="), first_line
    named = (path.parent / first_line.split("$schema=", 1)[1].strip()).resolve()
    assert named == (SCHEMAS / schema_of(path)).resolve()
    schema = json.loads(named.read_text(encoding="utf-8"))
    # YAML plugins read files as YAML 1.2 core; the sample content quotes whatever 1.1 would change.
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_schema_refuses_what_check_refuses():
    schema = json_schemas()["offices.schema.json"]
    bad = [{"code": "13100123", "kind": "urbn", "status": "active", "adress": "x"}]
    messages = {error.validator for error in jsonschema.Draft202012Validator(schema).iter_errors(bad)}
    assert {"enum", "additionalProperties"} <= messages
