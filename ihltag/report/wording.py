"""Wording the report for publication: places, dates, figures, acts and findings in words.

A finding reads as an editor would print it: "violation — attributed to JNIM (alleged,
medium confidence)"; a provision only on a violation ("may amount to a war crime under
…"); a presumption named ("presumed civilian, Rule 6"); the elements in the rule file's
``reader`` texts where it has them (its ``description`` is written for coders). Free text
of an incident goes through its ``Redactor`` (``redact.py``) before it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ihltag.formats.ci import to_decide
from ihltag.i18n import N_, _, current, vocab
from ihltag.registry import UNIDENTIFIED, Registry
from ihltag.report.model import (
    Act,
    Actor,
    Casualty,
    Conflict,
    Figure,
    Finding,
    FindingActor,
    Perpetrator,
    Place,
    ReviewFlag,
)
from ihltag.vocab import (
    ATTRIBUTION,
    CASUALTY_KINDS,
    CONFIDENCE_BY_ATTRIBUTION,
    TARGETS,
)

if TYPE_CHECKING:
    from ihltag.models import Act as ActModel
    from ihltag.models import Incident, Location
    from ihltag.report.redact import Redactor
    from ihltag.results import Evaluation
    from ihltag.results import Finding as Result
    from ihltag.rules import Rule

LAW_WORDS = {
    "common_article_3": "Common Article 3 of the Geneva Conventions",
    "additional_protocol_i": "Additional Protocol I",
    "additional_protocol_ii": "Additional Protocol II",
    "customary_ihl": "customary international humanitarian law",
    "rome_statute": "the Rome Statute of the International Criminal Court",
    "geneva_conventions": "the Geneva Conventions of 1949",
    "rome_statute_2019_starvation": "the 2019 amendment to the Rome Statute on starvation "
                                    "in non-international armed conflicts",
}
# What a declared presumption makes of an omitted fact, for readers.
PRESUMPTION_WORDS = {
    "act.direct_participation": N_("presumed civilian, Rule 6"),
    "act.military_use": N_("presumed a civilian object, Rule 10"),
}
N_("presumed (declared default)")
STATE_KINDS = frozenset({"state_armed_forces", "foreign_state_forces"})


def law_words(name: str) -> str:
    if current().lang != "en":
        return vocab("law", name)
    return LAW_WORDS.get(name, name.replace("_", " "))


def conflict_info(cid: str, registry: Registry) -> Conflict:
    c = registry.conflicts[cid]
    return {"id": c.id, "name": c.name, "classification": c.classification,
            "country": c.country, "parties": list(c.parties),
            "law": [law_words(x) if isinstance(x, str) else _("{law} (from {date})").format(
                law=law_words(x.name), date=current().date(str(x.from_))) for x in (c.law or [])],
            "start": c.start, "end": c.end}


def actor_info(key: str, registry: Registry) -> Actor:
    actor = registry.actors.get(key)
    if actor is None:
        name = _("Unidentified perpetrators") if key == UNIDENTIFIED else key
        return {"id": key, "name": name, "kind": None, "supports": None, "aliases": []}
    return {"id": actor.id, "name": actor.name, "kind": vocab("actor.kind", actor.kind),
            "supports": actor.supports, "aliases": list(actor.aliases)}


def place(loc: Location, exact: bool) -> Place:
    hide = loc.sensitive and not exact
    parts = [loc.admin1, loc.country] if hide else [loc.place, loc.admin2, loc.admin1,
                                                     loc.country]
    return {
        "country": loc.country, "admin1": loc.admin1,
        "admin2": None if hide else loc.admin2, "place": None if hide else loc.place,
        "lat": None if hide else loc.lat, "lon": None if hide else loc.lon,
        "sensitive": loc.sensitive, "withheld": hide,
        "text": ", ".join(p for p in parts if p) + (" " + _("(exact place withheld)") if hide else ""),
    }


def date_text(text: str) -> str:
    """The date as written; a range ``A/B`` reads ``A to B``."""
    left, sep, right = text.partition("/")
    day = current().date
    return _("{start} to {end}").format(start=day(left), end=day(right)) if sep else day(text)


def figure(value: Any) -> Figure:
    """One recorded figure in words: exact, "at least", "about" or a range."""
    n = current().number
    if isinstance(value, int):
        return {"low": None, "best": None, "high": None, "exact": value, "text": n(value)}
    low, best, high = value.low, value.best, value.high
    estimate = " " + _("(best estimate {n})").format(n=n(best)) if best is not None else ""
    if low is not None and high is not None:
        text = _("{low} to {high}").format(low=n(low), high=n(high)) if low != high else n(low)
        text += estimate
    elif low is not None:
        text = _("at least {n}").format(n=n(low)) + estimate
    elif high is not None:
        text = _("at most {n}").format(n=n(high)) + estimate
    else:
        text = _("about {n}").format(n=n(best))
    return {"low": low, "best": best, "high": high, "exact": None, "text": text}


def casualties(incident: Incident) -> list[Casualty]:
    if incident.casualties is None:
        return []
    return [{"kind": kind, "figure": figure(getattr(incident.casualties, kind))}
            for kind in CASUALTY_KINDS if getattr(incident.casualties, kind) is not None]


def casualty_text(cas: list[Casualty]) -> str:
    return "; ".join(f"{vocab('casualty', c['kind'])} {c['figure']['text']}" for c in cas)


# Recorded act facts in words for readers: (when true, when false).
FLAG_WORDS = {
    "military_objective_present": (N_("a military objective was present"),
                                   N_("no military objective was present")),
    "military_use": (N_("the object was used for military action"),
                     N_("the object was not used for military action")),
    "warning_unheeded": (N_("a warning to stop went unheeded"), N_("no warning went unheeded")),
    "status_disputed": (N_("the victims' status is disputed"),
                        N_("the victims' status is not disputed")),
    "direct_participation": (N_("the victims were taking a direct part in hostilities"),
                             N_("the victims were not taking part in hostilities")),
    "in_custody": (N_("the victims were in the perpetrators' custody"),
                   N_("the victims were not in custody")),
    "incommunicado": (N_("they were held incommunicado"), N_("they were not held incommunicado")),
    "judicial_review": (N_("they were brought before a judge"),
                        N_("they were not brought before a judge")),
    "released": (N_("they were released"), N_("they were not released")),
    "fate_disclosed": (N_("their fate was disclosed"), N_("their fate was not disclosed")),
    "ordered": (N_("an order to leave was given"), N_("no order to leave was given")),
    "compelled": (N_("people were forced out"), N_("people were not forced out")),
    "regular_court": (N_("the sentence came from a regular court"),
                      N_("the sentence did not come from a regular court")),
    "deny_sustenance": (N_("the aim was to deny sustenance"),
                        N_("the aim was not to deny sustenance")),
    "starvation_intent": (N_("the aim was to starve civilians"),
                          N_("the aim was not to starve civilians")),
    "relief_blocked": (N_("relief was blocked"), N_("relief was not blocked")),
    "owner_adverse": (N_("the owners were seen as on the other side"),
                      N_("the owners were not seen as on the other side")),
    "levy": (N_("it was a levy imposed by the party controlling the area"),
             N_("it was not a levy")),
    "mutilation": (N_("there was mutilation"), N_("there was no mutilation")),
    "victim_activated": (N_("the device was set off by its victims"),
                         N_("the device was not set off by its victims")),
    "warning": (N_("a warning was given"), N_("no warning was given")),
}
AIM_WORDS = {"directed": N_("the attack was aimed at its target"),
             "indiscriminate": N_("the attack was not aimed at a specific military objective"),
             "incidental": N_("the harm was incidental to an attack on a military objective"),
             "unknown": N_("the aim is not recorded")}
# Facts with a vocabulary value: a lead-in with the value in words.
VALUE_WORDS = {"means": N_("means: {value}"),
               "reason": N_("reason recorded: {value}"),
               "demand_to": N_("demand addressed to: {value}")}


def _detail(name: str, value: Any, text: Redactor) -> str:
    """One recorded fact of an act in words (free text such as a demand goes through the
    redactor: it may name the place)."""
    if isinstance(value, bool) and name in FLAG_WORDS:
        return _(FLAG_WORDS[name][0 if value else 1])
    if name == "targeting" and value in AIM_WORDS:
        return _(AIM_WORDS[value])
    if name in VALUE_WORDS:
        return _(VALUE_WORDS[name]).format(value=vocab(f"act.{name}", value))
    if name == "count":
        return _("number recorded: {count}").format(count=current().number(value))
    if name == "victim_groups":
        return _("among the victims: {groups}").format(
            groups=", ".join(vocab("act.victim_groups", v) for v in value))
    if isinstance(value, bool):
        shown = _("yes") if value else _("no")
    elif isinstance(value, list):
        shown = ", ".join(vocab(f"act.{name}", v) for v in value)
    elif isinstance(value, int):
        shown = current().number(value)
    else:
        shown = vocab(f"act.{name}", value)
    return f"{vocab('act.field', name)}: {text.text(shown)}"


def act(item: ActModel, index: int, text: Redactor) -> Act:
    target = TARGETS.get(item.target, item.target) if current().lang == "en" else \
        vocab("act.target", item.target)
    headline = f"{vocab('act.type', item.type)} — {target}"
    details = [_detail(name, value, text)
               for name, value in item.model_dump(exclude_none=True).items()
               # perpetrators: the attribution says it
               if name not in ("type", "target", "note", "perpetrators")]
    note = text.text(item.note)
    happened = " ".join(p for p in ("; ".join(details) + "." if details else "", note or "") if p)
    happened = happened[:1].upper() + happened[1:]
    return {"index": index, "type": item.type, "target": item.target, "headline": headline,
            "details": details, "note": note, "happened": happened}


def actor_words(a: Mapping[str, Any], registry: Registry) -> str:
    """``JNIM (alleged, medium confidence)``; involvement other than direct is said too."""
    actor = registry.actors.get(a["actor"])
    name = _("unidentified perpetrators") if a["actor"] == UNIDENTIFIED else (
        actor.id if actor else a["actor"])
    confidence = a.get("confidence") or CONFIDENCE_BY_ATTRIBUTION.get(a["attribution"], "")
    inv = a.get("involvement", "direct")
    how = "" if inv in ("direct", "", None) else f", {vocab('involvement', inv)}"
    return _("{actor} ({attribution}, {confidence} confidence{involvement})").format(
        actor=name, attribution=vocab("attribution", a["attribution"]),
        confidence=vocab("confidence", confidence), involvement=how)


def perpetrator(p: Any, key: str, registry: Registry) -> Perpetrator:
    confidence = CONFIDENCE_BY_ATTRIBUTION[p.attribution]
    entry = {"actor": key, "attribution": p.attribution, "involvement": p.involvement,
             "confidence": confidence}
    return {"actor": key, "name": actor_info(key, registry)["name"],
            "attribution": p.attribution, "attribution_text": ATTRIBUTION[p.attribution],
            "confidence": confidence, "involvement": p.involvement,
            "text": actor_words(entry, registry)}


def clause_text(rule: Rule | None, clause: Evaluation) -> str:
    """The element's text for readers: the rule file's ``reader`` text when it has one."""
    if rule is not None:
        rule = rule.in_lang(current().lang)
        for c in (*rule.elements, *rule.exceptions):
            if c.id == clause.id:
                return c.reader or c.description
    return clause.description


def presumptions(f: Result, rule: Rule | None) -> list[str]:
    """What the presumptions that decided the finding made of the facts, in words."""
    if not f.presumed:
        return []
    facts = {d.clause: d.fact for d in rule.defaults} if rule is not None else {}
    out: list[str] = []
    for e in f.elements + f.exceptions:
        if e.default == "presumption":
            words = _(PRESUMPTION_WORDS.get(facts.get(e.id, ""), "presumed (declared default)"))
            if words not in out:
                out.append(words)
    return out or [_("presumed (declared default)")]


def _judged(clauses: tuple[Evaluation, ...], rule: Rule | None, value: str) -> list[str]:
    return [clause_text(rule, e) for e in clauses if e.value == value]


def finding(f: Result, inc: Incident, rule: Rule | None, registry: Registry,
            text: Redactor, counted: bool) -> Finding:
    """A finding worded for publication (see the module's docstring)."""
    actors: list[FindingActor] = [
        {"actor": a["actor"], "attribution": a["attribution"],
         "confidence": a.get("confidence") or CONFIDENCE_BY_ATTRIBUTION[a["attribution"]],
         "involvement": a.get("involvement") or "direct"} for a in f.actors]
    attribution = "; ".join(actor_words(a, registry) for a in actors) or _("unknown")
    violation = f.status == "violation"
    status = _("violation") if violation else _("possible violation")
    words = rule.in_lang(current().lang) if rule is not None else None
    return {
        "rule": f.rule, "title": words.title if words else f.title, "status": f.status or "possible",
        "counted": counted, "act": act(inc.acts[f.act], f.act, text), "actors": actors,
        "attribution": attribution,
        "headline": _("{status} — attributed to {attribution}").format(status=status,
                                                                        attribution=attribution),
        # provisions only on a violation (war_crimes_shown re-checks the status)
        "war_crimes": war_crime_words(f, words),
        "provisions": [w.provision for w in f.war_crimes_shown()
                       if not w.provision.lower().startswith("none")],
        "presumed": f.presumed, "presumptions": presumptions(f, rule),
        "presumed_basis": presumed_basis(f, rule, words),
        "established": _judged(f.elements, rule, "true"),
        "unknown": _judged(f.elements, rule, "unknown"),
        "open_exceptions": _judged(f.exceptions, rule, "unknown"),
        "ruled_out": _judged(f.exceptions, rule, "false"),
        "decide": [] if violation else [vocab("act.field", x) for x in to_decide(f)],
        "note": f.note,
    }


def review_flags(findings: list[Finding]) -> list[ReviewFlag]:
    """The possible findings grouped per act, as ``check`` groups them: one flag per act."""
    acts: dict[int, list[Finding]] = {}
    for f in findings:
        if f["status"] != "violation":
            acts.setdefault(f["act"]["index"], []).append(f)
    out: list[ReviewFlag] = []
    for index, group in acts.items():
        facts: list[str] = []
        for f in group:
            facts.extend(x for x in f["decide"] if x not in facts)
        rules = [f["rule"] for f in group]
        text = _("Act {n}: possible under {rules}").format(n=index + 1, rules=", ".join(rules))
        text += ("; " + _("what would decide it: {facts}").format(facts=", ".join(facts)) if facts
                 else "; " + _("a flag for review (the decisive judgement is not a recorded fact)"))
        out.append({"act": index, "rules": rules, "text": text + "."})
    return out


def response_heading(actor: str, registry: Registry) -> str:
    a = registry.actors.get(actor)
    state = a is not None and a.kind in STATE_KINDS
    return _("Response of the authorities") if state else _("Response of the group")


def war_crime_words(f: Result, words: Rule | None) -> list[str]:
    """"may amount to a war crime under …" in the report's language (the rule file's
    French notes, the provision in French legal wording)."""
    tr = current()
    if tr.lang == "en" or words is None:
        return f.war_crime_texts()
    notes = {p.provision: p.note for p in words.war_crimes}
    return [tr.war_crime(w.provision, notes.get(w.provision, "")) for w in f.war_crimes_shown()]


def presumed_basis(f: Result, rule: Rule | None, words: Rule | None) -> str:
    """The legal basis of the presumptions that decided the finding, in the report's
    language (the rule file's translation of its bases)."""
    basis = f.presumed_basis()
    if rule is not None and words is not None and words is not rule:
        for en, fr in zip(rule.defaults, words.defaults, strict=True):
            basis = basis.replace(en.basis, fr.basis)
    return basis
