"""``--format json``: the shape documented in cli.md (version 2: rule pack v2's
``war_crimes``, ``presumed`` and ``decide`` on findings, ``default`` and ``basis`` on
elements and exceptions).

``JsonStream`` writes each incident as its result arrives, so a large corpus is never
held in memory; ``render`` builds the same document from a finished run.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from ihltag.results import CheckRun, FileResult

_quote = json.encoder.encode_basestring
VERSION = 2


def findings_text(r: FileResult) -> str:
    """The file's findings as a JSON array (compact: a corpus's findings are most of the
    document)."""
    return json.dumps([f.as_dict() for f in r.findings], ensure_ascii=False,
                      separators=(",", ":"))


def _incident(r: FileResult) -> str:
    return f'{{"id": {_quote(r.id or "")}, "file": {_quote(r.file)}, "findings": {findings_text(r)}}}'


class JsonStream:
    """Writes ``{"version": 2, "incidents": [...], "errors": [...], "summary": {...}}``."""

    def __init__(self, out: TextIO, quiet: bool = False) -> None:
        self.out = out
        self.quiet = quiet
        self.first = True
        self.errors: list[dict[str, Any]] = []
        self.started = False

    def _start(self) -> None:
        # not before the first result: a run that cannot be made leaves no half document
        if not self.started:
            self.out.write(f'{{"version": {VERSION}, "incidents": [')
            self.started = True

    def file(self, r: FileResult) -> None:
        self._start()
        if r.diagnostics:
            self.errors.extend(d.as_dict() for d in r.diagnostics
                               if not (self.quiet and d.severity == "warning"))
        if self.quiet or r.id is None or not r.valid:
            return
        self.out.write(("\n  " if self.first else ",\n  ") + _incident(r))
        self.first = False

    def finish(self, run: CheckRun) -> None:
        self._start()
        self.out.write("\n],\n\"errors\": ")
        self.out.write(json.dumps(self.errors, ensure_ascii=False, indent=1))
        self.out.write(",\n\"summary\": ")
        self.out.write(json.dumps(run.summary(), ensure_ascii=False))
        self.out.write("}\n")


def as_data(run: CheckRun, quiet: bool = False) -> dict[str, Any]:
    errors = [d.as_dict() for d in run.diagnostics if not (quiet and d.severity == "warning")]
    incidents = [{"id": r.id, "file": r.file, "findings": [f.as_dict() for f in r.findings]}
                 for r in run.results if r.id is not None and r.valid]
    return {"version": VERSION, "summary": run.summary(), "errors": errors,
            "incidents": [] if quiet else incidents}


def render(run: CheckRun, quiet: bool = False) -> str:
    return json.dumps(as_data(run, quiet), ensure_ascii=False, indent=2) + "\n"
