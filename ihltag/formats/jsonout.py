"""``--format json``: the shape documented in cli.md (version 1)."""

from __future__ import annotations

import json
from typing import Any

from ihltag.runner import CheckRun


def as_data(run: CheckRun, quiet: bool = False) -> dict[str, Any]:
    errors = [d.as_dict() for d in run.diagnostics if not (quiet and d.severity == "warning")]
    incidents = []
    for r in run.results:
        if r.id is None or not r.valid:
            continue
        incidents.append({"id": r.id, "file": r.file, "findings": r.findings})
    return {"version": 1, "summary": run.summary(), "errors": errors,
            "incidents": [] if quiet else incidents}


def render(run: CheckRun, quiet: bool = False) -> str:
    return json.dumps(as_data(run, quiet), ensure_ascii=False, indent=2) + "\n"
