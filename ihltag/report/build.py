"""Assembling the report's data: selection, redaction, wording, numbers, in that order.

``select.py`` decides which incidents and findings; each incident's free text then goes
through its ``Redactor`` (``redact.py``: a sensitive place is withheld); ``wording.py``
words it for publication; ``numbers.py`` counts and sums; ``sources.py`` numbers the
notes. The result is typed plain data (``model.py``): renderers only lay it out, so no
format can show a confidential source or a sensitive place that the data does not hold.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ihltag.i18n import N_, _, current
from ihltag.registry import Registry
from ihltag.report import numbers, wording
from ihltag.report.model import (
    VERSION,
    Actor,
    IncidentEntry,
    Period,
    ReportData,
    Response,
    RuleEntry,
    RuleRef,
    Selection,
    Summary,
)
from ihltag.report.provenance import provenance
from ihltag.report.redact import WITHHELD, Redactor, redactor_for
from ihltag.report.select import LAYOUTS, Picked, ReportError, ReportOptions, select
from ihltag.report.select import Selection as Chosen
from ihltag.report.sources import NoteBook

if TYPE_CHECKING:
    from ihltag.results import CheckRun

__all__ = ["LAYOUTS", "VERSION", "WITHHELD", "ReportError", "ReportOptions", "build_report"]

CONFIDENTIAL_NOTICE = N_("CONFIDENTIAL SOURCES INCLUDED: this report names sources marked "
                       "confidential; do not publish or share it as is.")

METHOD = N_(
    "Each finding applies one rule of customary international humanitarian law (the ICRC "
    "Customary IHL Study) to one act recorded in an incident file. A rule is a list of "
    "elements that must all hold and of exceptions that would defeat it; each is "
    "established, ruled out or not known from the record, and a fact the record does not "
    "state is not known, never assumed. A finding is a violation when every element is "
    "established and no exception holds or remains open. It is a possible violation when "
    "nothing recorded rules the rule out but an element or an exception is not known, or "
    "when the rule turns on a judgment that no record states (such as excessiveness in an "
    "attack): a possible violation is a flag for review and further investigation, not a "
    "conclusion that the law was broken. Where the law itself presumes a fact in case of "
    "doubt (Rule 6: a person is presumed a civilian; Rule 10: an object normally dedicated "
    "to civilian purposes is presumed not to be used for military action), a finding that "
    "the presumption decided says so, with its legal basis. A violation may amount to a "
    "war crime under the provision shown beside it; no provision is shown beside a "
    "possible violation, nor where a presumption decided the finding, and no finding is "
    "labelled a crime against humanity, which needs a widespread or systematic attack that "
    "no single act establishes. Each incident is read under the law in force on its date. "
    "The confidence shown beside each actor comes from how the act was attributed "
    "(confirmed or claimed: high; alleged: medium; suspected: low); it is about who did "
    "it, not about whether the conduct was unlawful. Casualty totals add each incident "
    "once: 'at least' sums the lowest or exact figure of every incident, a best estimate "
    "is given only where every incident has one, and an upper bound only where every "
    "incident has a highest or exact figure; each total says how many incidents it rests "
    "on. Records that sum up many events over a period (aggregate records) are listed "
    "apart and never added to the totals. Sources marked confidential are left out unless "
    "the report says otherwise on its first line, and places marked sensitive are shown "
    "only by country and region."
)


def _rel_file(file: str, root: Path) -> str:
    try:
        return Path(file).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return file


def _sources(p: Picked, options: ReportOptions, book: NoteBook, text: Redactor,
             where: tuple[int, str]) -> tuple[list[int], int, dict[int, int]]:
    """Note numbers of the incident's sources in order, how many confidential ones were
    withheld, and each shown source's note (by its 1-based place in ``sources``)."""
    refs: list[int] = []
    by_index: dict[int, int] = {}
    withheld = 0
    for i, src in enumerate(p.incident.sources, start=1):
        if src.confidential and not options.include_confidential:
            withheld += 1
            continue
        number = book.cite(src, text, *where)
        by_index[i] = number
        if number not in refs:
            refs.append(number)
    return refs, withheld, by_index


def _responses(p: Picked, text: Redactor, by_index: dict[int, int],
               registry: Registry) -> list[Response]:
    from ihltag.report.select import actor_key

    out: list[Response] = []
    for r in p.incident.responses or []:
        key = actor_key(r.actor, registry)
        out.append({"actor": key, "heading": wording.response_heading(key, registry),
                    "date": r.date, "summary": text.text(" ".join(r.summary.split())) or "",
                    "refs": [by_index[r.source]] if r.source in by_index else []})
    return out


def _incident(p: Picked, number: int, run: CheckRun, options: ReportOptions,
              book: NoteBook) -> IncidentEntry:
    from ihltag.report.select import actor_key

    inc, registry = p.incident, run.registry
    hide = inc.location.sensitive and not options.exact_places
    anchor = f"incident-{number}" if hide else f"inc-{inc.id}"
    text = redactor_for(inc.location, options.exact_places)
    refs, withheld, by_index = _sources(p, options, book, text, (number, anchor))
    counted = options.include_aggregates or not inc.aggregate
    findings = [wording.finding(f, inc, run.pack.by_id.get(f.rule), registry, text, counted)
                for f, _ in p.findings]
    cas = wording.casualties(inc)
    return {
        "number": number, "anchor": anchor, "id": None if hide else inc.id,
        "file": None if hide else _rel_file(p.result.file, run.root),
        "date": inc.date, "date_text": wording.date_text(inc.date),
        "start": inc.span.start.isoformat(), "end": inc.span.end.isoformat(),
        "place": wording.place(inc.location, options.exact_places),
        "title": text.text(inc.title) or "",
        "summary": text.text(" ".join(inc.summary.split())) or "",
        "notes": text.text(inc.notes) if options.include_notes and inc.notes else None,
        "responses": _responses(p, text, by_index, registry),
        "conflicts": p.conflicts, "law": p.law,
        "perpetrators": [wording.perpetrator(x, actor_key(x.actor, registry), registry)
                         for x in inc.perpetrators],
        "casualties": cas, "casualties_text": wording.casualty_text(cas),
        "refs": refs, "confidential_withheld": withheld, "aggregate": inc.aggregate,
        "tags": [] if hide else [text.text(t) or "" for t in inc.tags or []],
        "status": "violation" if any(f["status"] == "violation" for f in findings)
        else "possible",
        "findings": findings, "review": wording.review_flags(findings),
    }


def _rule_index(incidents: list[IncidentEntry], chosen: Chosen, run: CheckRun) -> list[RuleEntry]:
    """Each rule's incidents as references to their sections, rules in pack order."""
    out: list[RuleEntry] = []
    for rule in run.pack.rules:
        refs: list[RuleRef] = []
        counts = {"violation": 0, "possible": 0}
        provisions: list[str] = []
        for inc in incidents:
            mine = [i for i, f in enumerate(inc["findings"]) if f["rule"] == rule.id]
            if not mine:
                continue
            fs = [inc["findings"][i] for i in mine]
            refs.append({"number": inc["number"], "anchor": inc["anchor"],
                         "date_text": inc["date_text"], "place": inc["place"]["text"],
                         "title": inc["title"], "aggregate": inc["aggregate"],
                         "acts": [f["act"]["index"] for f in fs],
                         "statuses": [f["status"] for f in fs], "findings": mine})
            for f in fs:
                if f["counted"]:
                    counts[f["status"]] += 1
                    provisions += [p for p in f["provisions"] if p not in provisions]
        if refs:
            words = rule.in_lang(current().lang)
            out.append({"id": rule.id, "title": words.title, "text": words.text,
                        "icrc": words.icrc, "max_status": rule.max_status,
                        "violation": counts["violation"], "possible": counts["possible"],
                        "incidents": refs, "war_crimes": sorted(provisions)})
    return out


def _scope(chosen: Chosen, options: ReportOptions) -> str:
    """The selection in words, for the summary and the provenance."""
    actors = ", ".join(chosen.actors)
    who = ((_("findings attributed to {actors} and the forces supporting them")
            if options.include_supporting else _("findings attributed to {actors}"))
           .format(actors=actors) if chosen.actors else _("findings against all parties"))
    parts = [who, _("violations only") if options.status == "violation"
             else _("violations and possible violations")]
    if chosen.rules:
        parts.append(_("rules {ids}").format(ids=", ".join(sorted(chosen.rules, key=lambda r: int(
            r.rpartition("-")[2] or 0)))))
    if chosen.conflicts:
        parts.append(_("conflicts {ids}").format(ids=", ".join(sorted(chosen.conflicts))))
    if options.regions:
        parts.append(_("regions {names}").format(names=", ".join(options.regions)))
    if options.date_from or options.date_to:
        parts.append(_("incidents from {start} to {end}").format(
            start=options.date_from or _("the start"), end=options.date_to or _("today")))
    if options.exclude_tags:
        parts.append(_("leaving out incidents tagged {tags}").format(tags=", ".join(options.exclude_tags)))
    parts.append(_("aggregate records counted") if options.include_aggregates
                 else _("aggregate records listed apart and not counted"))
    return _("Scope: {parts}").format(parts="; ".join(parts))


def _period(incidents: list[IncidentEntry], options: ReportOptions) -> Period:
    """The period as the incidents' own dates are written (not the days they may mean)."""
    # the widest date first among those starting (or ending) on the same day: "2024"
    # rather than "2024-01" when both begin on 1 January
    widest = sorted(incidents, key=lambda i: (i["start"], i["end"]))
    first = min(reversed(widest), key=lambda i: i["start"], default=None)
    last = max(widest, key=lambda i: i["end"], default=None)
    shown_first = first["date"].partition("/")[0] if first else None
    shown_last = last["date"].rpartition("/")[2] if last else None
    day = current().date
    text = (_("incidents dated {start} to {end}").format(start=day(shown_first or ""),
                                                        end=day(shown_last or ""))
            if shown_first != shown_last else _("incidents dated {date}").format(
                date=day(shown_first or ""))) if first else _("no incidents")
    if options.date_from or options.date_to:
        text = _("selected {start} to {end}; {text}").format(
            start=options.date_from or _("the start"), end=options.date_to or _("today"), text=text)
    return {"date_from": options.date_from, "date_to": options.date_to,
            "first": shown_first, "last": shown_last, "text": text}


def _summary(incidents: list[IncidentEntry], aggregates: list[IncidentEntry],
             rules: list[RuleEntry], chosen: Chosen, run: CheckRun,
             options: ReportOptions) -> Summary:
    everything = incidents + aggregates
    counted = [f for inc in everything for f in inc["findings"] if f["counted"]]
    violation = sum(1 for f in counted if f["status"] == "violation")
    with_counted = [i for i in everything if any(f["counted"] for f in i["findings"])]
    rows = numbers.rule_rows(rules)
    return {
        "scope": _scope(chosen, options), "findings": len(counted), "violation": violation,
        "possible": len(counted) - violation, "incidents": len(with_counted),
        "aggregates": len(aggregates),
        "matrix": numbers.matrix(everything, chosen.groups, rules),
        "totals": numbers.totals(incidents), "serious": numbers.serious(with_counted),
        "rules": rows, "months": numbers.months(with_counted),
        "war_crimes": sorted({w for row in rows for w in row["war_crimes"]}),
        "skipped_invalid": sum(1 for r in run.results if not r.valid),
    }


def _selection(chosen: Chosen, options: ReportOptions, run: CheckRun) -> Selection:
    return {
        "actors": chosen.actors, "include_supporting": options.include_supporting,
        "rules": sorted(chosen.rules or [], key=lambda x: run.pack.by_id[x].number),
        "conflicts": sorted(chosen.conflicts or []), "date_from": options.date_from,
        "date_to": options.date_to, "regions": list(options.regions),
        "status": options.status, "exclude_tags": list(options.exclude_tags),
        "include_aggregates": options.include_aggregates,
        "include_notes": options.include_notes,
        "include_confidential": options.include_confidential,
        "exact_places": options.exact_places, "layout": options.layout,
    }


def _actors(chosen: Chosen, registry: Registry) -> list[Actor]:
    return [wording.actor_info(m, registry) for members in chosen.groups.values()
            for m in members]


def build_report(run: CheckRun, options: ReportOptions) -> ReportData:
    """The whole report as typed data; ``ReportError`` for a selection that cannot be made."""
    chosen = select(run, options)
    book = NoteBook()
    # numbered in report order: the incidents, then the aggregate records listed apart
    ordered = ([p for p in chosen.picked if not p.incident.aggregate]
               + [p for p in chosen.picked if p.incident.aggregate])
    entries = [_incident(p, n, run, options, book) for n, p in enumerate(ordered, start=1)]
    incidents = [e for e in entries if not e["aggregate"]]
    aggregates = [e for e in entries if e["aggregate"]]
    rules = _rule_index(entries, chosen, run)
    summary = _summary(incidents, aggregates, rules, chosen, run, options)
    conflicts = list(dict.fromkeys(c for e in entries for c in e["conflicts"]))
    return {
        "version": VERSION,
        "notice": _(CONFIDENTIAL_NOTICE) if options.include_confidential else None,
        "title": _("Compliance with IHL: {who}").format(
            who=", ".join(chosen.groups) if chosen.actors else _("all parties")),
        "layout": options.layout,
        "provenance": provenance(run, summary["scope"].partition(": ")[2]),
        "selection": _selection(chosen, options, run), "period": _period(entries, options),
        "actors": _actors(chosen, run.registry),
        "conflicts": [wording.conflict_info(c, run.registry) for c in conflicts],
        "summary": summary, "incidents": incidents, "aggregates": aggregates,
        "rules": rules, "notes": book.finish(), "method": _(METHOD),
    }

