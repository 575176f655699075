"""Losing a fact can only make a finding less certain, never more damning.

Over generated incidents, every known optional fact of an act is replaced by "omitted",
and each perpetrator in turn by ``unidentified``; every (rule, act) result of the real
rule pack may then only move towards ``possible``:

    violation -> violation | possible
    none      -> none | possible
    possible  -> possible

A declared default is part of the rule, so the property is about recorded facts:

- In the strict reading (presumptions off) it holds for every fact except where a rule
  declares a *required record* on it (or names it in that default's ``unless``): there the
  rule file, not the language, says what omission means. The exclusion is computed from
  the compiled rules, and ``DEPARTURES`` lists each one with an example; a new required
  record fails the suite until it is listed there (reviewed, not slipped in).
- With presumptions on, a move outside the list above is allowed only where the rule
  declares a presumption on the dropped fact (or names it in ``unless``) and the new
  finding says ``presumed``; and the two readings differ exactly on ``presumed`` findings,
  which never carry a war-crime provision.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from _paths import DATASET, RULES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ihltag import vocab
from ihltag.engine import Engine
from ihltag.models import Act, Incident
from ihltag.registry import Registry, load_registry
from ihltag.rulelang import Node
from ihltag.rules import Rule, RulePack, load_pack

OPTIONAL_ACT_FIELDS = tuple(name for name in Act.model_fields
                            if name not in ("type", "target", "note", "perpetrators"))
ALLOWED = {
    ("violation", "violation"), ("violation", "possible"),
    ("none", "none"), ("none", "possible"),
    ("possible", "possible"),
}


@cache
def pack() -> RulePack:
    return load_pack(RULES)


@cache
def registry() -> Registry:
    return load_registry(DATASET)


@cache
def engine(presumptions: bool = True) -> Engine:
    return Engine(pack(), registry(), presumptions=presumptions)


def _facts(node: Node | None) -> set[str]:
    if node is None:
        return set()
    if node.spec is not None:
        return {node.fact}
    return set().union(*(_facts(c) for c in node.children))


def declared(rule: Rule, kind: str) -> set[str]:
    """The act fields a rule's defaults of this kind turn on: the defaulted facts and the
    facts their ``unless`` reads."""
    facts: set[str] = set()
    for clause in rule.elements + rule.exceptions:
        for leaf in clause.node.defaults():
            assert leaf.default is not None
            if leaf.default.kind == kind:
                facts |= {leaf.fact} | _facts(leaf.default.unless)
    # Rule.defaults is what users are shown; it must say the same
    shown = {d.fact for d in rule.defaults if d.kind == kind}
    assert shown <= facts
    return {f.removeprefix("act.") for f in facts if f.startswith("act.")}


@cache
def excluded(kind: str = "required_record") -> frozenset[tuple[str, str]]:
    return frozenset((r.id, f) for r in pack().rules for f in declared(r, kind))


# Every required record, and what it does. A new one in a rule file makes the first test
# fail until it is listed here, so each departure is reviewed.
DEPARTURES = [
    # (rule, fact, act with the fact, perpetrator, status with it, status once omitted)
    # Rule 96: an arrest is not presumed to be leverage (ihl-rules.md): an omitted demand
    # on a detention counts as false, so the detention falls out of the rule.
    ("CIHL-96", "demand", {"type": "detention", "target": "civilians", "demand": "surrender",
                           "demand_to": "third_party"}, "FAMa", "violation", "none"),
    # Rule 52: a taking is not presumed to be a levy (contested as pillage): dropping a
    # recorded levy makes a plain appropriation of it.
    ("CIHL-52", "levy", {"type": "looting", "target": "livestock", "levy": True},
     "JNIM", "possible", "violation"),
    # Rule 98: a concealment of fate is not presumed.
    ("CIHL-98", "fate_disclosed", {"type": "detention", "target": "civilians",
                                   "fate_disclosed": False}, "FAMa", "violation", "none"),
    # Rule 99: a detention is not presumed arbitrary; incommunicado detention (the default's
    # `unless`) leaves the missing review open.
    ("CIHL-99", "judicial_review", {"type": "detention", "target": "civilians",
                                    "judicial_review": False}, "FAMa", "violation", "none"),
    ("CIHL-99", "incommunicado", {"type": "detention", "target": "civilians",
                                  "incommunicado": True}, "FAMa", "possible", "none"),
    # Rule 103: a punishment is not presumed collective.
    ("CIHL-103", "reason", {"type": "killing", "target": "civilians",
                            "reason": "collective_punishment"}, "FAMa", "violation", "none"),
]


def test_declared_defaults_are_the_only_exclusion() -> None:
    assert excluded() == {(rule, fact) for rule, fact, *_ in DEPARTURES}


@pytest.mark.parametrize(("rule", "fact", "act", "actor", "with_fact", "without"), DEPARTURES)
def test_the_excluded_default_really_departs(rule: str, fact: str, act: dict[str, Any],
                                            actor: str, with_fact: str, without: str) -> None:
    """Without the exclusion the property would fail here: that is why it is declared."""
    stripped = {k: v for k, v in act.items() if k != fact}
    for presumptions in (True, False):
        assert _statuses(_incident([act], [(actor, "alleged")]), presumptions)[(rule, 0)] \
            == with_fact
        assert _statuses(_incident([stripped], [(actor, "alleged")]), presumptions)[(rule, 0)] \
            == without


def test_an_abduction_has_no_default() -> None:
    base = _incident([{"type": "abduction", "target": "civilians", "demand": "ransom",
                       "demand_to": "third_party"}], [("JNIM", "alleged")])
    stripped = _incident([{"type": "abduction", "target": "civilians",
                           "demand_to": "third_party"}], [("JNIM", "alleged")])
    assert (_statuses(base)[("CIHL-96", 0)], _statuses(stripped)[("CIHL-96", 0)]) == (
        "violation", "possible")


def _incident(acts: list[dict[str, Any]], perps: list[tuple[str, str]], date: str = "2025-03-01",
              conflict: str | None = None) -> Incident:
    data: dict[str, Any] = {
        "id": "generated", "title": "generated", "date": date, "location": {"country": "MLI"},
        "perpetrators": [{"actor": a, "attribution": att} for a, att in perps],
        "acts": acts, "sources": [{"publisher": "p", "title": "t"}], "summary": "s",
    }
    if conflict:
        data["conflict"] = conflict
    return Incident.model_validate(data)


def _findings(incident: Incident, presumptions: bool = True) -> dict[tuple[str, int], Any]:
    return {(f.rule, f.act): f for f in engine(presumptions).evaluate(incident)}


def _statuses(incident: Incident, presumptions: bool = True) -> dict[tuple[str, int], str]:
    out = {(r.id, i): "none" for r in pack().rules for i in range(len(incident.acts))}
    for key, f in _findings(incident, presumptions).items():
        out[key] = f.status or "none"
    return out


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


# Every optional act field is drawn, booleans and vocabularies alike, so that every rule
# and every declared default fires on some draws.
_OPTIONAL = {
    "means": st.sampled_from(list(vocab.MEANS)),
    "count": st.integers(0, 500),
    "victim_groups": st.lists(st.sampled_from(list(vocab.VICTIM_GROUPS)), max_size=3, unique=True),
    "targeting": st.sampled_from(list(vocab.TARGETING)),
    "demand": st.sampled_from(["ransom", "stop cooperating with the army"]),
    "demand_to": st.sampled_from(list(vocab.DEMAND_TO)),
    "reason": st.sampled_from(list(vocab.REASONS)),
}
_OPTIONAL.update({name: st.booleans() for name in OPTIONAL_ACT_FIELDS if name not in _OPTIONAL})
acts = st.fixed_dictionaries({
    "type": st.sampled_from(list(vocab.ACT_TYPES)),
    "target": st.sampled_from(list(vocab.TARGETS)),
}, optional=_OPTIONAL)


@st.composite
def incidents(draw: st.DrawFn) -> Incident:
    actors = ["FAMa", "Wagner", "AfricaCorps", "Dozo", "DanNaAmbassagou", "JNIM", "ISSP", "FLA",
              "CommunityMembers", "Criminals", "unidentified"]
    perps = draw(st.lists(st.tuples(st.sampled_from(actors),
                                    st.sampled_from(list(vocab.ATTRIBUTION))),
                          min_size=1, max_size=3))
    date = draw(st.sampled_from(["2025-03-01", "2024-07", "2010-05-01", "2024-06/2024-11"]))
    conflict = draw(_maybe(st.sampled_from(["mli-jnim", "mli-fla"])))
    return _incident(draw(st.lists(acts, min_size=1, max_size=3)), perps, date, conflict)


def _variants(incident: Incident) -> list[tuple[str, int | None, Incident]]:
    """(what was dropped, the act it was dropped from or None, the incident without it)."""
    out: list[tuple[str, int | None, Incident]] = []
    for i, act in enumerate(incident.acts):
        for name in OPTIONAL_ACT_FIELDS:
            if getattr(act, name) is not None:
                new_act = act.model_copy(update={name: None})
                new_acts = [*incident.acts[:i], new_act, *incident.acts[i + 1:]]
                out.append((name, i, incident.model_copy(update={"acts": new_acts})))
    for j, p in enumerate(incident.perpetrators):
        if p.actor != "unidentified":
            perps = list(incident.perpetrators)
            perps[j] = p.model_copy(update={"actor": "unidentified"})
            out.append(("perpetrator", None, incident.model_copy(update={"perpetrators": perps})))
    return out


def _check_readings(incident: Incident) -> None:
    """The strict and the presumed reading differ exactly on ``presumed`` findings, only by
    making them more severe, and neither a presumed nor a possible finding names a crime."""
    presumed = _findings(incident, True)
    strict = _statuses(incident, False)
    for key, was in _statuses(incident, True).items():
        f = presumed.get(key)
        is_presumed = bool(f is not None and f.presumed)
        assert (strict[key] != was) == is_presumed, (key, strict[key], was)
        if is_presumed:
            assert (strict[key], was) in {("possible", "violation"), ("none", "possible"),
                                          ("none", "violation")}, (key, strict[key], was)
        if f is not None and (f.presumed or f.status != "violation"):
            assert f.war_crimes == () and f.war_crime is None, key


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(incidents())
def test_losing_a_fact_moves_only_towards_possible(incident: Incident) -> None:
    _check_readings(incident)
    for presumptions in (False, True):
        before = _statuses(incident, presumptions)
        for dropped, act_index, variant in _variants(incident):
            after = _statuses(variant, presumptions)
            found = _findings(variant, presumptions) if presumptions else {}
            for (rule, i), was in before.items():
                now = after[(rule, i)]
                if i == act_index and (rule, dropped) in excluded():
                    continue  # the rule file declares what this omission means
                if (was, now) in ALLOWED:
                    continue
                if presumptions and i == act_index and (rule, dropped) in excluded(
                        "presumption") and getattr(found.get((rule, i)), "presumed", False):
                    continue  # the rule's presumption decided it, and the finding says so
                raise AssertionError(
                    f"{rule} on acts[{i}]: {was} -> {now} after dropping {dropped}"
                    + (f" of acts[{act_index}]" if act_index is not None else "")
                    + (" (presumptions on)" if presumptions else " (strict)"))


def test_presumptions_are_declared_where_the_spec_puts_them() -> None:
    """Rules 1, 7, 28, 31, 40, 89 presume; nothing else does."""
    assert {r for r, _ in excluded("presumption")} == {
        "CIHL-1", "CIHL-7", "CIHL-28", "CIHL-31", "CIHL-40", "CIHL-89"}


def test_a_presumption_departs_only_with_presumed() -> None:
    """With presumptions on, dropping a recorded participation makes Rule 1 a violation,
    and the finding says it rests on the presumption; in the strict reading it is possible."""
    act = {"type": "attack", "target": "civilians", "targeting": "directed",
           "direct_participation": True}
    inc = _incident([act], [("FAMa", "alleged")])
    (_, _, dropped), = [v for v in _variants(inc) if v[0] == "direct_participation"]
    assert _statuses(inc)[("CIHL-1", 0)] == "none"
    f = _findings(dropped)[("CIHL-1", 0)]
    assert (f.status, f.presumed, f.war_crimes) == ("violation", True, ())
    assert _statuses(dropped, False)[("CIHL-1", 0)] == "possible"
    assert ("none", "violation") not in ALLOWED and ("CIHL-1", "direct_participation") in \
        excluded("presumption")


def test_known_transitions_happen() -> None:
    """The property is not vacuous: dropping facts does turn results into `possible`."""
    inc = _incident([{"type": "looting", "target": "livestock", "levy": False}],
                    [("FAMa", "confirmed")])
    assert _statuses(inc)[("CIHL-52", 0)] == "violation"
    moved = {d: _statuses(v)[("CIHL-52", 0)] for d, _, v in _variants(inc)}
    assert moved["perpetrator"] == "possible"
    inc = _incident([{"type": "sexual_violence", "target": "civilians"}],
                    [("Criminals", "alleged")])
    assert _statuses(inc)[("CIHL-93", 0)] == "none"
    moved = {d: _statuses(v)[("CIHL-93", 0)] for d, _, v in _variants(inc)}
    assert moved == {"perpetrator": "possible"}

