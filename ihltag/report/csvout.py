"""``--format csv``: one row per finding, for spreadsheets and pivot tables.

A finding that appears under several actors' sections is one row. Cells that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) are prefixed with
an apostrophe, so a hostile title cannot execute in the analyst's spreadsheet.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from ihltag.vocab import CASUALTY_KINDS

COLUMNS = [
    "incident", "date", "date_start", "date_end", "country", "admin1", "admin2", "place",
    "title", "conflicts", "rule", "rule_title", "status", "act", "act_type", "act_target",
    "act_details", "actors", "attribution", "war_crime", "established", "unknown",
    "not_ruled_out", "note",
    *[f"{k}_{p}" for k in CASUALTY_KINDS for p in ("low", "best", "high")],
    "sources", "confidential_sources_withheld",
]


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    notes = {n["number"]: n for n in data["notes"]}
    seen: set[tuple[Any, ...]] = set()
    out = []
    for section in data["sections"]:
        for rule in section["rules"]:
            for block in rule["incidents"]:
                inc = block["incident"]
                for f in block["findings"]:
                    key = (inc["date"], inc["title"], inc["id"], f["rule"], f["act"]["index"])
                    if key in seen:
                        continue
                    seen.add(key)
                    row = {
                        "incident": inc["id"] or "(withheld)", "date": inc["date"],
                        "date_start": inc["start"], "date_end": inc["end"],
                        "country": inc["place"]["country"], "admin1": inc["place"]["admin1"],
                        "admin2": inc["place"]["admin2"], "place": inc["place"]["place"],
                        "title": inc["title"], "conflicts": "; ".join(inc["conflicts"]),
                        "rule": f["rule"], "rule_title": f["title"], "status": f["status"],
                        "act": f["act"]["index"] + 1, "act_type": f["act"]["type"],
                        "act_target": f["act"]["target"],
                        "act_details": f["act"]["happened"],
                        "actors": "; ".join(a["actor"] for a in f["actors"]),
                        "attribution": f["attribution"], "war_crime": f["war_crime"],
                        "established": "; ".join(f["established"]),
                        "unknown": "; ".join(f["unknown"]),
                        "not_ruled_out": "; ".join(f["open_exceptions"]), "note": f["note"],
                        "sources": " | ".join(f"[{n}] {notes[n]['text']}" for n in inc["notes"]),
                        "confidential_sources_withheld": inc["confidential_withheld"],
                    }
                    for kind in CASUALTY_KINDS:
                        fig = inc["casualties"].get(kind)
                        for part, name in (("low", "low"), ("central", "best"), ("high", "high")):
                            row[f"{kind}_{name}"] = fig[part] if fig else None
                    out.append(row)
    return out


def render_csv(data: dict[str, Any], bom: bool = True) -> str:
    """The CSV text; with a UTF-8 byte-order mark by default, without which Excel reads the
    file as the local code page and garbles every accent (``Ségou``, ``Tilé``)."""
    buf = io.StringIO()
    if bom:
        buf.write("\ufeff")
    if data.get("notice"):
        buf.write(f"# {data['notice']}\r\n")
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows(data):
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return buf.getvalue()
