"""``--format sarif``: SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps).

Every rule of the pack is a ``tool.driver.rules`` entry whose help holds the rule text
and its citations; validation problems are results of rules named ``ihltag/<code>``.
Fingerprints come from rule, incident id and act index, not from line numbers, so an
alert keeps its identity (and its triage) when lines above it move.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

from ihltag import __version__
from ihltag.formats.ci import Locator, code_title, finding_message
from ihltag.results import CheckRun
from ihltag.rules import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
AUTOMATION_ID = "ihltag/check/"
LEVELS = {"violation": "warning", "possible": "note"}


def _name(title: str) -> str:
    """SARIF's rule ``name``: the title as one PascalCase word (``DistinctionCivilians``)."""
    words = "".join(c if c.isalnum() else " " for c in title).split()
    return "".join(w[:1].upper() + w[1:] for w in words) or "Rule"


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()


def rule_markdown(rule: Rule) -> str:
    """The rule text, its elements and exceptions, and the citations, for the help pane."""
    lines = [f"**{rule.id} — {rule.title}**", "", rule.text.strip(), "",
             "Elements (all must hold):", ""]
    lines += [f"- `{c.id}`: {c.description}" for c in rule.elements]
    if rule.exceptions:
        lines += ["", "Exceptions (any one defeats the rule):", ""]
        lines += [f"- `{c.id}`: {c.description}" for c in rule.exceptions]
    lines += ["", "Citations:", "",
              f"- ICRC, Customary IHL Database, [Rule {rule.number}]({rule.icrc})"]
    for p in rule.war_crimes:
        where = "" if p.when is None else ", where its condition holds"
        note = f" {p.note}" if p.note else ""
        lines.append(f"- On a violation that no presumption decided{where}, may amount to a "
                     f"war crime under: {p.provision}{note}")
    if rule.no_war_crime:
        lines.append(f"- No war-crime provision: {rule.no_war_crime}")
    if rule.related:
        lines.append(f"- Related rules: {', '.join(rule.related)}")
    lines += ["", f"Applies in: {', '.join(sorted(rule.applies_to))}; the strongest finding "
              f"it can reach is `{rule.max_status}`."]
    return "\n".join(lines)


def _rule_entry(rule: Rule) -> dict[str, Any]:
    text = rule.text.strip()
    tags = ["IHL", "customary-IHL", *sorted(rule.applies_to)]
    if rule.war_crime:
        tags.append("war-crime")
    return {
        "id": rule.id,
        "name": _name(rule.title),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": text},
        "helpUri": rule.icrc,
        "help": {"text": f"{text}\n\nICRC: {rule.icrc}", "markdown": rule_markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.max_status]},
        "properties": {"tags": tags, "war_crime": [p for _, p in rule.war_crime],
                       "related": list(rule.related), "max_status": rule.max_status},
    }


def _code_entry(code: str, severity: str) -> dict[str, Any]:
    title = code_title(code)
    return {
        "id": f"ihltag/{code}",
        "name": _name(code),
        "shortDescription": {"text": title},
        "fullDescription": {"text": f"{title}: ihltag could not accept the file as written "
                            "(see docs/incident-format.md)." if severity == "error" else
                            f"{title}: data-quality advice (an error with --strict)."},
        "defaultConfiguration": {"level": severity},
        "properties": {"tags": ["ihltag-validation"]},
    }


def _location(uri: str, line: int, col: int) -> dict[str, Any]:
    return {"physicalLocation": {
        "artifactLocation": {"uri": uri},
        "region": {"startLine": max(1, line), "startColumn": max(1, col)}}}


def as_data(run: CheckRun, quiet: bool = False, where: Locator | None = None) -> dict[str, Any]:
    where = where or Locator.of(run.root)

    def uri(shown: str) -> str:
        path = where.path(shown)
        return "file://" + quote(path) if path.startswith("/") else quote(path)

    rules = [_rule_entry(r) for r in run.pack.rules]
    index = {r.id: i for i, r in enumerate(run.pack.rules)}
    results: list[dict[str, Any]] = []
    diags = [d for d in run.diagnostics if not (quiet and d.severity == "warning")]
    diags.sort(key=lambda d: d.severity != "error")  # errors first, file order kept
    for d in diags:
        rule_id = f"ihltag/{d.code}"
        if rule_id not in index:
            index[rule_id] = len(rules)
            rules.append(_code_entry(d.code, d.severity))
        results.append({
            "ruleId": rule_id, "ruleIndex": index[rule_id], "level": d.severity,
            "message": {"text": d.message},
            "locations": [_location(uri(d.file), d.line, d.column)],
            "partialFingerprints": {"ihltagDiagnostic/v1": _fingerprint(
                d.code, where.path(d.file), d.message)},
        })
    if not quiet:
        for r in run.results:
            for f in r.findings:
                line, col = r.act_position(f.act)
                wars = f.war_crimes_shown()
                result: dict[str, Any] = {
                    "ruleId": f.rule, "level": LEVELS[f.status or "possible"],
                    "message": {"text": finding_message(r, f)},
                    "locations": [_location(uri(r.file), line, col)],
                    "partialFingerprints": {"ihltagFinding/v1": _fingerprint(
                        f.rule, r.id, f.act)},
                    "properties": {"status": f.status, "incident": r.id, "act": f.act,
                                   "actors": [dict(a) for a in f.actors],
                                   "war_crime": f.war_crime if wars else None,
                                   "war_crimes": [w.as_dict() for w in wars],
                                   "presumed": f.presumed,
                                   "decide": list(f.decide) if f.status != "violation" else []},
                }
                if f.rule in index:
                    result["ruleIndex"] = index[f.rule]
                results.append(result)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "ihltag", "version": __version__,
                                "semanticVersion": __version__, "rules": rules}},
            "automationDetails": {"id": AUTOMATION_ID},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"summary": run.summary()},
        }],
    }


def render(run: CheckRun, quiet: bool = False) -> str:
    return json.dumps(as_data(run, quiet), ensure_ascii=False, indent=2) + "\n"
