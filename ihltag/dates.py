"""Dates with the precision that was written: ``2024``, ``2024-08``, ``2024-08-24``, ranges.

An incident dated ``2024-08`` happened some day in August 2024; it is kept as text and
turned into the interval it denotes when dates are compared (nexus, report filters).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ihltag.diagnostics import excerpt

# ASCII digits only: ``\d`` would accept Arabic-Indic and other digits, which no tool
# reading the file as a date expects.
_PART = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")


@dataclass(frozen=True, slots=True)
class Span:
    """The first and last day a (possibly partial, possibly ranged) date can mean."""

    start: date
    end: date
    text: str

    def overlaps(self, other: Span) -> bool:
        return self.start <= other.end and other.start <= self.end


def _one(text: str) -> tuple[date, date]:
    m = _PART.match(text)
    if not m:
        raise ValueError(f"'{excerpt(text)}' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY "
                         "(with the digits 0-9)")
    year = int(m[1])
    if year < 1:
        raise ValueError(f"'{text}': there is no year 0 (1 BC is followed by AD 1); the "
                         "earliest year is 0001")
    if m[2] is None:
        return date(year, 1, 1), date(year, 12, 31)
    month = int(m[2])
    if not 1 <= month <= 12:
        raise ValueError(f"'{excerpt(text)}': month {month} does not exist")
    if m[3] is None:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    day = int(m[3])
    try:
        d = date(year, month, day)
    except ValueError:
        raise ValueError(f"'{excerpt(text)}': {year}-{month:02d} has no day {day}") from None
    return d, d


@lru_cache(maxsize=4096)
def parse_span(text: str) -> Span:
    """Parse ``START`` or ``START/END``; raise ``ValueError`` with a researcher's message."""
    if "/" in text:
        left, _, right = text.partition("/")
        start, _ = _one(left.strip())
        r_start, end = _one(right.strip())
        if r_start < start:
            raise ValueError(f"date range '{excerpt(text)}' ends before it starts")
        return Span(start, end, text)
    start, end = _one(text.strip())
    return Span(start, end, text)


def check_not_future(span: Span, today: date | None = None) -> None:
    today = today or date.today()
    if span.start > today:
        raise ValueError(f"date '{excerpt(span.text)}' is in the future")
