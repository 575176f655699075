"""Summary charts for the HTML report: matplotlib figures rendered to inline SVG.

SVG keeps the report one self-contained, printable file that scales without blurring.
Text stays text (``svg.fonttype = none``) so it can be searched and copied; the output
is made deterministic (fixed hash salt, no date metadata) so that reports of the same
data are byte-identical.
"""

from __future__ import annotations

import io
import re
from typing import Any

VIOLATION = "#b2182b"
POSSIBLE = "#ef8a62"
NEUTRAL = "#4d4d4d"


def _svg(fig: Any, salt: str) -> str:
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = salt
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    # Make ids unique per chart, since several SVGs share one HTML document.
    text = re.sub(r'id="([^"]+)"', rf'id="{salt}-\1"', text)
    text = re.sub(r'url\(#([^)]+)\)', rf'url(#{salt}-\1)', text)
    text = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{salt}-\1"', text)
    text = re.sub(r'<metadata>.*?</metadata>', "", text, flags=re.S)
    return text.replace("<svg ", '<svg role="img" ', 1)


def _setup() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    matplotlib.rcParams.update({
        "svg.fonttype": "none", "font.size": 9, "axes.spines.top": False,
        "axes.spines.right": False, "font.family": "sans-serif",
        # every label is plain text: a '$' in a rule title or actor name must not be read
        # as math (a '$\\bad$' title crashed the report, issue 12 D16), nor TeX run
        "text.parse_math": False, "text.usetex": False,
    })
    import matplotlib.pyplot as plt

    return plt


def _by_rule(plt: Any, rows: list[dict[str, Any]]) -> str:
    labels = [f"{r['rule']} {r['title']}" for r in rows][::-1]
    v = [float(r["violation"]) for r in rows][::-1]
    p = [float(r["possible"]) for r in rows][::-1]
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(rows) + 0.9))
    ax.barh(labels, v, color=VIOLATION, label="violation")
    ax.barh(labels, p, left=v, color=POSSIBLE, label="possible")
    ax.set_xlabel("findings")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(frameon=False, loc="lower right")
    ax.set_title("Findings per rule", loc="left", fontweight="bold")
    return _svg(fig, "rules")


def _by_month(plt: Any, months: dict[str, dict[str, int]]) -> str:
    labels = [m if m != "imprecise" else "spans\nmonths" for m in months]
    v = [c["violation"] for c in months.values()]
    p = [c["possible"] for c in months.values()]
    fig, ax = plt.subplots(figsize=(7, 2.8))
    xs = range(len(labels))
    ax.bar(xs, v, color=VIOLATION, label="violation")
    ax.bar(xs, p, bottom=v, color=POSSIBLE, label="possible")
    ax.set_xticks(list(xs), labels, rotation=60 if len(labels) > 8 else 0, ha="right"
                  if len(labels) > 8 else "center")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel("findings")
    ax.legend(frameon=False)
    ax.set_title("Findings per month of the incident", loc="left", fontweight="bold")
    return _svg(fig, "months")


def _casualties(plt: Any, rows: list[dict[str, Any]]) -> str:
    labels = [r["kind"] for r in rows]
    # floats: matplotlib converts through C integers, and sums of many files are large
    central = [float(r["central"]) for r in rows]
    lower = [float(r["central"] - r["low"]) for r in rows]
    upper = [float(r["high"] - r["central"]) for r in rows]
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(rows) + 0.9))
    ax.barh(labels[::-1], central[::-1], color=NEUTRAL,
            xerr=[lower[::-1], upper[::-1]], capsize=4, ecolor="#000000")
    for y, (value, row) in enumerate(zip(central[::-1], rows[::-1], strict=True)):
        ax.annotate(row["text"], (value + upper[::-1][y], y), xytext=(6, 0),
                    textcoords="offset points", va="center")
    ax.set_xlabel("persons (best estimate; whiskers: lowest and highest figures)")
    ax.set_title("Casualties", loc="left", fontweight="bold")
    ax.margins(x=0.15)
    return _svg(fig, "casualties")


def charts(data: dict[str, Any]) -> dict[str, str]:
    """The SVG of each chart that has something to show, by name."""
    summary = data["summary"]
    if not summary["rules"] and not summary["casualties"]:
        return {}
    plt = _setup()
    out: dict[str, str] = {}
    if summary["rules"]:
        out["rules"] = _by_rule(plt, summary["rules"])
        out["months"] = _by_month(plt, summary["months"])
    if summary["casualties"]:
        out["casualties"] = _casualties(plt, summary["casualties"])
    return out
