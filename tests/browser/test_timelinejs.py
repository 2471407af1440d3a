"""The exported TimelineJS JSON loads in the real TimelineJS 3, in Chromium, with no network.

The library is vendored under tests/browser/vendor/ (see its README); the page, the library
and the data are all served through Playwright routes on a made-up origin, and every other
request is refused and reported.
"""

from datetime import date
from html import unescape
from pathlib import Path

import pytest
from django.utils.html import json_script

from timeline.interchange.timelinejs_export import build_timelinejs
from timeline.models import Dispute, Event, OfficeTerm

TIMELINEJS = Path(__file__).parent / "vendor" / "timelinejs-3.9.11"
ORIGIN = "http://timelinejs.test"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TimelineJS export</title>
<link rel="stylesheet" href="/css/timeline.css"></head>
<body><div id="timeline-embed" style="width: 1000px; height: 650px"></div>
{data}
<script src="/js/timeline.js"></script>
<script>
  const data = JSON.parse(document.getElementById("timeline-data").textContent);
  // Self-hosted, as a newsroom would: assets from this origin, no web font from the CDN.
  window.timeline = new TL.Timeline("timeline-embed", data, {{script_path: "/js/", font: null}});
</script></body></html>"""

CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".ttf": "font/ttf"}


@pytest.fixture
def exported(dataset):
    events = Event.objects.published().prefetch_related("sources")
    return build_timelinejs(
        events,
        terms=OfficeTerm.objects.select_related("person").filter(country__code__in=["FR", "RU"]),
        disputes=Dispute.objects.all(),
        title="France–Russia",
        text="Diplomatic relations, 2010–2017.",
        url_for=lambda event: f"https://diplomacy.example{event.get_absolute_url()}",
        today=date(2026, 11, 29),
    )


def serve(page, data):
    html = PAGE.format(data=json_script(data, "timeline-data"))
    refused = []

    def handle(route):
        url = route.request.url
        if url == f"{ORIGIN}/":
            return route.fulfill(status=200, content_type="text/html", body=html)
        if url.startswith(ORIGIN):
            path = url[len(ORIGIN) :].split("?")[0].replace("/js/../", "/")
            file = TIMELINEJS / path.lstrip("/")
            if file.is_file() and TIMELINEJS in file.resolve().parents:
                return route.fulfill(
                    status=200,
                    content_type=CONTENT_TYPES.get(file.suffix, "application/octet-stream"),
                    body=file.read_bytes(),
                )
        refused.append(url)
        return route.abort()

    page.route("**/*", handle)
    return refused


@pytest.mark.browser
def test_it_loads_the_exported_dataset_in_timelinejs(page, exported):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    refused = serve(page, exported)
    events = exported["events"]

    page.goto(f"{ORIGIN}/")
    page.wait_for_function(
        "n => document.querySelectorAll('#timeline-embed .tl-slide').length === n",
        arg=len(events) + 1,
    )

    assert errors == []
    # One slide per event, plus the title slide; TimelineJS's own count agrees.
    assert page.locator(".tl-slide").count() == len(events) + 1
    assert page.evaluate("window.timeline.config.events.length") == len(events) == 27
    assert page.evaluate("window.timeline.config.eras.length") == len(exported["eras"])
    assert page.locator(".tl-slide-titleslide .tl-headline").inner_text() == "France–Russia"
    assert page.locator(".tl-timemarker").count() == len(events)
    # Nothing was shown as an error by TimelineJS, and it asked for nothing outside the page.
    assert not page.locator(".tl-message-full").is_visible()
    assert refused == []


@pytest.mark.browser
def test_it_shows_an_event_with_its_date_in_precision_and_its_sources(page, exported):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    serve(page, exported)
    first = exported["events"][0]

    page.goto(f"{ORIGIN}/")
    page.wait_for_function("() => document.querySelectorAll('.tl-slide').length > 1")
    page.evaluate("id => window.timeline.goToId(id)", first["unique_id"])

    slide = page.locator(f"[id='{first['unique_id']}']")
    slide.locator(".tl-headline").wait_for()
    # Titles travel escaped (TimelineJS renders HTML) and show as typed.
    assert slide.locator(".tl-headline").inner_text() == unescape(first["text"]["headline"])
    assert (
        slide.locator(".tl-headline").inner_text()
        == Event.objects.get(slug=first["unique_id"]).title
    )
    assert slide.locator(".tl-headline-date").inner_text() == unescape(first["display_date"])
    assert slide.locator("a[href^='http']").count() >= 1  # the sources, as links
    assert errors == []


@pytest.mark.browser
def test_it_runs_no_script_from_titles_or_summaries(page, db):
    payload = '<img src=x onerror="window.pwned = 1"><script>window.pwned = 2</script>'
    hostile = Event.objects.create(
        title=f"Hostile {payload}"[:200],
        kind="statement",
        start=date(2017, 5, 29),
        summary=f'<p onmouseover="window.pwned = 3">Summary</p>{payload}<a href="javascript:window.pwned=4">x</a>',
    )
    hostile.sources.create(url="https://example.org/report", publisher="AFP")
    data = build_timelinejs(Event.objects.prefetch_related("sources"), title="Hostile")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    refused = serve(page, data)

    page.goto(f"{ORIGIN}/")
    page.evaluate("id => window.timeline.goToId(id)", hostile.slug)
    slide = page.locator(f"[id='{hostile.slug}']")
    slide.locator(".tl-headline").wait_for()

    assert (
        slide.locator(".tl-headline").inner_text().startswith("Hostile <img src=x")
    )  # shown as text
    assert page.evaluate("window.pwned") is None
    assert slide.locator("img, script, [onmouseover]").count() == 0
    hrefs = slide.locator(".tl-text-content a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert "https://example.org/report" in hrefs  # the source; the javascript: link lost its href
    assert all(href is None or href.startswith("https://") for href in hrefs)
    assert errors == [] and refused == []
