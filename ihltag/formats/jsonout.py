"""``--format json``: the shape documented in cli.md (version 2: rule pack v2's
``war_crimes``, ``presumed`` and ``decide`` on findings, ``default`` and ``basis`` on
elements and exceptions).

``JsonReporter`` writes each incident as its result arrives.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from ihltag.formats import ByteSink, Options, Rendering
from ihltag.results import CheckRun, FileResult
from ihltag.safetext import json_safe

_quote = json.encoder.encode_basestring
VERSION = 2


def _head(shown: str, rid: str) -> bytes:
    head = f'{{"id": {_quote(rid)}, "file": {_quote(shown)}, "findings": '
    # ``json_safe`` changes nothing in ASCII but DEL: spare a warm run 100k translations
    return (head if head.isascii() and "\x7f" not in head else json_safe(head)).encode()


class JsonReporter:
    """Writes ``{"version": 2, "incidents": [...], "errors": [...], "summary": {...}}``,
    each incident as its result arrives (a large corpus is never held in memory). The
    text goes through ``json_safe``: no raw C1, bidi or line-separator character (D11).
    Everything is written as UTF-8 bytes (``ByteSink``), so that a stored rendering is
    written as it was stored, never decoded and encoded again."""

    def __init__(self, out: TextIO, options: Options) -> None:
        self.sink = ByteSink(out)
        self.quiet = options.quiet
        self.separator = b"\n  "  # before each incident
        self.parts: list[bytes] = []  # incidents not yet written, a few hundred at most
        self.errors: list[dict[str, Any]] = []
        # a file's findings are written as ``findings_json`` (compact: a corpus's findings
        # are most of the document), the text the cache stores
        self.rendering = None if self.quiet else Rendering(self._write)

    def _text(self, text: str) -> None:
        self._flush()
        self.sink.write(json_safe(text).encode("utf-8"))

    def _flush(self) -> None:
        if self.parts:
            self.sink.write(b"".join(self.parts))
            self.parts.clear()

    def start(self, run: CheckRun) -> None:
        # only once the run can be made: one that cannot leaves no half document
        self._text(f'{{"version": {VERSION}, "incidents": [')

    def file(self, r: FileResult) -> None:
        if r.diagnostics:
            self.errors.extend(d.as_dict() for d in r.diagnostics
                               if not (self.quiet and d.severity == "warning"))
        if self.quiet or r.id is None or not r.valid:
            return
        self._write(r.file, r.id, r.findings_text().encode("utf-8"))

    def _write(self, shown: str, rid: str, findings: bytes) -> None:
        """One incident, joined with the few hundred before it into one write: a warm
        run writes 100k of them, and a call to the sink each cost a tenth of its time."""
        parts = self.parts
        parts += (self.separator, _head(shown, rid), findings, b"}")
        self.separator = b",\n  "
        if len(parts) >= 2048:
            self._flush()

    def finish(self, run: CheckRun) -> None:
        self._text("\n],\n\"errors\": ")
        self._text(json.dumps(self.errors, ensure_ascii=False, indent=1))
        self._text(",\n\"summary\": ")
        self._text(json.dumps(run.summary(), ensure_ascii=False))
        self._text("}\n")
        self.sink.flush()
