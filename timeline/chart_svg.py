"""The timeline at first paint: the Plotly figure (charts.build_figure) drawn as a static SVG
in the page's HTML, from the very same figure dict, so that readers see the chart before
plotly.js has loaded; Plotly then draws over it at the same places and the stylesheet
hides it (timeline.css: `.timeline-chart[data-drawn] + .chart-static`).

The server does not know the page's width. Plotly places a point at
margin.l + f × (width − margin.l − margin.r); here the plot area is a box with those
margins (CSS variables, phone margins by media query) and every x is a percentage f of it,
so the marks land where Plotly puts them at any width. Heights are fixed in pixels, as in
the figure. Text is already escaped for Plotly (chart_style.escape), which is valid HTML
text; attributes are escaped here.
"""

import re
from datetime import date
from html import escape as attr

from django.utils import formats
from django.utils.safestring import mark_safe

from .chart_style import (
    FONT,
    GRID,
    INK,
    MUTED,
    NARROW_TICK_FONT_SIZE,
    SYMBOL_PATHS,
    TICK_FONT_SIZE,
    TICK_STANDOFF,
    TONE_SCALE,
    WHITE,
    Trace,
)
from .chart_view import DAY_MS
from .models import TONE_MAX, TONE_MIN

EPOCH = date(1970, 1, 1).toordinal()


def day_ms(value):
    return (date.fromisoformat(str(value)[:10]).toordinal() - EPOCH) * DAY_MS


def num(value):
    """A coordinate, short: 12.5 rather than 12.500000001."""
    return f"{value:.3f}".rstrip("0").rstrip(".")


class Frame:
    """Where figure values land: x as a percentage of the plot area, y in pixels."""

    def __init__(self, layout):
        self.height = layout["height"]
        margin = layout["margin"]
        self.top, self.plot_px = margin["t"], layout["height"] - margin["t"] - margin["b"]
        self.x0, self.x1 = (day_ms(v) for v in layout["xaxis"]["range"])
        self.x1 = max(self.x1, self.x0 + DAY_MS)  # a one-day view (from = to): a day wide
        self.axes = {"y": layout["yaxis"], "y2": layout["yaxis2"]}

    def x(self, value):
        return num((day_ms(value) - self.x0) / (self.x1 - self.x0) * 100) + "%"

    def x_span(self, base, duration_ms):
        start = (day_ms(base) - self.x0) / (self.x1 - self.x0) * 100
        return num(start) + "%", num(duration_ms / (self.x1 - self.x0) * 100) + "%"

    def y(self, value, axis="y"):
        d0, d1 = self.axes[axis]["domain"]
        r0, r1 = self.axes[axis]["range"]
        return (
            self.top + self.plot_px * (1 - d0) - (value - r0) / (r1 - r0) * self.plot_px * (d1 - d0)
        )

    def panel(self, axis):
        """(top, height) in pixels of the panel of a y axis."""
        d0, d1 = self.axes[axis]["domain"]
        return self.top + self.plot_px * (1 - d1), self.plot_px * (d1 - d0)

    def y_scale(self, axis="y"):
        """Pixels per unit of the axis (a bar's width is in axis units)."""
        return abs(self.y(1, axis) - self.y(0, axis))


def plain(text):
    """Plotly's label markup (<b>, <i>, <br> from our own code; curated text is escaped)
    as SVG text content."""
    text = text.replace("<b>", '<tspan font-weight="700">').replace("</b>", "</tspan>")
    text = text.replace("<i>", '<tspan font-style="italic">').replace("</i>", "</tspan>")
    return re.sub(r"<(?!/?tspan)[^>]*>", "", text)


def bars(trace, frame, opacity=1):
    marker = trace["marker"]
    colours = (
        marker["color"]
        if isinstance(marker["color"], list)
        else [marker["color"]] * len(trace["y"])
    )
    line = marker.get("line", {})
    half = trace["width"] * frame.y_scale() / 2
    stroke = (
        f' stroke="{attr(line["color"])}" stroke-width="{line["width"]}"'
        if line.get("width")
        else ""
    )
    parts = [f'<g opacity="{marker.get("opacity", opacity)}"{stroke}>']
    for base, duration, y, colour in zip(trace["base"], trace["x"], trace["y"], colours):
        x, width = frame.x_span(base, duration)
        parts.append(
            f'<rect x="{x}" width="{width}" y="{num(frame.y(y) - half)}" height="{num(2 * half)}" fill="{attr(colour)}"/>'
        )
    return "".join(parts) + "</g>"


def bar_labels(trace, frame, texts=None, xs=None, positions=None, css=""):
    texts, xs = texts or trace["text"], xs or trace["x"]
    positions = positions or trace["textposition"]
    colours = trace["textfont"]["color"]
    parts = [f'<g class="{css}" font-size="{trace["textfont"]["size"]}">']
    for x, y, text, position, colour in zip(xs, trace["y"], texts, positions, colours):
        anchor = "end" if position.endswith("left") else "start"
        parts.append(
            f'<text x="{frame.x(x)}" y="{num(frame.y(y))}" dy="0.35em" text-anchor="{anchor}" '
            f'fill="{attr(colour)}" xml:space="preserve">{text}</text>'
        )
    return "".join(parts) + "</g>"


def mark_def(key, style):
    """One marker style (symbol, size, fill, line colour and width) as a shape at the origin,
    which the marks of that style <use>."""
    symbol, size, fill, stroke, stroke_width = style
    shape = symbol.removesuffix("-open")
    hollow = symbol.endswith("-open")
    return (
        f'<path id="{key}" d="{SYMBOL_PATHS[shape]}" transform="scale({num(size / 20)})" vector-effect="non-scaling-stroke" '
        f'fill="{"none" if hollow else attr(fill)}" stroke="{attr(stroke)}" stroke-width="{stroke_width}"/>'
    )


def event_marks(trace, frame, defs):
    """Each event as a <use> of its style's shape (a few styles, many marks)."""
    marker = trace["marker"]
    parts = []
    styles = zip(
        marker["symbol"],
        marker["size"],
        marker["color"],
        marker["line"]["color"],
        marker["line"]["width"],
    )
    for x, y, style in zip(trace["x"], trace["y"], styles):
        if style not in defs:
            defs[style] = f"chart-mark-{len(defs)}"
        parts.append(
            f'<use class="chart-static-mark" href="#{defs[style]}" x="{frame.x(x)}" y="{num(frame.y(y))}"/>'
        )
    return "".join(parts)


def binned_marks(trace, frame):
    marker = trace["marker"]
    parts = [f'<g opacity="{marker["opacity"]}" stroke="{WHITE}" stroke-width="1">']
    texts = trace.get("text") or [""] * len(trace["x"])
    for x, y, size, colour, text in zip(
        trace["x"], trace["y"], marker["size"], marker["color"], texts
    ):
        cx, cy = frame.x(x), num(frame.y(y))
        parts.append(
            f'<circle class="chart-static-mark" cx="{cx}" cy="{cy}" r="{num(size / 2)}" fill="{attr(colour)}"/>'
        )
        if text:
            parts.append(
                f'<text x="{cx}" y="{cy}" dy="0.35em" text-anchor="middle" fill="{WHITE}" stroke="none" font-size="10">{text}</text>'
            )
    return "".join(parts) + "</g>"


def tone_line(trace, frame):
    """The temperature as polylines in a box stretched to the plot's width (the stroke
    keeps its width), its dots as circles."""
    top, height = frame.panel("y2")
    segments, current = [], []
    for x, y in zip(trace["x"], trace["y"]):
        if x is None:
            segments.append(current)
            current = []
        else:
            x_pct = (day_ms(x) - frame.x0) / (frame.x1 - frame.x0) * 10000
            current.append(f"{num(x_pct)},{num(frame.y(y, 'y2') - top)}")
    segments.append(current)
    lines = "".join(
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{INK}" stroke-width="2" vector-effect="non-scaling-stroke"/>'
        for points in segments
        if points
    )
    parts = [
        f'<svg y="{num(top)}" width="100%" height="{num(height)}" viewBox="0 0 10000 {num(height)}" preserveAspectRatio="none">{lines}</svg>'
    ]
    if trace["marker"]:
        for x, y in zip(trace["x"], trace["y"]):
            if x is not None:
                parts.append(
                    f'<circle cx="{frame.x(x)}" cy="{num(frame.y(y, "y2"))}" r="3" fill="{tone_colour(y)}"/>'
                )
    return "".join(parts)


def tone_colour(value):
    """A dot's colour on the figure's scale (chart_style.TONE_SCALE, from −10 to +10)."""
    share = (value - TONE_MIN) / (TONE_MAX - TONE_MIN)
    (s0, c0), (s1, c1) = (
        next((a, b) for a, b in zip(TONE_SCALE, TONE_SCALE[1:]) if share <= b[0])
        if share <= 1
        else (TONE_SCALE[-2], TONE_SCALE[-1])
    )
    t = min(max((share - s0) / (s1 - s0), 0), 1)
    low, high = (
        (int(c0[i : i + 2], 16) for i in (1, 3, 5)),
        (int(c1[i : i + 2], 16) for i in (1, 3, 5)),
    )
    return "#" + "".join(f"{round(p + (q - p) * t):02x}" for p, q in zip(low, high))


def date_ticks(start_ms, end_ms):
    """[(day, label, major)] of the x axis: years over a long view, else months; Plotly
    picks its own ticks for the width it has, these are close to its choice on a desktop
    (a phone keeps only the major ones)."""
    first, last = (
        date.fromordinal(min(int(ms // DAY_MS) + EPOCH, date.max.toordinal()))
        for ms in (start_ms, end_ms)
    )
    if (last - first).days > 3 * 365:
        step = next(n for n in NICE_STEPS if (last.year - first.year) / n <= 10)
        first_year = first.year + (first > date(first.year, 1, 1))
        years = range(first_year + (-first_year % step), last.year + 1, step)
        return [(date(y, 1, 1), str(y), i % 2 == len(years) % 2) for i, y in enumerate(years)]
    step = max(1, round((last - first).days / 30.4 / 8))
    months, month = [], date(first.year, first.month, 1)
    while month and month <= last:
        if month >= first and (month.month - 1) % step == 0:
            months.append(month)
        month = next_month(month)
    return [(d, formats.date_format(d, "M Y"), i % 2 == 0) for i, d in enumerate(months)]


NICE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]


def next_month(day):
    """The first of the next month, None past the end of the calendar."""
    if day.month < 12:
        return date(day.year, day.month + 1, 1)
    return date(day.year + 1, 1, 1) if day.year < date.max.year else None


def axes(layout, frame):
    """Grid, ticks and lane labels, which Plotly draws under and around the traces."""
    parts = []
    bottom = frame.height - layout["margin"]["b"]
    for axis in ("y", "y2"):
        top, height = frame.panel(axis)
        for day, label, major in date_ticks(frame.x0, frame.x1):
            x = frame.x(day.isoformat())
            parts.append(
                f'<line x1="{x}" x2="{x}" y1="{num(top)}" y2="{num(top + height)}" stroke="{GRID}"/>'
            )
            if axis == "y2":
                css = "" if major else ' class="wide-only"'
                parts.append(
                    f'<text{css} x="{x}" y="{num(bottom + 18)}" text-anchor="middle" fill="{INK}">{attr(label)}</text>'
                )
    for value in layout["yaxis2"]["tickvals"]:
        y = num(frame.y(value, "y2"))
        parts.append(f'<line x1="0" x2="100%" y1="{y}" y2="{y}" stroke="{GRID}"/>')
    parts.append(f'<line x1="0" x2="100%" y1="{num(bottom)}" y2="{num(bottom)}" stroke="{MUTED}"/>')
    parts.append(f'<g class="chart-static-ticks" text-anchor="end" fill="{INK}">')
    for axis, key in (("y", "yaxis"), ("y2", "yaxis2")):
        for value, text in zip(layout[key]["tickvals"], layout[key]["ticktext"]):
            parts.append(
                f'<text x="{-TICK_STANDOFF - 2}" y="{num(frame.y(value, axis))}" dy="0.35em">{text}</text>'
            )
    return "".join(parts) + "</g>"


def shapes(layout, frame):
    parts = []
    for shape in layout["shapes"]:
        y = num(frame.y(shape["y0"], shape["yref"]))
        dash = ' stroke-dasharray="2 2"' if shape["line"].get("dash") else ""
        parts.append(
            f'<line x1="0" x2="100%" y1="{y}" y2="{y}" stroke="{attr(shape["line"]["color"])}"{dash}/>'
        )
    return "".join(parts)


def notes(layout, narrow, frame):
    """The temperature's title (wide and phone wordings) and the 'no events' note."""
    parts = []
    for note in layout["annotations"]:
        y = frame.top + frame.plot_px * (1 - note["y"])
        if note["name"] == "tone-title":
            for css, text in (("wide-only", note["text"]), ("narrow-only", narrow["tone_title"])):
                lines = text.split("<br>")
                parts.append(
                    f'<text class="{css} chart-static-note" y="{num(y - 6)}" fill="{INK}">'
                )
                parts.extend(
                    f'<tspan x="0" dy="{num(-(len(lines) - 1 - i) * 1.2 if i == 0 else 1.2)}em">{plain(line)}</tspan>'
                    for i, line in enumerate(lines)
                )
                parts.append("</text>")
        else:
            parts.append(
                f'<text x="50%" y="{num(y)}" text-anchor="middle" fill="{MUTED}" font-size="15">{plain(note["text"])}</text>'
            )
    return "".join(parts)


def traces(figure, frame):
    """The traces, in Plotly's order, the lanes' ones clipped to their panel as Plotly
    clips them (cliponaxis)."""
    narrow = figure["layout"]["meta"]["narrow"]
    top, height = frame.panel("y")
    defs, lanes, tone = {}, [], ""
    for trace in figure["data"]:
        name = trace["meta"]
        if name in (Trace.OFFICE, Trace.DISPUTE, Trace.EVENT_SPANS):
            lanes.append(bars(trace, frame))
        elif name == Trace.BAR_LABELS:
            lanes.append(bar_labels(trace, frame, css="wide-only"))
            lanes.append(
                bar_labels(
                    trace,
                    frame,
                    texts=narrow["bar_labels"]["text"],
                    xs=narrow["bar_labels"]["x"],
                    positions=["middle right"] * len(trace["x"]),
                    css="narrow-only",
                )
            )
        elif name == Trace.EVENTS:
            lanes.append(event_marks(trace, frame, defs))
        elif name == Trace.BINNED:
            lanes.append(binned_marks(trace, frame))
        elif name == Trace.TONE:
            tone = tone_line(trace, frame)
    shapes_ = "".join(mark_def(key, style) for style, key in defs.items())
    clipped = f'<svg y="{num(top)}" width="100%" height="{num(height)}" overflow="hidden"><g transform="translate(0 {num(-top)})">'
    return f"<defs>{shapes_}</defs>{clipped}{''.join(lanes)}</g></svg>{tone}"


def render(figure, title, description):
    """The static chart as HTML: a box the size of the figure, holding one SVG drawn in
    the plot area (its labels overflow into the margins, as Plotly's do)."""
    layout = figure["layout"]
    frame = Frame(layout)
    wide, narrow = layout["margin"], layout["meta"]["narrow"]["margin"]
    box = (
        f"height:{frame.height}px;--l:{wide['l']}px;--r:{wide['r']}px;"
        f"--l-narrow:{narrow['l']}px;--r-narrow:{narrow['r']}px;"
        f"--tick:{TICK_FONT_SIZE}px;--tick-narrow:{NARROW_TICK_FONT_SIZE}px"
    )
    return mark_safe(
        f'<div class="chart-static" style="{box}">'
        f'<svg class="chart-static-svg" role="img" aria-labelledby="chart-static-title chart-static-desc" '
        f'font-family="{attr(FONT)}" font-size="12" overflow="visible">'
        f'<title id="chart-static-title">{attr(title)}</title><desc id="chart-static-desc">{attr(description)}</desc>'
        f"{axes(layout, frame)}{traces(figure, frame)}{shapes(layout, frame)}"
        f"{notes(layout, layout['meta']['narrow'], frame)}</svg></div>"
    )
