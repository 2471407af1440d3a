"""The chart's words: hover labels, the names of counted kinds and the text alternative.
Everything curated goes through chart_style.escape (Plotly renders a subset of HTML)."""

import textwrap

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from .chart_style import MUTED, escape
from .chart_view import leading_office, terms_in_view, view_window
from .dates import Precision, format_date, format_span
from .models import Event
from .tone import latest_tone, written


def wrap(text, width=48):
    return "<br>".join(escape(line) for line in textwrap.wrap(str(text), width)) or escape(text)


class Words:
    """Translated words and written dates, made once per figure: gettext and date
    formatting were most of the time of a figure with a thousand events."""

    def __init__(self):
        self.made = {}

    def __call__(self, key, make):
        if key not in self.made:
            self.made[key] = make()
        return self.made[key]


def participants_text(event, words=None):
    words = words or Words()
    people = []
    for participation in event.participations.all():
        actor = participation.actor
        if actor is None:
            continue
        role = words(("role", participation.role), participation.get_role_display)
        people.append(f"{actor} ({role})")
    return ", ".join(people)


def precision_note(event):
    if event.date_precision == Precision.MONTH:
        return _("date known to the month")
    if event.date_precision == Precision.YEAR:
        return _("date known to the year")
    return ""


def event_when(event):
    when = escape(event.date_display)
    note = precision_note(event)
    return when + (f" <i>({escape(note)})</i>" if note else "")


def event_hover(event, words=None):
    words = words or Words()
    lines = [f"<b>{wrap(event.localized_title)}</b>"]
    lines.append(words(("when", *event.date_parts), lambda: event_when(event)))
    if event.cancelled:
        lines.append(
            words("cancelled", lambda: "<b>" + escape(_("Cancelled: did not take place")) + "</b>")
        )
    kind = words(("kind", event.kind), lambda: escape(event.get_kind_display().capitalize()))
    lines.append(kind + (f" · {escape(event.place)}" if event.place else ""))
    participants = participants_text(event, words)
    if participants:
        lines.append(
            wrap(words("with", lambda: _("With: %(people)s")) % {"people": participants}, 60)
        )
    disputes = ", ".join(str(d) for d in event.disputes.all())
    if disputes:
        lines.append(
            wrap(words("dispute", lambda: _("Dispute: %(names)s")) % {"names": disputes}, 60)
        )
    return "<br>".join(lines)  # "Click for details" follows, from the trace's hovertemplate


def hint(text):
    """A grey line under a hover: what a click does."""
    return f"<span style='color:{MUTED}'>{escape(text)}</span>"


def bin_hover(b, spans):
    """spans: a dict of the bins' written dates, shared by the marks of one figure
    (formatting a date in the active language is the slow part)."""
    if (b.start, b.end) not in spans:
        spans[(b.start, b.end)] = escape(format_span(b.start, b.end))
    lines = [f"<b>{escape(counted_kind(b.kind, b.n))}</b>", spans[(b.start, b.end)]]
    if b.cancelled:
        lines.append(
            escape(ngettext("%(n)d cancelled", "%(n)d cancelled", b.cancelled) % {"n": b.cancelled})
        )
    return "<br>".join(lines)  # "Click to zoom in" follows, once, from the trace's hovertemplate


def describe(terms, disputes, *, totals, tone_days, countries=(), view=None, today=None):
    """The chart's text alternative: what it shows, in a sentence or three, from the
    figures of all the filter's events (selectors.totals and selectors.daily_tone)."""
    start, end = view_window([], view, today, (totals.first, totals.last) if totals.count else None)
    view_from, view_to = view or (None, None)
    if totals.count:  # say the events' own period, not the padding around it
        start = view_from or totals.first
        end = view_to or totals.last
    names = " – ".join(name for _code, name in countries)
    parts = [
        _("Timeline of %(names)s relations from %(start)s to %(end)s.")
        % {"names": names, "start": format_date(start), "end": format_date(end)},
        *counted(totals),
        *in_office(terms, countries, start, end),
        *disputed(disputes, start, end),
        *temperature(tone_days),
        _("Every event is listed below the chart."),
    ]
    return " ".join(parts)


def counted(totals):
    """["27 events (9 statements, …).", "1 was cancelled."]"""
    if not totals.count:
        return [_("No events match these filters.")]
    by_kind = ", ".join(
        counted_kind(kind, n) for kind, n in sorted(totals.by_kind.items(), key=lambda kv: -kv[1])
    )
    sentences = [
        ngettext("%(n)d event", "%(n)d events", totals.count) % {"n": totals.count}
        + (f" ({by_kind})." if by_kind else ".")
    ]
    if totals.cancelled:
        sentences.append(
            ngettext("%(n)d was cancelled.", "%(n)d were cancelled.", totals.cancelled)
            % {"n": totals.cancelled}
        )
    return sentences


def in_office(terms, countries, start, end):
    """["In office: France: Hollande, Macron; Russia: Putin."] or []."""
    offices = leading_office(terms)
    holders = []
    for code, name in countries:
        people = [str(t.person) for t in terms_in_view(terms, code, offices.get(code), start, end)]
        if people:
            holders.append(
                _("%(country)s: %(people)s")
                % {"country": name, "people": ", ".join(dict.fromkeys(people))}
            )
    return [_("In office: %(list)s.") % {"list": "; ".join(holders)}] if holders else []


def disputed(disputes, start, end):
    shown = [d for d in disputes if d.start <= end and (d.end is None or d.end >= start)]
    if not shown:
        return []
    return [
        _("Disputes: %(list)s.") % {"list": "; ".join(f"{d} ({d.span_display})" for d in shown)}
    ]


def temperature(tone_days):
    tone = latest_tone(tone_days)
    if tone is None:
        return []
    return [
        _(
            "The relations temperature ends at %(value)s on a scale from −10 (conflict) to +10 (co-operation)."
        )
        % {"value": written(tone, 1)}
    ]


# "%(n)d meetings" as a whole, not a number before a plural noun: Russian has three forms
# (1 встреча, 2 встречи, 5 встреч), each language's catalogue as many as it needs.
COUNTED_KINDS = {
    Event.Kind.MEETING: ngettext_lazy("%(n)d meeting", "%(n)d meetings", "n"),
    Event.Kind.VISIT: ngettext_lazy("%(n)d visit", "%(n)d visits", "n"),
    Event.Kind.CALL: ngettext_lazy("%(n)d phone call", "%(n)d phone calls", "n"),
    Event.Kind.SUMMIT: ngettext_lazy("%(n)d summit", "%(n)d summits", "n"),
    Event.Kind.STATEMENT: ngettext_lazy("%(n)d statement", "%(n)d statements", "n"),
    Event.Kind.PROTEST: ngettext_lazy("%(n)d protest", "%(n)d protests", "n"),
    Event.Kind.ELECTION: ngettext_lazy("%(n)d election", "%(n)d elections", "n"),
    Event.Kind.CYBER: ngettext_lazy("%(n)d cyber attack", "%(n)d cyber attacks", "n"),
    Event.Kind.MILITARY: ngettext_lazy("%(n)d military action", "%(n)d military actions", "n"),
    Event.Kind.SANCTION: ngettext_lazy("%(n)d sanction", "%(n)d sanctions", "n"),
    Event.Kind.AGREEMENT: ngettext_lazy("%(n)d agreement", "%(n)d agreements", "n"),
}


def counted_kind(kind, n):
    """ "9 statements", "1 meeting", "5 заявлений"."""
    return COUNTED_KINDS[kind] % {"n": n}
