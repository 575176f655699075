"""``--format github``: workflow commands that GitHub Actions turns into annotations.

GitHub shows only about ten annotations of each level per step, so errors come first
(with the findings that fail the run under ``--fail-on``), then warnings, then findings
(as notices: one per violation, and one per act for all its
``possible`` findings, which are one question for a researcher), and one closing notice
gives the counts and says where the rest are: every command stays in the job log.
"""

from __future__ import annotations

from typing import TextIO

from ihltag.diagnostics import Diagnostic
from ihltag.formats import Options, Rendering
from ihltag.formats.ci import Locator, code_title, finding_message, group_message
from ihltag.formats.text import summary_line
from ihltag.results import STATUS_ORDER, CheckRun, FileResult, by_act


def escape_data(text: str) -> str:
    """Message text, escaped as the Actions toolkit does (``%`` first)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Property values: also ``:`` and ``,``, which would end the property."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **props: str | int) -> str:
    shown = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items())
    head = f"::{level} {shown}" if shown else f"::{level}"
    return f"{head}::{escape_data(message)}"


def _diagnostic(d: Diagnostic, where: Locator) -> str:
    return command(d.severity, d.message, file=where.path(d.file), line=d.line, col=d.column,
                   title=f"ihltag {d.code}: {code_title(d.code)}")


class GithubReporter:
    """Errors first, then what fails the run under ``--fail-on`` (as errors too, so a red
    job shows why on the diff), then warnings, then the other findings as notices. The
    annotations are made as results arrive and written at the end, in that order."""

    rendering: Rendering | None = None

    def __init__(self, out: TextIO, options: Options) -> None:
        self.out = out
        self.quiet = options.quiet
        self.fail_on = options.fail_on
        self.where = Locator.for_options(options)
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.failing: list[str] = []
        self.notices: list[str] = []

    def _fails(self, status: str | None) -> bool:
        return self.fail_on is not None and STATUS_ORDER.get(status or "", 0) >= \
            STATUS_ORDER[self.fail_on]

    def start(self, run: CheckRun) -> None:
        pass

    def file(self, r: FileResult) -> None:
        for d in r.diagnostics:
            (self.errors if d.severity == "error" else self.warnings).append(
                _diagnostic(d, self.where))
        if r.counts == (0, 0) or (self.quiet and self.fail_on is None):
            return  # no finding, or none to show (a quiet run reads none)
        # per act: an annotation per violation, and one for all its possible findings
        shown = self.where.path(r.file)
        for act, violations, possible in by_act(r.findings):
            line, col = r.act_position(act)
            for f in violations:
                fails = self._fails(f.status)
                (self.failing if fails else self.notices).append(command(
                    "error" if fails else "notice", finding_message(r, f),
                    file=shown, line=line, col=col, title=f"{f.status} {f.rule} {f.title}"))
            if possible:
                rules = ", ".join(f.rule for f in possible)
                fails = self._fails("possible")
                (self.failing if fails else self.notices).append(command(
                    "error" if fails else "notice", group_message(r, act, possible),
                    file=shown, line=line, col=col, title=f"possible {rules} (for review)"))

    def finish(self, run: CheckRun) -> None:
        out = self.errors + self.failing
        if not self.quiet:
            out += self.warnings + self.notices
        shown = len(self.failing) + (0 if self.quiet else len(self.notices))
        total = len(self.errors) + len(self.warnings) + shown
        rest = ("; GitHub shows about ten annotations of each level per step: all "
                f"{total} are in this job's log, or run 'ihltag check' locally"
                if total > 10 else "")
        out.append(command("notice", f"{summary_line(run)}{rest}", title="ihltag check"))
        self.out.write("\n".join(out) + "\n")
