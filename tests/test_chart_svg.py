"""chart_svg.render: the figure drawn as static SVG for the first paint, from the figure dict."""

import re
from datetime import date

import pytest

from timeline import chart_svg, selectors
from timeline.models import Event

from . import factories as f
from .charting import build_figure

pytestmark = pytest.mark.django_db


def shipped():
    events = selectors.published_events({"pair": "FR-RU"})
    return build_figure(
        events,
        selectors.office_terms(["FR", "RU"]),
        selectors.disputes_between(["FR", "RU"]),
        countries=[("FR", "France"), ("RU", "Russia")],
    ), list(events)


def test_it_draws_every_event_lane_and_bar_of_the_figure(dataset):
    figure, events = shipped()
    svg = str(chart_svg.render(figure, "France – Russia", "The description."))
    assert svg.count('class="chart-static-mark"') == len(events)
    assert '<title id="chart-static-title">France – Russia</title>' in svg
    assert '<desc id="chart-static-desc">The description.</desc>' in svg
    assert 'role="img"' in svg
    for label in figure["layout"]["yaxis"]["ticktext"]:
        assert f">{label}</text>" in svg
    bars = sum(len(t["base"]) for t in figure["data"] if t["type"] == "bar")
    assert svg.count("<rect ") == bars
    # The margins Plotly is given, for a desktop and a phone.
    assert f"--l:{figure['layout']['margin']['l']}px" in svg
    assert f"--l-narrow:{figure['layout']['meta']['narrow']['margin']['l']}px" in svg


def test_marks_sit_where_plotly_puts_them():
    f.event("first", date(2016, 1, 1))
    middle = f.event("middle", date(2016, 7, 2), Event.Kind.MEETING)
    f.event("last", date(2016, 12, 31))
    figure = build_figure(Event.objects.all(), view=(date(2016, 1, 1), date(2017, 1, 1)))
    svg = str(chart_svg.render(figure, "t", "d"))
    frame = chart_svg.Frame(figure["layout"])
    xs = re.findall(r'<use class="chart-static-mark" href="#[^"]+" x="([^"]+)%" y="([^"]+)"', svg)
    assert [float(x) for x, _y in xs] == pytest.approx([0, 50, 99.7], abs=0.1)
    (markers,) = [t for t in figure["data"] if t["meta"] == "events"]
    i = markers["customdata"].index(middle.slug)
    layout = figure["layout"]
    top, plot_px = (
        layout["margin"]["t"],
        layout["height"] - layout["margin"]["t"] - layout["margin"]["b"],
    )
    d0, d1 = layout["yaxis"]["domain"]
    r0, r1 = layout["yaxis"]["range"]
    expected = top + plot_px * (1 - d1) + (markers["y"][i] - r1) / (r0 - r1) * plot_px * (d1 - d0)
    assert frame.y(markers["y"][i]) == pytest.approx(expected)
    assert float(xs[i][1]) == pytest.approx(expected, abs=0.01)


def test_curated_text_stays_text():
    f.dispute("row", date(2016, 1, 1), name='<script>alert(1)</script> & "co"')
    f.event("a", date(2016, 5, 1))
    figure = build_figure(Event.objects.all(), disputes=selectors.disputes_between(["FR", "RU"]))
    svg = str(chart_svg.render(figure, '"><script>', "<b>"))
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in svg
    assert '<title id="chart-static-title">&quot;&gt;&lt;script&gt;</title>' in svg


def test_a_view_at_the_end_of_the_calendar_still_draws():
    figure = build_figure([], view=(date(9999, 12, 31), date(9999, 12, 31)))
    assert "chart-static-svg" in str(chart_svg.render(figure, "t", "d"))
    figure = build_figure([], view=(date(1, 1, 1), date(9999, 12, 31)))
    assert (
        str(chart_svg.render(figure, "t", "d")).count('text-anchor="middle"') <= 12
    )  # ticks, not 10,000
