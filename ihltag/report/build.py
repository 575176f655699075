"""Selecting findings and assembling the report's data.

Everything a renderer shows is decided here, once: which findings, in which order, what
the place may say, which sources may be named. Renderers receive plain data (dicts,
lists, strings, numbers), so a format cannot show a confidential source or a sensitive
place that the data does not hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ihltag.dates import Span, parse_span
from ihltag.diagnostics import suggestions
from ihltag.formats.ci import presumed_basis, presumed_text, war_crime_texts, war_crimes_of
from ihltag.registry import UNIDENTIFIED, Registry, fold
from ihltag.report.redact import WITHHELD, Redactor, redactor_for
from ihltag.vocab import ATTRIBUTION, CASUALTY_KINDS, INVOLVEMENT, SOURCE_KINDS, TARGETS

if TYPE_CHECKING:
    from ihltag.models import Act, Incident, Location, Source
    from ihltag.rules import Rule
    from ihltag.runner import CheckRun

ReportData = dict[str, Any]

VERSION = 1
CONFIDENTIAL_NOTICE = ("CONFIDENTIAL SOURCES INCLUDED: this report names sources marked "
                       "confidential; do not publish or share it as is.")
__all__ = ["WITHHELD", "ReportError", "ReportOptions", "build_report"]

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

METHOD = (
    "Each finding applies one rule of customary international humanitarian law (the ICRC "
    "Customary IHL Study) to one act recorded in an incident file. A rule is a list of "
    "elements that must all hold and of exceptions that would defeat it; each is true, "
    "false or unknown, and a fact the file does not record is unknown, never assumed. A "
    "finding is a violation when every element is established by the recorded facts and "
    "no exception holds or remains open. It is possible when nothing recorded rules the "
    "rule out but at least one element or exception is unknown, or when the rule turns on"
    " a judgment the data never records (such as excessiveness in an attack): 'possible' "
    "is a flag for review and further investigation, not a conclusion that the law was "
    "broken. Where a rule declares a presumption (Rules 6 and 10: in case of doubt, a "
    "person is a civilian and an object normally dedicated to civilian purposes is not "
    "used for military action), a finding that the presumption decided is marked "
    "presumed, with its legal basis; the strict reading (--no-presumptions) leaves those "
    "facts unknown. A war-crime provision is shown only on a violation that no "
    "presumption decided and whose condition holds, worded 'may amount to a war crime "
    "under', and never on a possible finding; no finding is labelled a crime against "
    "humanity, which needs a widespread or systematic attack that no single act "
    "establishes. Each incident is read under the law in force on its date. The "
    "confidence shown beside each actor comes from how the act was attributed (confirmed "
    "or claimed: high; alleged: medium; suspected: low); it is about who did it, not "
    "about whether the conduct was unlawful. Casualty totals add the best estimate of "
    "each incident (or its lowest figure where there is no best estimate) and show the "
    "sums of the lowest and highest figures as a range; an incident counted under several"
    " rules is counted once. Sources marked confidential are left out unless the report "
    "says otherwise on its first line, and places marked sensitive are shown only by "
    "country and region."
)


class ReportError(Exception):
    """The report cannot be made as asked (unknown actor, bad date): exit 2."""


@dataclass
class ReportOptions:
    """What the user selected; names are resolved and checked by ``build_report``."""

    actors: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None
    regions: list[str] = field(default_factory=list)
    status: str = "possible"
    include_confidential: bool = False
    include_supporting: bool = False
    exact_places: bool = False


# --- selection ---------------------------------------------------------------------------


def _actor_key(name: str, registry: Registry) -> str:
    """The id a finding's actor stands for; every spelling of 'unidentified' is one key."""
    if fold(name) == UNIDENTIFIED:
        return UNIDENTIFIED
    actor = registry.resolve(name)
    return actor.id if actor else name


def _resolve_actors(names: list[str], registry: Registry) -> list[str]:
    out: list[str] = []
    for name in names:
        if fold(name) == UNIDENTIFIED:
            key = UNIDENTIFIED
        else:
            actor = registry.resolve(name)
            if actor is None:
                close = registry.suggest(name, 3)
                hint = (f"; closest known names: {', '.join(close)}" if close
                        else f"; known actors: {', '.join(registry.actors)}")
                raise ReportError(f"unknown actor '{name}'{hint} (see 'ihltag actors')")
            key = actor.id
        if key not in out:
            out.append(key)
    return out


def _resolve_rules(names: list[str], run: CheckRun) -> set[str] | None:
    if not names:
        return None
    out: set[str] = set()
    for name in names:
        try:
            out.add(run.pack.lookup(name).id)
        except LookupError as exc:
            raise ReportError(str(exc)) from None
    return out


def _resolve_conflicts(names: list[str], registry: Registry) -> set[str] | None:
    if not names:
        return None
    out: set[str] = set()
    for name in names:
        match = next((c for c in registry.conflicts if fold(c) == fold(name)), None)
        if match is None:
            close = suggestions(name, list(registry.conflicts), n=3, cutoff=0.4)
            hint = ", ".join(close or registry.conflicts)
            raise ReportError(f"unknown conflict '{name}'; known conflicts: {hint}")
        out.add(match)
    return out


def _date_bound(text: str | None, option: str) -> Span | None:
    if text is None:
        return None
    try:
        return parse_span(text.strip())
    except ValueError as exc:
        raise ReportError(f"{option}: {exc}") from None


def _window(options: ReportOptions) -> Span | None:
    """The period asked for; an incident is in it when the dates it can mean overlap it."""
    start = _date_bound(options.date_from, "--from")
    end = _date_bound(options.date_to, "--to")
    if start is None and end is None:
        return None
    from datetime import date

    first = start.start if start else date.min
    last = end.end if end else date.max
    if first > last:
        raise ReportError(f"--from {options.date_from} is after --to {options.date_to}")
    return Span(first, last, f"{options.date_from or ''}/{options.date_to or ''}")


def _regions(names: list[str], incidents: Iterable[Incident]) -> set[str] | None:
    if not names:
        return None
    known: dict[str, str] = {}
    for inc in incidents:
        if inc.location.admin1:
            known.setdefault(fold(inc.location.admin1), inc.location.admin1)
    wanted = {fold(n) for n in names}
    for name, key in zip(names, [fold(n) for n in names], strict=True):
        if key not in known:
            close = suggestions(key, list(known), n=3, cutoff=0.5)
            shown = [known[c] for c in close] if close else sorted(known.values())
            hint = ", ".join(shown)
            raise ReportError(f"no incident is in region '{name}'; known regions: {hint}")
    return wanted


# --- wording -----------------------------------------------------------------------------


def _place(loc: Location, exact: bool) -> dict[str, Any]:
    hide = loc.sensitive and not exact
    parts = [loc.admin1, loc.country] if hide else [loc.place, loc.admin2, loc.admin1,
                                                     loc.country]
    return {
        "country": loc.country, "admin1": loc.admin1,
        "admin2": None if hide else loc.admin2, "place": None if hide else loc.place,
        "lat": None if hide else loc.lat, "lon": None if hide else loc.lon,
        "sensitive": loc.sensitive, "withheld": hide,
        "text": ", ".join(p for p in parts if p) + (" (exact place withheld)" if hide else ""),
    }


def _date_text(text: str) -> str:
    left, sep, right = text.partition("/")
    return f"{left} to {right}" if sep else text


def _figure(value: Any) -> dict[str, int]:
    if isinstance(value, int):
        return {"low": value, "central": value, "high": value}
    low = next(v for v in (value.low, value.best, value.high) if v is not None)
    high = next(v for v in (value.high, value.best, value.low) if v is not None)
    return {"low": low, "central": value.central, "high": high}


def figure_text(fig: dict[str, int]) -> str:
    """``12`` for an exact figure, ``12 (10–15)`` for a range with its central value."""
    if fig["low"] == fig["high"]:
        return str(fig["central"])
    return f"{fig['central']} ({fig['low']}–{fig['high']})"


def _casualties(incident: Incident) -> dict[str, dict[str, int]]:
    if incident.casualties is None:
        return {}
    out = {}
    for kind in CASUALTY_KINDS:
        value = getattr(incident.casualties, kind)
        if value is not None:
            out[kind] = _figure(value)
    return out


def _add(total: dict[str, dict[str, int]], part: dict[str, dict[str, int]]) -> None:
    for kind, fig in part.items():
        into = total.setdefault(kind, {"low": 0, "central": 0, "high": 0})
        for k in ("low", "central", "high"):
            into[k] += fig[k]


def casualty_text(cas: dict[str, dict[str, int]]) -> str:
    return "; ".join(f"{kind} {figure_text(fig)}" for kind, fig in cas.items())


def _act(act: Act, index: int, text: Redactor) -> dict[str, Any]:
    target = TARGETS.get(act.target, act.target)
    headline = f"{act.type.replace('_', ' ')} — {target}"
    details: list[str] = []
    for name, value in act.model_dump(exclude_none=True).items():
        if name in ("type", "target", "note", "perpetrators"):  # perpetrators: the attribution
            continue
        if isinstance(value, bool):
            shown = "yes" if value else "no"
        elif isinstance(value, list):
            shown = ", ".join(str(v).replace("_", " ") for v in value)
        else:
            shown = str(value).replace("_", " ")
        # free text such as a ransom demand may name the place
        details.append(f"{name.replace('_', ' ')}: {text.text(shown)}")
    note = text.text(act.note)
    happened = " ".join(p for p in ("; ".join(details) + "." if details else "", note or "") if p)
    return {"index": index, "type": act.type, "target": act.target, "headline": headline,
            "details": details, "note": note, "happened": happened,
            "text": headline + (f" ({'; '.join(details)})" if details else "")
            + (f". {note}" if note else "")}


def _actor_text(a: dict[str, str], registry: Registry) -> str:
    actor = registry.actors.get(a["actor"])
    name = a["actor"] if actor is None else actor.id
    inv = a.get("involvement", "direct")
    how = "" if inv == "direct" else f", {INVOLVEMENT.get(inv, inv)}"
    return f"{name} ({a['attribution']}, confidence {a.get('confidence', '?')}{how})"


def _judgement(finding: dict[str, Any]) -> dict[str, list[str]]:
    established = [e["description"] for e in finding["elements"] if e["value"] == "true"]
    unknown = [e["description"] for e in finding["elements"] if e["value"] == "unknown"]
    open_exc = [e["description"] for e in finding["exceptions"] if e["value"] == "unknown"]
    ruled_out = [e["description"] for e in finding["exceptions"] if e["value"] == "false"]
    return {"established": established, "unknown": unknown, "open_exceptions": open_exc,
            "ruled_out": ruled_out}


def _source(src: Source, text: Redactor) -> dict[str, Any]:
    return {
        "publisher": text.text(src.publisher), "title": text.text(src.title), "date": src.date,
        "url": text.url(src.url), "archive_url": text.url(src.archive_url),
        "kind": src.kind, "reference": text.text(src.reference), "reliability": src.reliability,
        "credibility": src.credibility, "confidential": src.confidential,
    }


def source_citation(note: dict[str, Any]) -> str:
    """One source note as a sentence without its links: publisher, title, date, reference."""
    parts = [note["publisher"], f"“{note['title']}”"]
    if note.get("date"):
        parts.append(note["date"])
    out = ", ".join(parts) + "."
    if note.get("reference"):
        out += f" {note['reference']}."
    extra = []
    if note.get("kind") and note["kind"] != "other":
        extra.append(SOURCE_KINDS.get(note["kind"], note["kind"]).removeprefix("a ")
                     .removeprefix("an "))
    if note.get("reliability"):
        extra.append(f"reliability {note['reliability']}")
    if note.get("credibility"):
        extra.append(f"credibility {note['credibility']}")
    if note.get("confidential"):
        extra.append("CONFIDENTIAL")
    if extra:
        out += f" [{'; '.join(extra)}]"
    return out


def source_text(note: dict[str, Any]) -> str:
    """The citation with its links, for formats that print links as plain text."""
    out = source_citation(note)
    if note.get("url"):
        out += f" {note['url']}"
    if note.get("archive_url"):
        out += f" (archived: {note['archive_url']})"
    return out


# --- assembly ----------------------------------------------------------------------------


def _rel_file(file: str, root: Path) -> str:
    try:
        return Path(file).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return file


def _law_words(name: str) -> str:
    return LAW_WORDS.get(name, name.replace("_", " "))


def _conflict_info(cid: str, registry: Registry) -> dict[str, Any]:
    c = registry.conflicts[cid]
    return {"id": c.id, "name": c.name, "classification": c.classification,
            "country": c.country, "parties": list(c.parties),
            "law": [_law_words(x) if isinstance(x, str) else
                    f"{_law_words(x.name)} (from {x.from_})" for x in (c.law or [])],
            "start": c.start, "end": c.end}


def _actor_info(key: str, registry: Registry) -> dict[str, Any]:
    actor = registry.actors.get(key)
    if actor is None:
        name = "Unidentified perpetrators" if key == UNIDENTIFIED else key
        return {"id": key, "name": name, "kind": None, "supports": None, "aliases": []}
    return {"id": actor.id, "name": actor.name, "kind": actor.kind.replace("_", " "),
            "supports": actor.supports, "aliases": list(actor.aliases)}


def _rule_info(rule: Rule) -> dict[str, Any]:
    # no list of the rule's provisions here: a provision is shown only on the violations
    # whose condition holds (each finding's ``war_crimes``), never beside a possible one
    return {"id": rule.id, "title": rule.title, "text": rule.text, "icrc": rule.icrc,
            "max_status": rule.max_status}


def build_report(run: CheckRun, options: ReportOptions) -> ReportData:
    """The whole report as plain data; raise ``ReportError`` for a selection that cannot be made."""
    from ihltag.engine import STATUS_ORDER

    registry = run.registry
    if options.status not in STATUS_ORDER:
        raise ReportError(f"--status must be one of {', '.join(STATUS_ORDER)}")
    wanted_actors = _resolve_actors(options.actors, registry)
    wanted_rules = _resolve_rules(options.rules, run)
    wanted_conflicts = _resolve_conflicts(options.conflicts, registry)
    window = _window(options)
    valid = [r for r in run.results if r.valid and r.incident is not None]
    wanted_regions = _regions(options.regions, (r.incident for r in valid if r.incident))
    lowest = STATUS_ORDER[options.status]

    # Which actors make up each section: the lead actor, plus the forces supporting it.
    def group_of(lead: str) -> list[str]:
        members = [lead]
        if options.include_supporting:
            members += [a.id for a in registry.actors.values() if a.supports == lead]
        return members

    # 1. Select findings, keeping the incident each came from.
    selected: list[tuple[Any, dict[str, Any], list[str]]] = []
    nexus_of: dict[str, list[str]] = {}
    law_of: dict[str, list[str] | None] = {}
    for r in valid:
        inc = r.incident
        assert inc is not None
        if window is not None and not inc.span.overlaps(window):
            continue
        if wanted_regions is not None and fold(inc.location.admin1 or "") not in wanted_regions:
            continue
        nexus = registry.nexus(inc)
        conflicts = [c.id for c in nexus.conflicts]
        if wanted_conflicts is not None and not wanted_conflicts & set(conflicts):
            continue
        nexus_of[inc.id] = conflicts
        # only the law in force on the incident's date (ihl-rules.md, "Applicable law by date")
        law_of[inc.id] = None if nexus.law is None else [_law_words(x) for x in nexus.law]
        for f in (typed.as_dict() for typed in r.findings):  # the report's dicts, for now
            if STATUS_ORDER.get(f["status"], 0) < lowest:
                continue
            if wanted_rules is not None and f["rule"] not in wanted_rules:
                continue
            keys = [_actor_key(a["actor"], registry) for a in f["actors"]]
            selected.append((r, f, keys))

    # 2. Sections: the actors asked for, or every actor with a finding (registry order).
    if wanted_actors:
        leads = wanted_actors
    else:
        present = {k for _, _, keys in selected for k in keys}
        if options.include_supporting:
            folded = {registry.actors[k].supports for k in present
                      if k in registry.actors and registry.actors[k].supports}
            present = {k for k in present
                       if not (k in registry.actors and registry.actors[k].supports)} | {
                           f for f in folded if f}
        order = list(registry.actors) + sorted(present - set(registry.actors) - {UNIDENTIFIED})
        order.append(UNIDENTIFIED)
        leads = [k for k in order if k in present]
    groups = {lead: group_of(lead) for lead in leads}
    if wanted_actors:
        in_scope = {m for g in groups.values() for m in g}
        selected = [s for s in selected if in_scope & set(s[2])]

    # 3. Source notes are numbered once per report, in order of first appearance.
    notes: list[dict[str, Any]] = []
    note_ids: dict[tuple[tuple[str, str], ...], int] = {}
    incident_cache: dict[str, dict[str, Any]] = {}
    rules_by_id = run.pack.by_id

    def incident_entry(r: Any) -> dict[str, Any]:
        inc: Incident = r.incident
        if inc.id in incident_cache:
            return incident_cache[inc.id]
        hide = inc.location.sensitive and not options.exact_places
        loc = inc.location
        text = redactor_for(loc, options.exact_places)
        refs: list[int] = []
        withheld = 0
        for src in inc.sources:
            if src.confidential and not options.include_confidential:
                withheld += 1
                continue
            note = _source(src, text)
            # One note per distinct source: incidents citing the same passage share it.
            key = tuple(sorted((k, str(v)) for k, v in note.items()))
            if key not in note_ids:
                note["number"] = len(notes) + 1
                note["incidents"] = []
                note["citation"] = source_citation(note)
                note["text"] = source_text(note)
                notes.append(note)
                note_ids[key] = note["number"]
            number = note_ids[key]
            if not hide:
                notes[number - 1]["incidents"].append(inc.id)
            if number not in refs:
                refs.append(number)
        entry = {
            "id": None if hide else inc.id,
            "file": None if hide else _rel_file(r.file, run.root),
            "date": inc.date, "date_text": _date_text(inc.date),
            "start": inc.span.start.isoformat(), "end": inc.span.end.isoformat(),
            "place": _place(loc, options.exact_places),
            "title": text.text(inc.title), "summary": text.text(" ".join(inc.summary.split())),
            "conflicts": nexus_of.get(inc.id, []),
            "law": law_of.get(inc.id),
            "perpetrators": [{"actor": _actor_key(p.actor, registry),
                              "attribution": p.attribution,
                              "attribution_text": ATTRIBUTION[p.attribution],
                              "involvement": p.involvement} for p in inc.perpetrators],
            "casualties": _casualties(inc), "casualties_text": casualty_text(_casualties(inc)),
            "notes": refs, "confidential_withheld": withheld,
        }
        incident_cache[inc.id] = entry
        return entry

    def finding_entry(r: Any, f: dict[str, Any]) -> dict[str, Any]:
        inc: Incident = r.incident
        text = redactor_for(inc.location, options.exact_places)
        wars = war_crime_texts(f)
        return {
            "rule": f["rule"], "title": f["title"], "status": f["status"],
            "act": _act(inc.acts[f["act"]], f["act"], text),
            "actors": [dict(a) for a in f["actors"]],
            "attribution": "; ".join(_actor_text(a, registry) for a in f["actors"]),
            # provisions only on a violation no presumption decided (the engine's rule;
            # re-checked here so that no report can print one beside a possible finding)
            "war_crime": "; ".join(wars) or None, "war_crimes": wars,
            "presumed": bool(f.get("presumed")), "presumed_text": presumed_text(f),
            "presumed_basis": presumed_basis(f),
            **_judgement(f), "note": f.get("note", ""),
        }

    def sort_key(item: tuple[Any, dict[str, Any], list[str]]) -> tuple[Any, ...]:
        inc = item[0].incident
        return (inc.span.start, inc.span.end, inc.id, item[1]["act"])

    # 4. Sections → rules → incidents (date order) → findings (act order).
    sections = []
    for lead, members in groups.items():
        mine = sorted((s for s in selected if set(members) & set(s[2])), key=sort_key)
        by_rule: dict[str, list[tuple[Any, dict[str, Any], list[str]]]] = {}
        for s in mine:
            by_rule.setdefault(s[1]["rule"], []).append(s)
        rule_blocks = []
        for rule in run.pack.rules:
            items = by_rule.get(rule.id)
            if not items:
                continue
            incidents: list[dict[str, Any]] = []
            for r, f, _ in items:
                if not incidents or incidents[-1]["_key"] != r.incident.id:
                    incidents.append({"_key": r.incident.id, "incident": incident_entry(r),
                                      "findings": []})
                incidents[-1]["findings"].append(finding_entry(r, f))
            for block in incidents:
                del block["_key"]
            rule_blocks.append({**_rule_info(rule), "counts": _counts([f for _, f, _ in items]),
                                "incidents": incidents})
        cas: dict[str, dict[str, int]] = {}
        for inc_id in dict.fromkeys(s[0].incident.id for s in mine
                                    if not s[0].incident.aggregate):  # listed, never summed
            _add(cas, incident_cache[inc_id]["casualties"])
        sections.append({
            "actor": _actor_info(lead, registry),
            "supporting": [_actor_info(m, registry) for m in members[1:]],
            "conflicts": [_conflict_info(c.id, registry) for c in registry.conflicts_of(
                registry.actors[lead])] if lead in registry.actors else [],
            "counts": _counts([f for _, f, _ in mine],
                              incidents=len({s[0].incident.id for s in mine})),
            "casualties": _casualty_list(cas),
            "rules": rule_blocks,
        })

    # 5. Summary over the distinct findings of every section.
    distinct: dict[tuple[str, str, int], tuple[Any, dict[str, Any]]] = {}
    for members in groups.values():
        for s in selected:
            if set(members) & set(s[2]):
                distinct.setdefault((s[0].incident.id, s[1]["rule"], s[1]["act"]), (s[0], s[1]))
    rows: list[dict[str, Any]] = []
    for rule in run.pack.rules:
        fs = [f for (_, rid, _), (_, f) in distinct.items() if rid == rule.id]
        if not fs:
            continue
        engaged = sorted({w["provision"] for f in fs for w in war_crimes_of(f)
                          if _engaged(w["provision"])})
        rows.append({"rule": rule.id, "title": rule.title, **_counts(fs),
                     "incidents": len({k[0] for k in distinct if k[1] == rule.id}),
                     "war_crimes": engaged})
    inc_ids = list(dict.fromkeys(k[0] for k in distinct))
    total_cas: dict[str, dict[str, int]] = {}
    for inc_id in dict.fromkeys(k[0] for k, (r, _) in distinct.items()
                                if not r.incident.aggregate):  # listed, never summed
        _add(total_cas, incident_cache[inc_id]["casualties"])
    months: dict[str, dict[str, int]] = {}
    for r, f in sorted(distinct.values(), key=lambda rf: rf[0].incident.span.start):
        span = r.incident.span
        month = (span.start.strftime("%Y-%m") if (span.start.year, span.start.month)
                 == (span.end.year, span.end.month) else "imprecise")
        months.setdefault(month, {"violation": 0, "possible": 0})[f["status"]] += 1
    if "imprecise" in months:
        months["imprecise"] = months.pop("imprecise")
    starts = [incident_cache[i] for i in inc_ids]
    conflict_ids = list(dict.fromkeys(c for e in starts for c in e["conflicts"]))
    invalid = [r.file for r in run.results if not r.valid]

    data: ReportData = {
        "version": VERSION,
        "notice": CONFIDENTIAL_NOTICE if options.include_confidential else None,
        "title": _title(sections, wanted_actors),
        "selection": {
            "actors": wanted_actors, "include_supporting": options.include_supporting,
            "rules": sorted(wanted_rules or [], key=lambda x: rules_by_id[x].number),
            "conflicts": sorted(wanted_conflicts or []), "from": options.date_from,
            "to": options.date_to, "regions": list(options.regions), "status": options.status,
            "include_confidential": options.include_confidential,
            "exact_places": options.exact_places,
        },
        "period": {
            "from": options.date_from, "to": options.date_to,
            "first": min((e["start"] for e in starts), default=None),
            "last": max((e["end"] for e in starts), default=None),
        },
        "conflicts": [_conflict_info(c, registry) for c in conflict_ids],
        "summary": {
            **_counts([f for _, f in distinct.values()]), "incidents": len(inc_ids),
            "rules": rows, "casualties": _casualty_list(total_cas), "months": months,
            "war_crimes": sorted({w for row in rows for w in row["war_crimes"]}),
            "skipped_invalid": len(invalid),
        },
        "sections": sections,
        "notes": notes,
        "method": METHOD,
    }
    return data


def _engaged(provision: str | None) -> bool:
    """Rules may state that no war crime is engaged ("None (…)"); that is not a provision."""
    return bool(provision) and not str(provision).lower().startswith("none")


def _counts(findings: list[dict[str, Any]], **extra: int) -> dict[str, Any]:
    v = sum(1 for f in findings if f["status"] == "violation")
    return {"findings": len(findings), "violation": v, "possible": len(findings) - v, **extra}


def _casualty_list(cas: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    return [{"kind": k, **cas[k], "text": figure_text(cas[k])} for k in CASUALTY_KINDS if k in cas]


def _title(sections: list[dict[str, Any]], wanted: list[str]) -> str:
    if wanted:
        names = [s["actor"]["id"] for s in sections]
        return "Compliance with IHL: " + ", ".join(names)
    return "Compliance with IHL: all parties"
