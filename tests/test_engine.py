"""The engine: the status table, caps, the conflicts a rule binds in, the trace, the party
and nexus facts derived from the registries, and confidence from attribution."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any

import pytest
from _paths import DATASET, RULES

from ihltag.engine import Engine, decide
from ihltag.models import Incident
from ihltag.registry import Registry, load_registry, registry_from_data
from ihltag.rules import RulePack, load_pack
from ihltag.yamlsafe import read_file

T, F, U = True, False, None
TRI = (T, F, U)

# The status table of ihl-rules.md, one predicate per row, as written there.
TABLE = [
    (lambda e, x: all(v is T for v in e) and all(v is F for v in x), "violation"),
    (lambda e, x: F not in e and U in e and T not in x, "possible"),
    (lambda e, x: all(v is T for v in e) and T not in x and U in x, "possible"),
    (lambda e, x: F in e, None),
    (lambda e, x: T in x, None),
]


def table(elements: tuple[bool | None, ...], exceptions: tuple[bool | None, ...]) -> str | None:
    """The status the table gives; also checks the table is complete and consistent."""
    answers = {status for row, status in TABLE if row(elements, exceptions)}
    assert len(answers) == 1, (elements, exceptions, answers)
    return answers.pop()


@pytest.mark.parametrize("n_elements", [1, 2, 3, 4])
@pytest.mark.parametrize("n_exceptions", [0, 1, 2, 3])
def test_decide_is_the_status_table(n_elements: int, n_exceptions: int) -> None:
    for values in itertools.product(TRI, repeat=n_elements + n_exceptions):
        e, x = values[:n_elements], values[n_elements:]
        assert decide(list(e), list(x)) == table(e, x), (e, x)


# --- a world to evaluate in -------------------------------------------------------------------

ACTORS = [
    {"id": "FAMa", "name": "Malian Armed Forces", "kind": "state_armed_forces"},
    {"id": "Wagner", "name": "Wagner Group", "kind": "private_military_company",
     "supports": "FAMa"},
    {"id": "AfricaCorps", "name": "Africa Corps", "kind": "foreign_state_forces",
     "supports": "FAMa"},
    {"id": "Dozo", "name": "Dozo hunters", "kind": "militia", "supports": "FAMa"},
    {"id": "JNIM", "name": "JNIM", "aliases": ["GSIM"], "kind": "non_state_armed_group"},
    {"id": "FLA", "name": "Front de libération de l'Azawad", "kind": "non_state_armed_group"},
    {"id": "Bandits", "name": "Criminal gang", "kind": "other"},
    {"id": "Lonely", "name": "A group in no conflict", "kind": "non_state_armed_group"},
]
CONFLICTS = [
    {"id": "mli-jnim", "name": "Mali v JNIM", "classification": "NIAC", "country": "MLI",
     "parties": ["FAMa", "JNIM"], "start": "2017-03"},
    {"id": "mli-fla", "name": "Mali v FLA", "classification": "NIAC", "country": "MLI",
     "parties": ["FAMa", "FLA"], "start": "2023-08", "end": "2024-12"},
    {"id": "fantasy-iac", "name": "Mali v Elsewhere", "classification": "IAC", "country": "MLI",
     "parties": ["FAMa"], "start": "2025-01", "end": "2025-02"},
]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return registry_from_data(ACTORS, CONFLICTS)


@pytest.fixture(scope="module")
def pack() -> RulePack:
    return load_pack(RULES)


def make(acts: list[dict[str, Any]], perpetrators: list[tuple[str, str]] | None = None,
         **over: Any) -> Incident:
    data: dict[str, Any] = {
        "id": "engine-test", "title": "t", "date": "2024-08-24", "location": {"country": "MLI"},
        "perpetrators": [{"actor": a, "attribution": att}
                         for a, att in (perpetrators or [("JNIM", "alleged")])],
        "acts": acts, "sources": [{"publisher": "p", "title": "t"}], "summary": "s",
    }
    data.update(over)
    return Incident.model_validate(data)


def status(engine: Engine, incident: Incident, rule: str, act: int = 0) -> str | None:
    found = [f for f in engine.evaluate(incident, rule_ids={rule}) if f.act == act]
    assert len(found) <= 1
    return found[0].status if found else None


# --- the table through compiled rules ---------------------------------------------------------

BOOLS = ("military_objective_present", "direct_participation", "in_custody", "released",
         "fate_disclosed")


def synthetic_pack(tmp_path: Path, n_el: int, n_ex: int, extra: str = "") -> RulePack:
    folder = tmp_path / f"pack-{n_el}-{n_ex}"
    folder.mkdir()
    shutil.copy(RULES / "_sets.yaml", folder / "_sets.yaml")
    lines = ["id: CIHL-900", "title: Synthetic", "text: A rule with one boolean per clause.",
             "icrc: https://ihl-databases.icrc.org/en/customary-ihl/v1/rule900", extra, "elements:"]
    for i in range(n_el):
        lines += [f"  - id: e{i}", f"    description: element {i}",
                  f"    when: {{fact: act.{BOOLS[i]}, is: true}}"]
    lines.append("exceptions:" + ("" if n_ex else " []"))
    for j in range(n_ex):
        lines += [f"  - id: x{j}", f"    description: exception {j}",
                  f"    when: {{fact: act.{BOOLS[n_el + j]}, is: true}}"]
    (folder / "CIHL-900.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_pack(folder)


@pytest.mark.parametrize(("n_el", "n_ex"), [(1, 0), (2, 1), (3, 2), (1, 3)])
def test_status_table_through_compiled_rules(tmp_path: Path, registry: Registry,
                                             n_el: int, n_ex: int) -> None:
    engine = Engine(synthetic_pack(tmp_path, n_el, n_ex), registry)
    for values in itertools.product(TRI, repeat=n_el + n_ex):
        act: dict[str, Any] = {"type": "attack", "target": "civilians"}
        act.update({BOOLS[i]: v for i, v in enumerate(values) if v is not None})
        inc = make([act])
        want = table(values[:n_el], values[n_el:])
        assert status(engine, inc, "CIHL-900") == want, values
        (full,) = engine.evaluate(inc, everything=True)
        words = {T: "true", F: "false", U: "unknown"}
        assert [e.value for e in full.elements + full.exceptions] == [words[v] for v in values]


PARTY = {T: ("JNIM", "alleged"), F: ("Bandits", "alleged"), U: ("unidentified", "suspected")}


def test_status_table_through_displacement_rule(pack: RulePack, registry: Registry) -> None:
    """Rule 129: party × order × the exception (reason, judged on the facts), every combination."""
    engine = Engine(pack, registry)
    reasons = {T: "civilian_safety", F: "unjustified", U: "military_necessity", None: None}
    ordered = {T: True, F: False, U: None}
    for party, order, justified, target in itertools.product(
            TRI, TRI, (T, F, U, None), ("civilians", "fighters")):
        act: dict[str, Any] = {"type": "displacement", "target": target, "compelled": False}
        if ordered[order] is not None:
            act["ordered"] = ordered[order]
        if reasons[justified] is not None:
            act["reason"] = reasons[justified]
        inc = make([act], [PARTY[party]])
        want = table((party, T, target == "civilians", order),
                     (U if justified is None else justified,))
        assert status(engine, inc, "CIHL-129") == want, (party, order, justified, target)


def test_status_table_through_distinction_rule(pack: RulePack, registry: Registry) -> None:
    """Rule 1: party × targeting × the exception (direct participation), every combination,
    in the strict reading and with the presumption (which decides only an omitted fact)."""
    targeting = {T: "directed", F: "incidental", U: None}
    for presumptions, party, directed, dph in itertools.product((False, True), TRI, TRI, TRI):
        engine = Engine(pack, registry, presumptions=presumptions)
        act: dict[str, Any] = {"type": "attack", "target": "civilians"}
        if targeting[directed] is not None:
            act["targeting"] = targeting[directed]
        if dph is not None:
            act["direct_participation"] = dph
        inc = make([act], [PARTY[party]])
        (full,) = engine.evaluate(inc, everything=True, rule_ids={"CIHL-1"})
        e_vals = tuple({"true": T, "false": F, "unknown": U}[e.value] for e in full.elements)
        assert e_vals.count(U) == (party is U) + (directed is U)
        exception = F if (dph is None and presumptions) else dph
        assert status(engine, inc, "CIHL-1") == table(e_vals, (exception,)), (party, directed, dph)
        assert full.exceptions[0].default == ("presumption" if exception is not dph else None)


# --- max_status and applies_to ---------------------------------------------------------------

def test_max_status_caps_violation(tmp_path: Path, registry: Registry) -> None:
    engine = Engine(synthetic_pack(tmp_path, 1, 0, "max_status: possible"), registry)
    inc = make([{"type": "attack", "target": "civilians", "military_objective_present": True}])
    (f,) = engine.evaluate(inc)
    assert f.status == "possible"
    assert "review" in f.note
    # the cap changes nothing below it
    (f,) = engine.evaluate(make([{"type": "attack", "target": "civilians"}]))
    assert f.status == "possible"
    assert engine.evaluate(make([{"type": "attack", "target": "civilians",
                                  "military_objective_present": False}])) == []


def test_real_flag_rules_never_reach_violation(pack: RulePack, registry: Registry) -> None:
    engine = Engine(pack, registry)
    capped = [r.id for r in pack.rules if r.max_status == "possible"]
    assert {"CIHL-14", "CIHL-15"} <= set(capped)
    inc = make([{"type": "attack", "target": "civilians", "targeting": "incidental",
                 "military_objective_present": True, "warning": False}], [("FAMa", "confirmed")])
    found = {f.rule: f.status for f in engine.evaluate(inc)}
    for rule in capped:
        assert found.get(rule) in (None, "possible")
    assert found.get("CIHL-14") == "possible"


@pytest.mark.parametrize(("applies", "perpetrator", "date", "want"), [
    ("[IAC]", ("JNIM", "alleged"), "2024-08-24", None),           # NIAC: does not bind
    ("[NIAC]", ("JNIM", "alleged"), "2024-08-24", "violation"),
    ("[IAC]", ("FAMa", "alleged"), "2025-01-10", "violation"),   # IAC and NIAC both fit: unknown
    ("[IAC]", ("unidentified", "alleged"), "2024-08-24", "violation"),  # no conflict known
    ("[NIAC]", ("FAMa", "alleged"), "2024-08-24", "violation"),
])
def test_applies_to(tmp_path: Path, registry: Registry, applies: str,
                    perpetrator: tuple[str, str], date: str, want: str | None) -> None:
    """A rule is silent where the classification excludes it; an unknown classification
    (no single conflict fits) leaves it in. The element here ignores the party, so only
    ``applies_to`` decides."""
    engine = Engine(synthetic_pack(tmp_path, 1, 0, f"applies_to: {applies}"), registry)
    inc = make([{"type": "attack", "target": "civilians", "military_objective_present": True}],
               [perpetrator], date=date)
    if date == "2025-01-10":
        nexus = registry.nexus(inc)
        assert nexus.classification is None and len(nexus.conflicts) == 2
    assert status(engine, inc, "CIHL-900") == want
    if want is None:
        (full,) = engine.evaluate(inc, everything=True)
        assert full.status is None and "does not bind in a NIAC" in full.note


# --- the trace ---------------------------------------------------------------------------------

def test_trace_names_the_facts(pack: RulePack, registry: Registry) -> None:
    engine = Engine(pack, registry)
    inc = make([{"type": "killing", "target": "civilians"},
                {"type": "attack", "target": "market", "means": "drone_strike"}],
               [("FAMa", "alleged")])
    (f,) = engine.evaluate(inc, rule_ids={"CIHL-7"})
    assert (f.act, f.status, f.decide) == (1, "possible", ("targeting",))
    because = {e.id: (e.value, e.because) for e in f.elements}
    assert because["civilian_object"] == ("true", "acts[1].target = market")
    assert because["directed"] == ("unknown", "acts[1].targeting: omitted (unknown)")
    assert because["party"][0] == "true"
    assert because["party"][1].startswith("party = true (FAMa: state armed forces; mli-jnim")
    d = f.as_dict()
    assert d["elements"][0].keys() == {"id", "description", "value", "because"}
    assert d["decide"] == ["targeting"] and d["status"] == "possible"


def test_trace_of_a_violation_and_an_exception(pack: RulePack, registry: Registry) -> None:
    engine = Engine(pack, registry)
    inc = make([{"type": "displacement", "target": "civilians", "reason": "unjustified",
                 "ordered": True},
                {"type": "displacement", "target": "civilians", "reason": "civilian_safety",
                 "ordered": True}])
    findings = engine.evaluate(inc, everything=True, rule_ids={"CIHL-129"})
    first, second = findings
    assert first.status == "violation"
    assert [(x.id, x.value, x.because) for x in first.exceptions] == [
        ("justified", "false", "acts[0].reason = unjustified")]
    assert [w.as_dict() for w in first.war_crimes] == [
        {"provision": "Rome Statute art. 8(2)(e)(viii)",
         "text": "may amount to a war crime under Rome Statute art. 8(2)(e)(viii)"}]
    assert first.war_crime == "may amount to a war crime under Rome Statute art. 8(2)(e)(viii)"
    assert second.status is None
    assert [(x.value, x.because) for x in second.exceptions] == [
        ("true", "acts[1].reason = civilian_safety")]
    assert second.war_crime is None


def test_trace_shows_declared_default(pack: RulePack, registry: Registry) -> None:
    engine = Engine(pack, registry)
    inc = make([{"type": "detention", "target": "civilians"}], [("FAMa", "alleged")])
    (f,) = engine.evaluate(inc, everything=True, rule_ids={"CIHL-96"})
    assert f.status is None
    demand = next(e for e in f.elements if e.id == "demand")
    assert demand.value == "false"
    assert "acts[0].demand: omitted, counts as false (required record: Rule 96 " in demand.because
    assert (demand.default, demand.basis) == ("required_record", pack.by_id["CIHL-96"].defaults[0].basis)
    assert f.as_dict()["elements"][3]["default"] == "required_record"


def test_explain_everything_lists_every_rule_and_act(pack: RulePack, registry: Registry) -> None:
    engine = Engine(pack, registry)
    inc = make([{"type": "looting", "target": "livestock"},
                {"type": "threat", "target": "civilians"}])
    everything = engine.evaluate(inc, everything=True)
    assert len(everything) == 2 * len(pack.rules)
    assert {(f.rule, f.status) for f in everything if f.status} == {
        ("CIHL-52", "violation"), ("CIHL-53", "possible"), ("CIHL-54", "possible")}
    assert [(f.rule, f.act, f.status) for f in engine.evaluate(inc)] == [
        ("CIHL-52", 0, "violation"), ("CIHL-53", 0, "possible"), ("CIHL-54", 0, "possible")]


# --- party and nexus from the registries --------------------------------------------------------

@pytest.mark.parametrize(("actor", "party", "conflicts"), [
    ("FAMa", T, {"mli-jnim", "mli-fla"}),            # state_armed_forces
    ("Wagner", T, {"mli-jnim", "mli-fla"}),          # private_military_company, via supports
    ("AfricaCorps", T, {"mli-jnim", "mli-fla"}),     # foreign_state_forces, via supports
    ("Dozo", T, {"mli-jnim", "mli-fla"}),            # militia, via supports
    ("JNIM", T, {"mli-jnim"}),                       # non_state_armed_group
    ("gsim", T, {"mli-jnim"}),                       # an alias, any case
    ("Bandits", F, set()),                            # other
    ("Lonely", F, set()),                             # a party kind in no conflict
    ("unidentified", U, set()),
])
def test_party_kinds(registry: Registry, actor: str, party: bool | None,
                     conflicts: set[str]) -> None:
    nexus = registry.nexus(make([{"type": "attack", "target": "civilians"}],
                                [(actor, "alleged")]))
    assert nexus.party is party
    assert nexus.nexus is (U if party is U else bool(conflicts))
    assert {c.id for c in nexus.conflicts} == conflicts
    assert nexus.classification == ("NIAC" if conflicts else None)


def test_supports_is_named_in_the_reason(registry: Registry) -> None:
    nexus = registry.nexus(make([{"type": "attack", "target": "civilians"}],
                                [("Wagner", "alleged")]))
    assert "Wagner: private military company supporting FAMa" in nexus.why


@pytest.mark.parametrize(("actors", "party"), [
    (["Bandits", "unidentified"], U),
    (["FAMa", "unidentified"], T),
    (["Bandits", "JNIM"], T),
    (["Bandits", "Lonely"], F),
])
def test_several_perpetrators(registry: Registry, actors: list[str], party: bool | None) -> None:
    inc = make([{"type": "attack", "target": "civilians"}], [(a, "alleged") for a in actors])
    assert registry.nexus(inc).party is party


def test_date_outside_the_conflict_period(registry: Registry) -> None:
    # the FLA conflict is encoded as ended in December 2024
    before = registry.nexus(make([{"type": "attack", "target": "civilians"}], [("FLA", "alleged")],
                                 date="2024-12"))
    after = registry.nexus(make([{"type": "attack", "target": "civilians"}], [("FLA", "alleged")],
                                date="2025-03-01"))
    assert (before.party, before.nexus) == (T, T)
    assert (after.party, after.nexus, after.conflicts) == (F, F, ())
    # a range that overlaps the period's end still fits: the incident may fall inside
    spanning = registry.nexus(make([{"type": "attack", "target": "civilians"}],
                                   [("FLA", "alleged")], date="2024-12-20/2025-01-10"))
    assert spanning.party is T
    # before the JNIM conflict began
    early = registry.nexus(make([{"type": "attack", "target": "civilians"}], date="2016"))
    assert early.party is F


def test_other_country_has_no_nexus(registry: Registry) -> None:
    inc = make([{"type": "attack", "target": "civilians"}], location={"country": "BFA"})
    assert registry.nexus(inc).party is F


def test_conflict_given_explicitly(registry: Registry) -> None:
    acts = [{"type": "attack", "target": "civilians"}]
    derived = registry.nexus(make(acts, [("FAMa", "alleged")], date="2025-01-10"))
    assert {c.id for c in derived.conflicts} == {"mli-jnim", "fantasy-iac"}
    assert derived.classification is None
    given = registry.nexus(make(acts, [("FAMa", "alleged")], date="2025-01-10",
                                conflict="mli-jnim"))
    assert [c.id for c in given.conflicts] == ["mli-jnim"]
    assert (given.party, given.classification) == (T, "NIAC")
    # an explicitly named conflict the perpetrator is no party to gives no party element
    other = registry.nexus(make(acts, [("JNIM", "alleged")], conflict="fantasy-iac"))
    assert other.party is F


def test_party_drives_the_party_element(pack: RulePack, registry: Registry) -> None:
    engine = Engine(pack, registry)
    for (actor, att), want in [(("JNIM", "alleged"), "violation"), (("Bandits", "alleged"), None),
                               (("unidentified", "suspected"), "possible")]:
        inc = make([{"type": "looting", "target": "livestock"}], [(actor, att)])
        assert status(engine, inc, "CIHL-52") == want, actor


def test_real_registry_supports(pack: RulePack) -> None:
    """The dataset's own registry: Wagner and Africa Corps support FAMa, so they are parties."""
    reg = load_registry(DATASET)
    for actor in ("Wagner", "AfricaCorps"):
        nexus = reg.nexus(make([{"type": "looting", "target": "livestock"}], [(actor, "alleged")],
                               date="2025-03-01"))
        assert nexus.party is T and nexus.classification == "NIAC"


# --- confidence --------------------------------------------------------------------------------

@pytest.mark.parametrize(("attribution", "confidence"), [
    ("confirmed", "high"), ("claimed", "high"), ("alleged", "medium"), ("suspected", "low")])
def test_confidence_from_attribution(pack: RulePack, registry: Registry, attribution: str,
                                     confidence: str) -> None:
    engine = Engine(pack, registry)
    inc = make([{"type": "looting", "target": "livestock"}],
               [("gsim", attribution), ("Wagner", "confirmed")])
    (f,) = engine.evaluate(inc, rule_ids={"CIHL-52"})
    # confidence never changes the status: the status is about the conduct
    assert f.status == "violation"
    assert f.actors[0] == {"actor": "JNIM", "attribution": attribution, "confidence": confidence,
                           "involvement": "direct"}
    assert f.actors[1]["confidence"] == "high"


def test_test_world_is_a_valid_registry() -> None:
    world = read_file(RULES / "_tests.yaml", "_tests.yaml").data
    reg = registry_from_data(world["actors"], world["conflicts"])
    assert reg.resolve("GSIM") is not None and reg.resolve("GSIM").id == "JNIM"  # type: ignore[union-attr]
