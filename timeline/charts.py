"""The timeline figure: a pure function from events, office terms and disputes to a Plotly
figure as a plain dict (JSON-ready: strings, numbers, lists), drawn in the browser by
static/timeline/chart.js with Plotly.react, and as a static SVG at first paint by
chart_svg.py.

Top panel, lanes from top to bottom: who was in office in each country, the disputes, then
one lane per kind of event (chart_lanes.py builds each). Bottom panel: the relations
temperature, a rolling mean of the events' tone, on the same time axis. The legend and the
range buttons are HTML beside the chart (templates/timeline/dashboard.html#chart).

The layout is fixed on the server (margins from the labels' widths, no automargin, no
range slider) so that Plotly draws the figure once, and the static SVG knows where every
mark goes before plotly.js has loaded.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import chart_lanes as lanes_
from .chart_style import (
    FONT,
    FONT_SIZE,
    GAP_PX,
    GRID,
    INK,
    KIND_STYLE,
    LANE_PX,
    MARGIN,
    MUTED,
    NARROW_FONT_SIZE,
    NARROW_MARGIN,
    NARROW_PX,
    NARROW_TICK_FONT_SIZE,
    TICK_FONT_SIZE,
    TICK_STANDOFF,
    TONE_PX,
    TRACE_NAMES,
    WHITE,
    escape,
    left_margin,
)
from .chart_text import Words
from .chart_view import iso, view_window
from .models import TONE_MAX, TONE_MIN, Event
from .tone import TONE_WINDOW_DAYS


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
    tone_days=(),
    meta=None,
):
    """The timeline as a Plotly figure dict.

    events: published events drawn one by one (with participations, disputes and place
    fetched); terms: office terms of the pair's countries; disputes: the disputes to draw;
    countries: [(code, name)] in lane order; view: (from, to) of the filters, either may be
    None; today: the date an open-ended view ends on (tests pass it); uirevision: keep the
    reader's zoom while this stays the same; extent: (first, last) day of the events the
    filters chose, the default view. For many events (timeline/figures.py): bins, the events
    drawn as counts; kinds, the lanes (else the kinds present); tone_days, the tone of
    all the filter's events summed per day (selectors.daily_tone; none, no temperature); meta, what chart.js needs to fetch detail.
    """
    events, bins = list(events), list(bins)
    if bins and not extent:
        extent = (min(b.start for b in bins), max(b.end for b in bins))
    window = view_window(events, view, today, extent)
    lanes = lanes_.Lanes()
    offices, office_labels = lanes_.office_lanes(terms, countries, window, lanes)
    disputed, dispute_labels = lanes_.dispute_lanes(disputes, window, lanes)
    labels = office_labels + dispute_labels
    kind_y = lanes_.kind_lanes(events, bins, kinds, lanes)
    months = round(tone_window_days / 30.4)
    uncertainty = lanes_.event_uncertainty(events, kind_y)
    traces = [
        *offices,
        *disputed,
        *lanes_.bar_labels(labels, window),
        *lanes_.event_spans(events, kind_y),
        *lanes_.binned_marks(bins, kind_y),
        *uncertainty,
        *lanes_.event_marks(events, kind_y, Words()),
        *lanes_.tone_line(tone_window_days, tone_days, months),
    ]
    layout = figure_layout(lanes, window, uirevision, months, empty=not events and not bins)
    layout["meta"] = {
        **(meta or {}),
        "trace_names": TRACE_NAMES,
        "full_range": [iso(window[0]), iso(window[1])],
        "legend": legend(
            kind_y,
            cancelled=any(e.cancelled for e in events),
            uncertain=bool(uncertainty),
        ),
        "narrow": narrow_layout(lanes, labels, window, months),
    }
    return {"data": traces, "layout": layout}


def legend(kind_y, *, cancelled, uncertain):
    """The HTML legend's entries: the kinds in their lanes' order, then the hollow marker
    and the dotted line of uncertain dates when the view has them."""
    entries = [
        {
            "kind": kind,
            "label": Event.Kind(kind).label.capitalize(),
            "colour": KIND_STYLE[kind][0],
            "symbol": KIND_STYLE[kind][1],
        }
        for kind in kind_y
    ]
    if cancelled:
        entries.append(
            {
                "kind": "cancelled",
                "label": _("Cancelled (hollow)"),
                "colour": MUTED,
                "symbol": "circle-open",
            }
        )
    if uncertain:
        entries.append(
            {
                "kind": "uncertain",
                "label": _("Uncertain date (dotted: when it may have been)"),
                "colour": MUTED,
                "symbol": "dotted-line",
            }
        )
    return entries


def lane_ticks(lanes):
    """The lane labels top to bottom; the disputes share one label (their names are on the
    bars)."""
    disputes = lanes.of("dispute")
    tickvals, ticktext = [], []
    for lane in lanes.items:
        if lane.group != "dispute":
            tickvals.append(lane.y)
            ticktext.append(escape(lane.label))
        elif lane is disputes[0]:
            tickvals.append((disputes[0].y + disputes[-1].y) / 2)
            ticktext.append(escape(ngettext("Dispute", "Disputes", len(disputes))))
    return tickvals, ticktext


def panels(lanes, margin):
    """(height, domain of the lanes, domain of the temperature): heights grow with the
    number of lanes so that no lane is squashed."""
    top_px = max(lanes.y, 1) * LANE_PX
    plot_px = top_px + GAP_PX + TONE_PX
    height = int(plot_px + margin["t"] + margin["b"])
    return height, [(TONE_PX + GAP_PX) / plot_px, 1], [0, TONE_PX / plot_px]


def separators(lanes):
    """Light lines between the groups of lanes (offices, disputes, kinds)."""
    lines = []
    for group in ("office", "dispute"):
        members = lanes.of(group)
        if members and lanes.of("kind"):
            y = members[-1].y + 0.7
            lines.append(
                {
                    "type": "line",
                    "xref": "paper",
                    "x0": 0,
                    "x1": 1,
                    "yref": "y",
                    "y0": y,
                    "y1": y,
                    "line": {"color": GRID, "width": 1},
                }
            )
    return lines


def tone_titles(months):
    """(wide, narrow) titles of the temperature panel."""
    title = "<b>" + escape(_("Relations temperature")) + "</b>"
    subtitle = _(
        "%(months)s-month average tone of the events, from −10 (conflict) to +10 (co-operation)"
    )
    narrow = (
        escape(_("average tone over %(months)s months") % {"months": months})
        + "<br>"
        + escape(_("−10 conflict … +10 co-operation"))
    )
    return f"{title}  {escape(subtitle % {'months': months})}", f"{title}<br>{narrow}"


def annotations(lane_domain, tone_domain, months, empty):
    notes = [
        {
            "name": "tone-title",
            "text": tone_titles(months)[0],
            "xref": "paper",
            "yref": "paper",
            "x": 0,
            "y": tone_domain[1],
            "yanchor": "bottom",
            "xanchor": "left",
            "align": "left",
            "showarrow": False,
            "font": {"size": 12, "color": INK},
            "yshift": 6,
        }
    ]
    if empty:
        notes.append(
            {
                "name": "empty",
                "text": escape(_("No events match these filters.")),
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": (1 + lane_domain[0]) / 2,
                "showarrow": False,
                "font": {"size": 15, "color": MUTED},
            }
        )
    return notes


# The temperature's zero: a dotted line across the bottom panel.
ZERO_LINE = {
    "type": "line",
    "xref": "paper",
    "x0": 0,
    "x1": 1,
    "yref": "y2",
    "y0": 0,
    "y1": 0,
    "line": {"color": MUTED, "width": 1, "dash": "dot"},
}


def figure_layout(lanes, window, uirevision, months, empty):
    tickvals, ticktext = lane_ticks(lanes)
    margin = {**MARGIN, "l": left_margin(ticktext, TICK_FONT_SIZE), "autoexpand": False}
    height, lane_domain, tone_domain = panels(lanes, margin)
    return {
        "height": height,
        "autosize": True,
        "margin": margin,
        "font": {"family": FONT, "size": FONT_SIZE, "color": INK},
        "paper_bgcolor": WHITE,
        "plot_bgcolor": WHITE,
        "barmode": "overlay",
        "dragmode": "pan",
        "hovermode": "closest",
        "hoverlabel": {
            "bgcolor": WHITE,
            "font": {"family": FONT, "size": 13, "color": INK},
            "align": "left",
        },
        "uirevision": uirevision,
        "showlegend": False,
        "xaxis": time_axis(window, uirevision),
        "yaxis": lanes_axis(lanes, lane_domain, tickvals, ticktext),
        "yaxis2": tone_axis(tone_domain),
        "shapes": [ZERO_LINE, *separators(lanes)],
        "annotations": annotations(lane_domain, tone_domain, months, empty),
    }


def time_axis(window, uirevision):
    return {
        "type": "date",
        "range": [iso(window[0]), iso(window[1])],
        "uirevision": uirevision,
        # Panning and zooming out stop at the view's ends: nothing lies beyond them.
        "minallowed": iso(window[0]),
        "maxallowed": iso(window[1]),
        "showgrid": True,
        "gridcolor": GRID,
        "linecolor": MUTED,
        "ticks": "outside",
        "anchor": "y2",
        "automargin": False,
    }


def lanes_axis(lanes, domain, tickvals, ticktext):
    """The upper panel's axis: one category per lane (offices, disputes, kinds), top down."""
    return {
        "domain": domain,
        "range": [lanes.y - 0.4, -0.6],
        "fixedrange": True,
        "tickvals": tickvals,
        "ticktext": ticktext,
        "tickfont": {"size": TICK_FONT_SIZE},
        "showgrid": False,
        "zeroline": False,
        "automargin": False,
        "ticklabelstandoff": TICK_STANDOFF,
    }


def tone_axis(domain):
    """The lower panel's axis: the temperature from −10 to +10."""
    return {
        "domain": domain,
        "range": [TONE_MIN - 1, TONE_MAX + 1],
        "fixedrange": True,
        "tickvals": [TONE_MIN, TONE_MIN / 2, 0, TONE_MAX / 2, TONE_MAX],
        "ticktext": ["−10", "−5", "0", "+5", "+10"],
        "tickfont": {"size": TICK_FONT_SIZE},
        "showgrid": True,
        "gridcolor": GRID,
        "zeroline": False,
        "automargin": False,
        "ticklabelstandoff": TICK_STANDOFF,
    }


def narrow_layout(lanes, labels, window, months):
    """What chart.js changes below NARROW_PX (a phone): smaller type and margins, the
    temperature's short title, the bars' names from the left edge."""
    _vals, ticktext = lane_ticks(lanes)
    return {
        "width": NARROW_PX,
        "margin": {
            **NARROW_MARGIN,
            "l": left_margin(ticktext, NARROW_TICK_FONT_SIZE),
            "autoexpand": False,
        },
        "font_size": NARROW_FONT_SIZE,
        "tick_font_size": NARROW_TICK_FONT_SIZE,
        "tone_title": tone_titles(months)[1],
        "bar_labels": lanes_.narrow_bar_labels(labels, window),
    }
