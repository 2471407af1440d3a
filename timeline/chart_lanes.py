"""The lanes of the timeline figure, each built by one function: who was in office, the
disputes, the names on their bars, the events one by one or counted, and the relations
temperature. Each returns Plotly traces (plain dicts) with one trace per kind of lane, not
per kind of event or per dispute: the trace count stays the same whatever the data.
"""

import math
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils.translation import gettext as _

from .chart_style import (
    BIN_SIZE_MIN,
    BIN_SIZE_SPREAD,
    CANCELLED_SIZE,
    COUNTRY_COLOURS,
    DISPUTE_FILL,
    DISPUTE_INK,
    DISPUTE_LINE,
    EVENT_SIZE,
    INK,
    KIND_ORDER,
    KIND_STYLE,
    MUTED,
    TONE_SCALE,
    WHITE,
    Trace,
    escape,
)
from .chart_text import Words, bin_hover, event_hover, hint, wrap
from .chart_view import duration_ms, inclusive_end, iso, leading_office, midpoint, terms_in_view
from .dates import Certainty, Precision, format_span
from .models import TONE_MAX, TONE_MIN, Event
from .tone import rolling_tone, thinned, written

# Count labels inside the binned marks, up to this many marks (text is costly to draw).
BIN_LABELS_MAX = 400
# The temperature line has dots up to this many points.
TONE_DOTS_MAX = 300
# A dispute starting past this share of the view has its name written before its bar.
LATE_SHARE = 0.6
# On a phone every bar's name starts at the left edge, cut to this many characters.
NARROW_LABEL_CHARS = 40


@dataclass
class Lane:
    y: float
    label: str
    group: str  # "office", "dispute", "kind"


@dataclass
class Lanes:
    """The lanes from top to bottom (the y axis runs downwards) and the next free y."""

    items: list = field(default_factory=list)
    y: float = 0.0

    def add(self, label, group):
        self.items.append(Lane(self.y, label, group))
        self.y += 1
        return self.items[-1].y

    def gap(self):
        if self.items:
            self.y += 0.4

    def of(self, group):
        return [lane for lane in self.items if lane.group == group]


@dataclass
class BarLabel:
    start: object  # the bar's first and last day
    end: object
    y: float
    text: str
    colour: str
    late_allowed: bool  # may be written before the bar when the bar starts late in the view


def short_name(person):
    """'François Hollande' -> 'Hollande' for a band label; the hover has the full name."""
    return str(person).split()[-1] if person else ""


def lane_bars(name, labels, width, marker, hovertext, **extra):
    """One horizontal bar trace for the bars whose names `labels` hold (their days and lane)."""
    if not labels:
        return []
    return [
        {
            "type": "bar",
            "orientation": "h",
            "name": name,
            "showlegend": False,
            "base": [iso(label.start) for label in labels],
            "x": [duration_ms(label.start, label.end) for label in labels],
            "y": [label.y for label in labels],
            "width": width,
            "marker": marker,
            "hovertemplate": "%{hovertext}<extra></extra>",
            "hovertext": hovertext,
            "meta": name,
            **extra,
        }
    ]


def office_lanes(terms, countries, view, lanes):
    """One bar per office term of each country's leading office, one lane per country:
    (traces, the bars' names)."""
    view_start, view_end = view
    offices = leading_office(terms)
    shown, colours, labels = [], [], []
    for index, (code, name) in enumerate(countries):
        lane_terms = terms_in_view(terms, code, offices.get(code), view_start, view_end)
        if not lane_terms:
            continue
        y = lanes.add(name, "office")
        for term in lane_terms:
            start, end = max(term.start, view_start), min(term.end or view_end, view_end)
            shown.append(term)
            colours.append(COUNTRY_COLOURS[index % len(COUNTRY_COLOURS)])
            labels.append(BarLabel(start, end, y, short_name(term.person), INK, False))
    lanes.gap()
    hovertext = [
        f"<b>{escape(t.person)}</b><br>{escape(t.office)}<br>{escape(format_span(t.start, t.end, open_end=True))}"
        for t in shown
    ]
    marker = {"color": colours, "line": {"color": WHITE, "width": 2}}
    return lane_bars(Trace.OFFICE, labels, 0.8, marker, hovertext), labels


def dispute_hover(dispute):
    ongoing = dispute.end is None
    return (
        f"<b>{wrap(dispute)}</b><br>{escape(format_span(dispute.start, dispute.end, open_end=True))}"
        + ("<br>" + escape(_("ongoing")) if ongoing else "")
        + (f"<br>{wrap(dispute.localized_summary, 60)}" if dispute.localized_summary else "")
    )


def dispute_lanes(disputes, view, lanes):
    """One lane per dispute in view; an ongoing one runs to the end of the view:
    (traces, the bars' names)."""
    view_start, view_end = view
    shown = [d for d in disputes if d.start <= view_end and not (d.end and d.end < view_start)]
    labels = []
    for dispute in shown:
        y = lanes.add(str(dispute), "dispute")
        start, end = max(dispute.start, view_start), min(dispute.end or view_end, view_end)
        text = str(dispute) + (" " + _("(ongoing)") if dispute.end is None else "")
        labels.append(BarLabel(start, end, y, text, DISPUTE_INK, True))
    lanes.gap()
    marker = {"color": DISPUTE_FILL, "line": {"color": DISPUTE_LINE, "width": 1}}
    hovertext = [dispute_hover(d) for d in shown]
    return lane_bars(
        Trace.DISPUTE, labels, 0.7, marker, hovertext, customdata=[d.slug for d in shown]
    ), labels


def label_place(label, view, narrow=False):
    """(x, text, textposition) of a bar's name: at the visible start of its bar, so that a
    zoom keeps it on screen; before the bar when a dispute starts late in the view; on a
    phone a dispute's name from the left edge, cut short. chart.js applies the same rule on zoom."""
    view_start, view_end = view
    start = max(label.start, view_start)
    if narrow:  # a dispute's name from the left edge, over the empty years before its bar
        text = (
            label.text
            if len(label.text) <= NARROW_LABEL_CHARS
            else label.text[: NARROW_LABEL_CHARS - 1].rstrip() + "…"
        )
        return iso(view_start if label.late_allowed else start), " " + escape(text), "middle right"
    late = label.late_allowed and (start - view_start) > (view_end - view_start) * LATE_SHARE
    if late:
        return iso(start), escape(label.text) + " ", "middle left"
    return iso(start), " " + escape(label.text), "middle right"


def bar_labels(labels, view):
    """One text trace for the names of every office and dispute bar; the phone's variant
    goes to layout.meta (see narrow_bar_labels)."""
    if not labels:
        return []
    placed = [label_place(label, view) for label in labels]
    return [
        {
            "type": "scatter",
            "mode": "text",
            "x": [x for x, _t, _p in placed],
            "y": [label.y for label in labels],
            "text": [text for _x, text, _p in placed],
            "textposition": [position for _x, _t, position in placed],
            "textfont": {"color": [label.colour for label in labels], "size": 12},
            # The bar's days and whether its name may go before it, for chart.js on zoom.
            "customdata": [
                [iso(label.start), iso(label.end), int(label.late_allowed)] for label in labels
            ],
            "hoverinfo": "skip",
            "showlegend": False,
            "cliponaxis": True,
            "meta": Trace.BAR_LABELS,
        }
    ]


def narrow_bar_labels(labels, view):
    placed = [label_place(label, view, narrow=True) for label in labels]
    return {"x": [x for x, _t, _p in placed], "text": [t for _x, t, _p in placed]}


def event_x(event):
    return iso(midpoint(event.start, inclusive_end(event.start, event.end, event.date_precision)))


def dodge(events, spread=0.36):
    """Vertical offsets within a lane so that events drawn on the same day do not hide
    each other: {pk: offset}, 0 for an event alone on its day."""
    by_day = {}
    for event in events:
        by_day.setdefault((event.kind, event_x(event)), []).append(event)
    offsets = {}
    for same_day in by_day.values():
        n = len(same_day)
        for i, event in enumerate(same_day):
            offsets[event.pk] = 0 if n == 1 else round(-spread + 2 * spread * i / (n - 1), 3)
    return offsets


def kind_lanes(events, bins, kinds, lanes):
    """{kind: y}: one lane per kind present (or asked for), in a fixed order."""
    present = set(kinds or ()) | {e.kind for e in events} | {b.kind for b in bins}
    return {
        kind: lanes.add(Event.Kind(kind).label.capitalize(), "kind")
        for kind in KIND_ORDER
        if kind in present
    }


def event_spans(events, kind_y):
    """What a month, a year or a multi-day event stands for: a pale band, not a day."""
    spans = [e for e in events if inclusive_end(e.start, e.end, e.date_precision) > e.start]
    if not spans:
        return []
    return [
        {
            "type": "bar",
            "orientation": "h",
            "name": Trace.EVENT_SPANS,
            "showlegend": False,
            "base": [iso(e.start) for e in spans],
            "x": [
                duration_ms(
                    e.start, inclusive_end(e.start, e.end, e.date_precision) + timedelta(days=1)
                )
                for e in spans
            ],
            "y": [kind_y[e.kind] for e in spans],
            "width": 0.36,
            "marker": {
                "color": [KIND_STYLE[e.kind][0] for e in spans],
                "opacity": 0.25,
                "line": {"width": 0},
            },
            "hoverinfo": "skip",
            "meta": Trace.EVENT_SPANS,
        }
    ]


# How far a "c.", "before" or "after" date is drawn from its day: a sign, not a measure.
REACH = {
    Precision.DAY: timedelta(days=15),
    Precision.MONTH: timedelta(days=92),
    Precision.YEAR: timedelta(days=730),
}


def uncertainty_window(event):
    """The days an uncertain date may stand for, (first, last); None for a certain one."""
    last = inclusive_end(event.start, event.end, event.date_precision)
    reach = REACH[event.date_precision]
    return {
        Certainty.BETWEEN: (event.start, event.latest_start),
        Certainty.CIRCA: (event.start - reach, last + reach),
        Certainty.BEFORE: (event.start - reach, event.start),
        Certainty.AFTER: (last, last + reach),
    }.get(event.date_certainty)


def event_uncertainty(events, kind_y):
    """A dotted line through each uncertain event's mark, across the days it may stand for
    (the legend's "Uncertain date")."""
    windows = {e.pk: w for e in events if (w := uncertainty_window(e)) and w[1]}
    if not windows:  # the usual case: no second pass over the events
        return []
    offsets = dodge(events)  # the marks' own offsets, so the line goes through the mark
    x, y = [], []
    for event in events:
        if event.pk in windows:
            first, last = windows[event.pk]
            lane = kind_y[event.kind] + offsets[event.pk]
            x += [iso(first), iso(last), None]
            y += [lane, lane, None]
    return [
        {
            "type": "scatter",
            "mode": "lines",
            "name": Trace.UNCERTAIN,
            "showlegend": False,
            "x": x,
            "y": y,
            "line": {"color": MUTED, "width": 2, "dash": "dot"},
            "hoverinfo": "skip",
            "meta": Trace.UNCERTAIN,
        }
    ]


def event_marks(events, kind_y, words=None):
    """Every event drawn one by one, in one trace: its kind's colour and symbol, hollow
    when it was cancelled; a click opens its details (customdata: its slug)."""
    if not events:
        return []
    words = words or Words()
    offsets = dodge(events)
    click = hint(_("Click for details"))
    colours = [KIND_STYLE[e.kind][0] for e in events]
    return [
        {
            "type": "scatter",
            "mode": "markers",
            "name": Trace.EVENTS,
            "showlegend": False,
            "x": [event_x(e) for e in events],
            "y": [kind_y[e.kind] + offsets[e.pk] for e in events],
            "customdata": [e.slug for e in events],
            "hovertemplate": "%{hovertext}<br>" + click + "<extra></extra>",
            "hovertext": [event_hover(e, words) for e in events],
            "hoverlabel": {"bordercolor": colours},
            "marker": {
                "symbol": [
                    KIND_STYLE[e.kind][1] + ("-open" if e.cancelled else "") for e in events
                ],
                "size": [CANCELLED_SIZE if e.cancelled else EVENT_SIZE for e in events],
                "opacity": 1,  # else Plotly takes sizes given point by point for bubbles: 0.7
                "color": colours,
                "line": {
                    "color": [c if e.cancelled else WHITE for e, c in zip(events, colours)],
                    "width": [2 if e.cancelled else 1 for e in events],
                },
            },
            "meta": Trace.EVENTS,
        }
    ]


def binned_marks(bins, kind_y):
    """The events counted per period, in one trace: a round mark sized by its count, the
    count written on it (when few enough marks), a hover saying how many events it stands
    for, and its first and last day as customdata (a click zooms there)."""
    if not bins:
        return []
    bins = sorted(bins, key=lambda b: (KIND_ORDER.index(b.kind), b.start))
    biggest = max(b.n for b in bins)
    labelled = len(bins) <= BIN_LABELS_MAX
    spans = {}
    colours = [KIND_STYLE[b.kind][0] for b in bins]
    trace = {
        "type": "scatter",
        "mode": "markers+text" if labelled else "markers",
        "name": Trace.BINNED,
        "showlegend": False,
        "x": [iso(midpoint(b.start, b.end)) for b in bins],
        "y": [kind_y[b.kind] for b in bins],
        "customdata": [[iso(b.start), iso(b.end)] for b in bins],
        "hovertemplate": "%{hovertext}<br>"
        + hint(_("Click to zoom in and see them"))
        + "<extra></extra>",
        "hovertext": [bin_hover(b, spans) for b in bins],
        "hoverlabel": {"bordercolor": colours},
        "marker": {
            "symbol": "circle",
            "size": [
                round(BIN_SIZE_MIN + BIN_SIZE_SPREAD * math.sqrt(b.n / biggest), 1) for b in bins
            ],
            "color": colours,
            "opacity": 0.85,
            "line": {"color": WHITE, "width": 1},
        },
        "cliponaxis": True,
        "meta": Trace.BINNED,
    }
    if labelled:
        trace["text"] = [str(b.n) if b.n > 1 else "" for b in bins]
        trace["textposition"] = "middle center"
        trace["textfont"] = {"color": WHITE, "size": 10}
    return [trace]


def tone_line(window_days, tone_days, months):
    """The relations temperature in the bottom panel; the line breaks where no event falls
    in the window: no events, no temperature."""
    tone = thinned(rolling_tone(tone_days, window_days))
    if not tone:
        return []
    xs, ys, ns = [], [], []
    for i, (day, mean, n) in enumerate(tone):
        if i and (day - tone[i - 1][0]).days > window_days:
            xs.append(None), ys.append(None), ns.append(None)
        xs.append(iso(day)), ys.append(mean), ns.append(n)
    dotted = len(tone) <= TONE_DOTS_MAX
    return [
        {
            "type": "scatter",
            "mode": "lines+markers" if dotted else "lines",
            "name": _("Relations temperature"),
            "showlegend": False,
            "connectgaps": False,
            "x": xs,
            "y": ys,
            "yaxis": "y2",
            "line": {"color": INK, "width": 2},
            # Dots coloured by the tone, when few enough to tell apart (else weight for nothing).
            "marker": {
                "size": 6,
                "color": [0 if v is None else v for v in ys],
                "colorscale": TONE_SCALE,
                "cmin": TONE_MIN,
                "cmax": TONE_MAX,
            }
            if dotted
            else {},
            # The tone written on the server: Plotly's "%{y:+.1f}" writes a hyphen for minus.
            "customdata": [[n, None if y is None else written(y, 1)] for n, y in zip(ns, ys)],
            "hovertemplate": (
                "%{x|%d %b %Y}<br>"
                + escape(_("Average tone %(months)s months back: ") % {"months": months})
                + "<b>%{customdata[1]}</b><br>"
                + escape(_("over %{customdata[0]} events"))
                + "<extra></extra>"
            ),
            "meta": Trace.TONE,
        }
    ]
