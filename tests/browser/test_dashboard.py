"""The dashboard in a real browser: Plotly draws, htmx swaps, history, details, a11y, phone."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from timeline import selectors
from timeline.models import Event

pytestmark = pytest.mark.browser

# Screenshots to look at after a run (ignored by git).
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

MARKERS = "#timeline-chart .subplot.xy .scatterlayer .trace path.point"


def events_of(**filters):
    return list(selectors.published_events({"pair": "FR-RU", **filters}))


def marker_count(page):
    return page.locator(MARKERS).count()


def expect_markers(page, n):
    expect(page.locator(MARKERS)).to_have_count(n)


def test_the_chart_draws_a_marker_per_event(open_page):
    page = open_page("/")
    expected = len(events_of())
    assert expected >= 25
    expect_markers(page, expected)
    expect(page.locator("ol.events > li")).to_have_count(expected)
    expect(page.locator("#event-count")).to_have_text(f"{expected} events")
    # Lanes: who was in office, the disputes, the kinds; the temperature panel below.
    ticks = page.locator("#timeline-chart .yaxislayer-above .ytick text").all_text_contents()
    assert ticks[:3] == ["France", "Russia", "Disputes"]
    expect(page.locator(".range-buttons button:enabled")).to_have_count(
        5
    )  # +, −, 1 year, 5 years, All
    assert "Relations temperature" in " ".join(
        page.locator("#timeline-chart .annotation").all_text_contents()
    )


def test_a_filter_swaps_chart_and_list_without_a_reload_and_pushes_the_url(open_page):
    page = open_page("/")
    page.evaluate("window.__sentinel = 'still here'")
    statements = len(events_of(kind=["statement"]))
    page.get_by_label("Statement", exact=True).check()
    page.wait_for_url(re.compile(r"\?pair=FR-RU&kind=statement$"))
    expect(page.locator("#event-count")).to_have_text(f"{statements} events")
    expect(page.locator("ol.events > li")).to_have_count(statements)
    expect_markers(page, statements)
    assert page.evaluate("window.__sentinel") == "still here"  # no full reload

    syria_statements = len(
        events_of(kind=["statement"], dispute=selectors.Dispute.objects.get(slug="syria"))
    )
    page.get_by_label("Dispute", exact=True).select_option("syria")
    page.wait_for_url(re.compile(r"dispute=syria"))
    expect(page.locator("ol.events > li")).to_have_count(syria_statements)
    expect_markers(page, syria_statements)
    assert page.evaluate("window.__sentinel") == "still here"

    # A copied link shows the same view.
    page.reload()
    expect(page.locator("#timeline-chart[data-drawn]")).to_be_attached()
    expect_markers(page, syria_statements)
    expect(page.get_by_label("Dispute", exact=True)).to_have_value("syria")
    expect(page.get_by_label("Statement", exact=True)).to_be_checked()


def test_a_slow_answer_shows_a_loading_state(open_page):
    page = open_page("/")
    release = []

    def slow(route):
        if route.request.headers.get("hx-request") and not release:
            page.wait_for_timeout(700)
        route.continue_()

    page.route(re.compile(r".*/\?.*"), slow)
    page.get_by_label("Meeting", exact=True).check()
    expect(page.locator("#results")).to_have_attribute("aria-busy", "true")
    expect(page.locator("#results")).to_have_class(re.compile(r"htmx-request"))
    expect(page.locator(".loading")).to_be_visible()
    page.wait_for_url(re.compile(r"kind=meeting"))
    expect(page.locator("#results")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator(".loading")).to_be_hidden()
    release.append(True)


def x_range(page):
    return page.evaluate("document.getElementById('timeline-chart').layout.xaxis.range.map(String)")


def test_the_zoom_survives_a_filter_change(open_page):
    page = open_page("/")
    everything = x_range(page)
    page.get_by_role("button", name="1 year", exact=True).click()
    expect(page.get_by_role("button", name="1 year", exact=True)).to_be_visible()
    page.wait_for_timeout(300)
    one_year = x_range(page)
    assert one_year != everything
    page.get_by_label("Statement", exact=True).check()
    page.wait_for_url(re.compile(r"kind=statement"))
    expect_markers(page, len(events_of(kind=["statement"])))
    assert x_range(page) == one_year  # uirevision: the reader's zoom stays
    # New dates are a new view: the zoom follows them.
    page.get_by_label("From", exact=True).fill("2016-01-01")
    page.wait_for_url(re.compile(r"from=2016-01-01"))
    expect(page.locator("#event-count")).to_have_text(re.compile(r"\d+ events?"))
    page.wait_for_timeout(300)
    assert x_range(page)[0].startswith("2016-01-01")


def test_back_restores_the_earlier_view(open_page):
    page = open_page("/")
    everything = len(events_of())
    page.get_by_label("Dispute", exact=True).select_option("syria")
    page.wait_for_url(re.compile(r"dispute=syria"))
    syria = len(events_of(dispute=selectors.Dispute.objects.get(slug="syria")))
    expect_markers(page, syria)
    page.get_by_label("Phone call", exact=True).check()
    page.wait_for_url(re.compile(r"kind=call"))
    page.go_back()
    page.wait_for_url(re.compile(r"\?pair=FR-RU&dispute=syria$"))
    expect(page.locator("ol.events > li")).to_have_count(syria)
    expect_markers(page, syria)
    expect(page.get_by_label("Phone call", exact=True)).not_to_be_checked()
    page.go_back()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator("ol.events > li")).to_have_count(everything)
    expect_markers(page, everything)
    expect(page.get_by_label("Dispute", exact=True)).to_have_value("")
    page.go_forward()
    page.wait_for_url(re.compile(r"dispute=syria"))
    expect_markers(page, syria)


def test_clicking_a_marker_opens_its_details(open_page):
    page = open_page("/?kind=agreement")
    (agreement,) = events_of(kind=["agreement"])
    expect_markers(page, 1)
    page.locator(MARKERS).first.click(force=True)
    panel = page.locator("#event-detail")
    expect(panel.locator("h2")).to_have_text(agreement.title)
    expect(panel.locator(f'a[href="{agreement.get_absolute_url()}"]')).to_be_visible()
    expect(panel.locator("ol.sources li").first).to_be_visible()
    assert page.url.endswith(
        f"?kind=agreement&event={agreement.slug}"
    )  # the view stays, the event is added


def test_a_list_row_opens_details_and_a_dispute_link_filters(open_page):
    page = open_page("/")
    versailles = Event.objects.get(title="Macron hosts Putin at Versailles")
    page.get_by_role("link", name=versailles.title).click()
    panel = page.locator("#event-detail")
    expect(panel.locator("h2")).to_have_text(versailles.title)
    expect(panel).to_contain_text("Emmanuel Macron")
    expect(panel.locator("h2")).to_be_focused()
    page.evaluate("window.__sentinel = 1")
    panel.get_by_role("link", name="Syria and Aleppo").click()
    page.wait_for_url(re.compile(r"dispute=syria"))
    syria = len(events_of(dispute=selectors.Dispute.objects.get(slug="syria")))
    expect_markers(page, syria)
    expect(page.get_by_label("Dispute", exact=True)).to_have_value("syria")
    assert page.evaluate("window.__sentinel") == 1


def test_bad_input_shows_the_field_error_in_the_swap(open_page):
    page = open_page("/")
    page.get_by_label("To", exact=True).fill("2016-01-01")
    page.wait_for_url(re.compile(r"to=2016-01-01"))
    page.get_by_label("From", exact=True).fill("2017-01-01")
    page.wait_for_url(re.compile(r"from=2017-01-01"))
    errors = page.locator(".form-errors")
    expect(errors).to_contain_text("“to” cannot be before “from”")
    expect(page.locator(".field-to .field-error")).to_be_visible()
    expect(page.get_by_label("To", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".chart-figure")).to_be_hidden()
    expect(page.locator("#event-count")).to_have_text("No events: fix the filters above")
    page.get_by_label("From", exact=True).fill("2015-01-01")
    page.wait_for_url(re.compile(r"from=2015-01-01"))
    expect(errors).to_have_count(0)
    expect(page.locator(".chart-figure")).to_be_visible()
    expect(page.locator("#timeline-chart[data-drawn]")).to_be_attached()
    expect_markers(
        page,
        len(
            events_of(
                **{
                    "from": __import__("datetime").date(2015, 1, 1),
                    "to": __import__("datetime").date(2016, 1, 1),
                }
            )
        ),
    )


@pytest.mark.parametrize("path", ["/", "/?dispute=syria&from=2016-01-01&kind=statement", "event"])
def test_axe_finds_no_violations(open_page, path):
    if path == "event":
        event = Event.objects.get(title="Macron hosts Putin at Versailles")
        page = open_page(event.get_absolute_url(), chart=False)
    else:
        page = open_page(path)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_axe_finds_no_violations_with_the_detail_panel_open(open_page):
    page = open_page("/")
    page.locator("a.event-link").nth(2).click()
    expect(page.locator("#event-detail h2")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_on_a_phone_the_chart_and_filters_are_usable(open_page, page):
    page.set_viewport_size({"width": 375, "height": 812})
    page = open_page("/")
    page.screenshot(path=ARTIFACTS / "dashboard-phone-375.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scroll
    chart = page.locator("#timeline-chart").bounding_box()
    assert chart["width"] <= 375 and chart["width"] >= 320
    expect_markers(page, len(events_of()))
    # The filters start folded so the chart is on the first screen; they open and work.
    summary = page.locator(".filters-box > summary")
    expect(summary).to_be_visible()
    assert page.locator("#timeline-chart").bounding_box()["y"] < 812
    summary.click()
    page.get_by_label("Meeting", exact=True).check()
    page.wait_for_url(re.compile(r"kind=meeting"))
    expect_markers(page, len(events_of(kind=["meeting"])))
    box = page.get_by_label("Meeting", exact=True).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    page.screenshot(path=ARTIFACTS / "dashboard-phone-375-filtered.png", full_page=True)


@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
def test_the_detail_panel_opens_in_view_with_its_address_and_closes(open_page, page, width, height):
    """Beside the chart on a desktop, a sheet on a phone: never a scroll to the page's end;
    Esc, the close button and Back close it."""
    page.set_viewport_size({"width": width, "height": height})
    page = open_page("/?kind=agreement")
    (agreement,) = events_of(kind=["agreement"])
    panel = page.locator("#event-detail")

    def opened():
        # Back restores the page through htmx's history (a request, then a redraw).
        page.wait_for_load_state("networkidle")
        expect(page.locator("#timeline-chart[data-drawn]")).to_be_attached()
        page.locator(MARKERS).first.click(force=True)
        expect(panel.locator("h2")).to_have_text(agreement.title)
        expect(page).to_have_url(re.compile(f"event={agreement.slug}"))

    def closed():
        expect(panel).not_to_have_class(re.compile("is-open"))
        expect(page).not_to_have_url(re.compile("event="))

    scrolled = page.evaluate("window.scrollY")
    opened()
    assert page.evaluate("window.scrollY") == scrolled
    box = panel.bounding_box()
    assert (
        box["y"] >= 0
        and box["y"] + box["height"] <= height + 1
        and box["x"] + box["width"] <= width + 1
    )
    if width >= 1100:
        assert box["x"] > width / 2  # beside the chart, on its right
    page.keyboard.press("Escape")
    closed()
    opened()
    panel.get_by_role("button", name="Close the details").click()
    closed()
    opened()
    page.go_back()
    closed()


def test_a_shared_address_opens_the_event_and_focus_returns_to_its_row(open_page):
    versailles = Event.objects.get(title="Macron hosts Putin at Versailles")
    page = open_page(f"/?event={versailles.slug}")
    panel = page.locator("#event-detail")
    expect(panel).to_have_class(re.compile("is-open"))
    expect(panel.locator("h2")).to_have_text(versailles.title)
    page.keyboard.press("Escape")
    expect(panel).not_to_have_class(re.compile("is-open"))
    assert "event=" not in page.url
    row = page.get_by_role("link", name=versailles.title)
    row.click()
    expect(panel.locator("h2")).to_be_focused()
    page.keyboard.press("Escape")
    expect(row).to_be_focused()


# Marker centres on the page, in the order of the events trace (its customdata: slugs).
MARKER_CENTRES = """() => {
  const gd = document.getElementById("timeline-chart");
  const scatters = gd._fullData.filter((t) => t.type === "scatter");
  const k = scatters.findIndex((t) => t.meta === gd.layout.meta.trace_names.events);
  const trace = scatters[k];
  const marks = [...gd.querySelectorAll(".scatterlayer .trace")[k].querySelectorAll("path.point")];
  const points = marks.map((m) => { const b = m.getBoundingClientRect(); return [b.x + b.width / 2, b.y + b.height / 2]; });
  return points.length === trace.customdata.length ? {points, slugs: trace.customdata} : null;
}"""


def test_on_a_phone_markers_that_lie_on_each_other_offer_a_choice(open_page, page):
    """A fingertip on two markers at once gets a list of both, not one of them at random."""
    page.set_viewport_size({"width": 390, "height": 844})
    page = open_page("/")
    page.evaluate("() => document.getElementById('timeline-chart').scrollIntoView()")
    drawn = page.evaluate(MARKER_CENTRES)
    assert drawn, "the chart draws one marker per event"
    points, slugs = drawn["points"], drawn["slugs"]

    def near(i):
        return [
            j
            for j, (x, y) in enumerate(points)
            if ((x - points[i][0]) ** 2 + (y - points[i][1]) ** 2) ** 0.5 <= 14
        ]

    crowded = next((i for i in range(len(points)) if len(near(i)) > 1), None)
    assert crowded is not None, (
        "the shipped view has markers a fingertip cannot tell apart at 390 px"
    )
    expected = Event.objects.filter(slug__in=[slugs[j] for j in near(crowded)]).order_by(
        "start", "pk"
    )
    page.mouse.click(*points[crowded])
    panel = page.locator("#event-detail")
    expect(panel.locator("h2")).to_have_text(f"{len(expected)} events at this point")
    expect(panel.locator(".event-link")).to_have_text([e.title for e in expected])
    assert "event=" not in page.url  # a choice is not an event to share
    panel.locator(".event-link").last.click()
    expect(panel.locator("h2")).to_have_text(expected.last().title)
    expect(page).to_have_url(re.compile(f"event={expected.last().slug}"))
    page.keyboard.press("Escape")
    expect(panel).not_to_have_class(re.compile("is-open"))


def test_the_embed_dialog_gives_the_code_at_the_size_chosen(open_page):
    page = open_page("/?dispute=syria")
    page.get_by_role("button", name="Embed this view").click()
    code = page.locator("#embed-code")
    assert 'width="800" height="640"' in code.input_value()
    page.get_by_label("Width (px)").fill("600")
    expect(code).to_have_value(re.compile(r'width="600" height="640".*max-width:600px', re.S))
    page.get_by_label("Height (px)").fill("")  # an empty size: the size as served
    expect(code).to_have_value(re.compile(r'width="600" height="640"'))
    page.get_by_label("Height (px)").fill("900")
    expect(code).to_have_value(re.compile(r'width="600" height="900"'))
    assert "{width}" not in code.input_value() and "<script>" in code.input_value()
