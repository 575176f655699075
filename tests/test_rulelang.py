"""The rule condition language: operators, Kleene's three values, declared defaults, and
compile-time errors that point at the rule file, line and column.

Conditions are compiled with the real vocabularies and the real named sets, and
evaluated on acts built with the real models, so a change in any of them that breaks a
rule's meaning shows up here.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _paths import DATASET, RULES

from ihltag.models import Act, Incident
from ihltag.registry import Nexus
from ihltag.rulelang import Ctx, Node, compile_condition
from ihltag.rules import RulePackError, load_pack
from ihltag.yamlsafe import read_file

T, F, U = True, False, None
TRI = (T, F, U)


@pytest.fixture(scope="module")
def sets() -> dict[str, list[str]]:
    data = read_file(RULES / "_sets.yaml", "_sets.yaml").data
    assert isinstance(data, dict)
    return data["sets"]  # type: ignore[no-any-return]


def incident(acts: list[dict[str, Any]], **over: Any) -> Incident:
    data: dict[str, Any] = {
        "id": "lang-test", "title": "t", "date": "2024-08-24",
        "location": {"country": "MLI"},
        "perpetrators": [{"actor": "JNIM", "attribution": "alleged"}],
        "acts": acts, "sources": [{"publisher": "p", "title": "t"}], "summary": "s",
    }
    data.update(over)
    return Incident.model_validate(data)


NEXUS = Nexus((), True, True, "NIAC", "JNIM: non state armed group; mli-jnim")


def ctx(act: dict[str, Any] | None = None, index: int = 0, nexus: Nexus = NEXUS,
        **over: Any) -> Ctx:
    act = {"type": "attack", "target": "civilians"} if act is None else act
    inc = incident([{"type": "threat", "target": "civilians"}] * index + [act], **over)
    return Ctx(inc, inc.acts[index], index, nexus)


def value(cond: dict[str, Any], c: Ctx, sets: dict[str, list[str]]) -> bool | None:
    node = compile_condition(cond, sets)
    fast = node.fn(c)
    # the explainable form must agree with the fast one
    assert node.explain(c)[0] is fast
    return fast


# --- operators -------------------------------------------------------------------------

OPERATOR_CASES: list[tuple[str, dict[str, Any], dict[str, Any], bool | None]] = [
    # (name, condition, act, expected)
    ("eq true", {"fact": "act.type", "eq": "attack"}, {}, T),
    ("eq false", {"fact": "act.type", "eq": "looting"}, {}, F),
    ("eq omitted", {"fact": "act.means", "eq": "ied"}, {}, U),
    ("ne true", {"fact": "act.target", "ne": "fighters"}, {}, T),
    ("ne false", {"fact": "act.target", "ne": "civilians"}, {}, F),
    ("ne omitted", {"fact": "act.reason", "ne": "none_given"}, {}, U),
    ("in list true", {"fact": "act.type", "in": ["looting", "attack"]}, {}, T),
    ("in list false", {"fact": "act.type", "in": ["looting", "killing"]}, {}, F),
    ("in list omitted", {"fact": "act.targeting", "in": ["directed"]}, {}, U),
    ("in set true", {"fact": "act.target", "in": "civilian_persons"}, {}, T),
    ("in set false", {"fact": "act.target", "in": "civilian_objects"}, {}, F),
    ("in int", {"fact": "act.count", "in": [3, 4]}, {"count": 4}, T),
    ("is true/true", {"fact": "act.warning", "is": True}, {"warning": True}, T),
    ("is true/false", {"fact": "act.warning", "is": True}, {"warning": False}, F),
    ("is false/false", {"fact": "act.warning", "is": False}, {"warning": False}, T),
    ("is false/true", {"fact": "act.warning", "is": False}, {"warning": True}, F),
    ("is omitted", {"fact": "act.warning", "is": False}, {}, U),
    ("eq bool", {"fact": "act.in_custody", "eq": True}, {"in_custody": True}, T),
    ("given true", {"fact": "act.demand", "given": True}, {"demand": "ransom"}, T),
    ("given omitted", {"fact": "act.demand", "given": True}, {}, U),
    ("given int zero", {"fact": "act.count", "given": True}, {"count": 0}, T),
    ("gt true", {"fact": "act.count", "gt": 4}, {"count": 5}, T),
    ("gt edge", {"fact": "act.count", "gt": 5}, {"count": 5}, F),
    ("ge edge", {"fact": "act.count", "ge": 5}, {"count": 5}, T),
    ("ge false", {"fact": "act.count", "ge": 6}, {"count": 5}, F),
    ("lt true", {"fact": "act.count", "lt": 6}, {"count": 5}, T),
    ("lt edge", {"fact": "act.count", "lt": 5}, {"count": 5}, F),
    ("le edge", {"fact": "act.count", "le": 5}, {"count": 5}, T),
    ("le false", {"fact": "act.count", "le": 4}, {"count": 5}, F),
    ("gt omitted", {"fact": "act.count", "gt": 0}, {}, U),
    ("has true", {"fact": "act.victim_groups", "has": "children"},
     {"victim_groups": ["women", "children"]}, T),
    ("has false", {"fact": "act.victim_groups", "has": "children"},
     {"victim_groups": ["women"]}, F),
    ("has empty list", {"fact": "act.victim_groups", "has": "children"}, {"victim_groups": []}, F),
    ("has omitted", {"fact": "act.victim_groups", "has": "children"}, {}, U),
    ("has_any true", {"fact": "act.victim_groups", "has_any": ["children", "older_persons"]},
     {"victim_groups": ["older_persons"]}, T),
    ("has_any false", {"fact": "act.victim_groups", "has_any": ["children", "older_persons"]},
     {"victim_groups": ["women"]}, F),
    ("has_any omitted", {"fact": "act.victim_groups", "has_any": ["children"]}, {}, U),
    # a vocabulary value that records "not known" is evaluated as an omitted fact
    ("targeting unknown eq", {"fact": "act.targeting", "eq": "directed"},
     {"targeting": "unknown"}, U),
    ("targeting unknown ne", {"fact": "act.targeting", "ne": "directed"},
     {"targeting": "unknown"}, U),
    ("means unknown in", {"fact": "act.means", "in": ["ied", "landmine"]}, {"means": "unknown"}, U),
    ("targeting known", {"fact": "act.targeting", "in": ["directed"]},
     {"targeting": "incidental"}, F),
]


@pytest.mark.parametrize(("cond", "act", "expected"),
                         [c[1:] for c in OPERATOR_CASES], ids=[c[0] for c in OPERATOR_CASES])
def test_operator(cond: dict[str, Any], act: dict[str, Any], expected: bool | None,
                  sets: dict[str, list[str]]) -> None:
    c = ctx({"type": "attack", "target": "civilians", **act})
    assert value(cond, c, sets) is expected


@pytest.mark.parametrize(("figure", "cond", "expected"), [
    (7, {"fact": "incident.casualties.killed", "ge": 7}, T),
    ({"low": 3, "best": 9, "high": 20}, {"fact": "incident.casualties.killed", "eq": 9}, T),
    ({"low": 3, "high": 20}, {"fact": "incident.casualties.killed", "eq": 3}, T),
    ({"high": 20}, {"fact": "incident.casualties.killed", "eq": 20}, T),
    (None, {"fact": "incident.casualties.killed", "gt": 0}, U),
])
def test_casualty_figures(figure: Any, cond: dict[str, Any], expected: bool | None,
                          sets: dict[str, list[str]]) -> None:
    """A range counts by its best figure, else its low one, as reports add them up."""
    over = {"casualties": {"killed": figure}} if figure is not None else {}
    assert value(cond, ctx(**over), sets) is expected


def test_casualties_block_absent(sets: dict[str, list[str]]) -> None:
    assert value({"fact": "incident.casualties.injured", "gt": 0}, ctx(), sets) is U


@pytest.mark.parametrize("tri", TRI)
def test_derived_facts(tri: bool | None, sets: dict[str, list[str]]) -> None:
    nexus = Nexus((), tri, tri, None if tri is None else "NIAC", "why")
    c = ctx(nexus=nexus)
    assert value({"fact": "party", "is": True}, c, sets) is tri
    assert value({"fact": "nexus", "is": True}, c, sets) is tri
    expected = None if tri is None else True
    assert value({"fact": "conflict.classification", "eq": "NIAC"}, c, sets) is expected


# --- Kleene's tables, exhaustively -------------------------------------------------------

BOOL_FACTS = ("military_objective_present", "direct_participation", "in_custody")


def leaves(values: tuple[bool | None, ...]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Leaf conditions with the given values, and the act that gives them those values."""
    conds = [{"fact": f"act.{BOOL_FACTS[i]}", "is": True} for i in range(len(values))]
    act: dict[str, Any] = {"type": "attack", "target": "civilians"}
    for i, v in enumerate(values):
        if v is not None:
            act[BOOL_FACTS[i]] = v
    return conds, act


def kleene_and(xs: tuple[bool | None, ...]) -> bool | None:
    # the minimum in the order false < unknown < true
    rank = {F: 0, U: 1, T: 2}
    return min(xs, key=lambda x: rank[x]) if xs else T


def kleene_or(xs: tuple[bool | None, ...]) -> bool | None:
    rank = {F: 0, U: 1, T: 2}
    return max(xs, key=lambda x: rank[x]) if xs else F


@pytest.mark.parametrize("arity", [1, 2, 3])
@pytest.mark.parametrize(("op", "reference"), [("all", kleene_and), ("any", kleene_or)])
def test_kleene_all_any(op: str, reference: Callable[[tuple[bool | None, ...]], bool | None],
                        arity: int, sets: dict[str, list[str]]) -> None:
    for values in itertools.product(TRI, repeat=arity):
        conds, act = leaves(values)
        got = value({op: conds}, ctx(act), sets)
        assert got is reference(values), (op, values, got)


def test_kleene_tables_literal(sets: dict[str, list[str]]) -> None:
    """The two-argument tables written out, so the reference above is not the only witness."""
    and_table = {(T, T): T, (T, F): F, (T, U): U, (F, T): F, (F, F): F, (F, U): F,
                 (U, T): U, (U, F): F, (U, U): U}
    or_table = {(T, T): T, (T, F): T, (T, U): T, (F, T): T, (F, F): F, (F, U): U,
                (U, T): T, (U, F): U, (U, U): U}
    for (a, b), want in and_table.items():
        conds, act = leaves((a, b))
        assert value({"all": conds}, ctx(act), sets) is want
    for (a, b), want in or_table.items():
        conds, act = leaves((a, b))
        assert value({"any": conds}, ctx(act), sets) is want


@pytest.mark.parametrize(("given", "want"), [(T, F), (F, T), (U, U)])
def test_kleene_not(given: bool | None, want: bool | None, sets: dict[str, list[str]]) -> None:
    conds, act = leaves((given,))
    assert value({"not": conds[0]}, ctx(act), sets) is want
    assert value({"not": {"not": conds[0]}}, ctx(act), sets) is given


def test_nested_combinations_match_reference(sets: dict[str, list[str]]) -> None:
    """not(all(a, any(b, not c))) over all 27 valuations."""
    for a, b, c in itertools.product(TRI, repeat=3):
        conds, act = leaves((a, b, c))
        cond = {"not": {"all": [conds[0], {"any": [conds[1], {"not": conds[2]}]}]}}
        inner = kleene_and((a, kleene_or((b, None if c is None else not c))))
        want = None if inner is None else not inner
        assert value(cond, ctx(act), sets) is want, (a, b, c)


# --- declared defaults (if_omitted) -----------------------------------------------------

BASIS = "A test basis: the law says so in this one sentence."


def dflt(value: bool, kind: str = "required_record", **more: Any) -> dict[str, Any]:
    return {"value": value, "kind": kind, "basis": BASIS, **more}


@pytest.mark.parametrize(("default", "act", "want"), [
    (False, {}, F),
    (True, {}, T),
    (False, {"demand": "ransom"}, T),   # a recorded fact is never overridden
    (True, {"demand": "ransom"}, T),
])
def test_if_omitted_on_given(default: bool, act: dict[str, Any], want: bool,
                             sets: dict[str, list[str]]) -> None:
    cond = {"fact": "act.demand", "given": True, "if_omitted": dflt(default)}
    assert value(cond, ctx({"type": "detention", "target": "civilians", **act}), sets) is want


@pytest.mark.parametrize(("default", "recorded", "want"), [
    (False, None, F), (True, None, T), (False, True, T), (True, False, F),
])
@pytest.mark.parametrize("kind", ["presumption", "required_record"])
def test_if_omitted_on_boolean(default: bool, recorded: bool | None, want: bool, kind: str,
                               sets: dict[str, list[str]]) -> None:
    act: dict[str, Any] = {"type": "attack", "target": "civilians"}
    if recorded is not None:
        act["warning"] = recorded
    cond = {"fact": "act.warning", "is": True, "if_omitted": dflt(default, kind)}
    assert value(cond, ctx(act), sets) is want


def test_if_omitted_applies_to_recorded_unknown(sets: dict[str, list[str]]) -> None:
    """``targeting: unknown`` is "not known": a declared default covers it as it covers omission."""
    cond = {"fact": "act.targeting", "eq": "directed", "if_omitted": dflt(False)}
    c = ctx({"type": "attack", "target": "market", "targeting": "unknown"})
    assert value(cond, c, sets) is F


@pytest.mark.parametrize(("kind", "presumptions", "want"), [
    ("presumption", True, F), ("presumption", False, U),
    ("required_record", True, F), ("required_record", False, F),
])
def test_presumptions_are_switchable_records_are_not(kind: str, presumptions: bool,
                                                     want: bool | None,
                                                     sets: dict[str, list[str]]) -> None:
    cond = {"fact": "act.direct_participation", "is": True, "if_omitted": dflt(False, kind)}
    c = ctx({"type": "attack", "target": "civilians"})
    c.presumptions = presumptions
    assert value(cond, c, sets) is want


UNLESS = {"any": [{"fact": "act.military_objective_present", "is": True},
                  {"fact": "act.status_disputed", "is": True}]}


@pytest.mark.parametrize(("act", "want"), [
    ({}, F),                                          # applied
    ({"status_disputed": False}, F),                  # unless false: applied
    ({"military_objective_present": False}, F),
    ({"status_disputed": True}, U),                   # the record raises the doubt
    ({"military_objective_present": True}, U),
    ({"status_disputed": True, "direct_participation": False}, F),  # recorded wins
])
def test_unless_stops_a_default_only_when_true(act: dict[str, Any], want: bool | None,
                                               sets: dict[str, list[str]]) -> None:
    cond = {"fact": "act.direct_participation", "is": True,
            "if_omitted": dflt(False, "presumption", unless=UNLESS)}
    assert value(cond, ctx({"type": "attack", "target": "civilians", **act}), sets) is want


def test_if_omitted_is_traced(sets: dict[str, list[str]]) -> None:
    node = compile_condition({"fact": "act.demand", "given": True, "if_omitted": dflt(False)}, sets)
    val, facts = node.explain(ctx({"type": "detention", "target": "civilians"}, index=2))
    assert val is False
    assert facts == [f"acts[2].demand: omitted, counts as false (required record: {BASIS})"]


def test_default_on_a_negative_leaf_names_the_fact_value(sets: dict[str, list[str]]) -> None:
    """``levy is false`` counting as true means the levy counts as false: the trace says so."""
    node = compile_condition({"fact": "act.levy", "is": False, "if_omitted": dflt(True)}, sets)
    c = ctx({"type": "looting", "target": "livestock"})
    assert node.explain(c) == (T, [f"acts[0].levy: omitted, counts as false (required record: "
                                   f"{BASIS})"])


def test_presumption_is_traced_applied_and_not(sets: dict[str, list[str]]) -> None:
    node = compile_condition({"fact": "act.direct_participation", "is": True,
                              "if_omitted": dflt(False, "presumption", unless=UNLESS)}, sets)
    c = ctx({"type": "attack", "target": "civilians"})
    assert node.explain(c) == (F, [
        f"acts[0].direct_participation: omitted, presumed false (presumption: {BASIS})"])
    c.presumptions = False
    assert node.explain(c) == (U, [
        "acts[0].direct_participation: omitted, unknown (presumption not applied, "
        "presumptions are switched off)"])
    c = ctx({"type": "attack", "target": "civilians", "status_disputed": True})
    assert node.explain(c) == (U, [
        "acts[0].direct_participation: omitted, unknown (presumption not applied, the record "
        "raises the doubt: acts[0].status_disputed = true)"])
    assert node.applied_defaults(c) == []


# --- unknown: a value the record cannot settle ------------------------------------------

def test_unknown_condition(sets: dict[str, list[str]]) -> None:
    cond = {"any": [{"fact": "act.target", "in": ["civilians", "idps"]},
                    {"all": [{"fact": "act.target", "in": ["unknown_persons", "medical_personnel"]},
                             {"unknown": "their status is not recorded", "fact": "act.target"}]}]}
    want = {"civilians": T, "unknown_persons": U, "medical_personnel": U, "fighters": F,
            "mixed": F}
    node = compile_condition(cond, sets)
    for target, expected in want.items():
        c = ctx({"type": "attack", "target": target})
        assert value(cond, c, sets) is expected, target
        assert node.undecided(c) == (["target"] if expected is None else [])
    c = ctx({"type": "attack", "target": "medical_personnel"})
    assert node.explain(c)[1] == ["undecided: their status is not recorded"]


def test_undecided_names_the_facts_to_record(sets: dict[str, list[str]]) -> None:
    node = compile_condition({"all": [{"fact": "party", "is": True},
                                      {"fact": "act.targeting", "eq": "directed"},
                                      {"not": {"fact": "act.military_objective_present",
                                               "is": True}},
                                      {"fact": "incident.casualties.killed", "gt": 0}]}, sets)
    c = ctx({"type": "attack", "target": "civilians"},
            nexus=Nexus((), None, None, None, "unidentified"))
    assert node.undecided(c) == ["perpetrators", "targeting", "military_objective_present",
                                 "casualties.killed"]
    c = ctx({"type": "attack", "target": "civilians", "targeting": "incidental"})
    assert node.undecided(c) == []  # false: nothing to decide


@pytest.mark.parametrize(("law", "want"), [(("rome_statute", "rome_statute_2019_starvation"), T),
                                           (("rome_statute",), F), (None, U)])
def test_conflict_law(law: tuple[str, ...] | None, want: bool | None,
                      sets: dict[str, list[str]]) -> None:
    nexus = Nexus((), True, True, "NIAC", "why", law)
    cond = {"fact": "conflict.law", "has": "rome_statute_2019_starvation"}
    assert value(cond, ctx(nexus=nexus), sets) is want


def test_describe(sets: dict[str, list[str]]) -> None:
    node = compile_condition({"all": [{"fact": "act.target", "in": ["school", "place_of_worship"]},
                                      {"fact": "act.military_use", "is": False},
                                      {"any": [{"fact": "act.demand", "given": True},
                                               {"not": {"fact": "act.count", "gt": 3}}]}]}, sets)
    assert node.describe() == ("act.target in [school, place_of_worship] and act.military_use is "
                               "false and (act.demand given or not (act.count gt 3))")


# --- explanations ---------------------------------------------------------------------------

def test_explain_names_deciding_facts(sets: dict[str, list[str]]) -> None:
    cond = {"all": [{"fact": "act.target", "in": "civilian_objects"},
                    {"fact": "act.military_objective_present", "is": False},
                    {"fact": "act.targeting", "eq": "directed"}]}
    node: Node = compile_condition(cond, sets)
    c = ctx({"type": "attack", "target": "market", "targeting": "directed"}, index=1)
    val, facts = node.explain(c)
    assert val is None
    # only what made it unknown is named: the true ones did not decide it
    assert facts == ["acts[1].military_objective_present: omitted (unknown)"]
    c = ctx({"type": "attack", "target": "market", "targeting": "unknown",
             "military_objective_present": False})
    val, facts = node.explain(c)
    assert val is None
    assert facts == ["acts[0].targeting = unknown (not known)"]
    c = ctx({"type": "attack", "target": "market", "targeting": "directed",
             "military_objective_present": False})
    val, facts = node.explain(c)
    assert val is True
    assert facts == ["acts[0].target = market", "acts[0].military_objective_present = false",
                     "acts[0].targeting = directed"]
    c = ctx({"type": "attack", "target": "civilians", "military_objective_present": True})
    val, facts = node.explain(c)
    assert val is False
    assert facts == ["acts[0].target = civilians", "acts[0].military_objective_present = true"]


def test_explain_party_gives_the_registry_reason(sets: dict[str, list[str]]) -> None:
    node = compile_condition({"fact": "party", "is": True}, sets)
    assert node.explain(ctx())[1] == ["party = true (JNIM: non state armed group; mli-jnim)"]
    unknown = Nexus((), None, None, None, "unidentified: perpetrator not identified")
    assert node.explain(ctx(nexus=unknown)) == (
        None, ["party: unknown (unidentified: perpetrator not identified)"])


# --- compile-time errors, located --------------------------------------------------------

RULE_HEAD = """\
id: CIHL-900
title: A rule under test
text: A rule written for a test.
icrc: https://ihl-databases.icrc.org/en/customary-ihl/v1/rule900
"""


def pack_dir(tmp_path: Path, body: str, name: str = "CIHL-900.yaml") -> tuple[Path, Path]:
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    shutil.copy(RULES / "_sets.yaml", folder / "_sets.yaml")
    shutil.copy(RULES / "_tests.yaml", folder / "_tests.yaml")
    path = folder / name
    path.write_text(RULE_HEAD + body, encoding="utf-8")
    return folder, path


def position(path: Path, needle: str) -> tuple[int, int]:
    """1-based line and column of the first occurrence of ``needle`` in the file."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        col = line.find(needle)
        if col >= 0:
            return n, col + 1
    raise AssertionError(f"{needle!r} not in {path}")


def clause(when: str) -> str:
    return f"""\
elements:
  - id: party
    description: a party did it
    when: {{fact: party, is: true}}
  - id: under_test
    description: the condition under test
    when: {when}
"""


ERRORS = [
    # (name, condition text, the text the error points at, message fragments)
    ("unknown fact", "{fact: act.tpye, eq: looting}", "act.tpye",
     ["unknown fact 'act.tpye'", "did you mean 'act.type'?"]),
    ("unknown operator", "{fact: act.type, inn: [looting]}", "inn",
     ["unknown operator 'inn'", "did you mean 'in'?"]),
    ("unknown set", "{fact: act.target, in: civilian_object}", "civilian_object",
     ["unknown set 'civilian_object'", "did you mean 'civilian_objects'?"]),
    ("vocabulary value", "{fact: act.type, eq: lootting}", "lootting",
     ["'lootting' is not a value of act.type", "did you mean 'looting'?"]),
    ("vocabulary value in list", "{fact: act.target, in: [market, helth_facility]}",
     "helth_facility", ["'helth_facility' is not a value of act.target",
                        "did you mean 'health_facility'?"]),
    ("nested value", "{any: [{fact: act.type, eq: attack}, {not: {fact: act.means, eq: drone}}]}",
     "drone", ["'drone' is not a value of act.means", "did you mean"]),
    ("operator for the wrong kind", "{fact: act.type, gt: 3}", "3",
     ["operator 'gt' does not apply to act.type"]),
    ("number as text", "{fact: act.count, ge: '5'}", "'5'",
     ["act.count is compared with whole numbers"]),
    ("boolean as text", "{fact: act.warning, is: 'no'}", "'no'",
     ["act.warning is true or false"]),
    ("two operators", "{fact: act.type, eq: attack, ne: looting}",
     "{fact: act.type, eq: attack, ne",
     ["exactly one operator"]),
    ("bad if_omitted", "{fact: act.demand, given: true, if_omitted: maybe}", "maybe",
     ["if_omitted is a mapping"]),
    ("bare if_omitted", "{fact: act.demand, given: true, if_omitted: false}", "false",
     ["write if_omitted as a mapping", "kind", "basis"]),
    ("default kind", "{fact: act.demand, given: true, if_omitted: {value: false, "
     "kind: presumtion, basis: 'Rule 96: an arrest is not leverage.'}}", "presumtion",
     ["'presumtion' is not a kind of default", "did you mean 'presumption'?"]),
    ("default key", "{fact: act.demand, given: true, if_omitted: {value: false, "
     "kind: presumption, basis: 'Rule 96: an arrest is not leverage.', unles: {}}}", "unles",
     ["unknown key 'unles' in if_omitted", "did you mean 'unless'?"]),
    ("default without basis", "{fact: act.demand, given: true, if_omitted: {value: false, "
     "kind: required_record}}", "{value: false", ["if_omitted needs 'basis'"]),
    ("default value", "{fact: act.demand, given: true, if_omitted: {value: no, "
     "kind: required_record, basis: 'Rule 96: an arrest is not leverage.'}}", "no,",
     ["if_omitted value is true or false"]),
    ("unless with a value typo", "{fact: act.direct_participation, is: true, if_omitted: "
     "{value: false, kind: presumption, basis: 'Rule 6: in doubt, a civilian.', "
     "unless: {fact: act.status_disputed, is: yes}}}", "yes}",
     ["act.status_disputed is true or false"]),
    ("default inside unless", "{fact: act.direct_participation, is: true, if_omitted: "
     "{value: false, kind: presumption, basis: 'Rule 6: in doubt, a civilian.', "
     "unless: {fact: act.status_disputed, is: true, if_omitted: {value: true}}}}",
     "if_omitted: {value: true", ["recorded facts only"]),
    ("unknown without reason", "{unknown: '', fact: act.target}", "''",
     ["'unknown' takes the reason"]),
    ("unknown with a bad fact", "{unknown: status not recorded, fact: act.tagret}", "act.tagret",
     ["unknown fact 'act.tagret'", "did you mean 'act.target'?"]),
    ("unknown with an extra key", "{unknown: status not recorded, eq: civilians}", "eq",
     ["unknown key 'eq' in an 'unknown' condition"]),
    ("unknown combinator", "{al: [{fact: act.type, eq: attack}]}", "al:",
     ["unknown condition key 'al'", "did you mean 'all'?"]),
    ("all not a list", "{all: {fact: act.type, eq: attack}}", "{fact: act.type, eq: attack}",
     ["'all' takes a list"]),
    ("has on a scalar fact", "{fact: act.target, has: market}", "market",
     ["operator 'has' does not apply to act.target"]),
    ("unknown as a value", "{fact: act.targeting, eq: unknown}", "unknown}",
     ["records that act.targeting is not known"]),
]


@pytest.mark.parametrize(("when", "at", "fragments"), [e[1:] for e in ERRORS],
                         ids=[e[0] for e in ERRORS])
def test_compile_errors_are_located(tmp_path: Path, when: str, at: str,
                                    fragments: list[str]) -> None:
    folder, path = pack_dir(tmp_path, clause(when))
    with pytest.raises(RulePackError) as info:
        load_pack(folder)
    diags = info.value.diagnostics
    assert len(diags) == 1, [d.plain() for d in diags]
    d = diags[0]
    assert d.file == str(path)
    assert (d.line, d.column) == position(path, at), d.plain()
    for fragment in fragments:
        assert fragment in d.message, d.message


def test_errors_in_several_clauses_and_files_are_all_reported(tmp_path: Path) -> None:
    folder, first = pack_dir(tmp_path, clause("{fact: act.tpye, eq: looting}") + """\
exceptions:
  - id: bad
    description: bad
    when: {fact: act.reason, eq: civilian_safty}
""")
    _, second = pack_dir(tmp_path, clause("{fact: act.target, in: persns}").replace(
        "CIHL-900", "CIHL-901"), name="CIHL-901.yaml")
    second.write_text(second.read_text().replace("id: CIHL-900", "id: CIHL-901"))
    with pytest.raises(RulePackError) as info:
        load_pack(folder)
    where = sorted((Path(d.file).name, d.line) for d in info.value.diagnostics)
    assert where == [("CIHL-900.yaml", position(first, "act.tpye")[0]),
                     ("CIHL-900.yaml", position(first, "civilian_safty")[0]),
                     ("CIHL-901.yaml", position(second, "persns")[0])]


def test_every_error_inside_one_condition_is_reported(tmp_path: Path) -> None:
    folder, path = pack_dir(tmp_path, clause(
        "{all: [{fact: act.type, eq: lootting}, {any: [{fact: act.target, inn: [market]}, "
        "{fact: act.target, in: civilian_object}]}, {fact: act.tpye, eq: attack}]}"))
    with pytest.raises(RulePackError) as info:
        load_pack(folder)
    got = [(d.line, d.column) for d in info.value.diagnostics]
    assert got == [position(path, "lootting"), position(path, "inn"),
                   position(path, "civilian_object"), position(path, "act.tpye")]


def test_rule_file_schema_errors_are_located(tmp_path: Path) -> None:
    folder, path = pack_dir(tmp_path,
                            clause("{fact: act.type, eq: looting}") + "max_status: violaton\n")
    with pytest.raises(RulePackError) as info:
        load_pack(folder)
    (d,) = info.value.diagnostics
    assert (d.line, d.column) == position(path, "violaton")
    assert "max_status" in d.message or "violaton" in d.message


def test_set_with_a_value_outside_the_vocabulary(tmp_path: Path) -> None:
    folder, path = pack_dir(tmp_path, clause("{fact: act.target, in: civilian_objects}"))
    sets = folder / "_sets.yaml"
    sets.write_text(sets.read_text().replace("dwellings, market,", "dwellings, markets,", 1))
    with pytest.raises(RulePackError) as info:
        load_pack(folder)
    (d,) = info.value.diagnostics
    assert "'markets' is not a value of act.target" in d.message
    assert "did you mean 'market'?" in d.message
    assert d.file == str(path)


def test_duplicate_rule_ids(tmp_path: Path) -> None:
    folder, _ = pack_dir(tmp_path, clause("{fact: act.type, eq: looting}"))
    shutil.copy(folder / "CIHL-900.yaml", folder / "CIHL-900-copy.yaml")
    with pytest.raises(RulePackError) as info:
        load_pack(folder)
    assert any("also defined" in d.message for d in info.value.diagnostics)


def test_valid_pack_compiles_and_records_defaults(tmp_path: Path) -> None:
    folder, _ = pack_dir(tmp_path, clause(
        "{all: [{fact: act.type, eq: detention},"
        " {fact: act.demand, given: true, if_omitted: {value: false, kind: required_record,"
        " basis: 'Rule 96: an arrest is not presumed to be leverage.',"
        " unless: {fact: act.in_custody, is: false}}}]}"))
    pack = load_pack(folder)
    (rule,) = pack.rules
    assert rule.id == "CIHL-900"
    (d,) = rule.defaults
    assert (d.clause, d.fact, d.value, d.kind) == ("under_test", "act.demand", False,
                                                   "required_record")
    assert str(d) == ("under_test: omitted act.demand counts as false — required record: Rule 96: "
                      "an arrest is not presumed to be leverage. Not applied when: "
                      "act.in_custody is false.")
    assert not rule.has_presumptions


PROVISION_ERRORS = [
    # (name, war_crimes text, text pointed at, fragments)
    ("crime against humanity", "war_crimes:\n  - provision: Crime against humanity of enforced "
     "disappearance\n", "Crime against", ["no crime-against-humanity label"]),
    ("article 7", "war_crimes:\n  - provision: Rome Statute art. 7(1)(i)\n", "Rome Statute",
     ["no crime-against-humanity label"]),
    ("IAC provision in a NIAC rule", "war_crimes:\n  - provision: Rome Statute art. 8(2)(b)(ii)\n",
     "Rome Statute", ["exists only for international armed conflicts"]),
    ("IAC provision without the IAC condition", "war_crimes:\n  - provision: Rome Statute art. "
     "8(2)(b)(ix)\n    when: {fact: act.military_use, is: false}\n", "Rome Statute",
     ["must require {fact: conflict.classification, eq: IAC}"]),
    ("customary without Rule 156", "war_crimes:\n  - provision: War crime under customary IHL\n",
     "War crime", ["customary IHL (ICRC Rule 156)"]),
    ("old key", "war_crime: Rome Statute art. 8(2)(e)(v)\n", "war_crime:",
     ["the key 'war_crime' is replaced by 'war_crimes'"]),
    ("presumption in a provision", "war_crimes:\n  - provision: Rome Statute art. 8(2)(e)(iv)\n"
     "    when: {fact: act.military_use, is: false, if_omitted: {value: true, kind: presumption, "
     "basis: 'Rule 10: objects are presumed civilian.'}}\n", "if_omitted",
     ["recorded facts only"]),
    ("provision condition typo", "war_crimes:\n  - provision: Rome Statute art. 8(2)(e)(iv)\n"
     "    when: {fact: act.target, in: [scool]}\n", "scool",
     ["'scool' is not a value of act.target", "did you mean 'school'?"]),
]


@pytest.mark.parametrize(("war", "at", "fragments"), [e[1:] for e in PROVISION_ERRORS],
                         ids=[e[0] for e in PROVISION_ERRORS])
def test_provision_errors_are_located(tmp_path: Path, war: str, at: str,
                                      fragments: list[str]) -> None:
    folder, path = pack_dir(tmp_path, war + clause("{fact: act.type, eq: looting}"))
    with pytest.raises(RulePackError) as info:
        load_pack(folder)
    (d,) = info.value.diagnostics
    assert (d.file, (d.line, d.column)) == (str(path), position(path, at)), d.plain()
    for fragment in fragments:
        assert fragment in d.message, d.message


def test_iac_provision_allowed_behind_an_iac_condition(tmp_path: Path) -> None:
    folder, _ = pack_dir(tmp_path, "war_crimes:\n  - provision: Rome Statute art. 8(2)(b)(ii)\n"
                         "    when: {all: [{fact: conflict.classification, eq: IAC}, "
                         "{fact: act.military_use, is: false}]}\n    note: (IAC only)\n"
                         + clause("{fact: act.type, eq: looting}"))
    (rule,) = load_pack(folder).rules
    (p,) = rule.war_crimes
    assert p.text == "may amount to a war crime under Rome Statute art. 8(2)(b)(ii) (IAC only)"


@pytest.mark.parametrize("args", [("check", str(DATASET)), ("rules", "test"), ("rules", "list")])
def test_malformed_pack_exits_2_with_location(tmp_path: Path,
                                              cli: Callable[..., tuple[int, str, str]],
                                              args: tuple[str, ...]) -> None:
    folder, path = pack_dir(tmp_path, clause("{fact: act.type, eq: lootting}"))
    code, out, err = cli(*args, "--rules", str(folder), "--no-cache") if args[0] == "check" \
        else cli(*args, "--rules", str(folder))
    line, col = position(path, "lootting")
    assert code == 2
    assert f"{path}:{line}:{col}: error[rule] 'lootting' is not a value of act.type" in err
    assert "did you mean 'looting'?" in err
    assert "Traceback" not in err + out


def test_yaml_syntax_error_in_a_rule_exits_2(tmp_path: Path,
                                             cli: Callable[..., tuple[int, str, str]]) -> None:
    folder, path = pack_dir(tmp_path,
                            "elements:\n  - id: party\n    when: {fact: party, is: true\n")
    code, _, err = cli("rules", "list", "--rules", str(folder))
    assert code == 2
    assert f"{path}:" in err
    assert "Traceback" not in err


def test_missing_rules_folder_exits_2(tmp_path: Path,
                                      cli: Callable[..., tuple[int, str, str]]) -> None:
    code, _, err = cli("check", str(DATASET), "--rules", str(tmp_path / "nope"), "--no-cache")
    assert code == 2
    assert "does not exist" in err


def test_act_model_has_every_act_fact() -> None:
    """Every act fact the language offers exists on the model (and the other way round for
    the fields rules may need), so no rule can name a fact that is never filled in."""
    from ihltag.rulelang import FACTS

    act_facts = {k.split(".", 1)[1] for k in FACTS if k.startswith("act.")}
    fields = set(Act.model_fields) - {"note", "perpetrators"}  # perpetrators: party, nexus
    assert act_facts == fields


@pytest.mark.parametrize(("cond", "expected"), [
    ({"fact": "act.type", "eq": "killing"}, {"killing"}),
    ({"fact": "act.type", "in": ["attack", "killing"]}, {"attack", "killing"}),
    ({"fact": "act.type", "ne": "attack"}, {"killing", "looting", "siege"}),
    ({"fact": "act.type", "given": True}, {"attack", "killing", "looting", "siege"}),
])
def test_act_type_leaves_record_their_act_types(cond: dict[str, Any], expected: set[str],
                                                 sets: dict[str, list[str]]) -> None:
    """The act types a leaf allows are recorded when compiled (the engine's rule index),
    not found by calling the compiled closure with a stand-in context."""
    node = compile_condition(cond, sets)
    assert node.act_types is not None
    shown = {"attack", "killing", "looting", "siege"}
    assert node.act_types & shown == expected
    if cond.get("eq") or cond.get("in"):
        assert len(node.act_types) == len(expected)


def test_other_leaves_and_defaulted_act_types_record_none(sets: dict[str, list[str]]) -> None:
    default = {"value": True, "kind": "presumption", "basis": "a basis in four words here"}
    assert compile_condition({"fact": "act.type", "eq": "attack", "if_omitted": default},
                             sets).act_types is None
    assert compile_condition({"fact": "act.target", "eq": "civilians"}, sets).act_types is None
    combined = compile_condition({"all": [{"fact": "act.type", "eq": "attack"}]}, sets)
    assert combined.act_types is None and combined.children[0].act_types == {"attack"}
