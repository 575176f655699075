"""Selecting what a report shows: options resolved to ids, then findings picked.

Every name the user typed is resolved here (an unknown one is a ``ReportError``, exit 2,
with the closest known names), and each finding kept travels with its incident, the
actors it names and the law in force on the incident's date. Nothing here words
anything: ``wording.py`` does, and ``build.py`` assembles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from ihltag.dates import Span, parse_span
from ihltag.diagnostics import DiagnosticsError, suggestions
from ihltag.registry import UNIDENTIFIED, Registry, fold

if TYPE_CHECKING:
    from ihltag.models import Incident
    from ihltag.results import CheckRun, FileResult, Finding

LAYOUTS = ("incidents", "rules")


class ReportError(DiagnosticsError):
    """The report cannot be made as asked (unknown actor, bad date): exit 2."""


@dataclass
class ReportOptions:
    """What the user selected; names are resolved and checked by ``select``."""

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
    exclude_tags: list[str] = field(default_factory=list)
    include_aggregates: bool = False
    include_notes: bool = False
    layout: str = "incidents"


@dataclass
class Picked:
    """One incident of the report and the findings of it that were selected."""

    result: FileResult
    incident: Incident
    conflicts: list[str]
    law: list[str] | None  # the law in force on its date, as names
    findings: list[tuple[Finding, list[str]]]  # (finding, its actors' keys)


@dataclass
class Selection:
    """The resolved selection: incidents in date order and the actor groups (leads)."""

    picked: list[Picked]
    groups: dict[str, list[str]]  # lead actor -> its members (with supporting forces)
    actors: list[str]  # the actors asked for (ids), empty for all
    rules: set[str] | None
    conflicts: set[str] | None
    window: Span | None


def actor_key(name: str, registry: Registry) -> str:
    """The id a finding's actor stands for; every spelling of 'unidentified' is one key."""
    if fold(name) == UNIDENTIFIED:
        return UNIDENTIFIED
    actor = registry.resolve(name)
    return actor.id if actor else name


def _resolve_actors(names: list[str], registry: Registry) -> list[str]:
    out: list[str] = []
    for name in names:
        key = actor_key(name, registry)
        if key != UNIDENTIFIED and key not in registry.actors:
            close = registry.suggest(name, 3)
            hint = (f"; closest known names: {', '.join(close)}" if close
                    else f"; known actors: {', '.join(registry.actors)}")
            raise ReportError(f"unknown actor '{name}'{hint} (see 'ihltag actors')")
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
    for name in names:
        key = fold(name)
        if key not in known:
            close = suggestions(key, list(known), n=3, cutoff=0.5)
            shown = [known[c] for c in close] if close else sorted(known.values())
            raise ReportError(f"no incident is in region '{name}'; known regions: "
                              f"{', '.join(shown)}")
    return {fold(n) for n in names}


def _groups(wanted: list[str], present: set[str], options: ReportOptions,
            registry: Registry) -> dict[str, list[str]]:
    """Lead actors in registry order (unidentified last), each with its supporting forces
    when ``--include-supporting`` folds them in."""
    def supports(k: str) -> str | None:
        return registry.actors[k].supports if k in registry.actors else None

    if wanted:
        leads = wanted
    else:
        if options.include_supporting:
            present = {k for k in present if not supports(k)} | {
                s for k in present if (s := supports(k))}
        order = list(registry.actors) + sorted(present - set(registry.actors) - {UNIDENTIFIED})
        leads = [k for k in [*order, UNIDENTIFIED] if k in present]
    return {lead: [lead] + ([a.id for a in registry.actors.values() if a.supports == lead]
                            if options.include_supporting else []) for lead in leads}


def _keep_incident(inc: Incident, sel: Selection, regions: set[str] | None,
                   options: ReportOptions) -> bool:
    if sel.window is not None and not inc.span.overlaps(sel.window):
        return False
    if regions is not None and fold(inc.location.admin1 or "") not in regions:
        return False
    excluded = {fold(t) for t in options.exclude_tags}
    return not (excluded and excluded & {fold(t) for t in inc.tags or []})


def _pick(result: FileResult, sel: Selection, options: ReportOptions,
          registry: Registry) -> Picked | None:
    from ihltag.engine import STATUS_ORDER
    from ihltag.report.wording import law_words

    inc = result.incident
    assert inc is not None
    nexus = registry.nexus(inc)
    conflicts = [c.id for c in nexus.conflicts]
    if sel.conflicts is not None and not sel.conflicts & set(conflicts):
        return None
    kept = []
    for f in result.findings:
        if f.rank < STATUS_ORDER[options.status]:
            continue
        if sel.rules is not None and f.rule not in sel.rules:
            continue
        kept.append((f, [actor_key(a["actor"], registry) for a in f.actors]))
    if not kept:
        return None
    # only the law in force on the incident's date (ihl-rules.md, "Applicable law by date")
    law = None if nexus.law is None else [law_words(x) for x in nexus.law]
    return Picked(result, inc, conflicts, law, kept)


def select(run: CheckRun, options: ReportOptions) -> Selection:
    """The incidents and findings the report shows, in date order; ``ReportError`` when a
    name or a date cannot be resolved."""
    from ihltag.engine import STATUS_ORDER

    registry = run.registry
    if options.status not in STATUS_ORDER:
        raise ReportError(f"--status must be one of {', '.join(STATUS_ORDER)}")
    if options.layout not in LAYOUTS:
        raise ReportError(f"--layout must be one of {', '.join(LAYOUTS)}")
    valid = [r for r in run.results if r.valid and r.incident is not None]
    sel = Selection([], {}, _resolve_actors(options.actors, registry),
                    _resolve_rules(options.rules, run),
                    _resolve_conflicts(options.conflicts, registry), _window(options))
    regions = _regions(options.regions, (r.incident for r in valid if r.incident))
    for r in valid:
        assert r.incident is not None
        if _keep_incident(r.incident, sel, regions, options):
            picked = _pick(r, sel, options, registry)
            if picked is not None:
                sel.picked.append(picked)
    present = {k for p in sel.picked for _, keys in p.findings for k in keys}
    sel.groups = _groups(sel.actors, present, options, registry)
    if sel.actors:
        in_scope = {m for g in sel.groups.values() for m in g}
        for p in sel.picked:
            p.findings = [(f, keys) for f, keys in p.findings if in_scope & set(keys)]
        sel.picked = [p for p in sel.picked if p.findings]
    sel.picked.sort(key=lambda p: (p.incident.span.start, p.incident.span.end, p.incident.id))
    for p in sel.picked:
        p.findings.sort(key=lambda fk: (fk[0].act, rule_number(fk[0].rule)))
    return sel


def rule_number(rule_id: str) -> int:
    """``CIHL-52`` → 52, for ordering findings by rule."""
    digits = rule_id.rpartition("-")[2]
    return int(digits) if digits.isdigit() else 0
