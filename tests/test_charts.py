"""charts.build_figure: a pure function from events, terms and disputes to a Plotly dict."""

import copy
import json
import re
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import pytest
from django.conf import settings

from timeline import chart_style, selectors
from timeline.chart_text import describe, participants_text
from timeline.chart_view import DAY_MS
from timeline.models import Event, Participation
from timeline.tone import latest_tone, rolling_tone

from . import factories as f
from .charting import build_figure

pytestmark = pytest.mark.django_db


def traces(figure, meta):
    return [t for t in figure["data"] if t.get("meta") == meta]


def lane_labels(figure):
    return figure["layout"]["yaxis"]["ticktext"]


def bar_names(figure, disputes=False):
    """[(y, name)] written on the office bars (or the dispute bars), top to bottom."""
    (labels,) = traces(figure, "bar-labels")
    return [
        (y, text.strip())
        for y, text, bar in zip(labels["y"], labels["text"], labels["customdata"])
        if bool(bar[2]) == disputes
    ]


def lane_of(figure, label):
    return figure["layout"]["yaxis"]["tickvals"][lane_labels(figure).index(label)]


def bars_on(trace, y):
    """The bars of a trace in one lane, as a trace of their own (base, x, hovertext)."""
    at = [i for i, value in enumerate(trace["y"]) if value == y]
    return {key: [trace[key][i] for i in at] for key in ("base", "x", "hovertext") if key in trace}


def bar_end(bar, i=0):
    start = date.fromisoformat(bar["base"][i])
    return start.toordinal() + bar["x"][i] // DAY_MS


def france_russia_figure(**filters):
    filters = {"pair": "FR-RU", **filters}
    events = selectors.published_events(filters)
    terms = selectors.office_terms(["FR", "RU"])
    disputes = selectors.disputes_between(["FR", "RU"], filters.get("dispute"))
    return build_figure(
        events,
        terms,
        disputes,
        countries=[("FR", "France"), ("RU", "Russia")],
        view=(filters.get("from"), filters.get("to")),
    ), list(events)


def assert_valid_plotly(figure):
    """plotly.py validates every property."""
    go.Figure(copy.deepcopy(figure))


def test_it_is_plain_json_and_valid_plotly(dataset):
    figure, _events = france_russia_figure()
    assert json.loads(json.dumps(figure)) == figure
    assert_valid_plotly(figure)


def test_it_draws_lanes_offices_then_disputes_then_kinds(dataset):
    figure, events = france_russia_figure()
    labels = lane_labels(figure)
    assert labels[:2] == ["France", "Russia"]
    assert labels[2] == "Disputes"
    kinds = {Event.Kind(e.kind).label.capitalize() for e in events}
    assert set(labels[3:]) == kinds
    # Offices are at the top (the y axis runs downwards), kinds below the disputes.
    office_y = max(y for t in traces(figure, "office") for y in t["y"])
    dispute_y = [y for t in traces(figure, "dispute") for y in t["y"]]
    event_y = [y for t in traces(figure, "events") for y in t["y"]]
    assert office_y < min(dispute_y) and max(dispute_y) < min(event_y)
    assert figure["layout"]["yaxis"]["range"][0] > figure["layout"]["yaxis"]["range"][1]


def test_it_shows_the_leading_office_of_each_country(dataset):
    figure, _events = france_russia_figure()
    names = bar_names(figure)
    france, russia = lane_of(figure, "France"), lane_of(figure, "Russia")
    assert [name for y, name in names if y == france] == ["Sarkozy", "Hollande", "Macron"]
    # Russia's lane is the presidency: Medvedev then Putin, not Putin as prime minister or
    # the foreign ministry's spokeswoman.
    assert [name for y, name in names if y == russia] == ["Medvedev", "Putin"]
    (offices,) = traces(figure, "office")
    russia = bars_on(offices, russia)
    assert "President of Russia" in russia["hovertext"][1]


def test_it_clips_office_terms_and_runs_open_ones_to_the_end_of_the_view(dataset):
    figure, _events = france_russia_figure(**{"from": date(2016, 1, 1), "to": date(2017, 12, 31)})
    (offices,) = traces(figure, "office")
    france = bars_on(offices, lane_of(figure, "France"))
    assert [name for y, name in bar_names(figure) if y == lane_of(figure, "France")] == [
        "Hollande",
        "Macron",
    ]
    assert france["base"][0] == "2016-01-01"  # Hollande since 2012, drawn from the view start
    assert france["base"][1] == "2017-05-14"
    assert bar_end(france, 1) == date(2017, 12, 31).toordinal()  # Macron, still in office
    assert "since 14 May 2017" in france["hovertext"][1]  # the hover keeps the true dates


def test_it_draws_disputes_ongoing_to_the_end_of_the_view(dataset):
    figure, _events = france_russia_figure(to=date(2017, 12, 31))
    (trace,) = traces(figure, "dispute")
    disputes = {slug: bars_on(trace, y) for slug, y in zip(trace["customdata"], trace["y"])}
    assert set(disputes) == {"syria", "ukraine-crimea", "election-interference", "chechnya-lgbt"}
    syria = disputes["syria"]
    assert syria["base"] == ["2015-09-30"]
    assert bar_end(syria) == date(2017, 12, 31).toordinal()
    assert "ongoing" in syria["hovertext"][0]
    hack = disputes["election-interference"]
    assert hack["base"] == ["2017-04-23"]
    assert bar_end(hack) == date(2017, 5, 29).toordinal()
    assert "ongoing" not in hack["hovertext"][0]
    labels = [name for _y, name in bar_names(figure, disputes=True)]
    assert "Syria and Aleppo (ongoing)" in labels


def test_it_draws_one_marker_per_event_carrying_its_slug(dataset):
    figure, events = france_russia_figure()
    markers = traces(figure, "events")
    slugs = [slug for t in markers for slug in t["customdata"]]
    assert sorted(slugs) == sorted(e.slug for e in events)
    assert len(slugs) == 27  # every published event of the shipped dataset


def test_each_kind_has_its_own_colour_symbol_and_legend_entry(dataset):
    figure, events = france_russia_figure()
    legend = figure["layout"]["meta"]["legend"]
    kinds = {e.kind for e in events}
    assert [entry["kind"] for entry in legend] == [
        k for k in chart_style.KIND_ORDER if k in kinds
    ] + ["cancelled"]
    assert {(entry["colour"], entry["symbol"]) for entry in legend[:-1]} == {
        chart_style.KIND_STYLE[k] for k in kinds
    }
    assert len(set(chart_style.KIND_STYLE.values())) == len(chart_style.KIND_STYLE)  # no two alike
    assert legend[-1]["label"] == "Cancelled (hollow)" and legend[-1]["symbol"] == "circle-open"
    (markers,) = traces(figure, "events")
    for event, symbol, colour in zip(
        events, markers["marker"]["symbol"], markers["marker"]["color"]
    ):
        assert (colour, symbol.removesuffix("-open")) == chart_style.KIND_STYLE[event.kind]


def test_the_trace_count_does_not_grow_with_kinds_or_disputes(db):
    one_kind = build_figure(
        [f.event("a", date(2017, 1, 1))], disputes=[f.dispute("one", date(2016, 1, 1))]
    )
    assert {t["meta"] for t in one_kind["data"]} == {"dispute", "bar-labels", "events", "tone"}
    events = f.many_events(22)  # all eleven kinds, some cancelled
    disputes = [f.dispute(f"row-{i}", date(2010, 1 + i, 1)) for i in range(6)]
    every_kind = build_figure(events, disputes=disputes)
    assert len(one_kind["data"]) <= len(every_kind["data"]) <= 7
    assert {t["meta"] for t in every_kind["data"]} <= set(chart_style.TRACE_NAMES.values())
    assert len(every_kind["layout"]["meta"]["legend"]) == 12  # every kind and the hollow marker
    assert every_kind["layout"]["meta"]["trace_names"]["events"] == "events"


def test_the_layout_is_fixed_on_the_server_so_plotly_draws_once(dataset):
    figure, _events = france_russia_figure()
    layout = figure["layout"]
    assert layout["margin"]["autoexpand"] is False
    assert not layout["xaxis"]["automargin"] and not layout["yaxis"]["automargin"]
    assert "rangeslider" not in layout["xaxis"] and "rangeselector" not in layout["xaxis"]
    assert layout["showlegend"] is False
    # The left margin holds the widest lane label, on a desktop and on a phone.
    widest = max(len(label) for label in lane_labels(figure))
    assert layout["margin"]["l"] >= widest * 13 * 0.55
    assert layout["meta"]["narrow"]["margin"]["l"] >= widest * 10 * 0.55
    assert layout["meta"]["narrow"]["margin"]["l"] < layout["margin"]["l"]


def test_cancelled_events_are_hollow_and_say_so(dataset):
    figure, _events = france_russia_figure()
    (markers,) = traces(figure, "events")
    hollow = [i for i, symbol in enumerate(markers["marker"]["symbol"]) if symbol.endswith("-open")]
    assert len(hollow) == 1 and "cancel" in markers["customdata"][hollow[0]]
    assert "Cancelled: did not take place" in markers["hovertext"][hollow[0]]
    assert sum("Cancelled:" in hover for hover in markers["hovertext"]) == 1


def test_hover_has_title_date_place_participants_and_dispute(dataset):
    figure, events = france_russia_figure()
    versailles = next(e for e in events if "Versailles" in e.title)
    trace = next(t for t in traces(figure, "events") if versailles.slug in t["customdata"])
    hover = trace["hovertext"][trace["customdata"].index(versailles.slug)]
    assert "Macron hosts Putin at Versailles" in hover
    assert "29 May 2017" in hover
    assert "Versailles" in hover
    assert "Emmanuel Macron (host)" in hover
    assert "Dispute:" in hover and "Syria and Aleppo" in hover
    # The same words close every event's hover: written once, in the trace's template.
    assert (
        trace["hovertemplate"]
        == "%{hovertext}<br><span style='color:#6b7280'>Click for details</span><extra></extra>"
    )
    assert "Click for details" not in hover


def test_a_month_precision_event_is_drawn_as_its_month():
    october = f.event(
        "Talks sometime in October", date(2016, 10, 1), Event.Kind.MEETING, date_precision="month"
    )
    july = f.event("A visit in 2015", date(2015, 1, 1), Event.Kind.VISIT, date_precision="year")
    figure = build_figure(Event.objects.all(), countries=[("FR", "France"), ("RU", "Russia")])
    (markers,) = traces(figure, "events")
    meeting, visit = (markers["customdata"].index(e.slug) for e in (october, july))
    assert markers["x"][meeting] == "2016-10-16"  # the middle of the month, not the 1st
    assert "October 2016" in markers["hovertext"][meeting]
    assert "1 October" not in markers["hovertext"][meeting]
    assert "date known to the month" in markers["hovertext"][meeting]
    (spans,) = traces(figure, "event-span")
    spans = {lane: bars_on(spans, lane_of(figure, lane)) for lane in ("Meeting", "Visit")}
    assert spans["Meeting"]["base"] == ["2016-10-01"]
    assert bar_end(spans["Meeting"]) == date(2016, 11, 1).toordinal()  # through 31 October
    assert markers["x"][visit] == "2015-07-02"
    assert (
        "2015" in markers["hovertext"][visit]
        and "date known to the year" in markers["hovertext"][visit]
    )
    assert bar_end(spans["Visit"]) == date(2016, 1, 1).toordinal()


def test_a_day_event_has_no_span_and_a_multi_day_one_has():
    f.event("One day", date(2017, 5, 29))
    summit = f.event("Summit", date(2017, 5, 26), Event.Kind.SUMMIT, end=date(2017, 5, 27))
    figure = build_figure(Event.objects.all())
    (spans,) = traces(figure, "event-span")
    assert spans["base"] == ["2017-05-26"] and spans["y"] == [lane_of(figure, "Summit")]
    (markers,) = traces(figure, "events")
    assert "26–27 May 2017" in markers["hovertext"][markers["customdata"].index(summit.slug)]


def test_events_on_the_same_day_do_not_hide_each_other():
    for i in range(3):
        f.event(f"Statement {i}", date(2017, 5, 29), Event.Kind.STATEMENT)
    figure = build_figure(Event.objects.all())
    (statements,) = traces(figure, "events")
    assert len(set(statements["y"])) == 3


def test_the_relations_temperature_is_a_rolling_mean_of_tone():
    f.event("a", date(2017, 1, 1), tone=4)
    f.event("b", date(2017, 2, 1), tone=-2)
    f.event("c", date(2017, 3, 1), tone=-8)
    f.event("d", date(2018, 6, 1), tone=6)  # more than six months later: the line breaks
    figure = build_figure(Event.objects.all())
    (tone,) = traces(figure, "tone")
    assert tone["yaxis"] == "y2"
    assert tone["x"] == ["2017-01-01", "2017-02-01", "2017-03-01", None, "2018-06-01"]
    assert tone["y"] == [4.0, 1.0, -2.0, None, 6.0]
    # How many events, and the tone written with the minus sign (Plotly's format writes "-").
    assert tone["customdata"] == [[1, "+4.0"], [2, "+1.0"], [3, "−2.0"], [None, None], [1, "+6.0"]]
    assert "−10 (conflict)" in figure["layout"]["annotations"][0]["text"]
    assert figure["layout"]["yaxis2"]["range"] == [-11, 11]


def test_rolling_tone_keeps_one_point_per_day_and_drops_old_events():
    events = [
        f.event(str(i), day, tone=t)
        for i, (day, t) in enumerate(
            [
                (date(2016, 1, 1), -10),
                (date(2016, 9, 1), 2),
                (date(2016, 9, 1), 4),
            ]
        )
    ]
    days = selectors.daily_tone(Event.objects.filter(pk__in=[e.pk for e in events]))
    assert rolling_tone(days) == [(date(2016, 1, 1), -10.0, 1), (date(2016, 9, 1), 3.0, 2)]


def test_it_keeps_the_zoom_and_hands_the_whole_view_to_the_range_buttons():
    f.event("a", date(2017, 1, 1))
    figure = build_figure(Event.objects.all(), uirevision="FR-RU||")
    xaxis = figure["layout"]["xaxis"]
    assert figure["layout"]["meta"]["full_range"] == xaxis["range"]
    assert figure["layout"]["uirevision"] == xaxis["uirevision"] == "FR-RU||"
    assert figure["layout"]["yaxis2"]["domain"][1] < figure["layout"]["yaxis"]["domain"][0]


def test_the_view_follows_the_filters_dates():
    f.event("a", date(2017, 1, 1))
    figure = build_figure(Event.objects.all(), view=(date(2016, 1, 1), date(2018, 1, 1)))
    assert figure["layout"]["xaxis"]["range"] == ["2016-01-01", "2018-01-01"]


def test_the_view_is_the_whole_timeline_when_given_its_extent():
    f.event("a", date(2017, 1, 1))
    figure = build_figure(Event.objects.all(), extent=(date(2010, 2, 8), date(2017, 5, 29)))
    start, end = figure["layout"]["xaxis"]["range"]
    assert start[:7] in ("2009-12", "2010-01")
    assert end > "2017-05-29"


def test_no_events_still_draws_and_says_so():
    f.term("François Hollande", "President of France", "FR", date(2012, 5, 15), date(2017, 5, 14))
    figure = build_figure(
        [],
        selectors.office_terms(["FR"]),
        countries=[("FR", "France")],
        view=(date(2016, 1, 1), date(2016, 12, 31)),
    )
    assert traces(figure, "events") == []
    assert any("No events match" in a["text"] for a in figure["layout"]["annotations"])
    assert [name for _y, name in bar_names(figure)] == ["Hollande"]
    assert_valid_plotly(figure)


def test_titles_are_escaped_in_hover():
    f.event("<script>alert(1)</script> & co", date(2017, 1, 1))
    figure = build_figure(Event.objects.all())
    (markers,) = traces(figure, "events")
    assert "<script>" not in markers["hovertext"][0]
    assert "&lt;script&gt;" in markers["hovertext"][0]


def test_the_text_alternative_says_what_the_chart_shows(dataset):
    events = selectors.matching_events({"pair": "FR-RU"})
    text = describe(
        selectors.office_terms(["FR", "RU"]),
        selectors.disputes_between(["FR", "RU"]),
        countries=[("FR", "France"), ("RU", "Russia")],
        totals=selectors.totals(events),
        tone_days=selectors.daily_tone(events),
    )
    assert text.startswith("Timeline of France – Russia relations from")
    assert "27 events" in text and "1 was cancelled" in text
    assert "Hollande" in text and "Putin" in text
    assert "Syria and Aleppo" in text
    assert "listed below" in text


def test_participants_are_named_with_roles():
    putin = f.person("Vladimir Putin", "RU")
    e = f.event("Visit", date(2017, 5, 29), people=[(putin, Participation.Role.GUEST)])
    assert participants_text(e) == "Vladimir Putin (guest)"


def test_the_latest_tone_is_the_last_point_of_the_rolling_tone():
    days = [
        (date(2016, 1, 1), -10, 1),
        (date(2016, 6, 1), 4, 2),
        (date(2016, 9, 1), 3, 1),
        (date(2017, 6, 1), 8, 2),
    ]
    assert latest_tone(days) == rolling_tone(days)[-1][1] == 4.0
    assert latest_tone(days[:3]) == rolling_tone(days[:3])[-1][1]
    assert latest_tone([]) is None


def test_the_stylesheet_colours_each_kind_as_the_chart_does():
    """The list's and the panel's kind swatches (timeline.css) and the chart's markers
    (chart_style.KIND_STYLE) must show a kind in one colour: the stylesheet follows the
    chart's table, and this test says where they differ."""
    css = (Path(settings.BASE_DIR) / "static" / "timeline" / "timeline.css").read_text()
    written = dict(re.findall(r"\.kind-([a-z]+) \{ --k: (#[0-9a-f]{6}); \}", css))
    expected = {kind.value: colour for kind, (colour, _symbol) in chart_style.KIND_STYLE.items()}
    assert written == expected
