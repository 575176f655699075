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

STYLE = {"violation": "bold red", "possible": "bold yellow"}


def _status(status: str) -> str:
    return f"[{STYLE.get(status, 'bold')}]{status}[/]"


def _items(label: str, values: list[str], style: str = "") -> list[RenderableType]:
    from rich.text import Text

    if not values:
        return []
    out: list[RenderableType] = [Text(label, style="bold " + style)]
    out.extend(Text.assemble("  • ", v) for v in values)
    return out


def _header(data: dict[str, Any], console: Console) -> None:
    from rich.markup import escape
    from rich.panel import Panel
    from rich.text import Text

    if data.get("notice"):
        console.print(Text(data["notice"], style="bold white on red"))
    lines = []
    for s in data["sections"]:
        a = s["actor"]
        extra = f" ({a['kind']})" if a["kind"] else ""
        extra += f", supporting {a['supports']}" if a["supports"] else ""
        if s["supporting"]:
            extra += "; with " + ", ".join(x["id"] for x in s["supporting"])
        lines.append(f"[bold]{escape(a['id'])}[/] — {escape(a['name'])}{escape(extra)}")
    if not data["summary"]["findings"]:
        lines.append("No finding matches this selection.")
    p, sm = data["period"], data["summary"]
    period = (f"selected {p['from'] or 'the start'} to {p['to'] or 'today'}; "
              if p["from"] or p["to"] else "")
    period += f"incidents dated {p['first']} to {p['last']}" if p["first"] else "no incidents"
    lines.append(f"Period: {period}")
    lines.append(f"Findings: {sm['findings']} ([red]{sm['violation']} violation[/], "
                 f"[yellow]{sm['possible']} possible[/]) in {plural(sm['incidents'], 'incident')}")
    for c in data["conflicts"]:
        law = f" — {', '.join(c['law'])}" if c["law"] else ""
        lines.append(f"[dim]{escape(c['name'])} ({c['classification']}){escape(law)}[/]")
    if sm["skipped_invalid"]:
        lines.append(f"[yellow]{plural(sm['skipped_invalid'], 'invalid file')} left out: run "
                     "'ihltag check'[/]")
    console.print(Panel("\n".join(lines), title=escape(data["title"]), title_align="left"))


def _summary(data: dict[str, Any], console: Console) -> None:
    from rich.table import Table

    sm = data["summary"]
    if sm["rules"]:
        table = Table(title="Findings by rule", title_justify="left", expand=False)
        table.add_column("Rule")
        table.add_column("Violations", justify="right", style="red")
        table.add_column("Possible", justify="right", style="yellow")
        table.add_column("Incidents", justify="right")
        table.add_column("Violations may amount to a war crime under", overflow="fold")
        for row in sm["rules"]:
            table.add_row(f"{row['rule']} {row['title']}", str(row["violation"]),
                          str(row["possible"]), str(row["incidents"]),
                          "; ".join(row["war_crimes"]) or "—")
        table.add_section()
        table.add_row("Total", str(sm["violation"]), str(sm["possible"]), str(sm["incidents"]), "")
        console.print(table)
    cas = "; ".join(f"{c['kind']} {c['text']}" for c in sm["casualties"]) or "none recorded"
    console.print(f"[bold]Casualties[/] (each incident once; best estimate, range where "
                  f"sources differ): {cas}")


def _section(section: dict[str, Any], data: dict[str, Any], console: Console) -> None:
    from rich.console import Group
    from rich.markup import escape
    from rich.panel import Panel
    from rich.rule import Rule
    from rich.text import Text

    notes = {n["number"]: n for n in data["notes"]}
    c = section["counts"]
    console.print()
    console.print(Rule(f"[bold]{escape(section['actor']['id'])}[/]: {plural(c['findings'], 'finding')}, "
                       f"{c['violation']} violation, {c['possible']} possible", align="left"))
    for rule in section["rules"]:
        console.print(Panel(f"{escape(rule['text'])}\n[dim]{escape(rule['icrc'])}[/]",
                            title=f"[bold]{rule['id']} {escape(rule['title'])}[/]",
                            title_align="left", border_style="blue"))
        for block in rule["incidents"]:
            inc = block["incident"]
            ref = f" [dim]({escape(inc['id'])})[/]" if inc["id"] else ""
            console.print(f"[bold]{escape(inc['date_text'])} — {escape(inc['place']['text'])}[/]")
            console.print(f"[bold cyan]{escape(inc['title'])}[/]{ref}")
            console.print(Text(inc["summary"]), style="")
            for f in block["findings"]:
                parts: list[RenderableType] = [Text.from_markup(
                    f"[bold]Act {f['act']['index'] + 1}: {escape(f['act']['headline'])}[/] "
                    f"{_status(f['status'])}"
                    + (f"  [dim]{escape(f['presumed_text'])}[/]" if f["presumed"] else "")
                    + (f"  [dim]{escape(f['war_crime'])}[/]" if f["war_crime"] else ""))]
                if f["act"]["happened"]:
                    parts.append(Text.assemble(("What happened: ", "bold"), f["act"]["happened"]))
                parts.append(Text.assemble(("Attribution: ", "bold"), f["attribution"]))
                parts += _items("Established", f["established"], "green")
                parts += _items("Unknown", f["unknown"], "yellow")
                parts += _items("Not ruled out", f["open_exceptions"], "yellow")
                if f["note"]:
                    parts.append(Text.assemble(("Note: ", "bold"), f["note"]))
                console.print(Panel(Group(*parts), border_style=STYLE[f["status"]].split()[-1],
                                    padding=(0, 1)))
            if inc.get("law"):
                console.print(f"Law in force on its date: {escape(', '.join(inc['law']))}")
            if inc["casualties_text"]:
                console.print(f"Casualties: {inc['casualties_text']}")
            for n in inc["notes"]:
                console.print(Text(f"  [{n}] {notes[n]['text']}", style="dim"))
            if inc["confidential_withheld"]:
                console.print(f"  [dim]{plural(inc['confidential_withheld'], 'confidential source')} "
                              "not shown[/]")
            console.print()


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


def render_terminal(data: dict[str, Any], console: Console) -> None:
    """Print the report to ``console`` (the CLI's; the core never prints)."""
    from rich.markup import escape
    from rich.panel import Panel

    data = _safe(data)
    _header(data, console)
    _summary(data, console)
    for section in data["sections"]:
        _section(section, data, console)
    console.print(Panel(escape(data["method"]), title="[bold]Method[/]", title_align="left"))


def render_text(data: dict[str, Any], width: int = 100) -> str:
    """The terminal layout as plain text, for ``--format terminal -o FILE``."""
    from rich.console import Console

    from ihltag.safetext import no_command

    buf = io.StringIO()
    render_terminal(data, Console(file=buf, width=width, color_system=None,
                                  force_terminal=False, no_color=True, highlight=False))
    # wrapping may still bring a '::' in the middle of a value to the start of a line
    return "".join(no_command(line) for line in buf.getvalue().splitlines(keepends=True))
