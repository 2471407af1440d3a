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
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Certainty(models.TextChoices):
    """How sure the date is, besides its precision: EDTF's qualifiers (Library of Congress)."""

    EXACT = "exact", _("as given")
    CIRCA = "circa", _("circa (approximate)")
    BEFORE = "before", _("before this date")
    AFTER = "after", _("after this date")
    BETWEEN = "between", _("between this date and the latest possible date")


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


def month_format(value, *, after_preposition=False):
    """ "October 2016", "octobre 2016", "октябрь 2016 г."; after a preposition (since,
    before, about…) Russian puts the month in the genitive ("с октября 2016 г."), which
    Django's format letter E gives."""
    if after_preposition:
        pattern = pgettext("date format of a month after a preposition (since, before…)", "F Y")
    else:
        pattern = pgettext("date format of a month", "F Y")
    text = date_format(value, pattern)
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
    date = after_preposition(value, precision)
    return pgettext("since a month or year", "since %(date)s") % {"date": date}


def after_preposition(value, precision):
    """A month or year as it follows a preposition: "с октября 2016 г.", "depuis 2016"."""
    if precision == Precision.MONTH:
        return month_format(value, after_preposition=True)
    return format_date(value, precision)


# "c. 1717", "before 1892", "after 29 May 2017": French needs the article before a day
# ("vers le 29 mai 2017", "avant octobre 2016"), hence a pattern for days and one for the rest.
QUALIFIED = {
    Certainty.CIRCA: (
        pgettext_lazy("about a day", "c. %(date)s"),
        pgettext_lazy("about a month or year", "c. %(date)s"),
    ),
    Certainty.BEFORE: (
        pgettext_lazy("before a day", "before %(date)s"),
        pgettext_lazy("before a month or year", "before %(date)s"),
    ),
    Certainty.AFTER: (
        pgettext_lazy("after a day", "after %(date)s"),
        pgettext_lazy("after a month or year", "after %(date)s"),
    ),
}


def format_uncertain(start, end, precision, certainty, latest=None):
    """The date as a person writes it: "c. 1717", "before 1892", "between 12 May 2017 and
    15 May 2017"; an exact date is format_span's."""
    if certainty == Certainty.BETWEEN and latest:
        if precision == Precision.DAY:
            pattern = pgettext("between two days", "between %(start)s and %(end)s")
            return pattern % {"start": format_date(start), "end": format_date(latest)}
        pattern = pgettext("between two months or years", "between %(start)s and %(end)s")
        return pattern % {
            "start": after_preposition(start, precision),
            "end": format_date(latest, precision),
        }
    if certainty not in QUALIFIED:
        return format_span(start, end, precision)
    for_day, for_other = QUALIFIED[certainty]
    if precision == Precision.DAY:
        return str(for_day) % {"date": format_span(start, end, precision)}
    return str(for_other) % {"date": after_preposition(start, precision)}


def edtf(start, end, precision, certainty, latest=None):
    """The date in the Extended Date/Time Format (ISO 8601-2, Library of Congress):
    "2016-10", "1717~", "[..1892]", "[2017-05-12..2017-05-15]", "2017-05-26/2017-05-27"."""

    def written(value):
        year = f"{value.year:04d}"
        if precision == Precision.YEAR:
            return year
        if precision == Precision.MONTH:
            return f"{year}-{value.month:02d}"
        return f"{year}-{value.month:02d}-{value.day:02d}"

    if certainty == Certainty.BETWEEN and latest:
        return f"[{written(start)}..{written(latest)}]"
    if certainty == Certainty.BEFORE:
        return f"[..{written(start)}]"
    if certainty == Certainty.AFTER:
        return f"[{written(start)}..]"
    mark = "~" if certainty == Certainty.CIRCA else ""
    if end and written(end) != written(start):
        return f"{written(start)}{mark}/{written(end)}{mark}"
    return written(start) + mark


def format_span(start, end=None, precision=Precision.DAY, *, open_end=None):
    """ "26–27 May 2017", "October 2016", "15 May 2012 – 14 May 2017", "since 7 May 2012"."""
    if end is None or end == start:
        if end is None and open_end:
            return since(start, precision)
        return format_date(start, precision)
    if precision == Precision.DAY and (start.year, start.month) == (end.year, end.month):
        return f"{day_number(start)}–{format_date(end, precision)}"
    return f"{format_date(start, precision)} – {format_date(end, precision)}"
