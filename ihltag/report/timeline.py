"""The report's timeline: every month of the period, incidents by status, ranges as spans.

A month chart that drops empty months and puts every imprecise date in one "spans
months" bar (the v1 chart) misleads: quiet months vanish and the imprecise bar looks
like the worst month. Here every month from the first incident to the last has its
column, even when empty; an incident whose date falls within one month (a day, or a
month written ``2024-06``) is counted in that month's bar, by status; an incident whose
date covers more than one month (``2024-06/2024-11``, a year) is drawn as a span over
the days it can mean, one line each, never spread over the bars or guessed.

Hand-written SVG (no matplotlib): small, fast, deterministic, text kept as text. Every
visible word comes from ``TimelineLabels`` and month names from ``month_label``, so that
a translation can replace them.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

from ihltag.report.svg import esc, num, open_svg

VIOLATION = "#b2182b"
POSSIBLE = "#e08214"
WIDTH = 720.0
LEFT, RIGHT = 34.0, 10.0
BARS = 100.0  # height of the month bars' panel
LANE = 15.0  # height of one span line
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(year: int, month: int, names: Sequence[str] = EN_MONTHS, with_year: bool = False) -> str:
    """A month as shown on the axis and in the alt text; ``names`` come from the locale."""
    name = names[month - 1]
    return f"{name} {year}" if with_year else name


@dataclass(frozen=True)
class TimelineIncident:
    """What the timeline needs of one incident: the days its written date can mean."""

    start: date
    end: date
    status: str  # "violation" or "possible"
    label: str  # "12. 2024-06 to 2024-11, Mopti, MLI" (redacted text)


@dataclass(frozen=True)
class TimelineLabels:
    """Every visible string of the timeline, so that a translation can replace them: the
    defaults are the English messages, ``translated`` runs
    them through a language's ``gettext`` and takes its month names from the locale."""

    violation: str = "violation"
    possible: str = "possible"
    axis: str = "incidents"
    bars: str = "Bars: incidents dated within one month"
    spans: str = "Incidents dated to a range of dates (each drawn over the days it can mean)"
    bar_title: str = "{month}: {count} {status}"
    alt_period: str = "Timeline, {first} to {last}, every month shown."
    alt_busy: str = "Incidents dated within one month: {months}."
    alt_none: str = "none"
    alt_month: str = "{month}: {violation} violation, {possible} possible"
    alt_spans: str = "{spans} incident(s) dated to a range of dates, drawn as spans."
    month_names: tuple[str, ...] = EN_MONTHS

    @classmethod
    def translated(cls, gettext: Callable[[str], str], lang: str = "en") -> TimelineLabels:
        """The labels in a language; month names abbreviated as the locale does (Babel)."""
        texts = {f.name: gettext(f.default) for f in fields(cls) if isinstance(f.default, str)}
        months: tuple[str, ...] = EN_MONTHS
        if lang != "en":
            from babel.dates import get_month_names

            names = get_month_names("abbreviated", locale=lang)
            months = tuple(str(names[m]) for m in range(1, 13))
        return cls(**texts, month_names=months)

    def status(self, status: str) -> str:
        return self.violation if status == "violation" else self.possible

    def month(self, year: int, month: int, with_year: bool = False) -> str:
        return month_label(year, month, self.month_names, with_year)

    def alt(self, first: tuple[int, int], last: tuple[int, int],
            months: dict[tuple[int, int], dict[str, int]], spans: int) -> str:
        """The timeline as sentences, months with incidents listed."""
        busy = [self.alt_month.format(month=self.month(y, m, True), violation=c["violation"],
                                      possible=c["possible"])
                for (y, m), c in sorted(months.items()) if c["violation"] or c["possible"]]
        text = self.alt_period.format(first=self.month(*first, with_year=True),
                                      last=self.month(*last, with_year=True))
        text += " " + self.alt_busy.format(months="; ".join(busy) if busy else self.alt_none)
        if spans:
            text += " " + self.alt_spans.format(spans=spans)
        return text


def timeline_incidents(incidents: Iterable[Mapping[str, Any]]) -> list[TimelineIncident]:
    """The timeline's input from the report's incident entries (``start``, ``end``, ``status``)."""
    out = []
    for inc in incidents:
        number = inc.get("number")
        place = inc.get("place") or {}
        label = f"{number}. " if number else ""
        label += f"{inc.get('date_text', '')}, {place.get('text', '')}"
        out.append(TimelineIncident(date.fromisoformat(str(inc["start"])),
                                    date.fromisoformat(str(inc["end"])),
                                    str(inc.get("status") or "possible"), label))
    return out


def _months(first: date, last: date) -> list[tuple[int, int]]:
    out = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if top / step <= 5:
            return step
    return max(1, top // 5)


class _Axis:
    def __init__(self, months: list[tuple[int, int]]) -> None:
        self.months = months
        self.index = {ym: i for i, ym in enumerate(months)}
        self.col = (WIDTH - LEFT - RIGHT) / len(months)

    def x(self, day: date) -> float:
        """Left edge of ``day``, by the fraction of its month already gone."""
        i = self.index[(day.year, day.month)]
        days = calendar.monthrange(day.year, day.month)[1]
        return LEFT + (i + (day.day - 1) / days) * self.col

    def x_end(self, day: date) -> float:
        """Right edge of ``day`` (the start of the next day)."""
        nxt = day + timedelta(days=1)
        if (nxt.year, nxt.month) in self.index:
            return self.x(nxt)
        return LEFT + len(self.months) * self.col


def _bars(axis: _Axis, counts: dict[tuple[int, int], dict[str, int]], top: float,
          labels: TimelineLabels) -> list[str]:
    peak = max((c["violation"] + c["possible"] for c in counts.values()), default=0)
    step = _step(max(peak, 1))
    ceiling = max(step * -(-max(peak, 1) // step), 1)
    unit = BARS / ceiling
    base = top + BARS
    out = ['<g class="bars">']
    for k in range(0, ceiling + 1, step):
        y = base - k * unit
        out.append(f'<line x1="{num(LEFT)}" x2="{num(WIDTH - RIGHT)}" y1="{num(y)}" y2="{num(y)}" '
                   f'stroke="#e4e4e4"/><text x="{num(LEFT - 5)}" y="{num(y + 3.5)}" '
                   f'text-anchor="end" class="tick">{k}</text>')
    out.append(f'<text transform="translate(9 {num(top + BARS / 2)}) rotate(-90)" '
               f'text-anchor="middle" class="tick">{esc(labels.axis)}</text>')
    for ym, c in sorted(counts.items()):
        x = LEFT + axis.index[ym] * axis.col + axis.col * 0.15
        w = axis.col * 0.7
        y = base
        for status, colour in (("violation", VIOLATION), ("possible", POSSIBLE)):
            n = c[status]
            if not n:
                continue
            y -= n * unit
            tip = labels.bar_title.format(month=labels.month(*ym, with_year=True), count=n,
                                          status=labels.status(status))
            out.append(f'<rect class="bar {status}" x="{num(x)}" y="{num(y)}" width="{num(w)}" '
                       f'height="{num(n * unit)}" fill="{colour}"><title>{esc(tip)}</title></rect>')
    out.append("</g>")
    return out


def _month_axis(axis: _Axis, y: float, bottom: float, labels: TimelineLabels) -> list[str]:
    out = ['<g class="axis">',
           f'<line x1="{num(LEFT)}" x2="{num(WIDTH - RIGHT)}" y1="{num(y)}" y2="{num(y)}" '
           'stroke="#222"/>']
    col = axis.col
    # as many letters of each month's name as its column holds (about 5 px a letter):
    # "Sep" or "sept.", else "sep", else "s"; in very narrow columns only each quarter's
    fits = int((col - 2) / 5.2)
    for i, (yr, mo) in enumerate(axis.months):
        x = LEFT + i * col
        name = labels.month(yr, mo)
        if len(name) <= fits:
            shown = name
        elif fits >= 1 or mo in (1, 4, 7, 10):
            shown = name.rstrip(".")[:max(fits, 1)]
        else:
            shown = ""
        out.append(f'<text class="month" x="{num(x + col / 2)}" y="{num(y + 12)}" '
                   f'text-anchor="middle" data-month="{yr:04d}-{mo:02d}">{esc(shown)}</text>')
        if mo == 1 or i == 0:
            out.append(f'<line x1="{num(x)}" x2="{num(x)}" y1="{num(y - BARS)}" y2="{num(bottom)}" '
                       f'stroke="#bbb" stroke-dasharray="{"none" if mo == 1 else "2 2"}"/>'
                       f'<text class="year" x="{num(x + 2)}" y="{num(y + 25)}">{yr}</text>')
    out.append("</g>")
    return out


def _spans(axis: _Axis, spans: Sequence[TimelineIncident], top: float,
           labels: TimelineLabels) -> list[str]:
    out = ['<g class="spans">',
           f'<text x="{num(LEFT)}" y="{num(top)}" class="heading">{esc(labels.spans)}</text>']
    for k, inc in enumerate(spans):
        y = top + 8 + k * LANE
        x0, x1 = axis.x(inc.start), axis.x_end(inc.end)
        colour = VIOLATION if inc.status == "violation" else POSSIBLE
        text = inc.label if len(inc.label) <= 70 else inc.label[:69] + "…"
        width = 5.6 * len(text)
        inside = ""
        if x1 + 4 + width <= WIDTH:
            tx, anchor = x1 + 4, "start"
        elif x0 - 4 - width >= 0:
            tx, anchor = x0 - 4, "end"
        else:  # a long span: the label goes on the bar, in white
            tx, anchor, inside = x0 + 4, "start", " inside"
        out.append(f'<g class="span {esc(inc.status)}"><rect x="{num(x0)}" y="{num(y)}" '
                   f'width="{num(max(x1 - x0, 1))}" height="{num(LANE - 5)}" rx="2" '
                   f'fill="{colour}"/><text x="{num(tx)}" y="{num(y + 8.5)}" text-anchor="{anchor}" '
                   f'class="label{inside}">{esc(text)}</text><title>{esc(inc.label)} '
                   f'({esc(labels.status(inc.status))})</title></g>')
    out.append("</g>")
    return out


def _legend(labels: TimelineLabels) -> list[str]:
    out = ['<g class="legend" transform="translate(34 10)">']
    x = 0.0
    for status, colour in (("violation", VIOLATION), ("possible", POSSIBLE)):
        out.append(f'<rect x="{num(x)}" y="-8" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{num(x + 14)}" y="1">{esc(labels.status(status))}</text>')
        x += 24 + 6.5 * len(labels.status(status))
    out.append(f'<text x="{num(x + 10)}" y="1" class="heading">{esc(labels.bars)}</text></g>')
    return out


def timeline(incidents: Sequence[TimelineIncident], labels: TimelineLabels | None = None,
             period: tuple[date | None, date | None] = (None, None)) -> str | None:
    """The timeline as one inline SVG, or None when there is no incident.

    The axis runs over every month of the period asked for (``period``, either end
    open), widened to every day the incidents' dates can mean: an incident dated
    ``2023/2025-05`` in a report from 2024 on is drawn whole, not cut at the axis."""
    if not incidents:
        return None
    labels = labels or TimelineLabels()
    first = min([i.start for i in incidents] + ([period[0]] if period[0] else []))
    last = max([i.end for i in incidents] + ([period[1]] if period[1] else []))
    axis = _Axis(_months(first, last))
    counts: dict[tuple[int, int], dict[str, int]] = {
        ym: {"violation": 0, "possible": 0} for ym in axis.months}
    spans = []
    for inc in sorted(incidents, key=lambda i: (i.start, i.end, i.label)):
        if (inc.start.year, inc.start.month) == (inc.end.year, inc.end.month):
            counts[(inc.start.year, inc.start.month)][
                "violation" if inc.status == "violation" else "possible"] += 1
        else:
            spans.append(inc)
    top = 26.0
    axis_y = top + BARS
    span_top = axis_y + 46
    height = span_top + (8 + len(spans) * LANE if spans else -30) + 6
    alt = labels.alt(axis.months[0], axis.months[-1], counts, len(spans))
    out = open_svg("timeline", WIDTH, height, alt, "incident-timeline")
    out.append('<style>text{font:10px "Helvetica Neue",Arial,"DejaVu Sans",sans-serif;fill:#222}'
               '.tick,.month{font-size:9px;fill:#444}.year{font-size:10px;font-weight:bold}'
               '.heading{font-size:10px;font-weight:bold;fill:#444}.label{font-size:9.5px}.label.inside{fill:#fff;font-weight:bold}</style>')
    out += _legend(labels)
    out += _bars(axis, counts, top, labels)
    out += _month_axis(axis, axis_y, height - 4 if spans else axis_y, labels)
    if spans:
        out += _spans(axis, spans, span_top, labels)
    out.append("</svg>")
    return "\n".join(out)
