"""The report's timeline (ihltag/report/timeline.py): every month, bars by status, spans."""

from __future__ import annotations

import re
from datetime import date

from ihltag.report.timeline import TimelineIncident, TimelineLabels, timeline, timeline_incidents


def _inc(start: str, end: str | None = None, status: str = "violation",
         label: str = "x") -> TimelineIncident:
    return TimelineIncident(date.fromisoformat(start), date.fromisoformat(end or start), status,
                            label)


def _months(svg: str) -> list[str]:
    return re.findall(r'class="month"[^>]*data-month="([\d-]+)"', svg)


def test_every_month_of_the_period_has_its_column_even_when_empty() -> None:
    svg = timeline([_inc("2024-11-03"), _inc("2025-02-10", status="possible")])
    assert svg is not None
    assert _months(svg) == ["2024-11", "2024-12", "2025-01", "2025-02"]
    bars = re.findall(r'<rect class="bar (\w+)".*?<title>(.*?)</title>', svg)
    assert bars == [("violation", "Nov 2024: 1 violation"), ("possible", "Feb 2025: 1 possible")]


def test_bars_stack_incidents_of_one_month_by_status() -> None:
    svg = timeline([_inc("2024-06-01"), _inc("2024-06-20"), _inc("2024-06-01", "2024-06-30",
                                                                  status="possible")])
    assert svg is not None
    titles = re.findall(r'<rect class="bar \w+".*?<title>(.*?)</title>', svg)
    assert titles == ["Jun 2024: 2 violation", "Jun 2024: 1 possible"]


def test_a_range_over_several_months_is_a_span_not_a_bar() -> None:
    svg = timeline([_inc("2024-06-01", "2024-11-30", status="possible", label="7. 2024-06 to 2024-11"),
                    _inc("2024-08-15")])
    assert svg is not None
    assert _months(svg) == ["2024-06", "2024-07", "2024-08", "2024-09", "2024-10", "2024-11"]
    assert len(re.findall(r'<rect class="bar ', svg)) == 1  # only the August incident
    span = re.search(r'<g class="span possible"><rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    assert span is not None
    # from the first day of the first month to the end of the last: the whole axis
    assert abs(float(span.group(1)) - 34) < 0.1
    assert abs(float(span.group(1)) + float(span.group(2)) - (720 - 10)) < 0.2
    assert "7. 2024-06 to 2024-11" in svg


def test_alt_text_names_the_period_and_the_busy_months() -> None:
    svg = timeline([_inc("2023-12-31"), _inc("2024-02-01", status="possible"),
                    _inc("2024-01-01", "2024-03-31")])
    assert svg is not None
    title = re.search(r'<title id="timeline-title">(.*?)</title>', svg)
    assert title is not None
    assert title.group(1) == (
        "Timeline, Dec 2023 to Mar 2024, every month shown. Incidents dated within one month: "
        "Dec 2023: 1 violation, 0 possible; Feb 2024: 0 violation, 1 possible. 1 incident(s) "
        "dated to a range of dates, drawn as spans.")
    assert 'role="img"' in svg


def test_month_names_come_from_the_labels() -> None:
    fr = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
          "nov.", "déc.")
    svg = timeline([_inc("2024-07-14"), _inc("2024-08-01")], TimelineLabels(month_names=fr))
    assert svg is not None
    assert "juil." in svg and "août 2024: 1 violation" in svg and "Jul" not in svg


def test_report_entries_feed_the_timeline_and_text_is_escaped() -> None:
    entries = [{"start": "2024-05-01", "end": "2024-07-31", "status": "violation", "number": 3,
                "date_text": "2024-05 to 2024-07", "place": {"text": "<Mopti> & $x$"}}]
    (inc,) = timeline_incidents(entries)
    assert inc.label == "3. 2024-05 to 2024-07, <Mopti> & $x$"
    svg = timeline([inc])
    assert svg is not None
    assert "&lt;Mopti&gt; &amp; $x$" in svg and "<Mopti>" not in svg
    assert not re.search(r'\s(?:src|href|xlink:href)=', svg)


def test_no_incident_no_timeline() -> None:
    assert timeline([]) is None


def test_the_axis_covers_the_period_asked_for_and_every_incident_day() -> None:
    incs = [_inc("2024-05-10"), _inc("2023-11-01", "2024-02-29", status="possible")]
    svg = timeline(incs, period=(date(2024, 1, 1), date(2024, 7, 31)))
    assert svg is not None
    assert _months(svg) == ["2023-11", "2023-12", "2024-01", "2024-02", "2024-03", "2024-04",
                            "2024-05", "2024-06", "2024-07"]
    assert _months(timeline(incs, period=(None, date(2024, 6, 30))) or "")[-1] == "2024-06"


def test_translated_labels_take_the_locale_month_names() -> None:
    labels = TimelineLabels.translated(lambda m: m.replace("Timeline", "Chronologie"), "fr")
    assert labels.month_names[6:8] == ("juil.", "août")
    svg = timeline([_inc("2024-07-14")], labels)
    assert svg is not None and "Chronologie, juil. 2024 to juil. 2024" in svg
    assert TimelineLabels.translated(lambda m: m).month_names[0] == "Jan"


def test_month_names_are_shortened_to_what_a_narrow_column_holds() -> None:
    fr = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
          "nov.", "déc.")
    svg = timeline([_inc("2023-01-05"), _inc("2025-12-20")], TimelineLabels(month_names=fr))
    assert svg is not None
    shown = re.findall(r'class="month"[^>]*>([^<]*)</text>', svg)
    assert len(shown) == 36 and shown[:4] == ["jan", "fév", "mar", "avr"] and shown[8] == "sep"
    wide = timeline([_inc("2024-01-05"), _inc("2024-03-20")], TimelineLabels(month_names=fr))
    assert re.findall(r'class="month"[^>]*>([^<]*)</text>', wide or "") == ["janv.", "févr.", "mars"]
