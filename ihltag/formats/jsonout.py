"""``--format json``: the shape documented in cli.md (version 2: rule pack v2's
``war_crimes``, ``presumed`` and ``decide`` on findings, ``default`` and ``basis`` on
elements and exceptions).

``JsonReporter`` writes each incident as its result arrives.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from ihltag.formats import Options, Rendering
from ihltag.results import CheckRun, FileResult, Finding
from ihltag.safetext import JsonSafeWriter, json_safe

_quote = json.encoder.encode_basestring
VERSION = 2


def render_findings(findings: list[Finding]) -> str:
    """A file's findings as a JSON array, compact (a corpus's findings are most of the
    document) and already ``json_safe``: the text a warm run writes as stored."""
    return json_safe(json.dumps([f.as_dict() for f in findings], ensure_ascii=False,
                                separators=(",", ":")))


def _incident(shown: str, rid: str, findings: str) -> str:
    return json_safe(f'{{"id": {_quote(rid)}, "file": {_quote(shown)}, "findings": ') + \
        findings + "}"


class JsonReporter:
    """Writes ``{"version": 2, "incidents": [...], "errors": [...], "summary": {...}}``,
    each incident as its result arrives (a large corpus is never held in memory). The
    text goes through ``json_safe``: no raw C1, bidi or line-separator character (D11)."""

    def __init__(self, out: TextIO, options: Options) -> None:
        self.raw = out  # for text already made safe
        self.out = JsonSafeWriter(out)
        self.quiet = options.quiet
        self.first = True
        self.errors: list[dict[str, Any]] = []
        self.rendering = None if self.quiet else Rendering(f"json/{VERSION}", render_findings,
                                                           self._write)

    def start(self, run: CheckRun) -> None:
        # only once the run can be made: one that cannot leaves no half document
        self.out.write(f'{{"version": {VERSION}, "incidents": [')

    def file(self, r: FileResult) -> None:
        if r.diagnostics:
            self.errors.extend(d.as_dict() for d in r.diagnostics
                               if not (self.quiet and d.severity == "warning"))
        if self.quiet or r.id is None or not r.valid:
            return
        if r.counts == (0, 0):
            text = "[]"
        else:
            text = r.rendering if r.rendering is not None else render_findings(r.findings)
        self._write(r.file, r.id, text)

    def _write(self, shown: str, rid: str, findings: str) -> None:
        self.raw.write(("\n  " if self.first else ",\n  ") + _incident(shown, rid, findings))
        self.first = False

    def finish(self, run: CheckRun) -> None:
        self.out.write("\n],\n\"errors\": ")
        self.out.write(json.dumps(self.errors, ensure_ascii=False, indent=1))
        self.out.write(",\n\"summary\": ")
        self.out.write(json.dumps(run.summary(), ensure_ascii=False))
        self.out.write("}\n")
