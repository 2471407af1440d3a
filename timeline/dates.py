"""Dates known to a precision: a day, a month or a year.

An event known only to the month is stored on the month's first day and must always be
shown as "October 2016", never "1 October 2016". This module is the one place that decides
how such dates are checked and written.
"""

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy as _

DAY_FORMAT = "j F Y"


class Precision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")

    @classmethod
    def errors(cls, value, precision):
        """Messages for a date that claims more than its precision (a day in a month date)."""
        if precision == cls.MONTH and value.day != 1:
            return [gettext("A month-precision date cannot have a day: use the 1st of the month.")]
        if precision == cls.YEAR and (value.month, value.day) != (1, 1):
            return [gettext("A year-precision date cannot have a month or day: use 1 January.")]
        return []


def format_date(value, precision=Precision.DAY):
    if value is None:
        return ""
    if precision == Precision.YEAR:
        return str(value.year)
    if precision == Precision.MONTH:
        return date_format(value, "YEAR_MONTH_FORMAT")
    return date_format(value, DAY_FORMAT)


def format_span(start, end=None, precision=Precision.DAY, *, open_end=None):
    """"26–27 May 2017", "October 2016", "15 May 2012 – 14 May 2017", "since 7 May 2012"."""
    if end is None or end == start:
        if end is None and open_end:
            return gettext("since %(date)s") % {"date": format_date(start, precision)}
        return format_date(start, precision)
    if (
        precision == Precision.DAY
        and (start.year, start.month) == (end.year, end.month)
    ):
        return f"{start.day}–{format_date(end, precision)}"
    return f"{format_date(start, precision)} – {format_date(end, precision)}"
