"""The timeline figure for a filter, and for the window a reader has zoomed to.

One path (docs/architecture.md): TimelineFilter → selectors → charts.build_figure →
chart_svg (the static first paint) → template or JSON. This module decides, through marks.py, which events are drawn one by one and which
are counted, and caches the answer per data version of the pair (caching.py): the figure is the
expensive part of every dashboard, embed and htmx request.
"""

import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

from . import chart_svg, chart_text, charts, marks, selectors
from .caching import cached
from .chart_style import SYMBOL_PATHS
from .chart_view import view_window

# What django.utils.html.json_script escapes: the JSON cannot end its <script> element.
JSON_SCRIPT_ESCAPES = [(">", "\\u003E"), ("<", "\\u003C"), ("&", "\\u0026")]


@dataclass(frozen=True)
class Timeline:
    figure_json: str  # the Plotly figure as JSON text
    description: str  # the chart's text alternative
    totals: marks.Totals
    static_svg: str = ""  # the figure drawn at first paint (chart_svg.py), HTML
    legend: tuple = ()  # the HTML legend's entries (charts.legend)
    height: int = 0  # the chart's height in pixels, as the server lays it out

    @property
    def has_counts(self):
        """Whether the whole view counts events rather than drawing each (marks.py)."""
        return not marks.drawn_one_by_one(self.totals.count)

    @property
    def figure_script(self):
        """The figure as the page's <script id="timeline-figure"> data element."""
        escaped = self.figure_json
        for character, escape in JSON_SCRIPT_ESCAPES:  # str.replace: 40x faster than translate
            escaped = escaped.replace(character, escape)
        return mark_safe(f'<script id="timeline-figure" type="application/json">{escaped}</script>')


def filter_key(form):
    """The cleaned filters as a stable string: equal filters, one cache entry."""
    parts = []
    for name, value in sorted(form.cleaned_data.items()):
        if hasattr(value, "__iter__") and not isinstance(value, str):
            value = ",".join(sorted(str(getattr(v, "pk", v)) for v in value))
        parts.append(f"{name}={getattr(value, 'pk', value) or ''}")
    return "&".join(parts)


def cached_for(form, name, build, *more):
    """build() cached per filter (and `more`), language and data version of the form's
    pair: every answer about a filtered view is keyed this way."""
    return cached([name, filter_key(form), *more], build, codes=form.pair_codes)


def timeline_for(form, window=None):
    """The Timeline of a valid TimelineFilter; window: (first, last) day zoomed to, or None."""
    return cached_for(form, "timeline", lambda: build_timeline(form, window), window)


@dataclass(frozen=True)
class Overview:
    """What every window of one filter shares: computed once, cached."""

    countries: list  # [(code, name)]
    totals: marks.Totals
    terms: list
    disputes: list
    extent: tuple  # (first, last) day of the pair's events, whatever the other filters
    full: tuple  # (first, last) day of the whole view
    bins: list  # the whole view's events as counts, when too many to draw one by one
    tone_days: list


def overview_for(form):
    return cached_for(form, "overview", lambda: build_overview(form))


def build_overview(form):
    filters = form.cleaned_data
    codes = form.pair_codes
    names = selectors.countries(codes)
    events = selectors.matching_events(filters)
    totals = selectors.totals(events)
    # The axis fits the events the filters chose (a dispute's 2014–2017, not the pair's
    # 2010–2017); the office bands are clipped to it.
    extent = (totals.first, totals.last)
    view = (filters.get("from"), filters.get("to"))
    full = view_window([], view, extent=extent)
    bins = []
    if not marks.drawn_one_by_one(totals.count):
        unit = marks.bin_unit(full)
        bins = marks.bins_from_rows(selectors.event_bins(events, unit), unit)
    return Overview(
        countries=[(code, names[code].localized_name if code in names else code) for code in codes],
        totals=totals,
        terms=selectors.office_terms(codes),
        disputes=selectors.disputes_between(codes, filters.get("dispute")),
        extent=extent,
        full=full,
        bins=bins,
        tone_days=selectors.daily_tone(events),
    )


def window_marks(filters, window, overview):
    """(events drawn one by one, counts) for a zoomed window of a filter's events."""
    inside = selectors.matching_events(filters, window)
    # Outside the window, the overview's counts: the slider and a pan still show where
    # events are (those that straddle the window's edges are left to the window's own).
    outside = [b for b in overview.bins if b.end < window[0] or b.start > window[1]]
    # One pass over the filter: the window's first ids say whether its events can be drawn
    # one by one, and their details are then read by id.
    ids = list(
        inside.order_by("start", "pk").values_list("pk", flat=True)[: marks.EVENT_MARKS_MAX + 1]
    )
    if marks.drawn_one_by_one(len(ids)):
        return selectors.events_by_id(ids), outside
    unit = marks.bin_unit(window)
    return [], marks.bins_from_rows(selectors.event_bins(inside, unit), unit) + outside


def build_timeline(form, window=None):
    filters = form.cleaned_data
    overview = overview_for(form)
    totals = overview.totals
    events = selectors.matching_events(filters)
    if window:
        one_by_one, bins = window_marks(filters, window, overview)
    elif marks.drawn_one_by_one(totals.count):
        one_by_one, bins = list(selectors.with_hover(events).order_by("start", "pk")), []
    else:
        one_by_one, bins = [], overview.bins

    view = (filters.get("from"), filters.get("to"))
    figure = charts.build_figure(
        one_by_one,
        overview.terms,
        overview.disputes,
        countries=overview.countries,
        view=view,
        extent=overview.extent,
        bins=bins,
        kinds=list(totals.by_kind),
        tone_days=overview.tone_days,
        # Keep the reader's zoom while only kinds, people, tags or words change.
        uirevision="|".join([filters["pair"], str(view[0] or ""), str(view[1] or "")]),
        meta={  # chart.js reads these
            "detail_on_zoom": not marks.drawn_one_by_one(totals.count),
            "query": form.query_string(),  # the filters a window request repeats
            "window": [window[0].isoformat(), window[1].isoformat()] if window else None,
            "events_drawn": len(one_by_one),
            "events_counted": sum(b.n for b in bins),
        },
    )
    description = chart_text.describe(
        overview.terms,
        overview.disputes,
        countries=overview.countries,
        view=view,
        totals=totals,
        tone_days=overview.tone_days,
    )
    # The legend is HTML beside the chart: it leaves the figure for the template.
    legend = tuple(legend_entry(entry) for entry in figure["layout"]["meta"].pop("legend"))
    figure_json = json.dumps(
        figure, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")
    )
    title = " – ".join(name for _code, name in overview.countries)
    static = "" if window else chart_svg.render(figure, title, description)
    return Timeline(figure_json, description, totals, static, legend, figure["layout"]["height"])


def legend_entry(entry):
    """A legend entry with the path of its symbol, for the template's small SVG."""
    hollow = entry["symbol"].endswith("-open")
    return {
        **entry,
        "path": SYMBOL_PATHS[entry["symbol"].removesuffix("-open")],
        "fill": "none" if hollow else entry["colour"],
    }
