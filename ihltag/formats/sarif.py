"""``--format sarif``: SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps).

Every rule of the pack is a ``tool.driver.rules`` entry whose help holds the rule text
and its citations; validation problems are results of rules named ``ihltag/<code>``.
Fingerprints come from rule, incident id and act index, not from line numbers, so an
alert keeps its identity (and its triage) when lines above it move.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, TextIO
from urllib.parse import quote

from ihltag import __version__
from ihltag.diagnostics import Diagnostic
from ihltag.formats import Options, Rendering
from ihltag.formats.ci import Locator, code_title, finding_message
from ihltag.results import CheckRun, FileResult
from ihltag.rules import Rule
from ihltag.safetext import json_safe

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


class SarifReporter:
    """The SARIF log, written at the end: the rules of the pack and of the diagnostics
    met, then the results (errors first, then warnings, then findings, each in file
    order). Results are made as files arrive; no file's findings are held."""

    rendering: Rendering | None = None

    def __init__(self, out: TextIO, options: Options) -> None:
        self.out = out
        self.quiet = options.quiet
        self.where = Locator.for_options(options)
        self.index: dict[str, int] = {}
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.findings: list[dict[str, Any]] = []

    def _uri(self, shown: str) -> str:
        path = self.where.path(shown)
        return "file://" + quote(path) if path.startswith("/") else quote(path)

    def start(self, run: CheckRun) -> None:
        self.index = {r.id: i for i, r in enumerate(run.pack.rules)}

    def file(self, r: FileResult) -> None:
        for d in r.diagnostics:
            if d.severity == "error":
                self.errors.append(d)
            elif not self.quiet:
                self.warnings.append(d)
        if self.quiet or r.counts == (0, 0):
            return
        uri = self._uri(r.file)
        for f in r.findings:
            line, col = r.act_position(f.act)
            wars = f.war_crimes_shown()
            result: dict[str, Any] = {
                "ruleId": f.rule, "level": LEVELS[f.status or "possible"],
                "message": {"text": finding_message(r, f)},
                "locations": [_location(uri, line, col)],
                "partialFingerprints": {"ihltagFinding/v1": _fingerprint(f.rule, r.id, f.act)},
                "properties": {"status": f.status, "incident": r.id, "act": f.act,
                               "actors": [dict(a) for a in f.actors],
                               "war_crime": f.war_crime if wars else None,
                               "war_crimes": [w.as_dict() for w in wars],
                               "presumed": f.presumed,
                               "decide": list(f.decide) if f.status != "violation" else []},
            }
            if f.rule in self.index:
                result["ruleIndex"] = self.index[f.rule]
            self.findings.append(result)

    def _diagnostics(self, rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The diagnostics' results, adding the rule of each code met to ``rules``."""
        index = dict(self.index)
        out = []
        for d in self.errors + self.warnings:
            rule_id = f"ihltag/{d.code}"
            if rule_id not in index:
                index[rule_id] = len(rules)
                rules.append(_code_entry(d.code, d.severity))
            out.append({
                "ruleId": rule_id, "ruleIndex": index[rule_id], "level": d.severity,
                "message": {"text": d.message},
                "locations": [_location(self._uri(d.file), d.line, d.column)],
                "partialFingerprints": {"ihltagDiagnostic/v1": _fingerprint(
                    d.code, self.where.path(d.file), d.message)},
            })
        return out

    def finish(self, run: CheckRun) -> None:
        rules = [_rule_entry(r) for r in run.pack.rules]
        results = self._diagnostics(rules) + self.findings
        log = {
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
        # no raw C1 or bidi character in the log (D11)
        self.out.write(json_safe(json.dumps(log, ensure_ascii=False, indent=2) + "\n"))
