"""Plain-text explanations: a rule described (``rules show``), an incident evaluated
(``explain``), every element and exception with the facts that decided it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ihltag.dataset import expand, find_root
from ihltag.diagnostics import did_you_mean
from ihltag.engine import Engine
from ihltag.formats.ci import group_text
from ihltag.results import CheckRun, FileResult, Finding
from ihltag.rules import Rule


def describe_rule(rule: Rule) -> str:
    lines = [f"{rule.id} — {rule.title}", "", *rule.text.splitlines(), "",
             f"ICRC: {rule.icrc}"]
    if rule.related:
        lines.append(f"Related: {', '.join(rule.related)}")
    lines.append(f"Applies in: {', '.join(sorted(rule.applies_to))}; reaches at most: {rule.max_status}")
    for p in rule.war_crimes:
        when = f", when {p.when.describe()}" if p.when is not None else ""
        note = f" {p.note}" if p.note else ""
        lines.append(f"War crime (on a violation no presumption decided{when}): "
                     f"{p.provision}{note}")
    if rule.no_war_crime:
        lines.append(f"War crime: none — {rule.no_war_crime}")
    lines += ["", "Elements (all must hold):"]
    for c in rule.elements:
        lines.append(f"  - {c.id}: {c.description}")
    if rule.exceptions:
        lines += ["", "Exceptions (any one defeats the rule):"]
        for c in rule.exceptions:
            lines.append(f"  - {c.id}: {c.description}")
    if rule.defaults:
        lines += ["", "Declared defaults for omitted facts (presumptions are off with "
                  "--no-presumptions; required records always apply):"]
        lines += [f"  - {d}" for d in rule.defaults]
    lines += ["", f"Inline tests: {len(rule.tests)}; file: {rule.path}", ""]
    return _join(lines)


def _join(lines: list[str]) -> str:
    """One output line per entry: a value's own line breaks and control characters are
    escaped, and no line can be a GitHub workflow command (a hostile rule pack or file)."""
    from ihltag.safetext import safe_line

    return "\n".join(safe_line(line) for line in lines)


def find_incident(name: str, dataset: Sequence[Path]) -> Path:
    """An incident file by id (its file name) anywhere in the dataset.

    ``DatasetError`` when the dataset cannot be found (no root: that, not "no incident",
    is what the user must fix); ``LookupError`` naming the closest id when no file has it."""
    root = find_root(dataset)
    ids: list[str] = []
    for path in expand([root], root):
        stem = path.name.rsplit(".", 1)[0]
        if stem == name:
            return path
        ids.append(stem)
    raise LookupError(f"no incident '{name}' in the dataset {root}{did_you_mean(name, ids)}")


def explain_incident(run: CheckRun, result: FileResult, rule_ids: set[str] | None,
                     presumptions: bool = True) -> str:
    incident = result.incident
    assert incident is not None
    engine = Engine(run.pack, run.registry, presumptions=presumptions)
    nexus = run.registry.nexus(incident)
    lines = [f"{incident.id} — {incident.title}", f"{result.file}", "",
             f"party: {_tri(nexus.party)}; nexus: {_tri(nexus.nexus)} ({nexus.why})",
             f"conflicts: {', '.join(c.id for c in nexus.conflicts) or 'none'}",
             f"law in force on {incident.date}: {_law(nexus.law)}"]
    if not presumptions:
        lines.append("presumptions: off (--no-presumptions): omitted facts stay unknown")
    lines.append("")
    findings = engine.evaluate(incident, everything=True, rule_ids=rule_ids)
    for i, act in enumerate(incident.acts):
        desc = f"{act.type} on {act.target}" + (f" by {act.means}" if act.means else "")
        lines.append(f"acts[{i}] (line {result.acts_lines[i]}): {desc}")
        if act.perpetrators:
            own = run.registry.act_nexus(incident, act, nexus)
            who = ", ".join(f"{p.actor} ({p.attribution})" for p in act.perpetrators)
            lines.append(f"  its own perpetrators: {who}; party: {_tri(own.party)}; nexus: "
                         f"{_tri(own.nexus)} ({own.why}); law in force: {_law(own.law)}")
        mine = [f for f in findings if f.act == i]
        possible = [f for f in mine if f.status == "possible"]
        if possible:
            lines.append(f"  {group_text(i, possible)}")
        for f in mine:
            lines.extend(_finding(f))
        lines.append("")
    return _join(lines)


def _tri(v: bool | None) -> str:
    return "unknown" if v is None else str(v).lower()


def _law(law: tuple[str, ...] | None) -> str:
    if law is None:
        return "not established (no single conflict fits, or its law is not recorded)"
    return ", ".join(law) or "none recorded"


def _finding(f: Finding) -> list[str]:
    verdict = f.status.upper() if f.status else "no finding"
    if f.presumed:
        verdict += " (presumed)"
    lines = [f"  {f.rule} {f.title}: {verdict}" + (f" — {f.note}" if f.note else "")]
    for label, items in (("element", f.elements), ("exception", f.exceptions)):
        for e in items:
            lines.append(f"    {label} {e.id} = {e.value}: {e.description}")
            if e.because:
                lines.append(f"      because {e.because}")
            if e.default:
                kind = e.default.replace("_", " ")
                lines.append(f"      decided by a declared default ({kind}): {e.basis or ''}")
    if f.status == "possible" and f.decide:
        lines.append(f"    to decide, record: {', '.join(f.decide)}")
    for text in f.war_crime_texts():
        lines.append(f"    {text}")
    return lines
