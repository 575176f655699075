"""Plain-text explanations: a rule described (``rules show``), an incident evaluated
(``explain``), every element and exception with the facts that decided it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ihltag.dataset import FileResult, expand, find_root
from ihltag.engine import Engine, Finding
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


def find_incident(name: str, dataset: Sequence[Path]) -> Path | None:
    """An incident file by id (its file name) anywhere in the dataset."""
    try:
        root = find_root(dataset)
    except Exception:
        return None
    for path in expand([root], root):
        if path.name.rsplit(".", 1)[0] == name:
            return path
    return None


def explain_incident(run, result: FileResult, only: set[str] | None) -> str:  # type: ignore[no-untyped-def]
    incident = result.incident
    assert incident is not None
    engine = Engine(run.pack, run.registry)
    nexus = run.registry.nexus(incident)
    lines = [f"{incident.id} — {incident.title}", f"{result.file}", "",
             f"party: {_tri(nexus.party)}; nexus: {_tri(nexus.nexus)} ({nexus.why})",
             f"conflicts: {', '.join(c.id for c in nexus.conflicts) or 'none'}", ""]
    findings = engine.evaluate(incident, everything=True, only=only)
    for i, act in enumerate(incident.acts):
        desc = f"{act.type} on {act.target}" + (f" by {act.means}" if act.means else "")
        lines.append(f"acts[{i}] (line {result.acts_lines[i]}): {desc}")
        for f in (f for f in findings if f.act == i):
            lines.extend(_finding(f))
        lines.append("")
    return _join(lines)


def _tri(v: bool | None) -> str:
    return "unknown" if v is None else str(v).lower()


def _finding(f: Finding) -> list[str]:
    verdict = f.status.upper() if f.status else "no finding"
    lines = [f"  {f.rule} {f.title}: {verdict}" + (f" — {f.note}" if f.note else "")]
    for label, items in (("element", f.elements), ("exception", f.exceptions)):
        for e in items:
            lines.append(f"    {label} {e.id} = {e.value}: {e.description}")
            if e.because:
                lines.append(f"      because {e.because}")
    if f.status and f.war_crime:
        lines.append(f"    war crime: {f.war_crime}")
    return lines
