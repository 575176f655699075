"""``--format sarif``: valid SARIF 2.1.0 with the shape code-scanning services rely on."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

HERE = Path(__file__).resolve().parent
SCHEMA = json.loads((HERE.parent / "fixtures" / "sarif" / "sarif-schema-2.1.0.json")
                    .read_text(encoding="utf-8"))
DATASET = HERE.parents[1] / "incidents"
RAID = "data/2025/mli-2025-01-01-raid.yaml"


def validate(log: dict[str, Any]) -> None:
    jsonschema.Draft4Validator(SCHEMA).validate(log)


def sarif(cli, *args: str) -> tuple[int, dict[str, Any]]:  # type: ignore[no-untyped-def]
    code, out, err = cli("check", "--no-cache", "--format", "sarif", *args)
    assert code in (0, 1), err
    return code, json.loads(out)


def brief(result: dict[str, Any]) -> tuple[str, str, str, int, int]:
    loc = result["locations"][0]["physicalLocation"]
    return (result["ruleId"], result["level"], loc["artifactLocation"]["uri"],
            loc["region"]["startLine"], loc["region"]["startColumn"])


def test_schema_is_the_official_one() -> None:
    assert SCHEMA["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    jsonschema.Draft4Validator.check_schema(SCHEMA)


def test_fixture_log_validates_and_has_the_exact_shape(cli, ci_repo: Path, ci_rules: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ci_repo / "data")
    code, log = sarif(cli, "--rules", str(ci_rules), ".")
    assert code == 1
    validate(log)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    assert run["automationDetails"]["id"] == "ihltag/check/"
    driver = run["tool"]["driver"]
    assert driver["name"] == "ihltag"
    ids = [r["id"] for r in driver["rules"]]
    assert ids == ["CIHL-52", "CIHL-89", "ihltag/unknown-value", "ihltag/advice-targeting"]
    pillage = driver["rules"][0]
    assert pillage["name"] == "Pillage"
    assert pillage["shortDescription"] == {"text": "Pillage"}
    assert pillage["fullDescription"] == {"text": "Pillage is forbidden."}
    assert pillage["helpUri"] == "https://ihl-databases.icrc.org/en/customary-ihl/v1/rule52"
    md = pillage["help"]["markdown"]
    assert "Pillage is forbidden." in md
    assert "[Rule 52](https://ihl-databases.icrc.org/en/customary-ihl/v1/rule52)" in md
    assert ("- On a violation that no presumption decided, may amount to a war crime under: "
            "Rome Statute art. 8(2)(e)(v)") in md
    assert "- `civilian_property`: the property was civilian" in md
    assert "Related rules: CIHL-87" in driver["rules"][1]["help"]["markdown"]
    assert driver["rules"][2]["defaultConfiguration"] == {"level": "error"}

    assert [brief(r) for r in run["results"]] == [
        ("ihltag/unknown-value", "error", "data/2025/mli-2025-01-03-bad.yaml", 9, 11),
        ("ihltag/advice-targeting", "warning", RAID, 11, 11),
        ("CIHL-52", "warning", RAID, 9, 5),
        ("CIHL-52", "note", "data/2025/mli-2025-01-02-theft.yaml", 9, 5),
    ]
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"]
        assert result["partialFingerprints"]
    assert run["results"][0]["message"]["text"] == (
        "acts[0].type: unknown act type 'lootting'; did you mean 'looting'?")
    assert run["results"][2]["properties"]["incident"] == "mli-2025-01-01-raid"


def test_fingerprints_survive_moved_lines(cli, ci_repo: Path, ci_rules: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ci_repo)
    _, before = sarif(cli, "--rules", str(ci_rules), "data")
    raid = ci_repo / RAID
    raid.write_text("# a comment\n# and another\n" + raid.read_text(encoding="utf-8"),
                    encoding="utf-8")
    _, after = sarif(cli, "--rules", str(ci_rules), "data")

    def findings(log: dict[str, Any]) -> dict[str, tuple[int, str]]:
        return {r["partialFingerprints"]["ihltagFinding/v1"]:
                (r["locations"][0]["physicalLocation"]["region"]["startLine"],
                 r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
                for r in log["runs"][0]["results"] if r["ruleId"].startswith("CIHL-")}

    old, new = findings(before), findings(after)
    assert old.keys() == new.keys() and len(old) == 2
    moved = [fp for fp in old if old[fp][1] == RAID]
    assert [new[fp][0] for fp in moved] == [old[fp][0] + 2 for fp in moved]


def test_uri_relative_to_the_folder_outside_git(cli, mini_dataset: Path, ci_rules: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from ihltag.gitdiff import toplevel

    if toplevel(mini_dataset) is not None:
        pytest.skip("the temporary folder is inside a git work tree")
    (mini_dataset / "sub folder").mkdir()
    src = HERE.parent.parent / "incidents" / "2024" / "mli-2024-06-central-mali.yaml"
    shutil.copy(src, mini_dataset / "sub folder" / src.name)
    monkeypatch.chdir(mini_dataset.parent)
    _, log = sarif(cli, "--rules", str(ci_rules), "data")
    validate(log)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"]}
    assert uris == {"data/sub%20folder/mli-2024-06-central-mali.yaml"}


def test_quiet_has_only_errors(cli, ci_repo: Path, ci_rules: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ci_repo)
    _, log = sarif(cli, "--rules", str(ci_rules), "-q", "data")
    validate(log)
    assert [r["level"] for r in log["runs"][0]["results"]] == ["error"]


def test_real_dataset_validates(cli) -> None:
    _, log = sarif(cli, str(DATASET))
    validate(log)
    run = log["runs"][0]
    assert run["results"], "the real dataset has findings"
    rule_ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in run["results"]} <= rule_ids
    for rule in run["tool"]["driver"]["rules"]:
        if rule["id"].startswith("CIHL-"):
            assert rule["helpUri"].startswith("https://")
            assert rule["fullDescription"]["text"] in rule["help"]["markdown"]


def test_the_validator_rejects_a_broken_log(cli, ci_repo: Path, ci_rules: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ci_repo)
    _, log = sarif(cli, "--rules", str(ci_rules), "data")
    broken = copy.deepcopy(log)
    broken["runs"][0]["results"][0]["level"] = "violation"
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)
    broken = copy.deepcopy(log)
    broken["runs"][0]["runAutomationDetails"] = {"id": "x"}
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)
