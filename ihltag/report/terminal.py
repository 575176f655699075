"""``--format terminal``: the report for reading in a terminal, laid out with rich.

Tables and panels wrap to the console's width; status is coloured (violation red,
possible yellow). ``render_text`` gives the same layout without colour for ``-o FILE``.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from ihltag.i18n import _, current, ngettext, vocab

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
        extra += ", " + _('supporting') + f" {a['supports']}" if a["supports"] else ""
        lines.append(f"[bold]{escape(a['id'])}[/] — {escape(a['name'])}{escape(extra)}")
    lines.append("" + _('Period:') + f" {escape(data['period']['text'])}")
    for c in data["conflicts"]:
        law = f" — {', '.join(c['law'])}" if c["law"] else ""
        lines.append(f"[dim]{escape(c['name'])} ({vocab('classification', c['classification'])})"
                     f"{escape(law)}[/]")
    console.print(Panel("\n".join(lines), title=escape(data["title"]), title_align="left"))


def _matrix(data: ReportData, console: Console) -> None:
    from rich.table import Table

    sm = data["summary"]
    table = Table(title=_("Violations by party and rule (+ possible violations, to review)"),
                  title_justify="left", expand=False)
    table.add_column(_("Rule"))
    for a in sm["matrix"]["actors"]:
        table.add_column(a, justify="right")
    table.add_column(_("Incidents"), justify="right")
    table.add_column(_("Violations may amount to a war crime under"), overflow="fold")
    rows = {r["rule"]: r for r in sm["rules"]}
    for row in sm["matrix"]["rows"]:
        cells = [(f"{v}" + (" + " + _("{n} possible").format(n=p) if p else "")) if v or p else "—"
                 for v, p in row["cells"]]
        total = rows[row["rule"]]
        table.add_row(f"{row['rule']} {row['title']}", *cells, str(total["incidents"]),
                      "; ".join(map(current().provision, total["war_crimes"])) or "—")
    console.print(table)


def _summary(data: ReportData, console: Console) -> None:
    from rich.markup import escape

    sm = data["summary"]
    console.print("[bold]" + _('Summary') + f"[/] {escape(sm['scope'])}.")
    if not sm["findings"]:
        console.print(_("No finding matches this selection."))
    v, p, i = sm["violation"], sm["possible"], sm["incidents"]
    line = ("" + _('Findings:') + f" {sm['findings']} ([red]"
            f"" + ngettext('{n} violation', '{n} violations', v).format(n=v) + "[/], [yellow]"
            "" + ngettext('{n} possible violation', '{n} possible violations', p).format(n=p) + "[/]) "
            "" + ngettext('in {n} incident', 'in {n} incidents', i).format(n=i) + ".")
    if sm["aggregates"]:
        n = sm["aggregates"]
        line += " " + (ngettext("{n} aggregate record is listed apart.",
                                "{n} aggregate records are listed apart.", n)
                       if data["selection"]["include_aggregates"] else
                       ngettext("{n} aggregate record is listed apart and not counted.",
                                "{n} aggregate records are listed apart and not counted.", n)
                       ).format(n=n)
    console.print(line)
    if sm["skipped_invalid"]:
        n = sm["skipped_invalid"]
        console.print("[yellow]" + ngettext("{n} invalid file left out: run 'ihltag check'",
                                            "{n} invalid files left out: run 'ihltag check'",
                                            n).format(n=n) + "[/]")
    if sm["matrix"]["rows"]:
        _matrix(data, console)
    cas = "; ".join(f"{vocab('casualty', t['kind'])} {t['text']}" for t in sm["totals"]) \
        or _("none recorded")
    console.print("[bold]" + _("Casualties") + "[/] "
                  + _("(each incident once; aggregate records not added):") + f" {escape(cas)}")
    if sm["serious"]:
        console.print("[bold]" + _('Most serious findings') + "[/]")
        for i, s in enumerate(sm["serious"], start=1):
            console.print(f"  {i}. " + _('Incident {n}').format(n=s['number']) + f": {escape(s['text'])}")


def _finding(f: Finding) -> RenderableType:
    from rich.console import Group
    from rich.markup import escape
    from rich.panel import Panel
    from rich.text import Text

    status = _("violation") if f["status"] == "violation" else _("possible violation")
    parts: list[RenderableType] = [Text.from_markup(
        f"[bold]{f['rule']} {escape(f['title'])}[/] (" + _('act {n}').format(n=f['act']['index'] + 1) + f": "
        f"{escape(f['act']['headline'])}): {_status(f['status'], status)} — "
        f"{escape(f['headline'].split(' — ', 1)[-1])}"
        + ("" if f["counted"] else " [dim]" + _('(aggregate record: not counted)') + "[/]"))]
    parts += [Text(w[0].upper() + w[1:] + ".", style="dim") for w in f["war_crimes"]]
    if f["act"]["happened"]:
        parts.append(Text.assemble((_("The act") + ": ", "bold"), f["act"]["happened"]))
    parts += _items(_("Established"), f["established"], "green")
    parts += _items(_("Not known from the record"), f["unknown"], "yellow")
    parts += _items(_("Not ruled out"), f["open_exceptions"], "yellow")
    parts += _items(_("Ruled out"), f["ruled_out"])
    if f["presumed"]:
        parts.append(Text.assemble((f"{'; '.join(f['presumptions'])}: ", "bold"),
                                   f["presumed_basis"]))
    if f["note"]:
        parts.append(Text.assemble((_("Note:") + " ", "bold"), f["note"]))
    return Panel(Group(*parts), border_style=STYLE[f["status"]].split()[-1], padding=(0, 1))


def _facts(inc: IncidentEntry, notes: dict[int, Note], console: Console) -> None:
    from rich.markup import escape
    from rich.text import Text

    if inc["perpetrators"]:
        console.print(_("Attributed to:") + " " + escape("; ".join(p["text"] for p in inc["perpetrators"])))
    if inc["casualties_text"]:
        console.print("" + _('Casualties:') + f" {inc['casualties_text']}")
    for r in inc["responses"]:
        when = f", {r['date']}" if r["date"] else ""
        refs = "".join(f" [{n}]" for n in r["refs"])
        console.print(Text(f"{r['heading']} ({r['actor']}{when}): {r['summary']}{refs}"))
    if inc["notes"]:
        console.print(Text("" + _('Internal notes (not for publication):') + f" {inc['notes']}",
                           style="black on yellow"))
    if inc["law"]:
        console.print("" + _('Law in force on its date:') + f" {escape(', '.join(inc['law']))}")
    for n in inc["refs"]:
        console.print(Text(f"  [{n}] {notes[n]['text']}", style="dim"))
    if inc["confidential_withheld"]:
        n = inc["confidential_withheld"]
        console.print("  [dim]" + ngettext("{n} confidential source not shown",
                                           "{n} confidential sources not shown", n).format(n=n) + "[/]")
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
            console.print(Text("" + _('For review:') + f" {flag['text']}", style="yellow"))
    else:
        console.print(_("Findings:") + " " + "; ".join(
            f"{f['rule']} ({vocab('status', f['status'])}, "
            + _("act {n}").format(n=f["act"]["index"] + 1) + ")"
            for f in inc["findings"]))
    _facts(inc, notes, console)


def _by_rule(data: ReportData, console: Console) -> None:
    from rich.markup import escape
    from rich.panel import Panel
    from rich.rule import Rule

    console.print(Rule("[bold]" + _('Findings by rule') + "[/]", align="left"))
    by_number = {i["number"]: i for i in data["incidents"] + data["aggregates"]}
    for rule in data["rules"]:
        console.print(Panel(f"{escape(rule['text'])}\n[dim]{escape(rule['icrc'])}[/]",
                            title=f"[bold]{rule['id']} {escape(rule['title'])}[/]",
                            title_align="left", border_style="blue"))
        for ref in rule["incidents"]:
            console.print("[bold]" + _('Incident {n}').format(n=ref['number']) + f"[/], "
                          f"{escape(ref['date_text'])}, "
                          f"{escape(ref['place'])}: {escape(ref['title'])}")
            for i in ref["findings"]:
                console.print(_finding(by_number[ref["number"]]["findings"][i]))


def _body(data: ReportData, console: Console) -> None:
    from rich.rule import Rule

    notes = {n["number"]: n for n in data["notes"]}
    full = data["layout"] != "rules"
    if not full:
        _by_rule(data, console)
    console.print(Rule("[bold]" + _('Incidents') + "[/]", align="left"))
    for inc in data["incidents"]:
        _incident(inc, notes, console, full)
    if full and data["rules"]:
        console.print(Rule("[bold]" + _('Rule index') + "[/]", align="left"))
        for rule in data["rules"]:
            refs = ", ".join(str(r["number"]) for r in rule["incidents"])
            v = rule["violation"]
            console.print(f"{rule['id']} {rule['title']} ("
                          f"" + ngettext('{n} violation', '{n} violations', v).format(n=v) + ", "
                          "" + _('{n} possible').format(n=rule['possible']) + "): "
                          "" + _('incidents {numbers}').format(numbers=refs) + "")
    if data["aggregates"]:
        console.print(Rule("[bold]" + _('Aggregate records (listed, never added to totals)') + "[/]",
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
    console.print(Panel(escape(data["method"]), title="[bold]" + _('Method') + "[/]", title_align="left"))


def render_text(data: ReportData, width: int = 100) -> str:
    """The terminal layout as plain text, for ``--format terminal -o FILE``."""
    from rich.console import Console

    from ihltag.safetext import no_command

    buf = io.StringIO()
    render_terminal(data, Console(file=buf, width=width, color_system=None,
                                  force_terminal=False, no_color=True, highlight=False))
    # wrapping may still bring a '::' in the middle of a value to the start of a line
    return "".join(no_command(line) for line in buf.getvalue().splitlines(keepends=True))
