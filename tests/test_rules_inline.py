"""Every rule's inline tests, one pytest case each, and the standard each rule file must
meet: the cases it must cover (violation, possible, none by a false element, one per
exception) and its citations (ICRC link, war-crime provision or why there is none).

Coverage is checked by what the engine actually does with each test incident, not by the
labels the author wrote: a `none` case counts as "an element is false" only if an
element evaluates false, and an exception counts as tested only if a case shows it true
and defeating a rule whose elements do not already fail.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest
from _paths import RULES

from ihltag.engine import Engine, Finding
from ihltag.models import Incident
from ihltag.registry import registry_from_data
from ihltag.rules import Rule, RulePack, load_pack
from ihltag.ruletests import TestResult, run_tests


@cache
def pack() -> RulePack:
    return load_pack(RULES)


@cache
def results() -> dict[tuple[str, int], TestResult]:
    out: dict[tuple[str, int], TestResult] = {}
    for rule in pack().rules:
        for i, result in enumerate(run_tests(pack(), [rule])):
            out[(rule.id, i)] = result
    return out


def _cases() -> list[Any]:
    return [pytest.param(rule.id, i, id=f"{rule.id}::{case.name}")
            for rule in pack().rules for i, case in enumerate(rule.tests)]


@pytest.mark.parametrize(("rule_id", "index"), _cases())
def test_inline(rule_id: str, index: int) -> None:
    result = results()[(rule_id, index)]
    assert result.ok, f"{result.rule} {result.name}: {result.message}"


def test_every_inline_test_is_run() -> None:
    assert len(results()) == sum(len(r.tests) for r in pack().rules) > 0


def _evaluated(rule: Rule) -> list[tuple[str, list[Finding]]]:
    """Each inline test's incident evaluated with every element and exception shown."""
    world = pack().test_world
    engine = Engine(pack(), registry_from_data(world["actors"], world["conflicts"]))
    out = []
    for case in rule.tests:
        incident = Incident.model_validate({**world["base"], **case.incident})
        out.append((case.name, engine.evaluate(incident, everything=True, rule_ids={rule.id})))
    return out


def _rules() -> list[Any]:
    return [pytest.param(r, id=r.id) for r in pack().rules]


@pytest.mark.parametrize("rule", _rules())
def test_rule_covers_each_status(rule: Rule) -> None:
    statuses = {f.status for _, fs in _evaluated(rule) for f in fs}
    if rule.max_status == "violation":
        assert "violation" in statuses, f"{rule.id} has no test reaching violation"
    assert "possible" in statuses, f"{rule.id} has no possible test"
    false_element = [
        name for name, fs in _evaluated(rule) for f in fs
        if f.status is None and any(e.value == "false" for e in f.elements)]
    assert false_element, f"{rule.id} has no test with no finding because an element is false"


@pytest.mark.parametrize("rule", _rules())
def test_rule_tests_each_exception(rule: Rule) -> None:
    defeated: set[str] = set()
    for _, fs in _evaluated(rule):
        for f in fs:
            if f.status is None and not any(e.value == "false" for e in f.elements):
                defeated |= {x.id for x in f.exceptions if x.value == "true"}
    missing = [x.id for x in rule.exceptions if x.id not in defeated]
    assert not missing, f"{rule.id}: no test shows exception(s) {missing} defeating the rule"


@pytest.mark.parametrize("rule", _rules())
def test_rule_citations(rule: Rule) -> None:
    assert re.fullmatch(rf"https://ihl-databases\.icrc\.org/en/customary-ihl/v1/rule{rule.number}",
                        rule.icrc), rule.icrc
    assert bool(rule.war_crimes) != bool(rule.no_war_crime), (
        f"{rule.id} must list war-crime provisions or say why there is none")
    assert not rule.no_war_crime or len(rule.no_war_crime) >= 20
    for p in rule.war_crimes:
        assert re.fullmatch(r"Rome Statute art\. 8\(2\)\((c|e)\)\([ivx]+\)|"
                            r"customary IHL \(ICRC Rule 156\)", p.provision), (
            f"{rule.id}: '{p.provision}' is not a NIAC provision")
    assert all(re.fullmatch(r"CIHL-\d+", r) and r != rule.id for r in rule.related)


def test_the_spec_rules_are_all_there() -> None:
    wanted = {1, 7, 11, 14, 15, 28, 31, 40, 50, 52, 53, 54, 55, 89, 90, 93, 96, 98, 99, 100,
              103, 113, 129, 136}
    assert wanted == {r.number for r in pack().rules}


@pytest.mark.parametrize("rule", _rules())
def test_every_provision_is_asserted_by_a_test(rule: Rule) -> None:
    """Each war-crime provision is named in some test's expectation (so its condition is
    shown to hold), and a rule with a presumption shows a presumed violation printing none."""
    asserted = {p for case in rule.tests for e in case.expected() if e.war_crimes
                for p in e.war_crimes}
    missing = [p.provision for p in rule.war_crimes if p.provision not in asserted]
    assert not missing, f"{rule.id}: no test asserts the provision(s) {missing}"
    if rule.has_presumptions:
        presumed = [case.name for case in rule.tests for e in case.expected()
                    if e.presumed and e.status == "violation" and e.war_crimes == []]
        assert presumed, f"{rule.id}: no test shows a presumed violation carrying no provision"
        strict = [case.name for case in rule.tests if not case.presumptions]
        assert strict, f"{rule.id}: no test of the strict reading (presumptions: false)"


@pytest.mark.parametrize("rule", _rules())
def test_no_provision_on_a_possible_or_presumed_finding(rule: Rule) -> None:
    for name, fs in _evaluated(rule):
        for f in fs:
            if f.status != "violation" or f.presumed:
                assert f.war_crimes == () and f.war_crime is None, (rule.id, name)


def test_no_crime_against_humanity_label_anywhere() -> None:
    for path in RULES.glob("*.yaml"):
        text = path.read_text(encoding="utf-8").lower()
        assert "against humanity" not in text and "art. 7(" not in text, path.name


def test_defaults_are_shown(cli: Any) -> None:
    """Omitted-counts-as defaults live in rule files and `rules show` prints every one."""
    with_defaults = {r.id: r.defaults for r in pack().rules if r.defaults}
    assert any(str(d).startswith("demand: omitted act.demand counts as false — required record:")
               for d in with_defaults["CIHL-96"])
    for rule_id, defaults in with_defaults.items():
        code, out, _ = cli("rules", "show", rule_id)
        assert code == 0
        assert "Declared defaults for omitted facts" in out
        for d in defaults:
            assert str(d) in " ".join(out.split())


def test_rules_test_command_agrees(cli: Any) -> None:
    code, out, _ = cli("rules", "test")
    total = len(results())
    assert code == 0
    assert out.strip().splitlines()[-1] == f"{total} passed, 0 failed"
