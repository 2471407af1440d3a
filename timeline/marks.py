"""How many marks the chart draws, and what each stands for: the one place that decides.

A browser draws a thousand SVG markers quickly, not a hundred thousand. Up to
EVENT_MARKS_MAX events in the window the reader looks at are drawn one by one, with their
hover and click-for-details. Beyond that, events are counted per kind and per stretch of
time — a day, a week, a month, a quarter or a year, the finest that keeps a lane under
BINS_ACROSS_MAX counts, about 11 px each on a desktop — and zooming in asks the server for
the detail of the new window (chart.js → /chart/), so individual events appear once few
enough are in view. A figure thus carries at most EVENT_MARKS_MAX events and two sets of
counts (the window's and the overview's outside it): 1,000 + 2 × 11 kinds × 100 = 3,200
marks, under the 5,000 the browser draws in a blink.
"""

import calendar
import math
from dataclasses import dataclass
from datetime import date, timedelta

EVENT_MARKS_MAX = 1000
BINS_ACROSS_MAX = 100
UNITS = [("day", 1), ("week", 7), ("month", 30.44), ("quarter", 91.31), ("year", 365.25)]


@dataclass(frozen=True)
class Totals:
    """How many events a filter matches, by kind, and the days they span."""

    count: int
    by_kind: dict  # kind -> count
    cancelled: int
    first: date | None
    last: date | None


@dataclass(frozen=True)
class Bin:
    """Events of one kind in one stretch of time, drawn as one mark."""

    kind: str
    start: date  # first day
    end: date  # last day
    n: int
    cancelled: int = 0


def drawn_one_by_one(count):
    return count <= EVENT_MARKS_MAX


def bin_unit(window):
    """The finest unit of which at most BINS_ACROSS_MAX cover the window."""
    start, end = window
    days = (end - start).days + 1
    for unit, length in UNITS:
        if math.ceil(days / length) <= BINS_ACROSS_MAX:
            return unit
    return "year"


def last_day(first, unit):
    """The last day of the `unit` starting on `first` (as the database truncated it)."""
    if unit == "day":
        return first
    if unit == "week":
        return first + timedelta(days=6)
    if unit == "year":
        return date(first.year, 12, 31)
    month = first.month + (2 if unit == "quarter" else 0)
    return date(first.year, month, calendar.monthrange(first.year, month)[1])


def bins_from_rows(rows, unit, *, outside=None):
    """Bins from selectors.event_bins rows. `outside`: a window the rows' events do not
    touch; a bin straddling it is drawn over its part outside the window only, so that it
    does not sit among the window's events."""
    bins = []
    for row in rows:
        start, end = row["bin"], last_day(row["bin"], unit)
        if outside:
            before, after = outside[0] - timedelta(days=1), outside[1] + timedelta(days=1)
            if start <= before < end:
                end = before
            elif start < after <= end:
                start = after
        bins.append(Bin(row["kind"], start, end, row["n"], row["cancelled"]))
    return bins
