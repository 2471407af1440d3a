"""Many events in a real browser: counted marks, detail fetched on zoom, a paged list."""

import re

import pytest
from playwright.sync_api import expect

from timeline.synthetic import generate_events

pytestmark = pytest.mark.browser

MARKERS = "#timeline-chart .subplot.xy .scatterlayer .trace path.point"
COUNT = 1500  # over marks.EVENT_MARKS_MAX: the whole view counts them

TRACE_POINTS = """(metas) => {
  const gd = document.getElementById("timeline-chart");
  return gd.data.filter((t) => metas.includes(t.meta)).reduce((n, t) => n + t.x.length, 0);
}"""
RANGE = """() => document.getElementById("timeline-chart")._fullLayout.xaxis.range.map((d) => String(d).slice(0, 10))"""


@pytest.fixture
def many(shipped_dataset):
    generate_events(COUNT, seed=5)


def points(page, *metas):
    return page.evaluate(TRACE_POINTS, list(metas))


def test_zooming_in_fetches_the_events_one_by_one(open_page, many):
    page = open_page("/?pair=XA-XB")
    expect(page.locator("#event-count")).to_have_text(f"{COUNT} events")
    assert points(page, "events", "events-cancelled") == 0
    assert points(page, "events-binned") > 0

    with page.expect_response(re.compile(r"/chart/\?.*window_from=2010-03-01")) as answer:
        page.evaluate(
            """() => Plotly.relayout("timeline-chart", {"xaxis.range": ["2010-03-01", "2010-04-01"]})"""
        )
    assert answer.value.status == 200
    expect(page.locator("#timeline-chart[data-window='2010-03-01..2010-04-01']")).to_be_attached()
    assert points(page, "events", "events-cancelled") > 0  # drawn one by one now
    expect(page.locator(f"{MARKERS}:not([display='none'])").first).to_be_visible()
    assert page.evaluate(RANGE) == [
        "2010-03-01",
        "2010-04-01",
    ]  # the reader stays where they zoomed


def test_clicking_a_count_zooms_to_its_period(open_page, many):
    page = open_page("/?pair=XA-XB")
    page.locator("#timeline-chart").scroll_into_view_if_needed()
    # Where a count of the first counted lane is, in page pixels.
    x, y, first, last = page.evaluate("""() => {
      const gd = document.getElementById("timeline-chart");
      const trace = gd.data.find((t) => t.meta === "events-binned");
      const i = Math.floor(trace.x.length / 2);
      const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
      return [box.left + xa._offset + xa.l2p(xa.d2l(trace.x[i])), box.top + ya._offset + ya.l2p(ya.d2l(trace.y[i])),
              trace.customdata[i][0], trace.customdata[i][1]];
    }""")
    with page.expect_response(re.compile(r"/chart/\?")):
        page.mouse.click(x, y)
    expect(page.locator("#timeline-chart[data-window]")).to_be_attached()
    start, end = page.evaluate(RANGE)
    assert start == first and end > last
    assert points(page, "events", "events-cancelled") > 0


def test_the_list_pages_without_reloading_the_chart(open_page, many):
    page = open_page("/?pair=XA-XB")
    page.evaluate("window.__sentinel = 'still here'")
    expect(page.locator("ol.events > li")).to_have_count(50)
    first_row = page.locator("ol.events > li").first.text_content()
    page.get_by_role("link", name="Later →").first.click()
    page.wait_for_url(re.compile(r"page=2"))
    expect(page.locator(".pager-status").first).to_have_text(f"Page 2 of {COUNT // 50}")
    expect(page.locator("ol.events > li")).to_have_count(50)
    assert page.locator("ol.events > li").first.text_content() != first_row
    assert page.evaluate("window.__sentinel") == "still here"
    expect(page.locator("#timeline-chart[data-drawn]")).to_be_attached()
    assert points(page, "events-binned") > 0
