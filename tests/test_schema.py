"""``ihltag schema``: JSON Schema that agrees with validation, for editors and tools."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ihltag import vocab
from ihltag.dataset import incident_files
from ihltag.models import Incident
from ihltag.schema import schema_for
from ihltag.validation import validate
from ihltag.yamlsafe import read_file

ROOT = Path(__file__).resolve().parent.parent
INCIDENTS = ROOT / "incidents"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "schema"
VALID = sorted((FIXTURES / "valid").glob("*.yaml"))
INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))


def validator(name: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(schema_for(name))


def schema_errors(name: str, data: Any) -> list[str]:
    return [e.message for e in validator(name).iter_errors(data)]


@pytest.mark.parametrize("name", ["incident", "actors", "conflicts"])
def test_schemas_are_valid_draft_07(name: str) -> None:
    schema = schema_for(name)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)


def test_every_incident_of_the_dataset_validates() -> None:
    files = list(incident_files(INCIDENTS))
    assert len(files) > 10
    check = validator("incident")
    failures = {p.name: [e.message for e in check.iter_errors(read_file(p).data)]
                for p in files}
    assert {k: v for k, v in failures.items() if v} == {}


@pytest.mark.parametrize("name", ["actors", "conflicts"])
def test_registries_validate(name: str) -> None:
    assert schema_errors(name, read_file(INCIDENTS / f"{name}.yaml").data) == []


def test_registry_schemas_reject_mistakes() -> None:
    assert schema_errors("actors", [{"id": "X", "name": "X", "kind": "gang"}])
    assert schema_errors("actors", {"id": "X"})
    assert schema_errors("conflicts", [{"id": "c1", "name": "C", "classification": "NIAC",
                                        "country": "MLI", "parties": [], "start": 2015}])
    assert schema_errors("conflicts", [{"id": "c1", "name": "C", "classification": "NIAC",
                                        "country": "MLI", "parties": ["A"], "start": 2015}]) == []


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixtures_pass_both(path: Path) -> None:
    doc = read_file(path)
    incident, diags = validate(doc, Incident)
    assert incident is not None, [d.plain() for d in diags]
    assert schema_errors("incident", doc.data) == []


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixtures_fail_both(path: Path) -> None:
    doc = read_file(path)
    incident, _ = validate(doc, Incident)
    assert incident is None, "ihltag itself must reject this fixture"
    assert schema_errors("incident", doc.data), "the schema accepted an invalid file"


def test_fixture_sets_are_not_empty() -> None:
    assert len(VALID) >= 5 and len(INVALID) >= 10


def test_vocabularies_are_enums_with_their_meanings() -> None:
    defs = schema_for("incident")["definitions"]
    act_type = defs["Act"]["properties"]["type"]
    assert act_type["enum"] == list(vocab.ACT_TYPES)
    assert act_type["enumDescriptions"] == list(vocab.ACT_TYPES.values())
    target = defs["Act"]["properties"]["target"]
    assert target["enumDescriptions"] == [vocab.TARGETS[v] for v in target["enum"]]
    kind = defs["Source"]["properties"]["kind"]["anyOf"][0]
    assert kind["enum"] == list(vocab.SOURCE_KINDS)
    assert kind["enumDescriptions"] == list(vocab.SOURCE_KINDS.values())
    actors = schema_for("actors")["definitions"]["Actor"]["properties"]["kind"]
    assert actors["enumDescriptions"] == list(vocab.ACTOR_KINDS.values())
    assert "description" in schema_for("incident")["properties"]["date"]


def test_cli_prints_and_writes_the_schema(cli, tmp_path: Path) -> None:
    code, out, _ = cli("schema")
    assert code == 0
    assert json.loads(out) == schema_for("incident")
    target = tmp_path / "conflicts.schema.json"
    code, out, _ = cli("schema", "conflicts", "-o", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text(encoding="utf-8")) == schema_for("conflicts")
    code, _, err = cli("schema", "incidents")
    assert code == 2 and "incident" in err


def test_unknown_name_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="known: incident, actors, conflicts"):
        schema_for("sources")
