"""Numbers that add up: casualty totals, counts, the actor × rule matrix, the most serious.

Casualty totals follow incident-format.md ("casualties"): "at least" sums each record's
``low`` or exact number; a best estimate only where every record of that kind has a
``best`` or an exact number; an upper bound only where every record has a ``high`` or an
exact number. Records with ``aggregate: true`` are never summed, and each total says how
many incidents it rests on. Finding counts leave out an aggregate record's findings
unless ``--include-aggregates`` (``Finding.counted``).
"""

from __future__ import annotations

from ihltag.i18n import _, current, ngettext
from ihltag.report.model import (
    Figure,
    IncidentEntry,
    Matrix,
    MatrixRow,
    RuleEntry,
    RuleRow,
    Serious,
    Total,
)
from ihltag.vocab import CASUALTY_KINDS

CONFIDENCE_RANK = {"high": 3, "medium": 2, "low": 1}


def _exact_or(fig: Figure, key: str) -> int | None:
    if fig["exact"] is not None:
        return fig["exact"]
    value = fig[key]  # type: ignore[literal-required]
    return value if isinstance(value, int) else None


def total_text(t: Total) -> str:
    """``at least 12 (best estimate 13, at most 15; 3 incidents)``; where no record has a
    lowest figure, only what the records support (``best estimate 5 (1 incident)``)."""
    n = current().number
    parts = []
    if t["best"] is not None and (t["best"] != t["at_least"] or not t["with_low"]):
        parts.append(_("best estimate {n}").format(n=n(t["best"])))
    if t["upper"] is not None and t["upper"] != t["at_least"]:
        parts.append(_("at most {n}").format(n=n(t["upper"])))
    rests = ngettext("{n} incident", "{n} incidents", t["incidents"]).format(n=n(t["incidents"]))
    if t["with_low"] < t["incidents"] and t["with_low"]:
        rests = _("{some} of {all} give a lowest figure").format(some=n(t["with_low"]), all=rests)
    if not t["with_low"]:
        return f"{', '.join(parts)} ({rests})"
    head = n(t["at_least"]) if t["upper"] == t["at_least"] else \
        _("at least {n}").format(n=n(t["at_least"]))
    return f"{head} ({'; '.join([', '.join(parts), rests] if parts else [rests])})"


def totals(incidents: list[IncidentEntry]) -> list[Total]:
    """The casualty totals over the incidents that are not aggregate records."""
    out: list[Total] = []
    for kind in CASUALTY_KINDS:
        figs = [c["figure"] for inc in incidents if not inc["aggregate"]
                for c in inc["casualties"] if c["kind"] == kind]
        if not figs:
            continue
        lows = [_exact_or(f, "low") for f in figs]
        bests = [_exact_or(f, "best") for f in figs]
        highs = [_exact_or(f, "high") for f in figs]
        total: Total = {
            "kind": kind, "at_least": sum(v for v in lows if v is not None),
            "best": sum(v for v in bests if v is not None) if None not in bests else None,
            "upper": sum(v for v in highs if v is not None) if None not in highs else None,
            "incidents": len(figs), "with_low": sum(1 for v in lows if v is not None),
            "text": ""}
        total["text"] = total_text(total)
        out.append(total)
    return out


def matrix(incidents: list[IncidentEntry], groups: dict[str, list[str]],
           rules: list[RuleEntry]) -> Matrix:
    """Violations and possible findings per lead actor (with its members) and rule."""
    leads = list(groups)
    rows: list[MatrixRow] = []
    for rule in rules:
        cells = [[0, 0] for _ in leads]
        for inc in incidents:
            for f in inc["findings"]:
                if f["rule"] != rule["id"] or not f["counted"]:
                    continue
                keys = {a["actor"] for a in f["actors"]}
                for i, lead in enumerate(leads):
                    if keys & set(groups[lead]):
                        cells[i][0 if f["status"] == "violation" else 1] += 1
        if any(v or p for v, p in cells):
            rows.append({"rule": rule["id"], "title": rule["title"], "cells": cells})
    return {"actors": leads, "rows": rows}


def rule_rows(rules: list[RuleEntry]) -> list[RuleRow]:
    out: list[RuleRow] = []
    for r in rules:
        counted = [ref for ref in r["incidents"] if not ref["aggregate"]]
        if r["violation"] or r["possible"]:
            out.append({"rule": r["id"], "title": r["title"],
                        "findings": r["violation"] + r["possible"],
                        "violation": r["violation"], "possible": r["possible"],
                        "incidents": len(counted), "war_crimes": r["war_crimes"]})
    return out


def serious(incidents: list[IncidentEntry], n: int = 4) -> list[Serious]:
    """The most serious findings: violations before possible ones, then a war crime
    engaged, the attribution's confidence, not decided by a presumption, the dead."""
    ranked = []
    for inc in incidents:
        killed = next((c["figure"] for c in inc["casualties"] if c["kind"] == "killed"), None)
        dead = (_exact_or(killed, "low") or _exact_or(killed, "best") or 0) if killed else 0
        for f in inc["findings"]:
            if not f["counted"]:
                continue
            conf = max((CONFIDENCE_RANK.get(a["confidence"], 0) for a in f["actors"]), default=0)
            key = (f["status"] == "violation", bool(f["war_crimes"]), conf, not f["presumed"],
                   dead, -inc["number"])
            ranked.append((key, inc, f))
    ranked.sort(key=lambda x: x[0], reverse=True)
    out: list[Serious] = []
    seen: set[int] = set()
    for _key, inc, f in ranked:
        if inc["number"] in seen:  # one line per incident: its most serious finding
            continue
        seen.add(inc["number"])
        out.append({"number": inc["number"], "anchor": inc["anchor"],
                    "text": f"{f['rule']} {f['title']}, {inc['date_text']}, "
                            f"{inc['place']['text']}: {f['headline']}"})
        if len(out) == n:
            break
    return out


def months(incidents: list[IncidentEntry]) -> dict[str, dict[str, int]]:
    """Counted findings per month of the incident (kept for the charts)."""
    out: dict[str, dict[str, int]] = {}
    for inc in sorted(incidents, key=lambda i: i["start"]):
        month = inc["start"][:7] if inc["start"][:7] == inc["end"][:7] else "imprecise"
        for f in inc["findings"]:
            if f["counted"]:
                out.setdefault(month, {"violation": 0, "possible": 0})[f["status"]] += 1
    if "imprecise" in out:
        out["imprecise"] = out.pop("imprecise")
    return out
