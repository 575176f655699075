"""Rule pack v2 in every output: JSON shape version 2, war-crime provisions only on
violations that no presumption decided (JSON, SARIF, GitHub, text, report, explain),
presumptions shown with their basis, one grouped review line per act for ``possible``
findings, ``--no-presumptions`` (and its cache key), per-act perpetrators and the law in
force on an incident's date.

A small pack written here exercises what the shipped pack may not (yet) hold: a
presumption with its basis and a provision with its own condition."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _paths import DATASET, FIXTURES, RULES

Cli = Callable[..., tuple[int, str, str]]

BASIS = ("Rule 10: in case of doubt, an object normally dedicated to civilian purposes is "
         "presumed not to be used for military action.")

OBJECTS = f"""\
id: CIHL-7
title: Distinction between civilian objects and military objectives
text: Attacks may be directed only against military objectives.
icrc: https://ihl-databases.icrc.org/en/customary-ihl/v1/rule7
war_crimes:
  - provision: Rome Statute art. 8(2)(e)(iv)
    when: {{fact: act.target, in: [school, place_of_worship]}}
elements:
  - id: party
    description: committed by a party to the conflict
    when: {{fact: party, is: true}}
  - id: attack
    description: the act was an attack
    when: {{fact: act.type, eq: attack}}
  - id: directed
    description: the attack was directed at the object
    when: {{fact: act.targeting, eq: directed}}
  - id: no_military_use
    description: the object was not used for military action
    when:
      fact: act.military_use
      is: false
      if_omitted:
        value: true   # the leaf's value: an omitted military_use counts as "not used"
        kind: presumption
        basis: "{BASIS}"
        unless: {{fact: act.military_objective_present, is: true}}
"""

INDISCRIMINATE = """\
id: CIHL-11
title: Indiscriminate attacks
text: Indiscriminate attacks are prohibited.
icrc: https://ihl-databases.icrc.org/en/customary-ihl/v1/rule11
no_war_crime: not in this test pack
elements:
  - id: party
    description: committed by a party to the conflict
    when: {fact: party, is: true}
  - id: attack
    description: the act was an attack
    when: {fact: act.type, eq: attack}
  - id: indiscriminate
    description: the attack was not aimed at a military objective
    when: {fact: act.targeting, eq: indiscriminate}
"""

MURDER = """\
id: CIHL-89
title: Murder
text: Murder is prohibited.
icrc: https://ihl-databases.icrc.org/en/customary-ihl/v1/rule89
war_crimes:
  - provision: Rome Statute art. 8(2)(c)(i)
elements:
  - id: party
    description: committed by a party to the conflict
    when: {fact: party, is: true}
  - id: killing
    description: persons in the perpetrators' power were killed
    when: {fact: act.type, eq: killing}
  - id: custody
    description: the persons were in the perpetrators' custody
    when: {fact: act.in_custody, is: true}
"""


def _incident(name: str, acts: str, perpetrators: str = "  - {actor: FAMa, attribution: "
              "alleged}\n", date: str = "2025-01-10") -> str:
    return (f"id: {name}\ntitle: A test incident\ndate: {date}\nlocation: {{country: MLI, "
            f"admin1: Mopti}}\nperpetrators:\n{perpetrators}acts:\n{acts}sources:\n"
            "  - {publisher: Test, title: A test source}\nsummary: A test incident.\n")


INCIDENTS = {
    # a school attacked, its military use not recorded: a presumed violation, no provision
    "mli-presumed": _incident("mli-presumed", "  - {type: attack, target: school, "
                              "targeting: directed}\n"),
    # the same with the record saying no military use: a violation with its provision
    "mli-recorded": _incident("mli-recorded", "  - {type: attack, target: school, "
                              "targeting: directed, military_use: false}\n"),
    # homes: a violation whose provision's condition does not hold
    "mli-homes": _incident("mli-homes", "  - {type: attack, target: dwellings, "
                           "targeting: directed, military_use: false}\n"),
    # targeting not recorded: two possible findings on one act, one review line
    "mli-unknown": _incident("mli-unknown", "  - {type: attack, target: dwellings, "
                             "military_use: false}\n"),
    # the incident's perpetrators unknown; the killing's own are the army's
    "mli-act-perpetrators": _incident(
        "mli-act-perpetrators",
        "  - type: killing\n    target: civilians\n    in_custody: true\n"
        "    perpetrators: [{actor: Wagner, attribution: alleged}]\n"
        "  - {type: killing, target: civilians, in_custody: true}\n",
        perpetrators="  - {actor: unidentified, attribution: suspected}\n"),
}


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "_sets.yaml").write_text("sets: {}\n", encoding="utf-8")
    for name, text in (("CIHL-7", OBJECTS), ("CIHL-11", INDISCRIMINATE), ("CIHL-89", MURDER)):
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def data(mini_dataset: Path) -> Path:
    for name, text in INCIDENTS.items():
        (mini_dataset / f"{name}.yaml").write_text(text, encoding="utf-8")
    return mini_dataset


def _json(cli: Cli, *args: str) -> dict[str, Any]:
    code, out, err = cli("check", "--no-cache", "-f", "json", *args)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def _findings(doc: dict[str, Any]) -> dict[tuple[str, str, int], dict[str, Any]]:
    return {(i["id"], f["rule"], f["act"]): f for i in doc["incidents"] for f in i["findings"]}


# --- JSON shape version 2 -------------------------------------------------------------------


def test_json_shape_version_2(cli: Cli, data: Path, pack: Path) -> None:
    doc = _json(cli, "--rules", str(pack), str(data))
    assert doc["version"] == 2
    found = _findings(doc)
    for f in found.values():
        assert {"war_crimes", "presumed", "decide", "war_crime"} <= set(f)
        assert isinstance(f["presumed"], bool) and isinstance(f["decide"], list)
    recorded = found[("mli-recorded", "CIHL-7", 0)]
    assert recorded["status"] == "violation" and recorded["presumed"] is False
    assert recorded["war_crimes"] == [{
        "provision": "Rome Statute art. 8(2)(e)(iv)",
        "text": "may amount to a war crime under Rome Statute art. 8(2)(e)(iv)"}]
    assert recorded["war_crime"] == recorded["war_crimes"][0]["text"]
    assert recorded["decide"] == []
    # the provision's own condition: homes are not on its list
    homes = found[("mli-homes", "CIHL-7", 0)]
    assert homes["status"] == "violation" and homes["war_crimes"] == []
    assert homes["war_crime"] is None
    # a presumption decided it: marked, with its basis on the element, and no provision
    presumed = found[("mli-presumed", "CIHL-7", 0)]
    assert presumed["status"] == "violation" and presumed["presumed"] is True
    assert presumed["war_crimes"] == [] and presumed["war_crime"] is None
    element = next(e for e in presumed["elements"] if e["id"] == "no_military_use")
    assert element["default"] == "presumption" and element["basis"] == BASIS
    assert all("default" not in e for e in recorded["elements"])
    # possible: what would decide it, and never a provision
    for rule in ("CIHL-7", "CIHL-11"):
        possible = found[("mli-unknown", rule, 0)]
        assert possible["status"] == "possible"
        assert possible["war_crimes"] == [] and possible["war_crime"] is None
        assert possible["decide"] == ["targeting"]


# --- grouped review lines -------------------------------------------------------------------


def test_text_prints_one_line_per_act_for_its_possible_findings(cli: Cli, data: Path,
                                                                pack: Path) -> None:
    code, out, _ = cli("check", "--no-cache", "--rules", str(pack), "-f", "text", str(data))
    assert code == 0
    lines = [line for line in out.splitlines() if "mli-unknown" in line and "warning[" not in line]
    assert len(lines) == 1
    assert lines[0].endswith(": possible: CIHL-7, CIHL-11 on acts[0] — to decide, record: "
                             "targeting")
    assert re.match(r".*mli-unknown\.yaml:\d+:\d+: possible", lines[0])
    # violations keep a line each; the presumed one says so, with its basis
    presumed = [line for line in out.splitlines() if "mli-presumed" in line]
    assert len(presumed) == 1
    assert "violation[CIHL-7]" in presumed[0] and f"presumed ({BASIS})" in presumed[0]
    assert "war crime" not in presumed[0]
    recorded = next(line for line in out.splitlines() if "mli-recorded" in line)
    assert recorded.endswith("; may amount to a war crime under Rome Statute art. 8(2)(e)(iv)")


def test_github_gives_one_notice_per_act_for_its_possible_findings(cli: Cli, data: Path,
                                                                   pack: Path) -> None:
    code, out, _ = cli("check", "--no-cache", "--rules", str(pack), "-f", "github", str(data))
    assert code == 0
    notices = [line for line in out.splitlines() if "mli-unknown" in line
               and line.startswith("::notice")]
    assert len(notices) == 1
    # ',' in a title is escaped, as a property value must be
    assert "title=possible CIHL-7%2C CIHL-11 (for review)::possible: CIHL-7, CIHL-11 on " \
        "acts[0] — to decide, record: targeting. In mli-unknown, by FAMa (alleged). " \
        "Details: ihltag explain mli-unknown" in notices[0]
    presumed = next(line for line in out.splitlines() if "mli-presumed" in line)
    assert f"Presumed ({BASIS})." in presumed and "war crime" not in presumed
    recorded = next(line for line in out.splitlines() if "mli-recorded" in line)
    assert "May amount to a war crime under Rome Statute art. 8(2)(e)(iv)." in recorded


def test_sarif_keeps_one_result_per_rule_and_marks_presumptions(cli: Cli, data: Path,
                                                                pack: Path) -> None:
    code, out, _ = cli("check", "--no-cache", "--rules", str(pack), "-f", "sarif", str(data))
    assert code == 0
    results = json.loads(out)["runs"][0]["results"]
    unknown = [r for r in results if r.get("properties", {}).get("incident") == "mli-unknown"]
    assert sorted(r["ruleId"] for r in unknown) == ["CIHL-11", "CIHL-7"]
    assert all(r["properties"]["decide"] == ["targeting"] for r in unknown)
    presumed = next(r for r in results
                    if r.get("properties", {}).get("incident") == "mli-presumed")
    assert presumed["properties"]["presumed"] is True
    assert presumed["properties"]["war_crimes"] == [] and presumed["properties"]["war_crime"] is None
    assert f"Presumed ({BASIS})." in presumed["message"]["text"]


def test_explain_lists_what_would_decide_and_each_default_with_its_basis(
        cli: Cli, data: Path, pack: Path) -> None:
    code, out, _ = cli("explain", "mli-unknown", "--dataset", str(data), "--rules", str(pack))
    assert code == 0
    assert "  possible: CIHL-7, CIHL-11 on acts[0] — to decide, record: targeting" in out
    assert "    to decide, record: targeting" in out
    code, out, _ = cli("explain", "mli-presumed", "--dataset", str(data), "--rules", str(pack))
    assert code == 0
    assert "CIHL-7 Distinction between civilian objects and military objectives: VIOLATION " \
        "(presumed)" in out
    assert f"      decided by a declared default (presumption): {BASIS}" in out
    assert "war crime" not in out
    code, out, _ = cli("explain", "mli-presumed", "--dataset", str(data), "--rules", str(pack),
                       "--no-presumptions")
    assert code == 0
    assert "presumptions: off" in out and "VIOLATION" not in out and ": POSSIBLE" in out


# --- --no-presumptions ----------------------------------------------------------------------


def test_no_presumptions_changes_exactly_the_presumed_findings(cli: Cli, data: Path,
                                                               pack: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    usual = _findings(_json(cli, "--rules", str(pack), str(data)))
    strict = _findings(_json(cli, "--rules", str(pack), "--no-presumptions", str(data)))
    changed = {k for k in usual if usual[k]["status"] != strict.get(k, {}).get("status")}
    assert changed == {k for k, f in usual.items() if f["presumed"]} == {
        ("mli-presumed", "CIHL-7", 0)}
    assert strict[("mli-presumed", "CIHL-7", 0)]["status"] == "possible"
    assert "military_use" in strict[("mli-presumed", "CIHL-7", 0)]["decide"]
    # the project setting gives the same strict reading, and the option overrides it
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.ihltag]\npresumptions = false\n", "utf-8")
    monkeypatch.chdir(project)
    assert _findings(_json(cli, "--rules", str(pack), str(data))) == strict
    assert _findings(_json(cli, "--rules", str(pack), "--presumptions", str(data))) == usual


def test_the_cache_keeps_the_two_readings_apart(cli: Cli, data: Path, pack: Path) -> None:
    def cached(*args: str) -> str:
        code, out, err = cli("check", "--rules", str(pack), "-f", "json", *args, str(data))
        assert code == 0, err
        return next(f["status"] for i in json.loads(out)["incidents"] if i["id"] ==
                    "mli-presumed" for f in i["findings"])

    assert cached() == "violation"
    assert cached("--no-presumptions") == "possible"  # not the cached usual reading
    assert cached() == "violation"


# --- per-act perpetrators -------------------------------------------------------------------


def test_an_acts_own_perpetrators_decide_its_party_element_and_actors(
        cli: Cli, data: Path, pack: Path) -> None:
    found = _findings(_json(cli, "--rules", str(pack), str(data)))
    own = found[("mli-act-perpetrators", "CIHL-89", 0)]
    assert own["status"] == "violation"
    assert [(a["actor"], a["attribution"]) for a in own["actors"]] == [("Wagner", "alleged")]
    party = next(e for e in own["elements"] if e["id"] == "party")
    assert party["value"] == "true" and "Wagner" in party["because"]
    # the act without its own perpetrators has the incident's: unidentified, party unknown
    other = found[("mli-act-perpetrators", "CIHL-89", 1)]
    assert other["status"] == "possible"
    assert [a["actor"] for a in other["actors"]] == ["unidentified"]


def test_report_actor_selects_by_the_acts_own_perpetrators(cli: Cli, data: Path,
                                                           pack: Path) -> None:
    code, out, err = cli("report", str(data), "--rules", str(pack), "-f", "json",
                         "--actor", "Wagner")
    assert code == 0, err
    doc = json.loads(out)
    chosen = [(inc["id"], f["act"]["index"]) for inc in doc["incidents"] + doc["aggregates"]
              for f in inc["findings"]]
    assert chosen == [("mli-act-perpetrators", 0)]


# --- no provision beside a possible finding, in any output ----------------------------------

WAR = re.compile(r"war crime|Rome Statute|Rule 156|8\(2\)", re.IGNORECASE)


def _no_provision_on_possible(cli: Cli, target: Path, rules: Path) -> int:
    """Check every output over a dataset; return how many violations carry a provision
    (so that the caller can assert the check could have failed)."""
    base = ("--no-cache", "--rules", str(rules), str(target))
    doc = _json(cli, "--rules", str(rules), str(target))
    carried = 0
    for inc in doc["incidents"]:
        for f in inc["findings"]:
            if f["status"] == "possible":
                assert f["war_crimes"] == [] and f["war_crime"] is None, (inc["id"], f["rule"])
            carried += bool(f["war_crimes"])
    _, out, _ = cli("check", "-f", "sarif", *base)
    for r in json.loads(out)["runs"][0]["results"]:
        if r.get("properties", {}).get("status") == "possible":
            assert not WAR.search(r["message"]["text"]), r["message"]["text"]
            assert r["properties"]["war_crimes"] == [] and r["properties"]["war_crime"] is None
    _, out, _ = cli("check", "-f", "github", *base)
    for line in out.splitlines():
        if "title=possible" in line:
            assert not WAR.search(line), line
    _, out, _ = cli("check", "-f", "text", *base)
    for line in out.splitlines():
        if ": possible" in line:
            assert not WAR.search(line), line
    _no_provision_on_possible_in_reports(cli, target, rules)
    return carried


def _no_provision_on_possible_in_reports(cli: Cli, target: Path, rules: Path) -> None:
    """Every report format, both layouts: a possible finding is never shown beside a
    provision (issue 14 item 4)."""
    base = ("report", "--rules", str(rules), str(target), "--include-aggregates")
    code, out, err = cli(*base, "-f", "json")
    assert code == 0, err
    report = json.loads(out)
    for r in report["rules"]:
        assert "war_crime" not in r  # no rule-level list beside possible findings
    for inc in report["incidents"] + report["aggregates"]:
        for f in inc["findings"]:
            if f["status"] == "possible":
                assert f["war_crimes"] == [] and f["provisions"] == []
                assert not WAR.search(f["headline"])
    for layout in ("incidents", "rules"):
        code, out, _ = cli(*base, "-f", "markdown", "--layout", layout)
        blocks = out.split("\n- **")  # a finding is a list item and its sub-items
        assert any("possible violation" in b for b in blocks)
        for block in blocks:
            item = block.split("\n\n")[0]
            if "**possible violation" in item.split("\n")[0]:
                assert not WAR.search(item), item
            assert "against humanity" not in item.lower(), item
        code, out, _ = cli(*base, "-f", "html", "--layout", layout)
        for block in out.split('<div class="finding ')[1:]:
            if block.startswith('possible"'):
                assert not WAR.search(block.split("</dl>")[0]), block
        code, out, _ = cli(*base, "-f", "terminal", "--layout", layout)
        for panel in out.split("╭")[1:]:
            if "possible violation — attributed" in panel.split("╰")[0]:
                assert not WAR.search(panel.split("╰")[0].replace("\n", " ")), panel
    code, out, _ = cli(*base, "-f", "csv")
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO("\n".join(
        line for line in out.lstrip("\ufeff").splitlines() if not line.startswith("#")))))
    assert rows
    for row in rows:
        if row["status"] == "possible":
            assert row["war_crime"] == "" and not WAR.search(row["finding"]), row


def test_no_possible_finding_carries_a_provision_in_the_shipped_dataset(cli: Cli) -> None:
    assert _no_provision_on_possible(cli, DATASET, RULES) > 0


def test_no_possible_finding_carries_a_provision_in_the_report_fixture(cli: Cli) -> None:
    root = FIXTURES / "report"
    assert _no_provision_on_possible(cli, root / "data", root / "rules") > 0


def test_no_possible_finding_carries_a_provision_in_this_pack(cli: Cli, data: Path,
                                                              pack: Path) -> None:
    # mli-recorded and the Wagner killing; not the presumed violation, not mli-homes
    assert _no_provision_on_possible(cli, data, pack) == 2


# --- the law in force on the incident's date ------------------------------------------------


@pytest.mark.parametrize(("date", "ap_ii"), [("2024-07", False), ("2025-05-31", False),
                                              ("2025-06", True), ("2025-09-02", True)])
def test_report_and_explain_give_only_the_law_in_force(cli: Cli, mini_dataset: Path,
                                                       date: str, ap_ii: bool) -> None:
    (mini_dataset / "mli-issp.yaml").write_text(_incident(
        "mli-issp", "  - {type: killing, target: civilians, in_custody: true}\n",
        perpetrators="  - {actor: ISSP, attribution: alleged}\n", date=date), encoding="utf-8")
    code, out, err = cli("report", str(mini_dataset), "-f", "json")
    assert code == 0, err
    entry = json.loads(out)["incidents"][0]
    assert entry["conflicts"] == ["mli-issp"]
    assert ("Additional Protocol II" in entry["law"]) is ap_ii
    assert "Common Article 3 of the Geneva Conventions" in entry["law"]
    code, out, _ = cli("report", str(mini_dataset), "-f", "markdown")
    law = next(line for line in out.splitlines() if line.startswith("**Law in force"))
    assert ("Additional Protocol II" in law) is ap_ii
    code, out, _ = cli("explain", "mli-issp", "--dataset", str(mini_dataset))
    law = next(line for line in out.splitlines() if line.startswith("law in force on"))
    assert ("additional_protocol_ii" in law) is ap_ii


def test_the_conflicts_section_shows_when_dated_law_applies(cli: Cli, mini_dataset: Path
                                                            ) -> None:
    shutil.copy(FIXTURES / "schema" / "valid" / "revision-2-fields.yaml",
                mini_dataset / "revision-2-fields.yaml")
    (mini_dataset / "mli-issp.yaml").write_text(_incident(
        "mli-issp", "  - {type: killing, target: civilians, in_custody: true}\n",
        perpetrators="  - {actor: ISSP, attribution: alleged}\n"), encoding="utf-8")
    code, out, err = cli("report", str(mini_dataset), "-f", "markdown")
    assert code == 0, err
    assert "Additional Protocol II (from 2025-06)" in out


def test_no_presumptions_changes_exactly_the_presumed_findings_of_the_dataset(cli: Cli
                                                                              ) -> None:
    usual = _findings(_json(cli, str(DATASET)))
    strict = _findings(_json(cli, "--no-presumptions", str(DATASET)))
    presumed = {k for k, f in usual.items() if f["presumed"]}
    changed = {k for k in set(usual) | set(strict)
               if usual.get(k, {}).get("status") != strict.get(k, {}).get("status")}
    assert changed == presumed
    assert not any(f["presumed"] for f in strict.values())
    for k in presumed:  # the strict reading never makes a presumed finding more severe
        assert usual[k]["status"] == "violation" and strict.get(k, {}).get("status") in (
            None, "possible")


def test_the_report_marks_a_presumed_violation_with_its_basis(cli: Cli, data: Path,
                                                              pack: Path) -> None:
    code, out, err = cli("report", str(data), "--rules", str(pack), "-f", "markdown")
    assert code == 0, err
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if "(`mli-presumed`)" in line)
    block = lines[head:head + 12]
    finding = next(line for line in block if line.startswith("- **CIHL-"))
    assert "(act 1: attack — a school): **violation — attributed to" in finding
    assert f"  - presumed a civilian object, Rule 10: {BASIS}" in block
    assert not any(WAR.search(line) for line in block)
