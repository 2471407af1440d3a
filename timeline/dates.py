"""Dates known to a precision: a day, a month or a year.

An event known only to the month is stored on the month's first day and must always be
shown as "October 2016", never "1 October 2016". This module is the one place that decides
how such dates are checked and written, in the active language: month names and orders
come from Django's locale formats and catalogues ("octobre 2016", "29 mai 2017"); the
patterns that differ between languages (French writes the first of a month "1er mai 2017",
and "depuis le 7 mai 2012") are translatable strings, not tables of our own.
"""

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _


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


def day_format(value):
    """The date format (Django's `date` syntax) of a whole day in the active language."""
    if value.day == 1:
        # French: "1er mai 2017" (the letters are escaped in the format: "j\e\r F Y").
        return pgettext("date format of the first day of a month", "j F Y")
    return pgettext("date format of a day", "j F Y")


def day_number(value):
    """The day alone, as the start of a span within one month: "26" (of "26–27 May"),
    French "1er" (of "1er–3 mai")."""
    if value.day == 1:
        return date_format(
            value, pgettext("date format of the first day of a month, day alone", "j")
        )
    return str(value.day)


def month_format(value, *, after_since=False):
    """ "October 2016", "octobre 2016", "октябрь 2016 г."; after "since", Russian puts the
    month in the genitive ("с октября 2016 г."), which Django's format letter E gives."""
    if after_since:
        text = date_format(value, pgettext("date format of a month after 'since'", "F Y"))
    else:
        text = date_format(value, pgettext("date format of a month", "F Y"))
    # Django's Russian month names are capitalised (calendar headings); inside a date a
    # Russian writes them in lower case, as French does: the catalogue says which.
    if pgettext("month names in a date are in lower case (yes or no)", "no") == "yes":
        return text.lower()
    return text


def format_date(value, precision=Precision.DAY):
    if value is None:
        return ""
    if precision == Precision.YEAR:
        return date_format(value, pgettext("date format of a year", "Y"))
    if precision == Precision.MONTH:
        return month_format(value)
    return date_format(value, day_format(value))


def since(value, precision):
    """ "since 7 May 2012"; French needs the article before a day ("depuis le 7 mai 2012")
    and none before a month or year ("depuis octobre 2016"); Russian "с 7 мая 2012 г."."""
    if precision == Precision.DAY:
        date = format_date(value, precision)
        return pgettext("since a day", "since %(date)s") % {"date": date}
    if precision == Precision.MONTH:
        date = month_format(value, after_since=True)
    else:
        date = format_date(value, precision)
    return pgettext("since a month or year", "since %(date)s") % {"date": date}


def format_span(start, end=None, precision=Precision.DAY, *, open_end=None):
    """ "26–27 May 2017", "October 2016", "15 May 2012 – 14 May 2017", "since 7 May 2012"."""
    if end is None or end == start:
        if end is None and open_end:
            return since(start, precision)
        return format_date(start, precision)
    if precision == Precision.DAY and (start.year, start.month) == (end.year, end.month):
        return f"{day_number(start)}–{format_date(end, precision)}"
    return f"{format_date(start, precision)} – {format_date(end, precision)}"
