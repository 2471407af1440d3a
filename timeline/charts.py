"""The timeline figure: a pure function from events, office terms and disputes to a Plotly
figure as a plain dict (JSON-ready: strings, numbers, lists), drawn in the browser by
static/timeline/timeline.js with Plotly.react.

Top panel, lanes from top to bottom: who was in office in each country, the disputes, then
one lane per kind of event. Bottom panel: the relations temperature, a rolling mean of the
events' tone, on the same time axis.
"""

import calendar
import html
import math
import textwrap
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.formats import number_format
from django.utils.translation import gettext as _, gettext_lazy, ngettext

from .dates import Precision, format_date, format_span
from .models import TONE_MAX, TONE_MIN, Event
from .marks import Bin, Totals

DAY_MS = 24 * 60 * 60 * 1000
TONE_WINDOW_DAYS = 182
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"

# Each kind its own colour and symbol: co-operation in blues and greens, friction in
# oranges and reds, neutral in greys; symbols differ too, for colour-blind readers and print.
KIND_STYLE = {
    Event.Kind.SUMMIT: ("#4338ca", "star"),
    Event.Kind.VISIT: ("#0369a1", "diamond"),
    Event.Kind.MEETING: ("#2563eb", "circle"),
    Event.Kind.CALL: ("#0d9488", "triangle-up"),
    Event.Kind.AGREEMENT: ("#15803d", "hexagon"),
    Event.Kind.STATEMENT: ("#4b5563", "square"),
    Event.Kind.ELECTION: ("#a16207", "pentagon"),
    Event.Kind.PROTEST: ("#c2410c", "triangle-down"),
    Event.Kind.SANCTION: ("#b91c1c", "x"),
    Event.Kind.CYBER: ("#7e22ce", "hourglass"),
    Event.Kind.MILITARY: ("#7f1d1d", "cross"),
}
KIND_ORDER = list(KIND_STYLE)
COUNTRY_COLOURS = ["#c7d2fe", "#fecdd3", "#bbf7d0", "#fde68a"]
DISPUTE_FILL = "rgba(245, 158, 11, 0.30)"
DISPUTE_LINE = "#b45309"


def escape(text):
    """Curated text for Plotly's labels: shown as typed, never as markup.

    Plotly renders a subset of HTML in hover labels, annotations and text (<b>, <a href>,
    <span style>…): `<`, `>` and `&` must become entities. Only those: Plotly decodes
    &lt; &gt; &amp; and numeric references but not &quot;, which Django's escape() writes
    for `"` and which a reader would then see as "&quot;". A quote outside a tag is inert.
    """
    return html.escape(str(text), quote=False)


# Count labels inside the binned marks, up to this many marks (text is costly to draw).
BIN_LABELS_MAX = 400
# With all the kinds in the legend, one more entry wraps it onto the range buttons.
LEGEND_ROW_KINDS = 11
# The temperature line keeps at most this many points: a screen has fewer pixels; it has
# dots up to TONE_DOTS_MAX points.
TONE_POINTS_MAX = 1500
TONE_DOTS_MAX = 300


@dataclass
class Lane:
    y: float
    label: str
    group: str  # "office", "dispute", "kind"


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


def wrap(text, width=48):
    return "<br>".join(escape(line) for line in textwrap.wrap(str(text), width)) or escape(text)


def short_name(person):
    """'François Hollande' -> 'Hollande' for a band label; the hover has the full name."""
    return str(person).split()[-1] if person else ""


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
    lines.append(words(("when", event.start, event.end, event.date_precision), lambda: event_when(event)))
    if event.cancelled:
        lines.append(words("cancelled", lambda: "<b>" + escape(_("Cancelled: did not take place")) + "</b>"))
    kind = words(("kind", event.kind), lambda: escape(event.get_kind_display().capitalize()))
    lines.append(kind + (f" · {escape(event.place)}" if event.place else ""))
    participants = participants_text(event, words)
    if participants:
        lines.append(wrap(words("with", lambda: _("With: %(people)s")) % {"people": participants}, 60))
    disputes = ", ".join(str(d) for d in event.disputes.all())
    if disputes:
        lines.append(wrap(words("dispute", lambda: _("Dispute: %(names)s")) % {"names": disputes}, 60))
    return "<br>".join(lines)  # "Click for details" follows, from the trace's hovertemplate


def dodge(events, spread=0.36):
    """Vertical offsets within a lane so that events drawn on the same day do not hide
    each other: {pk: offset}, 0 for an event alone on its day."""
    by_day = {}
    for event in events:
        x = midpoint(event.start, inclusive_end(event.start, event.end, event.date_precision))
        by_day.setdefault(x, []).append(event)
    offsets = {}
    for same_day in by_day.values():
        n = len(same_day)
        for i, event in enumerate(same_day):
            offsets[event.pk] = 0 if n == 1 else round(-spread + 2 * spread * i / (n - 1), 3)
    return offsets


def tone_by_day(events):
    """[(day, sum of tones, n)] of events, oldest first: what rolling_tone reads (the
    selectors compute the same in SQL when there are many events)."""
    days = {}
    for event in events:
        total, n = days.get(event.start, (0, 0))
        days[event.start] = (total + event.tone, n + 1)
    return [(day, total, n) for day, (total, n) in sorted(days.items())]


def rolling_tone(events, window_days=TONE_WINDOW_DAYS, *, days=None):
    """[(date, mean tone of the events in the `window_days` up to that date, n)] at each
    event date, oldest first. Cancelled events count: a cancelled visit is a signal too.
    `days`: the events' tone_by_day, when already summed."""
    days = tone_by_day(events) if days is None else days
    points = []
    lo, total, n = 0, 0, 0
    for day, day_total, day_n in days:
        total, n = total + day_total, n + day_n
        while days[lo][0] <= day - timedelta(days=window_days):
            total, n = total - days[lo][1], n - days[lo][2]
            lo += 1
        points.append((day, round(total / n, 1), n))
    return points


def latest_tone(days, window_days=TONE_WINDOW_DAYS):
    """The last point of rolling_tone(days=days), without computing the others."""
    if not days:
        return None
    total = n = 0
    for day, day_total, day_n in reversed(days):
        if day <= days[-1][0] - timedelta(days=window_days):
            break
        total, n = total + day_total, n + day_n
    return round(total / n, 1)


def thinned(points, limit=TONE_POINTS_MAX):
    """At most `limit` of the points, evenly in time, keeping the first and last."""
    if len(points) <= limit:
        return points
    step = len(points) / limit
    kept = [points[int(i * step)] for i in range(limit)]
    return kept[:-1] + [points[-1]]


def bin_hover(b, spans):
    """spans: a dict of the bins' written dates, shared by the marks of one figure
    (formatting a date in the active language is the slow part)."""
    label = Event.Kind(b.kind).label if b.n == 1 else plural_kind(b.kind)
    if (b.start, b.end) not in spans:
        spans[(b.start, b.end)] = escape(format_span(b.start, b.end))
    lines = [f"<b>{b.n} {escape(label)}</b>", spans[(b.start, b.end)]]
    if b.cancelled:
        lines.append(escape(ngettext("%(n)d cancelled", "%(n)d cancelled", b.cancelled) % {"n": b.cancelled}))
    lines.append("<span style='color:%s'>%s</span>" % (MUTED, escape(_("Click to zoom in and see them"))))
    return "<br>".join(lines)


def binned_marks(bins, kind_y):
    """One trace per kind for the bins: a round mark sized by its count, the count written
    on it (when few enough marks), a hover saying how many events it stands for, and its
    first and last day as customdata (a click zooms there)."""
    if not bins:
        return []
    biggest = max(b.n for b in bins)
    labelled = len(bins) <= BIN_LABELS_MAX
    traces, spans = [], {}
    for kind in (k for k in KIND_ORDER if k in kind_y):
        group = [b for b in bins if b.kind == kind]
        if not group:
            continue
        colour, _symbol = KIND_STYLE[kind]
        trace = {
            "type": "scatter",
            "mode": "markers+text" if labelled else "markers",
            "name": Event.Kind(kind).label.capitalize(),
            "legendgroup": kind,
            "showlegend": False,
            "x": [iso(midpoint(b.start, b.end)) for b in group],
            "y": [kind_y[kind]] * len(group),
            "customdata": [[iso(b.start), iso(b.end)] for b in group],
            "hovertemplate": "%{hovertext}<extra></extra>",
            "hovertext": [bin_hover(b, spans) for b in group],
            "hoverlabel": {"bordercolor": colour},
            "marker": {
                "symbol": "circle",
                "size": [round(11 + 15 * math.sqrt(b.n / biggest), 1) for b in group],
                "color": colour,
                "opacity": 0.85,
                "line": {"color": "#ffffff", "width": 1},
            },
            "cliponaxis": True,
            "meta": "events-binned",
        }
        if labelled:
            trace["text"] = [str(b.n) if b.n > 1 else "" for b in group]
            trace["textposition"] = "middle center"
            trace["textfont"] = {"color": "#ffffff", "size": 10}
        traces.append(trace)
    return traces


def build_figure(
    events,
    terms=(),
    disputes=(),
    *,
    countries=(),
    view=None,
    today=None,
    uirevision="timeline",
    tone_window_days=TONE_WINDOW_DAYS,
    extent=None,
    bins=(),
    kinds=None,
    tone_days=None,
    meta=None,
):
    """The timeline as a Plotly figure dict.

    events: published events drawn one by one (with participations, disputes and place
    fetched); terms: office terms of the pair's countries; disputes: the disputes to draw;
    countries: [(code, name)] in lane order; view: (from, to) of the filters, either may be
    None; today: the date an open-ended view ends on (tests pass it); uirevision: keep the
    reader's zoom while this stays the same; extent: (first, last) day of the unfiltered
    timeline, the default view. For many events (timeline/figures.py): bins, the events
    drawn as counts; kinds, the lanes (else the kinds present); tone_days, the tone summed
    per day (else summed from events); meta, what timeline.js needs to fetch detail.
    """
    events = list(events)
    bins = list(bins)
    words = Words()
    click_for_details = "<span style='color:%s'>%s</span>" % (MUTED, escape(_("Click for details")))
    if bins and not extent:
        extent = (min(b.start for b in bins), max(b.end for b in bins))
    view_start, view_end = view_window(events, view, today, extent)
    traces, lanes = [], []
    y = 0.0

    # Lanes 1: who was in office, one lane per country.
    offices = leading_office(terms)
    for index, (code, name) in enumerate(countries):
        office = offices.get(code)
        lane_terms = [
            t for t in terms
            if t.country.code == code and t.office == office
            and t.start <= view_end and (t.end is None or t.end >= view_start)
        ]
        if not lane_terms:
            continue
        lanes.append(Lane(y, name, "office"))
        colour = COUNTRY_COLOURS[index % len(COUNTRY_COLOURS)]
        shown = [(max(t.start, view_start), min(t.end or view_end, view_end), t) for t in lane_terms]
        traces.append({
            "type": "bar",
            "orientation": "h",
            "name": _("%(office)s") % {"office": office},
            "legendgroup": "office",
            "showlegend": False,
            "base": [iso(s) for s, _e, _t in shown],
            "x": [duration_ms(s, e) for s, e, _t in shown],
            "y": [y] * len(shown),
            "width": 0.8,
            "marker": {"color": colour, "line": {"color": "#ffffff", "width": 2}},
            "text": [escape(short_name(t.person)) for _s, _e, t in shown],
            "textposition": "inside",
            "insidetextanchor": "start",
            "textfont": {"color": INK, "size": 12},
            "textangle": 0,  # a short term's name runs past its band rather than turning on its side
            "constraintext": "none",
            "cliponaxis": True,
            "hovertemplate": "%{hovertext}<extra></extra>",
            "hovertext": [
                f"<b>{escape(t.person)}</b><br>{escape(t.office)}<br>"
                f"{escape(format_span(t.start, t.end, open_end=True))}"
                for _s, _e, t in shown
            ],
            "meta": "office",
        })
        y += 1
    if lanes:
        y += 0.4

    # Lanes 2: the disputes, one lane each; an ongoing one runs to the end of the view.
    first_dispute_y = y
    for dispute in disputes:
        if dispute.start > view_end or (dispute.end and dispute.end < view_start):
            continue
        start = max(dispute.start, view_start)
        end = min(dispute.end or view_end, view_end)
        ongoing = dispute.end is None
        lanes.append(Lane(y, str(dispute), "dispute"))
        label = str(dispute) + (" " + _("(ongoing)") if ongoing else "")
        traces.append({
            "type": "bar",
            "orientation": "h",
            "name": str(dispute),
            "legendgroup": "dispute",
            "showlegend": False,
            "base": [iso(start)],
            "x": [duration_ms(start, end)],
            "y": [y],
            "width": 0.7,
            "marker": {"color": DISPUTE_FILL, "line": {"color": DISPUTE_LINE, "width": 1}},
            "hovertemplate": "%{hovertext}<extra></extra>",
            "hovertext": [
                f"<b>{wrap(dispute)}</b><br>{escape(format_span(dispute.start, dispute.end, open_end=True))}"
                + ("<br>" + escape(_("ongoing")) if ongoing else "")
                + (f"<br>{wrap(dispute.localized_summary, 60)}" if dispute.localized_summary else "")
            ],
            "meta": "dispute",
            "customdata": [dispute.slug],
        })
        # The name, written at the visible start of the span so that a short span keeps it.
        late = (start - view_start) > (view_end - view_start) * 0.6
        traces.append({
            "type": "scatter",
            "mode": "text",
            "x": [iso(start)],
            "y": [y],
            "text": [escape(label) + " " if late else " " + escape(label)],
            "textposition": "middle left" if late else "middle right",
            "textfont": {"color": "#78350f", "size": 12},
            "hoverinfo": "skip",
            "showlegend": False,
            "cliponaxis": False,
            "meta": "dispute-label",
        })
        y += 1
    dispute_lanes = [lane for lane in lanes if lane.group == "dispute"]
    if dispute_lanes:
        y += 0.4

    # Lanes 3: events, one lane per kind present, in a fixed order.
    present = set(kinds or ()) | {e.kind for e in events} | {b.kind for b in bins}
    kinds = [k for k in KIND_ORDER if k in present]
    kind_y = {}
    for kind in kinds:
        kind_y[kind] = y
        lanes.append(Lane(y, Event.Kind(kind).label.capitalize(), "kind"))
        y += 1

    for kind in kinds:
        colour, symbol = KIND_STYLE[kind]
        of_kind = [e for e in events if e.kind == kind]
        label = Event.Kind(kind).label.capitalize()
        spans = [e for e in of_kind if inclusive_end(e.start, e.end, e.date_precision) > e.start]
        if spans:
            # What a month, a year or a multi-day event stands for: a band, not a day.
            traces.append({
                "type": "bar",
                "orientation": "h",
                "name": label,
                "legendgroup": kind,
                "showlegend": False,
                "base": [iso(e.start) for e in spans],
                "x": [
                    duration_ms(e.start, inclusive_end(e.start, e.end, e.date_precision) + timedelta(days=1))
                    for e in spans
                ],
                "y": [kind_y[kind]] * len(spans),
                "width": 0.36,
                "marker": {"color": colour, "opacity": 0.25, "line": {"width": 0}},
                "hoverinfo": "skip",
                "meta": "event-span",
            })
        # The legend entry: the kind's filled symbol, whether or not its events were cancelled.
        traces.append({
            "type": "scatter",
            "mode": "markers",
            "name": label,
            "legendgroup": kind,
            "showlegend": True,
            "x": [None],
            "y": [None],
            "marker": {"symbol": symbol, "size": 12, "color": colour, "line": {"color": "#ffffff", "width": 1}},
            "hoverinfo": "skip",
            "meta": "legend-only",
        })
        offsets = dodge(of_kind)
        for cancelled in (False, True):
            group = [e for e in of_kind if e.cancelled == cancelled]
            if not group:
                continue
            traces.append({
                "type": "scatter",
                "mode": "markers",
                "name": label,
                "legendgroup": kind,
                "showlegend": False,
                "x": [iso(midpoint(e.start, inclusive_end(e.start, e.end, e.date_precision))) for e in group],
                "y": [kind_y[kind] + offsets[e.pk] for e in group],
                "customdata": [e.slug for e in group],
                "hovertemplate": "%{hovertext}<br>" + click_for_details + "<extra></extra>",
                "hovertext": [event_hover(e, words) for e in group],
                "hoverlabel": {"bordercolor": colour},
                "marker": {
                    "symbol": f"{symbol}-open" if cancelled else symbol,
                    "size": 14 if cancelled else 13,
                    "color": colour,
                    "line": {"color": colour if cancelled else "#ffffff", "width": 2 if cancelled else 1},
                },
                "meta": "events-cancelled" if cancelled else "events",
            })

    traces.extend(binned_marks(bins, kind_y))

    if any(e.cancelled for e in events) and len(kinds) < LEGEND_ROW_KINDS:
        # A legend entry that explains the hollow markers (the help under the chart does
        # too: with every kind present it would wrap onto the range buttons).
        traces.append({
            "type": "scatter",
            "mode": "markers",
            "name": _("Cancelled (hollow)"),
            "x": [None],
            "y": [None],
            "marker": {"symbol": "circle-open", "size": 12, "color": MUTED, "line": {"width": 2}},
            "hoverinfo": "skip",
            "showlegend": True,
            "meta": "legend-only",
        })

    # Bottom panel: the relations temperature.
    tone = thinned(rolling_tone(events, tone_window_days, days=tone_days))
    months = round(tone_window_days / 30.4)
    tone_subtitle = _("%(months)s-month average tone of the events, from −10 (conflict) to +10 (co-operation)") % {"months": months}
    if tone:
        # The line breaks where no event falls in the window: no events, no temperature.
        xs, ys, ns = [], [], []
        for i, (day, mean, n) in enumerate(tone):
            if i and (day - tone[i - 1][0]).days > tone_window_days:
                xs.append(None), ys.append(None), ns.append(None)
            xs.append(iso(day)), ys.append(mean), ns.append(n)
        dotted = len(tone) <= TONE_DOTS_MAX
        traces.append({
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
                "colorscale": [[0, "#b91c1c"], [0.5, "#d1d5db"], [1, "#1d4ed8"]],
                "cmin": TONE_MIN,
                "cmax": TONE_MAX,
            } if dotted else {},
            "customdata": ns,
            "hovertemplate": (
                "%{x|%d %b %Y}<br>"
                + escape(_("Average tone %(months)s months back: ") % {"months": months})
                + "<b>%{y:+.1f}</b><br>"
                + escape(_("over %{customdata} events"))
                + "<extra></extra>"
            ),
            "meta": "tone",
        })

    # Layout: heights grow with the number of lanes so that no lane is squashed.
    lane_px = 32
    top_px = max(y, 1) * lane_px
    tone_px = 150
    gap_px = 70
    plot_px = top_px + gap_px + tone_px
    margin = {"l": 8, "r": 16, "t": 64, "b": 24}
    height = int(plot_px + margin["t"] + margin["b"] + 90)  # + the range slider
    tone_top = tone_px / plot_px
    lane_bottom = (tone_px + gap_px) / plot_px

    # Lane labels top to bottom; the disputes share one label (their names are on the bars).
    tickvals, ticktext = [], []
    for lane in lanes:
        if lane.group == "dispute":
            if lane is dispute_lanes[0]:
                tickvals.append((first_dispute_y + dispute_lanes[-1].y) / 2)
                ticktext.append(escape(ngettext("Dispute", "Disputes", len(dispute_lanes))))
            continue
        tickvals.append(lane.y)
        ticktext.append(escape(lane.label))

    shapes = [
        {  # the zero line of the temperature
            "type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y2", "y0": 0, "y1": 0,
            "line": {"color": MUTED, "width": 1, "dash": "dot"},
        }
    ]
    # Light separators between the groups of lanes.
    for boundary in (first_dispute_y - 0.7, (dispute_lanes[-1].y + 0.7) if dispute_lanes else None):
        if boundary is not None and boundary > 0 and kinds:
            shapes.append({
                "type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": boundary, "y1": boundary,
                "line": {"color": GRID, "width": 1},
            })

    annotations = [
        {
            "name": "tone-title",
            "text": "<b>" + escape(_("Relations temperature")) + "</b>  " + escape(tone_subtitle),
            "xref": "paper", "yref": "paper", "x": 0, "y": tone_top, "yanchor": "bottom",
            "xanchor": "left", "align": "left", "showarrow": False, "font": {"size": 12, "color": INK},
            "yshift": 6,
        }
    ]
    if not events and not bins:
        annotations.append({
            "text": escape(_("No events match these filters.")),
            "xref": "paper", "yref": "paper", "x": 0.5, "y": (1 + lane_bottom) / 2,
            "showarrow": False, "font": {"size": 15, "color": MUTED},
        })

    layout = {
        "height": height,
        "autosize": True,
        "margin": margin,
        "font": {"family": FONT, "size": 13, "color": INK},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "barmode": "overlay",
        "dragmode": "pan",
        "hovermode": "closest",
        "hoverlabel": {"bgcolor": "#ffffff", "font": {"family": FONT, "size": 13, "color": INK}, "align": "left"},
        "uirevision": uirevision,
        # Shorter wording for phones; timeline.js swaps it in below 640px.
        "meta": {
            **(meta or {}),
            "narrow_tone_title": "<b>" + escape(_("Relations temperature")) + "</b><br>"
            + escape(_("average tone over %(months)s months") % {"months": months}) + "<br>"
            + escape(_("−10 conflict … +10 co-operation")),
        },
        "showlegend": bool(kinds),
        "legend": {
            "orientation": "h",
            "x": 1, "xanchor": "right", "y": 1, "yanchor": "bottom",
            "font": {"size": 12},
            "itemclick": "toggle",
            "itemdoubleclick": "toggleothers",
            "bgcolor": "rgba(255,255,255,0)",
        },
        "xaxis": {
            "type": "date",
            "range": [iso(view_start), iso(view_end)],
            "uirevision": uirevision,
            "showgrid": True,
            "gridcolor": GRID,
            "linecolor": MUTED,
            "ticks": "outside",
            "anchor": "y2",
            "automargin": True,
            # The slider shows the events only: not the bands, labels or temperature.
            "rangeslider": {
                "visible": True,
                "range": [iso(view_start), iso(view_end)],
                "autorange": False,
                "thickness": 0.07,
                "bgcolor": "#f9fafb",
                "bordercolor": GRID,
                "borderwidth": 1,
                "yaxis": {"rangemode": "fixed", "range": [y - 0.4, (kind_y[kinds[0]] - 0.6) if kinds else -0.6]},
                "yaxis2": {"rangemode": "fixed", "range": [100, 101]},
            },
            "rangeselector": {
                "x": 0, "xanchor": "left", "y": 1, "yanchor": "bottom",
                "buttons": [
                    {"count": 1, "label": _("1 year"), "step": "year", "stepmode": "backward"},
                    {"count": 5, "label": _("5 years"), "step": "year", "stepmode": "backward"},
                    {"step": "all", "label": _("All")},
                ],
                "bgcolor": "#f3f4f6",
                "activecolor": "#c7d2fe",
                "font": {"size": 12},
            },
        },
        "yaxis": {
            "domain": [lane_bottom, 1],
            "range": [y - 0.4, -0.6],
            "fixedrange": True,
            "tickvals": tickvals,
            "ticktext": ticktext,
            "showgrid": False,
            "zeroline": False,
            "automargin": True,
            "ticklabelstandoff": 6,
        },
        "yaxis2": {
            "domain": [0, tone_top],
            "range": [TONE_MIN - 1, TONE_MAX + 1],
            "fixedrange": True,
            "tickvals": [TONE_MIN, TONE_MIN / 2, 0, TONE_MAX / 2, TONE_MAX],
            "ticktext": ["−10", "−5", "0", "+5", "+10"],
            "showgrid": True,
            "gridcolor": GRID,
            "zeroline": False,
            "automargin": True,
        },
        "shapes": shapes,
        "annotations": annotations,
    }
    return {"data": traces, "layout": layout}


def describe(events, terms, disputes, *, countries=(), view=None, today=None, totals=None, tone_days=None):
    """The chart's text alternative: what it shows, in a sentence or three.
    totals and tone_days: the figures of all the filter's events when they are not all
    in `events` (see selectors.totals and selectors.daily_tone)."""
    events = list(events)
    if totals is None:
        totals = totals_of(events)
    start, end = view_window(events, view, today, (totals.first, totals.last) if totals.count else None)
    view_from, view_to = view or (None, None)
    if totals.count:  # say the events' own period, not the padding around it
        start = view_from or totals.first
        end = view_to or totals.last
    names = " – ".join(name for _code, name in countries)
    by_kind = ", ".join(
        f"{n} {Event.Kind(kind).label if n == 1 else plural_kind(kind)}"
        for kind, n in sorted(totals.by_kind.items(), key=lambda kv: -kv[1])
    )
    parts = [
        _("Timeline of %(names)s relations from %(start)s to %(end)s.")
        % {"names": names, "start": format_date(start), "end": format_date(end)}
    ]
    if totals.count:
        parts.append(
            ngettext("%(n)d event", "%(n)d events", totals.count) % {"n": totals.count}
            + (f" ({by_kind})." if by_kind else ".")
        )
        if totals.cancelled:
            parts.append(ngettext("%(n)d was cancelled.", "%(n)d were cancelled.", totals.cancelled) % {"n": totals.cancelled})
    else:
        parts.append(_("No events match these filters."))
    offices = leading_office(terms)
    holders = []
    for code, name in countries:
        people = [
            str(t.person) for t in terms
            if t.country.code == code and t.office == offices.get(code)
            and t.start <= end and (t.end is None or t.end >= start)
        ]
        if people:
            holders.append(_("%(country)s: %(people)s") % {"country": name, "people": ", ".join(dict.fromkeys(people))})
    if holders:
        parts.append(_("In office: %(list)s.") % {"list": "; ".join(holders)})
    shown = [d for d in disputes if d.start <= end and (d.end is None or d.end >= start)]
    if shown:
        parts.append(_("Disputes: %(list)s.") % {"list": "; ".join(f"{d} ({d.span_display})" for d in shown)})
    tone = latest_tone(tone_by_day(events) if tone_days is None else tone_days)
    if tone is not None:
        parts.append(
            _("The relations temperature ends at %(value)s on a scale from −10 (conflict) to +10 (co-operation).")
            % {"value": ("+" if tone >= 0 else "−") + number_format(abs(tone), 1)}  # "+1,0" in French
        )
    parts.append(_("Every event is listed below the chart."))
    return " ".join(parts)


def totals_of(events):
    """selectors.Totals of a list of events (the selectors count in SQL)."""
    by_kind = {}
    for event in events:
        by_kind[event.kind] = by_kind.get(event.kind, 0) + 1
    return Totals(
        count=len(events),
        by_kind=by_kind,
        cancelled=sum(e.cancelled for e in events),
        first=min((e.start for e in events), default=None),
        last=max((e.end or e.start for e in events), default=None),
    )


PLURAL_KINDS = {
    Event.Kind.MEETING: gettext_lazy("meetings"),
    Event.Kind.VISIT: gettext_lazy("visits"),
    Event.Kind.CALL: gettext_lazy("phone calls"),
    Event.Kind.SUMMIT: gettext_lazy("summits"),
    Event.Kind.STATEMENT: gettext_lazy("statements"),
    Event.Kind.PROTEST: gettext_lazy("protests"),
    Event.Kind.ELECTION: gettext_lazy("elections"),
    Event.Kind.CYBER: gettext_lazy("cyber attacks"),
    Event.Kind.MILITARY: gettext_lazy("military actions"),
    Event.Kind.SANCTION: gettext_lazy("sanctions"),
    Event.Kind.AGREEMENT: gettext_lazy("agreements"),
}


def plural_kind(kind):
    return str(PLURAL_KINDS.get(kind, Event.Kind(kind).label))
