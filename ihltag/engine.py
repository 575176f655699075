"""Evaluating every rule on every act, and the findings it produces.

The status table of ``ihl-rules.md`` is applied to the three-valued results of the
compiled elements and exceptions. Traces (which fact decided which element) are built
only for acts that produce a finding, or when ``explain`` asks for everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from ihltag.models import Act, Incident
from ihltag.registry import Registry
from ihltag.rulelang import FACTS, Ctx, Node, Tri
from ihltag.rules import Clause, Rule, RulePack
from ihltag.vocab import ACT_TYPES, CONFIDENCE_BY_ATTRIBUTION

STATUS_ORDER = {"possible": 1, "violation": 2}


def _word(value: Tri) -> str:
    return "unknown" if value is None else ("true" if value else "false")


def decide(elements: list[Tri], exceptions: list[Tri]) -> str | None:
    """The status table: ``violation``, ``possible`` or None (no finding)."""
    if False in elements or True in exceptions:
        return None
    if None in elements or None in exceptions:
        return "possible"
    return "violation"


@dataclass(frozen=True, slots=True)
class Evaluation:
    id: str
    description: str
    value: str
    because: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "description": self.description, "value": self.value,
                "because": self.because}


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    title: str
    status: str | None  # None: no finding (only in explanations)
    act: int
    actors: tuple[dict[str, str], ...]
    war_crime: str | None
    elements: tuple[Evaluation, ...]
    exceptions: tuple[Evaluation, ...]
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule, "title": self.title, "status": self.status, "act": self.act,
            "actors": [dict(a) for a in self.actors], "war_crime": self.war_crime,
            "elements": [e.as_dict() for e in self.elements],
            "exceptions": [e.as_dict() for e in self.exceptions],
        }
        if self.note:
            out["note"] = self.note
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(d["rule"], d["title"], d["status"], d["act"], tuple(d["actors"]), d["war_crime"],
                   tuple(Evaluation(**e) for e in d["elements"]),
                   tuple(Evaluation(**e) for e in d["exceptions"]), d.get("note", ""))


class Engine:
    """A rule pack bound to a registry: evaluate incidents with it."""

    def __init__(self, pack: RulePack, registry: Registry) -> None:
        self.pack = pack
        self.registry = registry
        self._compiled = [
            (rule, tuple(c.node.fn for c in rule.elements), tuple(c.node.fn for c in rule.exceptions))
            for rule in pack.rules
        ]
        # Rules that can hold for each act type: a rule one of whose elements is false for
        # an act type never yields a finding on such an act, so it is not evaluated there.
        # Derived from the compiled conditions, not written per rule.
        self._by_type = {
            t: [c for c in self._compiled if t in possible_types(c[0])] for t in ACT_TYPES
        }

    def actors(self, incident: Incident, act: Act | None = None) -> tuple[dict[str, str], ...]:
        """The act's perpetrators (its own, else the incident's) with their confidence."""
        out = []
        for p in incident.perpetrators if act is None else incident.perpetrators_of(act):
            actor = self.registry.resolve(p.actor)
            out.append({"actor": actor.id if actor else p.actor, "attribution": p.attribution,
                        "confidence": CONFIDENCE_BY_ATTRIBUTION[p.attribution],
                        "involvement": p.involvement})
        return tuple(out)

    def evaluate(self, incident: Incident, everything: bool = False,
                 only: set[str] | None = None) -> list[Finding]:
        """Findings for every (rule, act); with ``everything``, non-findings too."""
        incident_nexus = self.registry.nexus(incident)
        out: list[Finding] = []
        for index, act in enumerate(incident.acts):
            # an act that lists its own perpetrators has its own party, nexus and actors
            nexus = self.registry.act_nexus(incident, act, incident_nexus)
            actors: tuple[dict[str, str], ...] | None = None
            ctx = Ctx(incident, act, index, nexus)
            for rule, elements, exceptions in (self._compiled if everything else
                                               self._by_type[act.type]):
                if only is not None and rule.id not in only:
                    continue
                e_vals = [f(ctx) for f in elements]
                if False in e_vals and not everything:
                    continue
                x_vals = [f(ctx) for f in exceptions]
                status = decide(e_vals, x_vals)
                note = ""
                if status and nexus.classification and nexus.classification not in rule.applies_to:
                    status, note = None, f"the rule does not bind in a {nexus.classification}"
                if status == "violation" and rule.max_status == "possible":
                    status = "possible"
                    note = "the decisive fact is never recorded: this is a flag for review"
                if status is None and not everything:
                    continue
                if actors is None:
                    actors = self.actors(incident, act)
                out.append(self._finding(rule, ctx, status, actors, note))
        return out

    def _finding(self, rule: Rule, ctx: Ctx, status: str | None,
                 actors: tuple[dict[str, str], ...], note: str) -> Finding:
        def trace(clauses: tuple[Clause, ...]) -> tuple[Evaluation, ...]:
            out = []
            for c in clauses:
                value, facts = c.node.explain(ctx)
                out.append(Evaluation(c.id, c.description, _word(value), "; ".join(facts)))
            return tuple(out)

        war = None
        if status is not None:
            for cond, provision in rule.war_crime:
                if cond is None or cond.fn(ctx) is True:
                    war = provision
                    break
        return Finding(rule.id, rule.title, status, ctx.index, actors, war,
                       trace(rule.elements), trace(rule.exceptions), note)


def worst(findings: list[Finding]) -> int:
    return max((STATUS_ORDER.get(f.status or "", 0) for f in findings), default=0)


def _types(node: Node) -> frozenset[str]:
    """Act types for which a condition is not certainly false (a sound over-estimate)."""
    every = frozenset(ACT_TYPES)
    spec = FACTS["act.type"]
    if node.spec is spec and node.if_omitted is None:
        # probe the compiled leaf with each act type (it reads only ``ctx.act.type``)
        return frozenset(t for t in ACT_TYPES
                         if node.fn(cast(Ctx, _TypeProbe(t))) is not False)
    if node.op == "all" and node.children:
        out = every
        for child in node.children:
            out &= _types(child)
        return out
    if node.op == "any" and node.children:
        found: frozenset[str] = frozenset()
        for child in node.children:
            found |= _types(child)
        return found
    return every


class _TypeProbe:
    """A stand-in context holding only an act type, to probe a compiled act.type leaf."""

    __slots__ = ("act",)

    def __init__(self, act_type: str) -> None:
        self.act = _Act(act_type)


class _Act:
    __slots__ = ("type",)

    def __init__(self, act_type: str) -> None:
        self.type = act_type


def possible_types(rule: Rule) -> frozenset[str]:
    out = frozenset(ACT_TYPES)
    for clause in rule.elements:
        out &= _types(clause.node)
    return out
