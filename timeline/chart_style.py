"""What the timeline chart looks like, in one place: colours, symbols, geometry and the
names of its traces. The Plotly figure (charts.py, chart_lanes.py), its static first paint
(chart_svg.py), the HTML legend and chart.js all read these.
"""

import html
from enum import StrEnum

from .models import Event

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
WHITE = "#ffffff"

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
DISPUTE_INK = "#78350f"
TONE_SCALE = [[0, "#b91c1c"], [0.5, "#d1d5db"], [1, "#1d4ed8"]]

# plotly.js 4.1.1's marker paths (src/components/drawing/symbol_defs.js) at radius 10:
# the static chart draws the very shapes Plotly will, scaled to each marker's size / 20.
SYMBOL_PATHS = {
    "dotted-line": "M-13,0H-9M-5,0H-1M3,0H7M11,0H13",  # the legend's uncertain dates
    "circle": "M10,0A10,10 0 1,1 0,-10A10,10 0 0,1 10,0Z",
    "square": "M10,10H-10V-10H10Z",
    "diamond": "M13,0L0,13L-13,0L0,-13Z",
    "cross": "M12,4H4V12H-4V4H-12V-4H-4V-12H4V-4H12Z",
    "x": "M0,5.66l5.66,5.66l5.66,-5.66l-5.66,-5.66l5.66,-5.66l-5.66,-5.66l-5.66,5.66l-5.66,-5.66"
    "l-5.66,5.66l5.66,5.66l-5.66,5.66l5.66,5.66Z",
    "triangle-up": "M-11.55,5H11.55L0,-10Z",
    "triangle-down": "M-11.55,-5H11.55L0,10Z",
    "pentagon": "M9.51,-3.09L5.88,8.09H-5.88L-9.51,-3.09L0,-10Z",
    "hexagon": "M8.66,-5V5L0,10L-8.66,5V-5L0,-10Z",
    "star": "M3.15,-4.33H13.31L5.08,1.65L8.23,11.33L0,5.35L-8.23,11.33L-5.08,1.65L-13.31,-4.33H-3.15L0,-14Z",
    "hourglass": "M10,10H-10L10,-10H-10Z",
}

# Marker sizes (Plotly's diameter in px).
EVENT_SIZE = 13
CANCELLED_SIZE = 14
BIN_SIZE_MIN, BIN_SIZE_SPREAD = 11, 15


class Trace(StrEnum):
    """The figure's traces, one per kind of lane whatever the number of kinds or disputes;
    each trace's `meta` holds its name, and layout.meta.trace_names hands them to
    chart.js and the bench."""

    OFFICE = "office"
    DISPUTE = "dispute"
    BAR_LABELS = "bar-labels"  # the names on the office and dispute bars
    EVENT_SPANS = "event-span"
    EVENTS = "events"  # cancelled ones too, hollow
    UNCERTAIN = "event-uncertainty"  # the dotted reach of "c.", "before", "between" dates
    BINNED = "events-binned"
    TONE = "tone"


TRACE_NAMES = {trace.name.lower(): trace.value for trace in Trace}

# Geometry, in CSS pixels: the figure is laid out on the server with fixed margins, so that
# Plotly draws it once (no automargin pass) and the static first paint can match it.
LANE_PX = 32
TONE_PX = 150
GAP_PX = 70  # between the lanes and the temperature: its title sits there
MARGIN = {"t": 8, "r": 16, "b": 30}
NARROW_MARGIN = {"t": 8, "r": 6, "b": 30}
FONT_SIZE, NARROW_FONT_SIZE = 13, 11
TICK_FONT_SIZE, NARROW_TICK_FONT_SIZE = 13, 10
TICK_STANDOFF = 6
NARROW_PX = 640  # chart.js and timeline.css switch to the phone layout below this width
# An upper bound of a character's width in em (DejaVu Sans, Chromium's system-ui on
# Debian, is among the widest): the lane labels must fit the margin they are given.
CHAR_EM = 0.62


def escape(text):
    """Curated text for Plotly's labels: shown as typed, never as markup.

    Plotly renders a subset of HTML in hover labels, annotations and text (<b>, <a href>,
    <span style>…): `<`, `>` and `&` must become entities. Only those: Plotly decodes
    &lt; &gt; &amp; and numeric references but not &quot;, which Django's escape() writes
    for `"` and which a reader would then see as "&quot;". A quote outside a tag is inert.
    """
    return html.escape(str(text), quote=False)


def text_px(text, size):
    """A generous estimate of the width of a line of text at a font size."""
    return len(str(text)) * size * CHAR_EM


def left_margin(labels, size):
    """The left margin that holds the lane labels (and the temperature's ticks)."""
    widest = max((text_px(label, size) for label in labels), default=0)
    return int(max(widest, text_px("+10", size)) + TICK_STANDOFF + 10)
