"""Adding a rule is adding a YAML file: no Python. A copy of the real pack plus one new
file is given to ``--rules``; ``check``, ``rules test``, ``rules list`` and ``explain``
all see the new rule and its findings on the real dataset."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from _paths import DATASET, RULES

CLI = Callable[..., tuple[int, str, str]]

STARVATION = """\
id: CIHL-53
title: Starvation as a method of warfare
text: >
  The use of starvation of the civilian population as a method of warfare is prohibited.
  Cutting a population off from food, fuel or aid can be starvation when that is its aim;
  the aim is seldom on record, so a blockade is flagged for review, never concluded.
icrc: https://ihl-databases.icrc.org/en/customary-ihl/v1/rule53
related: [CIHL-54]
applies_to: [IAC, NIAC]
max_status: possible
war_crime: Rome Statute art. 8(2)(e)(xix)
elements:
  - id: party
    description: committed by a party to the conflict, or forces supporting one, with a nexus to it
    when: {fact: party, is: true}
  - id: blockade
    description: a population was cut off from movement, food, fuel or aid
    when: {fact: act.type, eq: siege}
  - id: civilians
    description: the population cut off was civilian
    when: {fact: act.target, in: civilian_persons}
tests:
  - name: a town blockaded by an armed group
    incident:
      acts: [{type: siege, target: civilians}]
    expect: [possible]
  - name: a blockade of an army camp is not starvation of civilians
    incident:
      acts: [{type: siege, target: fighters}]
    expect: [none]
"""


@pytest.fixture
def pack_with_new_rule(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    (folder / "CIHL-53.yaml").write_text(STARVATION, encoding="utf-8")
    return folder


def test_new_rule_findings_appear_in_check(pack_with_new_rule: Path, cli: CLI) -> None:
    code, out, err = cli("check", str(DATASET), "--rules", str(pack_with_new_rule),
                         "--format", "json", "--no-cache", "--jobs", "1")
    assert code == 0, err
    data = json.loads(out)
    found = {(i["id"], f["act"]): f for i in data["incidents"] for f in i["findings"]
             if f["rule"] == "CIHL-53"}
    assert set(found) == {("mli-2025-09-03-kayes-nioro", 0)}
    f = found[("mli-2025-09-03-kayes-nioro", 0)]
    assert f["status"] == "possible"
    assert f["title"] == "Starvation as a method of warfare"
    assert f["war_crime"] == "Rome Statute art. 8(2)(e)(xix)"
    assert [(e["id"], e["value"]) for e in f["elements"]] == [
        ("party", "true"), ("blockade", "true"), ("civilians", "true")]
    # the rules already there are unaffected
    base_code, base_out, _ = cli("check", str(DATASET), "--format", "json", "--no-cache",
                                 "--jobs", "1")
    assert base_code == 0
    before = json.loads(base_out)["summary"]["findings"]
    assert data["summary"]["findings"] == {**before, "possible": before["possible"] + 1}


def test_new_rule_inline_tests_run(pack_with_new_rule: Path, cli: CLI) -> None:
    code, out, _ = cli("rules", "test", "CIHL-53", "--rules", str(pack_with_new_rule))
    assert (code, out.strip()) == (0, "2 passed, 0 failed")
    code, out, _ = cli("rules", "test", "--rules", str(pack_with_new_rule))
    _, base, _ = cli("rules", "test")
    n_base = int(base.split()[0])
    assert (code, out.strip().splitlines()[-1]) == (0, f"{n_base + 2} passed, 0 failed")


def test_new_rule_listed_shown_and_explained(pack_with_new_rule: Path, cli: CLI) -> None:
    code, out, _ = cli("rules", "list", "--rules", str(pack_with_new_rule))
    assert code == 0
    assert any(line.startswith("CIHL-53") and " possible " in line and "8(2)(e)(xix)" in line
               for line in out.splitlines())
    code, out, _ = cli("rules", "show", "starvation", "--rules", str(pack_with_new_rule))
    assert code == 0 and "ICRC: https://ihl-databases.icrc.org/en/customary-ihl/v1/rule53" in out
    code, out, _ = cli("explain", "mli-2025-09-03-kayes-nioro", "--rule", "53", "--rules",
                       str(pack_with_new_rule), "--dataset", str(DATASET))
    assert code == 0
    assert "CIHL-53 Starvation as a method of warfare: POSSIBLE" in out
    assert "because acts[0].type = siege" in out


def test_a_failing_inline_test_fails_the_command(pack_with_new_rule: Path, cli: CLI) -> None:
    path = pack_with_new_rule / "CIHL-53.yaml"
    path.write_text(path.read_text().replace("expect: [none]", "expect: [violation]"))
    code, out, _ = cli("rules", "test", "CIHL-53", "--rules", str(pack_with_new_rule))
    assert code == 1
    assert ("FAIL CIHL-53 a blockade of an army camp is not starvation of civilians: "
            "expected ['violation'], got ['none']") in out


def test_a_related_rule_does_not_hide_a_rule_s_own_number(pack_with_new_rule: Path) -> None:
    """CIHL-53 lists CIHL-54 as related and sorts first; `54` still names Rule 54."""
    from ihltag.rules import load_pack

    pack = load_pack(pack_with_new_rule)
    found = {name: getattr(pack.find(name), "id", None) for name in ("53", "54", "cihl54")}
    assert found == {"53": "CIHL-53", "54": "CIHL-54", "cihl54": "CIHL-54"}
