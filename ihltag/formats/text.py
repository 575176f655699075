"""``--format text``: greppable ``file:line:col`` lines, and a rich summary on a terminal."""

from __future__ import annotations

from typing import Any

from ihltag.runner import CheckRun

_MARK = {"violation": "violation", "possible": "possible"}


def finding_line(file: str, line: int, f: dict[str, Any]) -> str:
    actors = ", ".join(f"{a['actor']} ({a['attribution']})" for a in f["actors"])
    unknown = [e["id"] for e in f["elements"] + f["exceptions"] if e["value"] == "unknown"]
    why = f"; unknown: {', '.join(unknown)}" if unknown else ""
    return (f"{file}:{line}:1: {f['status']}[{f['rule']}] {f['title']} — acts[{f['act']}] "
            f"by {actors}{why}")


def lines(run: CheckRun, quiet: bool = False) -> list[str]:
    out: list[str] = []
    for r in run.results:
        for d in r.diagnostics:
            if quiet and d.severity == "warning":
                continue
            out.append(d.plain())
        if quiet:
            continue
        for f in r.findings:
            line = r.acts_lines[f["act"]] if f["act"] < len(r.acts_lines) else 1
            out.append(finding_line(r.file, line, f))
    return out


def summary_line(run: CheckRun) -> str:
    s = run.summary()
    return (f"{s['files']} files, {s['invalid']} invalid, {s['errors']} errors, "
            f"{s['warnings']} warnings; findings: {s['findings']['violation']} violation, "
            f"{s['findings']['possible']} possible")


def render_plain(run: CheckRun, quiet: bool = False) -> str:
    body = lines(run, quiet)
    body.append(summary_line(run))
    return "\n".join(body) + "\n"


def render_rich(run: CheckRun, console: Any, quiet: bool = False) -> None:
    """Colour and a summary table for people at a terminal (the CLI passes the console)."""
    from rich.table import Table
    from rich.text import Text

    styles = {"error": "bold red", "warning": "yellow", "violation": "bold magenta",
              "possible": "cyan"}
    for line in lines(run, quiet):
        loc, _, rest = line.partition(": ")
        kind = rest.split("[", 1)[0]
        text = Text(loc + ": ", style="dim")
        text.append(rest, style=styles.get(kind, ""))
        console.print(text, highlight=False, soft_wrap=True)
    s = run.summary()
    table = Table(title="ihltag check", show_header=True, header_style="bold")
    for col in ("files", "invalid", "errors", "warnings", "violation", "possible"):
        table.add_column(col, justify="right")
    table.add_row(str(s["files"]), str(s["invalid"]), str(s["errors"]), str(s["warnings"]),
                  str(s["findings"]["violation"]), str(s["findings"]["possible"]))
    console.print(table)
