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

BLOCKADE = """\
id: CIHL-955
title: Blockades of civilians
text: >
  A rule written for this test: cutting a civilian population off from movement, food,
  fuel or aid is flagged for review, never concluded.
icrc: https://example.org/a-rule-written-for-this-test
related: [CIHL-53]
applies_to: [IAC, NIAC]
max_status: possible
no_war_crime: a review flag for a test; it concludes nothing and names no crime
elements:
  - id: party
    description: committed by a party to the conflict, or forces supporting one, with a nexus to it
    when: {fact: party, is: true}
  - id: blockade
    description: a population was cut off from movement, food, fuel or aid
    when: {fact: act.type, eq: siege}
  - id: civilians
    description: the population cut off was civilian
    when: {fact: act.target, in: [civilians, idps]}
tests:
  - name: a town blockaded by an armed group
    incident:
      acts: [{type: siege, target: civilians}]
    expect: [possible]
  - name: a blockade of an army camp is not a blockade of civilians
    incident:
      acts: [{type: siege, target: fighters}]
    expect: [none]
"""


def sieges_of_civilians() -> set[tuple[str, int]]:
    """The dataset's sieges of civilians whose perpetrators may be a party: where the new
    rule must fire (read from the files, not from the engine)."""
    from ihltag.dataset import expand
    from ihltag.models import Incident
    from ihltag.registry import load_registry
    from ihltag.yamlsafe import read_file

    reg = load_registry(DATASET)
    out = set()
    for path in expand([DATASET], DATASET):
        incident = Incident.model_validate(read_file(path, str(path)).data)
        for i, act in enumerate(incident.acts):
            if (act.type, act.target in ("civilians", "idps")) == ("siege", True) \
                    and reg.act_nexus(incident, act, reg.nexus(incident)).party is not False:
                out.add((incident.id, i))
    assert out, "the dataset has no siege of civilians: this test needs one"
    return out


@pytest.fixture
def pack_with_new_rule(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    (folder / "CIHL-955.yaml").write_text(BLOCKADE, encoding="utf-8")
    return folder


def test_new_rule_findings_appear_in_check(pack_with_new_rule: Path, cli: CLI) -> None:
    code, out, err = cli("check", str(DATASET), "--rules", str(pack_with_new_rule),
                         "--format", "json", "--no-cache", "--jobs", "1")
    assert code == 0, err
    data = json.loads(out)
    found = {(i["id"], f["act"]): f for i in data["incidents"] for f in i["findings"]
             if f["rule"] == "CIHL-955"}
    assert set(found) == sieges_of_civilians()
    for f in found.values():
        assert f["status"] == "possible"
        assert f["title"] == "Blockades of civilians"
        assert f["war_crime"] is None and f["war_crimes"] == []
        assert [(e["id"], e["value"]) for e in f["elements"]][1:] == [
            ("blockade", "true"), ("civilians", "true")]
    # the rules already there are unaffected
    base_code, base_out, _ = cli("check", str(DATASET), "--format", "json", "--no-cache",
                                 "--jobs", "1")
    assert base_code == 0
    before = json.loads(base_out)["summary"]["findings"]
    assert data["summary"]["findings"] == {**before, "possible": before["possible"] + 1}


def test_new_rule_inline_tests_run(pack_with_new_rule: Path, cli: CLI) -> None:
    code, out, _ = cli("rules", "test", "CIHL-955", "--rules", str(pack_with_new_rule))
    assert (code, out.strip()) == (0, "2 passed, 0 failed")
    code, out, _ = cli("rules", "test", "--rules", str(pack_with_new_rule))
    _, base, _ = cli("rules", "test")
    n_base = int(base.split()[0])
    assert (code, out.strip().splitlines()[-1]) == (0, f"{n_base + 2} passed, 0 failed")


def test_new_rule_listed_shown_and_explained(pack_with_new_rule: Path, cli: CLI) -> None:
    code, out, _ = cli("rules", "list", "--rules", str(pack_with_new_rule))
    assert code == 0
    assert any(line.startswith("CIHL-955") and " possible " in line
               for line in out.splitlines())
    code, out, _ = cli("rules", "show", "blockades", "--rules", str(pack_with_new_rule))
    assert code == 0 and "ICRC: https://example.org/a-rule-written-for-this-test" in out
    assert "War crime: none — a review flag for a test" in out
    incident, act = sorted(sieges_of_civilians())[0]
    code, out, _ = cli("explain", incident, "--rule", "955", "--rules",
                       str(pack_with_new_rule), "--dataset", str(DATASET))
    assert code == 0
    assert "CIHL-955 Blockades of civilians: POSSIBLE" in out
    assert f"because acts[{act}].type = siege" in out


def test_a_failing_inline_test_fails_the_command(pack_with_new_rule: Path, cli: CLI) -> None:
    path = pack_with_new_rule / "CIHL-955.yaml"
    path.write_text(path.read_text().replace("expect: [none]", "expect: [violation]"))
    code, out, _ = cli("rules", "test", "CIHL-955", "--rules", str(pack_with_new_rule))
    assert code == 1
    assert ("FAIL CIHL-955 a blockade of an army camp is not a blockade of civilians: "
            "expected ['violation'], got ['none']") in out


def test_a_related_rule_does_not_hide_a_rule_s_own_number(pack_with_new_rule: Path) -> None:
    """CIHL-955 lists CIHL-53 as related; `53` still names Rule 53 where the pack has it,
    and the new rule where it does not."""
    from ihltag.rules import load_pack

    pack = load_pack(pack_with_new_rule)
    found = {name: getattr(pack.find(name), "id", None) for name in ("955", "cihl955", "53")}
    assert found == {"955": "CIHL-955", "cihl955": "CIHL-955",
                     "53": "CIHL-53" if "CIHL-53" in pack.by_id else "CIHL-955"}
