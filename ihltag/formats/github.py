"""``--format github``: workflow commands that GitHub Actions turns into annotations.

GitHub shows only about ten annotations of each level per step, so errors come first,
then warnings, then findings (as notices: one per violation, and one per act for all its
``possible`` findings, which are one question for a researcher), and one closing notice
gives the counts and says where the rest are: every command stays in the job log.
"""

from __future__ import annotations

from ihltag.formats.ci import (
    Locator,
    act_position,
    by_act,
    code_title,
    finding_message,
    group_message,
)
from ihltag.formats.text import summary_line
from ihltag.runner import CheckRun


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


def render(run: CheckRun, quiet: bool = False) -> str:
    where = Locator.of(run.root)
    out: list[str] = []
    diags = run.diagnostics
    for level in ("error", "warning"):
        if quiet and level == "warning":
            continue
        for d in diags:
            if d.severity == level:
                out.append(command(level, d.message, file=where.path(d.file), line=d.line,
                                   col=d.column, title=f"ihltag {d.code}: {code_title(d.code)}"))
    shown = 0
    if not quiet:
        for r in run.results:
            # per act: a notice per violation, and one for all its possible findings
            for act, violations, possible in by_act(r.findings):
                line, col = act_position(r, act)
                for f in violations:
                    out.append(command("notice", finding_message(r, f), file=where.path(r.file),
                                       line=line, col=col,
                                       title=f"{f['status']} {f['rule']} {f['title']}"))
                    shown += 1
                if possible:
                    rules = ", ".join(f["rule"] for f in possible)
                    out.append(command("notice", group_message(r, act, possible),
                                       file=where.path(r.file), line=line, col=col,
                                       title=f"possible {rules} (for review)"))
                    shown += 1
    total = len(diags) + shown
    rest = ("; GitHub shows about ten annotations of each level per step: all "
            f"{total} are in this job's log, or run 'ihltag check' locally"
            if total > 10 else "")
    out.append(command("notice", f"{summary_line(run)}{rest}", title="ihltag check"))
    return "\n".join(out) + "\n"
