"""``--format github``: workflow commands that GitHub Actions turns into annotations.

GitHub shows only about ten annotations of each level per step, so errors come first
(with the findings that fail the run under ``--fail-on``), then warnings, then findings
(as notices: one per violation, and one per act for all its
``possible`` findings, which are one question for a researcher), and one closing notice
gives the counts and says where the rest are: every command stays in the job log.
"""

from __future__ import annotations

from ihltag.diagnostics import Diagnostic
from ihltag.formats.ci import Locator, code_title, finding_message, group_message
from ihltag.formats.text import summary_line
from ihltag.results import CheckRun, by_act
from ihltag.verdict import Verdict


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


def render(run: CheckRun, quiet: bool = False, fail_on: str | None = None) -> str:
    """Errors first, then what fails the run under ``--fail-on`` (as errors too, so a red
    job shows why on the diff), then warnings, then the other findings as notices."""
    where = Locator.of(run.root)
    failing: list[str] = []
    notices: list[str] = []
    fails = Verdict(fail_on, False).fails
    for r in run.results:
        # per act: an annotation per violation, and one for all its possible findings
        for act, violations, possible in by_act(r.findings):
            line, col = r.act_position(act)
            for f in violations:
                (failing if fails(f.status) else notices).append(command(
                    "error" if fails(f.status) else "notice", finding_message(r, f),
                    file=where.path(r.file), line=line, col=col,
                    title=f"{f.status} {f.rule} {f.title}"))
            if possible:
                rules = ", ".join(f.rule for f in possible)
                (failing if fails("possible") else notices).append(command(
                    "error" if fails("possible") else "notice", group_message(r, act, possible),
                    file=where.path(r.file), line=line, col=col,
                    title=f"possible {rules} (for review)"))
    diags = run.diagnostics
    out = [_diagnostic(d, where) for d in diags if d.severity == "error"] + failing
    if not quiet:
        out += [_diagnostic(d, where) for d in diags if d.severity == "warning"] + notices
    shown = len(failing) + (0 if quiet else len(notices))
    total = len(diags) + shown
    rest = ("; GitHub shows about ten annotations of each level per step: all "
            f"{total} are in this job's log, or run 'ihltag check' locally"
            if total > 10 else "")
    out.append(command("notice", f"{summary_line(run)}{rest}", title="ihltag check"))
    return "\n".join(out) + "\n"
