"""Time on the chart: the window a view opens on, the days a date stands for, and which
office each country's lane shows. Shared by the figure and its text alternative."""

import calendar
from datetime import date, timedelta

from .dates import Precision

DAY_MS = 24 * 60 * 60 * 1000


def inclusive_end(start, end, precision):
    """The last day a date stands for: 31 Oct 2016 for "October 2016", 31 Dec for a year."""
    last = end or start
    if precision == Precision.YEAR:
        return date(last.year, 12, 31)
    if precision == Precision.MONTH:
        return date(last.year, last.month, calendar.monthrange(last.year, last.month)[1])
    return last


def midpoint(start, last):
    return start + timedelta(days=(last - start).days // 2) if last > start else start


def iso(value):
    return value.isoformat()


def duration_ms(start, end_exclusive):
    return max((end_exclusive - start).days, 1) * DAY_MS


def first_of_month(day):
    return date(day.year, day.month, 1)


def last_of_month(day):
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def shifted(day, days):
    """day + days, held within the calendar: a reader's from=9999-12-31 must not overflow."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def view_window(events, view=None, today=None, extent=None):
    """(start, end) of the view: the filters' dates, else the extent of the whole timeline
    (`extent`, so that narrowing kinds does not move the axis) or of the events, padded a
    little and rounded out to whole months."""
    start, end = view or (None, None)
    if start and end:
        return start, end
    today = today or date.today()
    first, last = extent or (None, None)
    if events and not (first and last):
        first = min(e.start for e in events)
        last = max(inclusive_end(e.start, e.end, e.date_precision) for e in events)
    if first and last:
        pad = max(timedelta(days=20), (last - first) / 50)
        start = start or first_of_month(first - pad)
        end = end or last_of_month(last + pad)
    else:
        start = start or shifted(end or today, -365)
        end = end or today
    if end <= start:
        end = shifted(start, 1)
        start = shifted(end, -1)  # from the last day of the calendar: the day before it
    return start, end


def leading_office(terms):
    """Per country, the office the lane shows: the one its holders held longest in all
    (President of Russia rather than the foreign ministry's spokeswoman)."""
    held = {}
    for term in terms:
        end = term.end or date.today()
        key = (term.country.code, term.office)
        held[key] = held.get(key, 0) + (end - term.start).days
    best = {}
    for (code, office), days in sorted(held.items()):
        if code not in best or days > held[(code, best[code])]:
            best[code] = office
    return best


def terms_in_view(terms, code, office, start, end):
    """The terms of one country's leading office that overlap the view."""
    return [
        t
        for t in terms
        if t.country.code == code
        and t.office == office
        and t.start <= end
        and (t.end is None or t.end >= start)
    ]
