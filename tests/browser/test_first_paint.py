"""The timeline at first paint: the server's static SVG (timeline/chart_svg.py) shows the
chart before plotly.js has loaded, and Plotly then draws over it at the same places."""

import pytest
from playwright.sync_api import expect

from timeline import selectors

pytestmark = pytest.mark.browser

PLOTLY = "**/vendor/plotly-*.js"

# Centres of the event marks, in page pixels: the static <use> elements and Plotly's points
# share plotly.js's symbol paths, so the centres of their boxes correspond.
STATIC_MARKS = """() => [...document.querySelectorAll(".chart-static use.chart-static-mark")].map((m) => {
  const r = m.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];
})"""
PLOTLY_MARKS = """() => {
  const gd = document.getElementById("timeline-chart");
  const index = gd.data.findIndex((t) => t.meta === gd.layout.meta.trace_names.events);
  const trace = gd.querySelectorAll(".subplot.xy .scatterlayer .trace")[index - gd.data.filter(
    (t, i) => i < index && t.type === "bar").length];
  return [...trace.querySelectorAll("path.point")].map((m) => {
    const r = m.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];
  });
}"""
BOX = """(selector) => { const r = document.querySelector(selector).getBoundingClientRect();
  return [r.left, r.top, r.width, r.height]; }"""


def published():
    return list(selectors.published_events({"pair": "FR-RU"}))


def test_the_chart_is_on_screen_before_plotly_loads(open_page):
    page = open_page("/", chart=False)
    page.route(PLOTLY, lambda route: route.abort())
    page.reload()
    static = page.locator(".chart-static svg[role=img]")
    expect(static).to_be_visible()
    expect(page.locator("#chart-static-title")).to_have_text("France – Russia")
    assert "27 events" in page.locator("#chart-static-desc").text_content()
    expect(page.locator(".chart-static use.chart-static-mark")).to_have_count(len(published()))
    lanes = page.locator(".chart-static .chart-static-ticks text").all_text_contents()
    assert lanes[:3] == ["France", "Russia", "Disputes"]
    page.wait_for_function("performance.getEntriesByName('timeline:chart-visible').length === 1")
    assert page.evaluate("typeof window.Plotly") == "undefined"
    assert page.evaluate("performance.getEntriesByName('timeline:chart-ready').length") == 0


@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
def test_plotly_draws_over_it_without_a_jump(open_page, width, height):
    page = open_page("/", chart=False)
    page.set_viewport_size({"width": width, "height": height})
    page.route(PLOTLY, lambda route: route.abort())
    page.reload()
    expect(page.locator(".chart-static")).to_be_visible()
    static_marks = sorted(page.evaluate(STATIC_MARKS))
    static_box = page.evaluate(BOX, ".chart-static")

    page.unroute(PLOTLY)
    page.reload()
    expect(page.locator("#timeline-chart[data-drawn]")).to_be_attached(timeout=10_000)
    expect(page.locator(".chart-static")).to_be_hidden()  # Plotly's chart took its place
    plotly_marks = sorted(page.evaluate(PLOTLY_MARKS))
    chart_box = page.evaluate(BOX, "#timeline-chart")

    assert len(static_marks) == len(plotly_marks) == len(published())
    assert chart_box == pytest.approx(static_box, abs=1)  # same place, same size
    for (sx, sy), (px, py) in zip(static_marks, plotly_marks):
        assert sx == pytest.approx(px, abs=1.5) and sy == pytest.approx(py, abs=1.5), (
            width,
            (sx, sy),
            (px, py),
        )
    assert page.evaluate("performance.getEntriesByName('timeline:chart-visible').length") == 1
    assert page.evaluate("performance.getEntriesByName('timeline:chart-ready').length") == 1


def test_the_figure_has_one_trace_per_kind_of_lane(open_page):
    page = open_page("/")
    metas = page.evaluate("document.getElementById('timeline-chart').data.map((t) => t.meta)")
    # The Taormina summit (26–27 May 2017) lasts two days: its span is the one "event-span" bar.
    assert metas == ["office", "dispute", "bar-labels", "event-span", "events", "tone"]
    # No range slider or Plotly legend: the legend and the range buttons are HTML.
    expect(page.locator("#timeline-chart .rangeslider-container")).to_have_count(0)
    expect(page.locator("#timeline-chart .legend")).to_have_count(0)
    kinds = {event.kind for event in published()}
    expect(page.locator(".chart-legend li")).to_have_count(len(kinds) + 1)  # and the hollow marker


def test_the_range_buttons_zoom_and_the_bar_names_follow(open_page):
    page = open_page("/")
    full = page.evaluate("document.getElementById('timeline-chart').layout.meta.full_range")
    page.get_by_role("button", name="1 year", exact=True).click()
    page.wait_for_function(
        "(end) => { const r = document.getElementById('timeline-chart')._fullLayout.xaxis.range;"
        " return r[1].slice(0, 10) === end && r[0].slice(0, 4) === String(Number(end.slice(0, 4)) - 1); }",
        arg=full[1],
    )
    labels = page.evaluate(
        "(() => { const gd = document.getElementById('timeline-chart');"
        " return gd.data.find((t) => t.meta === 'bar-labels'); })()"
    )
    start = page.evaluate(
        "document.getElementById('timeline-chart')._fullLayout.xaxis.range[0].slice(0, 10)"
    )
    assert all(x >= start for x in labels["x"])  # every name at the visible start of its bar
    names = page.locator("#timeline-chart .scatterlayer .trace text").all_text_contents()
    assert "Hollande" in [n.strip() for n in names] and "Putin" in [n.strip() for n in names]
    page.get_by_role("button", name="All", exact=True).click()
    page.wait_for_function(
        "(begin) => document.getElementById('timeline-chart')._fullLayout.xaxis.range[0].slice(0, 10) === begin",
        arg=full[0],
    )
    page.get_by_role("button", name="Zoom in").click()
    page.wait_for_function(
        "(begin) => document.getElementById('timeline-chart')._fullLayout.xaxis.range[0].slice(0, 10) > begin",
        arg=full[0],
    )
