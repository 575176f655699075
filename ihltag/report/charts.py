"""The HTML report's pictures, each an inline SVG with its alt text.

The map (``maps.py``) and the timeline (``timeline.py``) are hand-written SVG; the
findings-per-rule and casualty charts are matplotlib figures rendered to SVG. SVG keeps
the report one self-contained, printable file that scales without blurring and loads
nothing. Text stays text (``svg.fonttype = none``) so it can be searched and copied; the
output is made deterministic (fixed hash salt, no date metadata) so that reports of the
same data are byte-identical. Each SVG is ``role="img"`` with a ``<title>`` that says in
words what it shows, for readers who cannot see it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from ihltag.i18n import _, vocab
from ihltag.report.svg import esc

VIOLATION = "#b2182b"
POSSIBLE = "#ef8a62"
NEUTRAL = "#4d4d4d"


def _svg(fig: Any, salt: str, alt: str) -> str:
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
    text = text.replace("<svg ", f'<svg role="img" aria-labelledby="{salt}-alt" ', 1)
    head = text.index(">", text.index("<svg")) + 1
    return f'{text[:head]}\n<title id="{salt}-alt">{esc(alt)}</title>{text[head:]}'


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
    ax.barh(labels, v, color=VIOLATION, label=_("violation"))
    ax.barh(labels, p, left=v, color=POSSIBLE, label=vocab("status", "possible"))
    ax.set_xlabel(_("findings"))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(frameon=False, loc="lower right")
    ax.set_title(_("Findings per rule"), loc="left", fontweight="bold")
    alt = _("Bar chart, findings per rule:") + " " + "; ".join(
        _("{rule}: {v} violation, {p} possible").format(rule=f"{r['rule']} {r['title']}",
                                                        v=r["violation"], p=r["possible"])
        for r in rows) + "."
    return _svg(fig, "rules", alt)


def _casualties(plt: Any, rows: list[dict[str, Any]]) -> str:
    # report totals (numbers.totals): the bar is the best estimate where every record has
    # one, else the "at least" sum; a whisker only up to a real upper bound
    labels = [vocab("casualty", r["kind"]) for r in rows]
    # floats: matplotlib converts through C integers, and sums of many files are large
    central = [float(r["best"] if r["best"] is not None else r["at_least"]) for r in rows]
    lower = [max(0.0, c - float(r["at_least"])) for c, r in zip(central, rows, strict=True)]
    upper = [float(r["upper"]) - c if r["upper"] is not None else 0.0
             for c, r in zip(central, rows, strict=True)]
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(rows) + 0.9))
    ax.barh(labels[::-1], central[::-1], color=NEUTRAL,
            xerr=[lower[::-1], upper[::-1]], capsize=4, ecolor="#000000")
    for y, (value, row) in enumerate(zip(central[::-1], rows[::-1], strict=True)):
        ax.annotate(row["text"], (value + upper[::-1][y], y), xytext=(6, 0),
                    textcoords="offset points", va="center")
    ax.set_xlabel(_("persons (best estimate, else at least; whiskers: lowest sum to upper bound)"))
    ax.set_title(_("Casualties"), loc="left", fontweight="bold")
    ax.margins(x=0.15)
    alt = _("Bar chart, casualties:") + " " + "; ".join(
        f"{vocab('casualty', r['kind'])} {r['text']}" for r in rows) + "."
    return _svg(fig, "casualties", alt)


def _period(selection: Mapping[str, Any]) -> tuple[date | None, date | None]:
    """The period asked for (``--from``/``--to``), for the timeline's axis."""
    from ihltag.dates import parse_span

    first, last = selection.get("date_from"), selection.get("date_to")
    try:
        return (parse_span(first).start if first else None, parse_span(last).end if last else None)
    except ValueError:  # already refused by the report's selection; never fatal here
        return None, None


def pictures(data: Mapping[str, Any], gettext: Callable[[str], str] | None = None,
             lang: str = "en") -> dict[str, str]:
    """The map and the timeline (hand-written SVG, no matplotlib), by name; their words
    through ``gettext`` and their month and country names in ``lang`` when given."""
    from ihltag.report.maps import MapLabels, incident_map, map_incidents
    from ihltag.report.timeline import TimelineLabels, timeline, timeline_incidents

    map_labels = MapLabels.translated(gettext, lang) if gettext else MapLabels()
    line_labels = TimelineLabels.translated(gettext, lang) if gettext else TimelineLabels()

    # each incident once, with the highest status of its findings; aggregate records,
    # listed apart, are not drawn
    incidents = list(data["incidents"])
    out: dict[str, str] = {}
    drawn = incident_map(map_incidents(incidents), map_labels)
    if drawn:
        out["map"] = drawn
    line = timeline(timeline_incidents(incidents), line_labels,
                    period=_period(data.get("selection", {})))
    if line:
        out["timeline"] = line
    return out


def charts(data: dict[str, Any]) -> dict[str, str]:
    """The SVG of each chart that has something to show, by name."""
    from ihltag.i18n import current

    summary = data["summary"]
    tr = current()  # the report's language: the pictures' words and month names too
    out = pictures(data, tr.gettext, tr.lang) if tr.lang != "en" else pictures(data)
    if not summary["rules"] and not summary["totals"]:
        return out
    plt = _setup()
    if summary["rules"]:
        out["rules"] = _by_rule(plt, summary["rules"])
    if summary["totals"]:
        out["casualties"] = _casualties(plt, summary["totals"])
    return out
