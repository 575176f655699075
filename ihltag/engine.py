"""Evaluating every rule on every act, and the findings it produces.

The status table of ``ihl-rules.md`` is applied to the three-valued results of the
compiled elements and exceptions. Traces (which fact decided which element) are built
only for acts that produce a finding, or when ``explain`` asks for everything.

A finding is ``presumed`` when its status rests on a presumption: the strict reading
(presumptions off) would give another status. Such a finding never carries a war-crime
provision: the doubt rule guides those who plan attacks, it does not prove a crime.
"""

from __future__ import annotations

from ihltag.models import Act, Incident
from ihltag.registry import Registry
from ihltag.results import STATUS_ORDER, ActorRef, Evaluation, Finding, WarCrime
from ihltag.rulelang import Ctx, Node, Tri
from ihltag.rules import Clause, Provision, Rule, RulePack
from ihltag.vocab import ACT_TYPES, CONFIDENCE_BY_ATTRIBUTION

# the result types live in ihltag.results; named here too for the engine's callers
__all__ = ["STATUS_ORDER", "Engine", "Evaluation", "Finding", "WarCrime", "decide",
           "possible_types"]


def _word(value: Tri) -> str:
    return "unknown" if value is None else ("true" if value else "false")


def decide(elements: list[Tri], exceptions: list[Tri]) -> str | None:
    """The status table: ``violation``, ``possible`` or None (no finding)."""
    if False in elements or True in exceptions:
        return None
    if None in elements or None in exceptions:
        return "possible"
    return "violation"


class Engine:
    """A rule pack bound to a registry: evaluate incidents with it."""

    def __init__(self, pack: RulePack, registry: Registry, presumptions: bool = True) -> None:
        self.pack = pack
        self.registry = registry
        self.presumptions = presumptions
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

    def actors(self, incident: Incident, act: Act | None = None) -> tuple[ActorRef, ...]:
        """The act's perpetrators (its own, else the incident's) with their confidence."""
        out = []
        for p in incident.perpetrators if act is None else incident.perpetrators_of(act):
            actor = self.registry.resolve(p.actor)
            out.append(ActorRef(actor=actor.id if actor else p.actor,
                                attribution=p.attribution,
                                confidence=CONFIDENCE_BY_ATTRIBUTION[p.attribution],
                                involvement=p.involvement))
        return tuple(out)

    def evaluate(self, incident: Incident, everything: bool = False,
                 rule_ids: set[str] | None = None) -> list[Finding]:
        """Findings for every (rule, act); with ``everything``, non-findings too; with
        ``rule_ids``, of those rules only."""
        incident_nexus = self.registry.nexus(incident)
        out: list[Finding] = []
        for index, act in enumerate(incident.acts):
            # an act that lists its own perpetrators has its own party, nexus and actors
            nexus = self.registry.act_nexus(incident, act, incident_nexus)
            actors: tuple[ActorRef, ...] | None = None
            ctx = Ctx(incident, act, index, nexus, self.presumptions)
            for rule, elements, exceptions in (self._compiled if everything else
                                               self._by_type[act.type]):
                if rule_ids is not None and rule.id not in rule_ids:
                    continue
                e_vals = [f(ctx) for f in elements]
                if False in e_vals and not everything:
                    continue
                x_vals = [f(ctx) for f in exceptions]
                status, note = _status(rule, decide(e_vals, x_vals), nexus.classification)
                presumed = False
                if self.presumptions and rule.has_presumptions:
                    # the strict reading: the same rule with presumptions off
                    ctx.presumptions = False
                    strict, _ = _status(rule, decide([f(ctx) for f in elements],
                                                     [f(ctx) for f in exceptions]),
                                        nexus.classification)
                    ctx.presumptions = True
                    presumed = strict != status
                if status is None and not everything:
                    continue
                if actors is None:
                    actors = self.actors(incident, act)
                out.append(self._finding(rule, ctx, status, actors, note, presumed))
        return out

    def _finding(self, rule: Rule, ctx: Ctx, status: str | None,
                 actors: tuple[ActorRef, ...], note: str, presumed: bool) -> Finding:
        def trace(clauses: tuple[Clause, ...]) -> tuple[Evaluation, ...]:
            out = []
            for c in clauses:
                value, facts = c.node.explain(ctx)
                kind, basis = _decided_by_default(c.node, ctx, value)
                out.append(Evaluation(c.id, c.description, _word(value), "; ".join(facts),
                                      kind, basis))
            return tuple(out)

        war: tuple[WarCrime, ...] = ()
        if status == "violation" and not presumed:
            war = tuple(WarCrime(p.provision, p.text) for p in rule.war_crimes if _holds(p, ctx))
        undecided: list[str] = []
        if status == "possible":
            for c in rule.elements + rule.exceptions:
                for name in c.node.undecided(ctx):
                    if name not in undecided:
                        undecided.append(name)
        return Finding(rule.id, rule.title, status, ctx.index, actors,
                       war[0].text if war else None, trace(rule.elements),
                       trace(rule.exceptions), note, presumed, war, tuple(undecided))


def _holds(provision: Provision, ctx: Ctx) -> bool:
    return provision.when is None or provision.when.fn(ctx) is True


def _status(rule: Rule, status: str | None, classification: str | None) -> tuple[str | None, str]:
    """The table's status, then the rule's reach: the conflicts it binds in, its cap."""
    note = ""
    if status and classification and classification not in rule.applies_to:
        status, note = None, f"the rule does not bind in a {classification}"
    if status == "violation" and rule.max_status == "possible":
        status = "possible"
        note = "the decisive fact is never recorded: this is a flag for review"
    return status, note


def _decided_by_default(node: Node, ctx: Ctx, value: Tri) -> tuple[str | None, str | None]:
    """Which kind of declared default decided a clause's value (the value would differ
    without defaults of that kind), and the basis of the defaults applied."""
    applied = node.applied_defaults(ctx)
    if not applied:
        return None, None
    for kind, flag in (("presumption", "presumptions"), ("required_record", "records")):
        used = [d for d in applied if d.kind == kind]
        if not used:
            continue
        before = getattr(ctx, flag)
        setattr(ctx, flag, False)
        try:
            without = node.fn(ctx)
        finally:
            setattr(ctx, flag, before)
        if without is not value:
            bases: list[str] = []
            for d in used:
                if d.basis not in bases:
                    bases.append(d.basis)
            return kind, " ".join(bases)
    return None, None


def _types(node: Node) -> frozenset[str]:
    """Act types for which a condition is not certainly false (a sound over-estimate),
    from the act types its ``act.type`` leaves recorded when compiled."""
    if node.act_types is not None:
        return node.act_types
    if node.op == "all" and node.children:
        out = frozenset(ACT_TYPES)
        for child in node.children:
            out &= _types(child)
        return out
    if node.op == "any" and node.children:
        found: frozenset[str] = frozenset()
        for child in node.children:
            found |= _types(child)
        return found
    return frozenset(ACT_TYPES)


def possible_types(rule: Rule) -> frozenset[str]:
    out = frozenset(ACT_TYPES)
    for clause in rule.elements:
        out &= _types(clause.node)
    return out
