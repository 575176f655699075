"""``--format text``: greppable ``file:line:col`` lines, and a rich summary on a terminal.

Every line starts with the file name (``./`` in front of one that starts with ``::``) and
holds no control character from the data, so a file cannot rewrite the terminal or
forge a GitHub workflow command (issue 12 D11)."""

from __future__ import annotations

from typing import Any, TextIO

from ihltag.diagnostics import plural
from ihltag.formats import Options, Rendering
from ihltag.formats.ci import group_text
from ihltag.results import CheckRun, FileResult, Finding, by_act
from ihltag.safetext import one_line, path


def finding_line(file: str, line: int, f: Finding, column: int = 1) -> str:
    """A violation (or, for callers that want one line per finding, any finding)."""
    why = ""
    if f.status != "violation" and f.decide:
        why = f"; to decide, record: {', '.join(f.decide)}"
    presumed = f.presumed_text()
    wars = f.war_crime_texts()
    return (f"{path(file)}:{line}:{column}: " + one_line(
        f"{f.status}[{f.rule}] {f.title} — acts[{f.act}] by {f.actors_text()}{why}"
        + (f"; {presumed}" if presumed else "") + (f"; {'; '.join(wars)}" if wars else "")))


def result_lines(r: FileResult, quiet: bool = False) -> list[str]:
    """The file's diagnostics, then per act: one line per violation and one line for all
    its ``possible`` findings (the rules and the facts that would decide them)."""
    out = [d.plain() for d in r.diagnostics if not (quiet and d.severity == "warning")]
    if not quiet and r.counts != (0, 0):
        for act, violations, possible in by_act(r.findings):
            line, column = r.act_position(act)
            out.extend(finding_line(r.file, line, f, column) for f in violations)
            if possible:
                out.append(f"{path(r.file)}:{line}:{column}: " + one_line(group_text(act, possible)))
    return out


def summary_line(run: CheckRun) -> str:
    s = run.summary()
    return (f"{plural(s['files'], 'file')}, {s['invalid']} invalid, "
            f"{plural(s['errors'], 'error')}, {plural(s['warnings'], 'warning')}; findings: "
            f"{s['findings']['violation']} violation, {s['findings']['possible']} possible")


_STYLES = {"error": "bold red", "warning": "yellow", "violation": "bold magenta",
           "possible": "cyan"}


class TextReporter:
    """Plain lines, written as each result arrives, and the summary line."""

    rendering: Rendering | None = None

    def __init__(self, out: TextIO, options: Options) -> None:
        self.out = out
        self.quiet = options.quiet

    def start(self, run: CheckRun) -> None:
        pass

    def file(self, result: FileResult) -> None:
        for line in result_lines(result, self.quiet):
            self.out.write(line + "\n")

    def finish(self, run: CheckRun) -> None:
        self.out.write(summary_line(run) + "\n")


class RichReporter:
    """Colour and a summary table, for people at a terminal."""

    rendering: Rendering | None = None

    def __init__(self, out: TextIO, options: Options, console: Any = None) -> None:
        from rich.console import Console

        self.console = console or Console(file=out)
        self.quiet = options.quiet

    def start(self, run: CheckRun) -> None:
        pass

    def file(self, result: FileResult) -> None:
        from rich.text import Text

        for line in result_lines(result, self.quiet):
            loc, _, rest = line.partition(": ")
            text = Text()
            text.append(loc + ": ", style="dim")
            word = rest.split("[", 1)[0].split(":", 1)[0]  # error[..], violation[..], possible:
            text.append(rest, style=_STYLES.get(word, ""))
            self.console.print(text, highlight=False, soft_wrap=True)

    def finish(self, run: CheckRun) -> None:
        from rich.table import Table

        s = run.summary()
        table = Table(title="ihltag check", show_header=True, header_style="bold")
        for col in ("files", "invalid", "errors", "warnings", "violation", "possible"):
            table.add_column(col, justify="right")
        table.add_row(str(s["files"]), str(s["invalid"]), str(s["errors"]), str(s["warnings"]),
                      str(s["findings"]["violation"]), str(s["findings"]["possible"]))
        self.console.print(table)
