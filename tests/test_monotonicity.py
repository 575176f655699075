"""Losing a fact can only make a finding less certain, never more damning.

Over generated incidents, every known optional fact of an act (booleans, targeting,
reason, demand, means, count, victim groups) is replaced by "omitted", and each
perpetrator in turn by ``unidentified``; every (rule, act) result of the real rule pack
may then only move towards ``possible``:

    violation -> violation | possible
    none      -> none | possible
    possible  -> possible

The one allowed departure is a fact a rule itself declares with ``if_omitted`` (the spec's
arrest with no recorded demand: omitted counts as false, so a detention with a demand is
hostage-taking and one without is not). For such a (rule, fact) pair the comparison is
skipped: the rule file, not the language, has said what omission means there. The
exclusion is computed from the compiled rules, so a default excuses only that rule and
that fact; ``DEPARTURES`` lists each one with an example of the departure, and a new
default fails the suite until it is listed there (reviewed, not slipped in).
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
from ihltag.models import Incident
from ihltag.registry import Registry, load_registry
from ihltag.rulelang import FACTS, Node
from ihltag.rules import Rule, RulePack, load_pack

OPTIONAL_ACT_FIELDS = ("means", "count", "victim_groups", "targeting", "military_objective_present",
                       "direct_participation", "in_custody", "demand", "released",
                       "fate_disclosed", "reason", "victim_activated", "warning")
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
def engine() -> Engine:
    return Engine(pack(), registry())


def _leaf_defaults(node: Node) -> set[str]:
    if node.spec is not None:
        if node.if_omitted is None:
            return set()
        return {next(name for name, spec in FACTS.items() if spec is node.spec)}
    return set().union(*(_leaf_defaults(c) for c in node.children))


def declared_defaults(rule: Rule) -> set[str]:
    """The act fields this rule gives a value when omitted (``if_omitted`` in its file)."""
    facts: set[str] = set()
    for clause in rule.elements + rule.exceptions:
        facts |= _leaf_defaults(clause.node)
    # Rule.defaults is what users are shown; it must say the same
    assert all(any(f" omitted {f} counts as" in d for d in rule.defaults) for f in facts)
    assert len(rule.defaults) >= len(facts)
    return {f.removeprefix("act.") for f in facts}


@cache
def excluded() -> frozenset[tuple[str, str]]:
    return frozenset((r.id, f) for r in pack().rules for f in declared_defaults(r))


# Every declared default, and what it does. A new `if_omitted` in a rule file makes
# the first test fail until it is listed here, so each departure is reviewed.
DEPARTURES = [
    # (rule, fact, act with the fact, perpetrator, status with it, status once omitted)
    # Rule 96: an arrest is not presumed to be leverage (ihl-rules.md): an omitted demand
    # on a detention counts as false, so the detention falls out of the rule.
    ("CIHL-96", "demand", {"type": "detention", "target": "civilians", "demand": "surrender"},
     "FAMa", "violation", "none"),
]


def test_declared_defaults_are_the_only_exclusion() -> None:
    assert excluded() == {(rule, fact) for rule, fact, *_ in DEPARTURES}


@pytest.mark.parametrize(("rule", "fact", "act", "actor", "with_fact", "without"), DEPARTURES)
def test_the_excluded_default_really_departs(rule: str, fact: str, act: dict[str, Any],
                                            actor: str, with_fact: str, without: str) -> None:
    """Without the exclusion the property would fail here: that is why it is declared."""
    stripped = {k: v for k, v in act.items() if k != fact}
    assert _statuses(_incident([act], [(actor, "alleged")]))[(rule, 0)] == with_fact
    assert _statuses(_incident([stripped], [(actor, "alleged")]))[(rule, 0)] == without


def test_an_abduction_has_no_default() -> None:
    base = _incident([{"type": "abduction", "target": "civilians", "demand": "ransom"}],
                     [("JNIM", "alleged")])
    stripped = _incident([{"type": "abduction", "target": "civilians"}], [("JNIM", "alleged")])
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


def _statuses(incident: Incident) -> dict[tuple[str, int], str]:
    out = {(r.id, i): "none" for r in pack().rules for i in range(len(incident.acts))}
    for f in engine().evaluate(incident):
        out[(f.rule, f.act)] = f.status or "none"
    return out


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


# Types and targets are drawn from what the rules talk about, weighted so that most
# rules fire on some draws.
acts = st.fixed_dictionaries({
    "type": st.sampled_from(list(vocab.ACT_TYPES)),
    "target": st.sampled_from(list(vocab.TARGETS)),
}, optional={
    "means": st.sampled_from(list(vocab.MEANS)),
    "count": st.integers(0, 500),
    "victim_groups": st.lists(st.sampled_from(list(vocab.VICTIM_GROUPS)), max_size=3, unique=True),
    "targeting": st.sampled_from(list(vocab.TARGETING)),
    "military_objective_present": st.booleans(),
    "direct_participation": st.booleans(),
    "in_custody": st.booleans(),
    "demand": st.sampled_from(["ransom", "stop cooperating with the army"]),
    "released": st.booleans(),
    "fate_disclosed": st.booleans(),
    "reason": st.sampled_from(list(vocab.REASONS)),
    "victim_activated": st.booleans(),
    "warning": st.booleans(),
})


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


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(incidents())
def test_losing_a_fact_moves_only_towards_possible(incident: Incident) -> None:
    before = _statuses(incident)
    for dropped, act_index, variant in _variants(incident):
        after = _statuses(variant)
        for (rule, i), was in before.items():
            now = after[(rule, i)]
            if i == act_index and (rule, dropped) in excluded():
                continue  # the rule file declares what this omission means
            assert (was, now) in ALLOWED, (
                f"{rule} on acts[{i}]: {was} -> {now} after dropping {dropped}"
                + (f" of acts[{act_index}]" if act_index is not None else ""))


def test_known_transitions_happen() -> None:
    """The property is not vacuous: dropping facts does turn results into `possible`."""
    inc = _incident([{"type": "attack", "target": "market", "targeting": "directed",
                      "military_objective_present": False}], [("FAMa", "confirmed")])
    assert _statuses(inc)[("CIHL-7", 0)] == "violation"
    moved = {d: _statuses(v)[("CIHL-7", 0)] for d, _, v in _variants(inc)}
    assert moved == {"targeting": "possible", "military_objective_present": "possible",
                     "perpetrator": "possible"}
    inc = _incident([{"type": "displacement", "target": "civilians", "reason": "civilian_safety"}],
                    [("Criminals", "alleged")])
    assert _statuses(inc)[("CIHL-129", 0)] == "none"
    moved = {d: _statuses(v)[("CIHL-129", 0)] for d, _, v in _variants(inc)}
    assert moved == {"reason": "none", "perpetrator": "none"}
    inc = _incident([{"type": "displacement", "target": "civilians", "reason": "none_given"}],
                    [("Criminals", "alleged")])
    moved = {d: _statuses(v)[("CIHL-129", 0)] for d, _, v in _variants(inc)}
    assert moved == {"reason": "none", "perpetrator": "possible"}
