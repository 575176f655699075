"""``--format terminal``: the report for reading in a terminal, laid out with rich.

Tables and panels wrap to the console's width; status is coloured (violation red,
possible yellow). ``render_text`` gives the same layout without colour for ``-o FILE``.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from ihltag.diagnostics import plural

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from ihltag.report.model import Finding, IncidentEntry, Note, ReportData

STYLE = {"violation": "bold red", "possible": "bold yellow"}


def _status(status: str, words: str = "") -> str:
    return f"[{STYLE.get(status, 'bold')}]{words or status}[/]"


def _items(label: str, values: list[str], style: str = "") -> list[RenderableType]:
    from rich.text import Text

    if not values:
        return []
    out: list[RenderableType] = [Text(label, style="bold " + style)]
    out.extend(Text.assemble("  • ", v) for v in values)
    return out


def _header(data: ReportData, console: Console) -> None:
    from rich.markup import escape
    from rich.panel import Panel
    from rich.text import Text

    if data.get("notice"):
        console.print(Text(data["notice"] or "", style="bold white on red"))
    lines = [f"[dim]{escape(data['provenance']['text'])}[/]"]
    for a in data["actors"]:
        extra = f" ({a['kind']})" if a["kind"] else ""
        extra += f", supporting {a['supports']}" if a["supports"] else ""
        lines.append(f"[bold]{escape(a['id'])}[/] — {escape(a['name'])}{escape(extra)}")
    lines.append(f"Period: {escape(data['period']['text'])}")
    for c in data["conflicts"]:
        law = f" — {', '.join(c['law'])}" if c["law"] else ""
        lines.append(f"[dim]{escape(c['name'])} ({c['classification']}){escape(law)}[/]")
    console.print(Panel("\n".join(lines), title=escape(data["title"]), title_align="left"))


def _matrix(data: ReportData, console: Console) -> None:
    from rich.table import Table

    sm = data["summary"]
    table = Table(title="Violations by party and rule (+ possible violations, to review)",
                  title_justify="left", expand=False)
    table.add_column("Rule")
    for a in sm["matrix"]["actors"]:
        table.add_column(a, justify="right")
    table.add_column("Incidents", justify="right")
    table.add_column("Violations may amount to a war crime under", overflow="fold")
    rows = {r["rule"]: r for r in sm["rules"]}
    for row in sm["matrix"]["rows"]:
        cells = [(f"{v}" + (f" + {p} possible" if p else "")) if v or p else "—"
                 for v, p in row["cells"]]
        total = rows[row["rule"]]
        table.add_row(f"{row['rule']} {row['title']}", *cells, str(total["incidents"]),
                      "; ".join(total["war_crimes"]) or "—")
    console.print(table)


def _summary(data: ReportData, console: Console) -> None:
    from rich.markup import escape

    sm = data["summary"]
    console.print(f"[bold]Summary[/] {escape(sm['scope'])}.")
    if not sm["findings"]:
        console.print("No finding matches this selection.")
    line = (f"Findings: {sm['findings']} ([red]{plural(sm['violation'], 'violation')}[/], "
            f"[yellow]{plural(sm['possible'], 'possible violation')}[/]) in "
            f"{plural(sm['incidents'], 'incident')}.")
    if sm["aggregates"]:
        line += (f" {plural(sm['aggregates'], 'aggregate record is', 'aggregate records are')}"
                 " listed apart" + ("" if data["selection"]["include_aggregates"]
                                    else " and not counted") + ".")
    console.print(line)
    if sm["skipped_invalid"]:
        console.print(f"[yellow]{plural(sm['skipped_invalid'], 'invalid file')} left out: run "
                      "'ihltag check'[/]")
    if sm["matrix"]["rows"]:
        _matrix(data, console)
    cas = "; ".join(f"{t['kind']} {t['text']}" for t in sm["totals"]) or "none recorded"
    console.print(f"[bold]Casualties[/] (each incident once; aggregate records not added): "
                  f"{escape(cas)}")
    if sm["serious"]:
        console.print("[bold]Most serious findings[/]")
        for i, s in enumerate(sm["serious"], start=1):
            console.print(f"  {i}. Incident {s['number']}: {escape(s['text'])}")


def _finding(f: Finding) -> RenderableType:
    from rich.console import Group
    from rich.markup import escape
    from rich.panel import Panel
    from rich.text import Text

    status = "violation" if f["status"] == "violation" else "possible violation"
    parts: list[RenderableType] = [Text.from_markup(
        f"[bold]{f['rule']} {escape(f['title'])}[/] (act {f['act']['index'] + 1}: "
        f"{escape(f['act']['headline'])}): {_status(f['status'], status)} — "
        f"attributed to {escape(f['attribution'])}"
        + ("" if f["counted"] else " [dim](aggregate record: not counted)[/]"))]
    parts += [Text(w[0].upper() + w[1:] + ".", style="dim") for w in f["war_crimes"]]
    if f["act"]["happened"]:
        parts.append(Text.assemble(("The act: ", "bold"), f["act"]["happened"]))
    parts += _items("Established", f["established"], "green")
    parts += _items("Not known from the record", f["unknown"], "yellow")
    parts += _items("Not ruled out", f["open_exceptions"], "yellow")
    parts += _items("Ruled out", f["ruled_out"])
    if f["presumed"]:
        parts.append(Text.assemble((f"{'; '.join(f['presumptions'])}: ", "bold"),
                                   f["presumed_basis"]))
    if f["note"]:
        parts.append(Text.assemble(("Note: ", "bold"), f["note"]))
    return Panel(Group(*parts), border_style=STYLE[f["status"]].split()[-1], padding=(0, 1))


def _facts(inc: IncidentEntry, notes: dict[int, Note], console: Console) -> None:
    from rich.markup import escape
    from rich.text import Text

    if inc["perpetrators"]:
        console.print("Attributed to: " + escape("; ".join(p["text"] for p in inc["perpetrators"])))
    if inc["casualties_text"]:
        console.print(f"Casualties: {inc['casualties_text']}")
    for r in inc["responses"]:
        when = f", {r['date']}" if r["date"] else ""
        refs = "".join(f" [{n}]" for n in r["refs"])
        console.print(Text(f"{r['heading']} ({r['actor']}{when}): {r['summary']}{refs}"))
    if inc["notes"]:
        console.print(Text(f"Internal notes (not for publication): {inc['notes']}",
                           style="black on yellow"))
    if inc["law"]:
        console.print(f"Law in force on its date: {escape(', '.join(inc['law']))}")
    for n in inc["refs"]:
        console.print(Text(f"  [{n}] {notes[n]['text']}", style="dim"))
    if inc["confidential_withheld"]:
        console.print(f"  [dim]{plural(inc['confidential_withheld'], 'confidential source')} "
                      "not shown[/]")
    console.print()


def _incident(inc: IncidentEntry, notes: dict[int, Note], console: Console,
              full: bool) -> None:
    from rich.markup import escape
    from rich.text import Text

    ref = f" [dim]({escape(inc['id'])})[/]" if inc["id"] else ""
    console.print(f"[bold]{inc['number']}. {escape(inc['date_text'])} — "
                  f"{escape(inc['place']['text'])}[/]")
    console.print(f"[bold cyan]{escape(inc['title'])}[/]{ref}")
    console.print(Text(inc["summary"] + "".join(f" [{n}]" for n in inc["refs"])))
    if full:
        for f in inc["findings"]:
            console.print(_finding(f))
        for flag in inc["review"]:
            console.print(Text(f"For review: {flag['text']}", style="yellow"))
    else:
        console.print("Findings: " + "; ".join(
            f"{f['rule']} ({f['status']}, act {f['act']['index'] + 1})" for f in inc["findings"]))
    _facts(inc, notes, console)


def _by_rule(data: ReportData, console: Console) -> None:
    from rich.markup import escape
    from rich.panel import Panel
    from rich.rule import Rule

    console.print(Rule("[bold]Findings by rule[/]", align="left"))
    by_number = {i["number"]: i for i in data["incidents"] + data["aggregates"]}
    for rule in data["rules"]:
        console.print(Panel(f"{escape(rule['text'])}\n[dim]{escape(rule['icrc'])}[/]",
                            title=f"[bold]{rule['id']} {escape(rule['title'])}[/]",
                            title_align="left", border_style="blue"))
        for ref in rule["incidents"]:
            console.print(f"[bold]Incident {ref['number']}[/], {escape(ref['date_text'])}, "
                          f"{escape(ref['place'])}: {escape(ref['title'])}")
            for i in ref["findings"]:
                console.print(_finding(by_number[ref["number"]]["findings"][i]))


def _body(data: ReportData, console: Console) -> None:
    from rich.rule import Rule

    notes = {n["number"]: n for n in data["notes"]}
    full = data["layout"] != "rules"
    if not full:
        _by_rule(data, console)
    console.print(Rule("[bold]Incidents[/]", align="left"))
    for inc in data["incidents"]:
        _incident(inc, notes, console, full)
    if full and data["rules"]:
        console.print(Rule("[bold]Rule index[/]", align="left"))
        for rule in data["rules"]:
            refs = ", ".join(str(r["number"]) for r in rule["incidents"])
            console.print(f"{rule['id']} {rule['title']} ({plural(rule['violation'], 'violation')},"
                          f" {rule['possible']} possible): incidents {refs}")
    if data["aggregates"]:
        console.print(Rule("[bold]Aggregate records (listed, never added to totals)[/]",
                           align="left"))
        for inc in data["aggregates"]:
            _incident(inc, notes, console, full)


def _safe(value: Any) -> Any:
    """The report data with every control character escaped and no line able to start a
    GitHub workflow command: a title or summary cannot drive the terminal (D11)."""
    from ihltag.safetext import safe_lines

    if isinstance(value, str):
        return safe_lines(value)
    if isinstance(value, dict):
        return {k: _safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_safe(v) for v in value]
    return value


def render_terminal(data: ReportData, console: Console) -> None:
    """Print the report to ``console`` (the CLI's; the core never prints)."""
    from rich.markup import escape
    from rich.panel import Panel

    data = _safe(data)
    _header(data, console)
    _summary(data, console)
    _body(data, console)
    console.print(Panel(escape(data["method"]), title="[bold]Method[/]", title_align="left"))


def render_text(data: ReportData, width: int = 100) -> str:
    """The terminal layout as plain text, for ``--format terminal -o FILE``."""
    from rich.console import Console

    from ihltag.safetext import no_command

    buf = io.StringIO()
    render_terminal(data, Console(file=buf, width=width, color_system=None,
                                  force_terminal=False, no_color=True, highlight=False))
    # wrapping may still bring a '::' in the middle of a value to the start of a line
    return "".join(no_command(line) for line in buf.getvalue().splitlines(keepends=True))
