"""Whether a check run fails, and why, in words a CI log can show.

A run that exits 1 must say what made it fail: an invalid file says so in its own
errors, but ``--fail-on`` and ``--strict`` turn findings and warnings into failures, and
a CI job that fails on a quiet run (``-q`` prints no findings) would otherwise show a
green-looking summary and a red status. The verdict watches each file's result as the
run streams it (findings are dropped once written) and keeps the ones that fail it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ihltag.diagnostics import plural

if TYPE_CHECKING:
    from ihltag.results import CheckRun, FileResult

_RANK = {"possible": 1, "violation": 2}
SHOWN = 10  # reasons listed in full; the rest are counted


@dataclass
class Verdict:
    """``fail_on``: the lowest finding status that fails the run (None: findings never
    do); ``strict``: warnings fail it too."""

    fail_on: str | None
    strict: bool
    failing: list[str] = field(default_factory=list)
    count: int = 0

    @property
    def needs_findings(self) -> bool:
        return self.fail_on is not None

    def fails(self, status: str | None) -> bool:
        return self.fail_on is not None and _RANK.get(status or "", 0) >= _RANK[self.fail_on]

    def record(self, result: FileResult) -> None:
        if self.fail_on is None:
            return
        if not self._may_fail(result.counts):
            return  # nothing to decode: no finding of a failing status
        for f in result.findings:
            if self.fails(f.status):
                self.count += 1
                if len(self.failing) < SHOWN:
                    line, col = result.act_position(f.act)
                    self.failing.append(f"{result.file}:{line}:{col}: {f.status} "
                                        f"{f.rule} {f.title} (acts[{f.act}])")

    def _may_fail(self, counts: tuple[int, int]) -> bool:
        violation, possible = counts
        return bool(violation) if self.fail_on == "violation" else bool(violation or possible)

    def watch(self, sink: Callable[[FileResult], None]) -> Callable[[FileResult], None]:
        """``sink``, recording each result's failing findings before it is written."""

        def watched(result: FileResult) -> None:
            self.record(result)
            sink(result)

        return watched

    def exit_status(self, run: CheckRun) -> int:
        errors = any(d.severity == "error" for d in run.diagnostics)
        return 1 if errors or self.count or self._warnings(run) else 0

    def _warnings(self, run: CheckRun) -> list[str]:
        if not self.strict:
            return []
        return [d.plain() for d in run.diagnostics if d.severity == "warning"]

    def reasons(self, run: CheckRun) -> list[str]:
        """Lines that say why the run failed beyond its invalid files (empty otherwise)."""
        out: list[str] = []
        if self.count:
            out.append(f"failed by --fail-on {self.fail_on}: "
                       f"{plural(self.count, 'finding')} at or above '{self.fail_on}':")
            out += [f"  {line}" for line in self.failing]
            if self.count > len(self.failing):
                out.append(f"  … and {self.count - len(self.failing)} more")
        warnings = self._warnings(run)
        if warnings:
            out.append(f"failed by --strict: {plural(len(warnings), 'warning')} "
                       "counted as errors:")
            out += [f"  {line}" for line in warnings[:SHOWN]]
            if len(warnings) > SHOWN:
                out.append(f"  … and {len(warnings) - SHOWN} more")
        return out
