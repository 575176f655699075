"""``--format csv``: one row per finding, for spreadsheets and pivot tables.

Each finding is one row, with its incident's columns repeated. Cells that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) are prefixed with
an apostrophe, so a hostile title cannot execute in the analyst's spreadsheet.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from ihltag.i18n import _
from ihltag.vocab import CASUALTY_KINDS

if TYPE_CHECKING:
    from ihltag.report.model import Finding, IncidentEntry, Note, ReportData

COLUMNS = [
    "incident", "number", "date", "date_start", "date_end", "country", "admin1", "admin2",
    "place", "title", "conflicts", "aggregate", "counted", "rule", "rule_title", "status",
    "finding", "act", "act_type", "act_target", "act_details", "actors", "attribution",
    "war_crime", "presumed", "established", "unknown", "not_ruled_out", "note",
    *[f"{k}_{p}" for k in CASUALTY_KINDS for p in ("low", "best", "high")],
    "sources", "confidential_sources_withheld",
]


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _incident_cells(inc: IncidentEntry, notes: dict[int, Note]) -> dict[str, Any]:
    place = inc["place"]
    row: dict[str, Any] = {
        "incident": inc["id"] or _("(withheld)"), "number": inc["number"], "date": inc["date"],
        "date_start": inc["start"], "date_end": inc["end"], "country": place["country"],
        "admin1": place["admin1"], "admin2": place["admin2"], "place": place["place"],
        "title": inc["title"], "conflicts": "; ".join(inc["conflicts"]),
        "aggregate": "yes" if inc["aggregate"] else "no",
        "sources": " | ".join(f"[{n}] {notes[n]['text']}" for n in inc["refs"]),
        "confidential_sources_withheld": inc["confidential_withheld"],
    }
    for kind in CASUALTY_KINDS:
        fig = next((c["figure"] for c in inc["casualties"] if c["kind"] == kind), None)
        for part in ("low", "best", "high"):
            row[f"{kind}_{part}"] = (None if fig is None else
                                     fig["exact"] if fig["exact"] is not None else fig[part])
    return row


def _finding_cells(f: Finding) -> dict[str, Any]:
    return {
        "counted": "yes" if f["counted"] else "no", "rule": f["rule"],
        "rule_title": f["title"], "status": f["status"], "finding": f["headline"],
        "act": f["act"]["index"] + 1, "act_type": f["act"]["type"],
        "act_target": f["act"]["target"], "act_details": f["act"]["happened"],
        "actors": "; ".join(a["actor"] for a in f["actors"]),
        "attribution": f["attribution"], "war_crime": "; ".join(f["war_crimes"]),
        "presumed": "; ".join(f["presumptions"]),
        "established": "; ".join(f["established"]), "unknown": "; ".join(f["unknown"]),
        "not_ruled_out": "; ".join(f["open_exceptions"]), "note": f["note"],
    }


def rows(data: ReportData) -> list[dict[str, Any]]:
    """One row per finding, incidents in report order (each finding once)."""
    notes = {n["number"]: n for n in data["notes"]}
    out = []
    for inc in data["incidents"] + data["aggregates"]:
        cells = _incident_cells(inc, notes)
        out += [{**cells, **_finding_cells(f)} for f in inc["findings"]]
    return out


def render_csv(data: ReportData, bom: bool = True) -> str:
    """The CSV text; with a UTF-8 byte-order mark by default, without which Excel reads the
    file as the local code page and garbles every accent (``Ségou``, ``Tilé``). Comment
    lines first: the confidential notice when set, then the provenance."""
    buf = io.StringIO()
    if bom:
        buf.write("\ufeff")
    if data.get("notice"):
        buf.write(f"# {data['notice']}\r\n")
    buf.write(f"# {data['provenance']['text']}\r\n")
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
    from ihltag.i18n import current

    tr = current()  # headers in the report's language; the English ones are the keys
    writer.writerow({k: k if tr.lang == "en" else tr.vocab("csv.column", k) for k in COLUMNS})
    for row in rows(data):
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return buf.getvalue()
