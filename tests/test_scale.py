"""Many events: bounded marks, detail for a zoomed window, a paginated list, constant
queries, and a figure cache that curators' changes invalidate."""

import json
import re
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from timeline import caching, marks, planner
from timeline.models import Event

from . import factories as f
from .pages import HTMX, figure_of

pytestmark = pytest.mark.django_db

EVENT_TRACES = ("events", "events-cancelled")


def traces(figure, *metas):
    return [t for t in figure["data"] if t.get("meta") in metas]


def drawn_slugs(figure):
    return [slug for t in traces(figure, *EVENT_TRACES) for slug in t["customdata"]]


def counted(figure):
    return sum(
        int(re.match(r"<b>(\d+) ", h).group(1))
        for t in traces(figure, "events-binned")
        for h in t["hovertext"]
    )


def binned_marks(figure):
    return sum(len(t["x"]) for t in traces(figure, "events-binned"))


def test_many_events_are_counted_in_at_most_5000_marks(client):
    f.many_events(6000)  # 2010–2029, every kind
    figure = figure_of(client.get("/"))
    assert drawn_slugs(figure) == []  # too many to draw one by one
    assert counted(figure) == 6000  # every event is in exactly one count
    assert 0 < binned_marks(figure) <= 5000
    assert figure["layout"]["meta"]["detail_on_zoom"] is True
    binned = traces(figure, "events-binned")[0]
    assert re.match(r"<b>\d+ \w+</b><br>", binned["hovertext"][0])
    # What a click does is said once, in the template, not in each of the marks' texts.
    assert "Click to zoom in" in binned["hovertemplate"]
    assert not any("Click" in text for text in binned["hovertext"])


def test_a_few_events_are_drawn_one_by_one(client):
    f.many_events(40)
    figure = figure_of(client.get("/"))
    assert len(drawn_slugs(figure)) == 40
    assert traces(figure, "events-binned") == []
    assert figure["layout"]["meta"]["detail_on_zoom"] is False


def test_a_zoomed_window_gets_its_events_one_by_one_and_counts_outside(client, monkeypatch):
    monkeypatch.setattr(marks, "EVENT_MARKS_MAX", 100)
    events = f.many_events(600)  # 2010–2011, 25 a month
    response = client.get("/chart/?window_from=2010-03-01&window_to=2010-03-31")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    figure = response.json()
    in_march = sorted(e.slug for e in events if date(2010, 3, 1) <= e.start <= date(2010, 3, 31))
    assert sorted(drawn_slugs(figure)) == in_march and len(in_march) == 25
    # Outside the window the overview's counts (by the month here) remain.
    assert counted(figure) == 600 - 25
    assert figure["layout"]["meta"]["window"] == ["2010-03-01", "2010-03-31"]
    # The whole view, by contrast, counts them all.
    assert counted(figure_of(client.get("/"))) == 600


def test_a_window_draws_the_events_that_started_before_it_and_last_into_it(client, monkeypatch):
    monkeypatch.setattr(marks, "EVENT_MARKS_MAX", 100)
    f.many_events(600)  # 2010–2011: counted in the whole view
    ongoing = f.event("Long talks", date(2010, 2, 20), end=date(2010, 3, 2))
    ended = f.event("Earlier talks", date(2010, 2, 10), end=date(2010, 2, 28))
    other_pair = f.event(
        "Kyiv talks", date(2010, 2, 20), end=date(2010, 3, 5), countries=("DE", "UA")
    )
    drawn = drawn_slugs(client.get("/chart/?window_from=2010-03-01&window_to=2010-03-31").json())
    assert ongoing.slug in drawn
    assert ended.slug not in drawn and other_pair.slug not in drawn
    assert len(drawn) == 25 + 1


def bin_days(figure, within=None):
    """Lengths in days of the binned marks (inside the window `within`, if given)."""
    lengths = []
    for t in traces(figure, "events-binned"):
        for first, last in t["customdata"]:
            first, last = date.fromisoformat(first), date.fromisoformat(last)
            if within is None or within[0] <= first and last <= within[1]:
                lengths.append((last - first).days + 1)
    return lengths


def test_a_wide_window_with_too_many_events_is_counted_more_finely(client, monkeypatch):
    monkeypatch.setattr(marks, "EVENT_MARKS_MAX", 100)
    f.many_events(6000)  # 2010–2029: counted by the quarter in the whole view
    whole = figure_of(client.get("/"))
    window = client.get("/chart/?window_from=2012-01-01&window_to=2012-12-31").json()
    assert drawn_slugs(window) == []  # 300 events, over the limit
    assert min(bin_days(whole)) >= 90
    finer = bin_days(window, within=(date(2012, 1, 1), date(2012, 12, 31)))
    assert finer and max(finer) <= 7


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("window_from=2010-01-01", "window_to"),
        ("window_from=2010-02-01&window_to=2010-01-01", "window_to"),
        ("window_from=1.1.2010&window_to=2010-02-01", "window_from"),
        ("window_from=2010-01-01&window_to=2010-02-01&kind=picnic", "kind"),
    ],
)
def test_the_chart_endpoint_names_a_bad_parameter(client, query, parameter):
    response = client.get(f"/chart/?{query}")
    assert response.status_code == 400
    assert parameter in response.json()["errors"]
    assert f"“{parameter}”" in response.json()["error"]


def listed(response):
    return re.findall(r'class="event-link" href="/events/([^/]+)/"', response.text)


def test_the_event_list_is_paginated_with_the_filters_kept(client):
    events = f.many_events(120)
    first = client.get(
        "/?kind=meeting&kind=call&kind=visit&kind=summit&kind=statement&kind=protest"
        "&kind=election&kind=cyber&kind=military&kind=sanction&kind=agreement"
    )
    assert first.status_code == 200
    assert listed(first) == [e.slug for e in events[:50]]
    assert "1–50 of 120" in first.text
    assert "Page 1 of 3" in first.text
    next_link = re.search(r'rel="next" href="([^"]+)"', first.text).group(1).replace("&amp;", "&")
    assert "kind=meeting" in next_link and "page=2" in next_link
    third = client.get("/?page=3", **HTMX)
    assert listed(third) == [e.slug for e in events[100:]]
    assert '<ol class="events" start="101"' in third.text
    assert 'rel="prev"' in third.text and 'rel="next"' not in third.text
    embed = client.get("/embed/?page=2")
    assert listed(embed) == [e.slug for e in events[50:100]]


@pytest.mark.parametrize("page", ["0", "two", "4"])
def test_a_bad_page_is_a_400_that_names_it(client, page):
    f.many_events(120)
    for url in ("/", "/embed/"):
        response = client.get(f"{url}?page={page}")
        assert response.status_code == 400
        assert "“page”" in response.text


# ---- Queries: the same for 10 and 1,000 events, with a cold and a warm cache ----------

REQUESTS = [
    ("/", {}),
    ("/", HTMX),
    ("/?kind=meeting&tag=tag-0&page=1", {}),
    ("/embed/?dispute=row", {}),
    ("/chart/?window_from=2010-01-01&window_to=2010-01-31", {}),
    ("/api/events/", {}),
    ("/api/events.csv", {}),
    ("/api/timelinejs.json", {}),
]


def query_counts(client):
    cold, warm = {}, {}
    for url, extra in REQUESTS:
        cache.clear()
        for counts in (cold, warm):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, **extra)
            assert response.status_code == 200, (url, response.content[:300])
            counts[(url, bool(extra))] = len(queries)
    return cold, warm


def test_queries_do_not_grow_with_the_number_of_events(client, monkeypatch):
    f.many_events(10)
    small = query_counts(client)
    f.many_events(990)
    assert Event.objects.published().count() == 1000
    large = query_counts(client)
    assert large == small
    cold, warm = small
    # The cache pays: a warm dashboard is the form's choices, the list page and the token.
    assert warm[("/", False)] <= 12 < cold[("/", False)]
    assert warm[("/chart/?window_from=2010-01-01&window_to=2010-01-31", False)] <= 2


def test_queries_stay_the_same_when_the_whole_view_is_counted(client, monkeypatch):
    """Counting (bins) rather than drawing is a different path: constant queries too."""
    monkeypatch.setattr(marks, "EVENT_MARKS_MAX", 0)
    f.many_events(10)
    small = query_counts(client)
    f.many_events(990)
    assert query_counts(client) == small


# ---- The cache: invalidated by curators' changes, in every worker ----------------------


def test_the_figure_is_cached_until_the_data_changes(client):
    (event,) = f.many_events(1)
    assert drawn_slugs(figure_of(client.get("/"))) == [event.slug]
    with CaptureQueriesContext(connection) as warm:
        client.get("/chart/?window_from=2010-01-01&window_to=2010-01-31")
        client.get("/chart/?window_from=2010-01-01&window_to=2010-01-31")
    assert len(warm) <= 2 + 12  # the second asks only for the data version

    event.title = "Renamed by a curator"
    event.save()
    assert "Renamed by a curator" in json.dumps(figure_of(client.get("/")))
    event.delete()
    assert drawn_slugs(figure_of(client.get("/"))) == []


def test_every_kind_of_change_gives_the_pair_a_new_data_version():
    (event,) = f.many_events(1)
    seen = {caching.data_version(["FR", "RU"])}

    def changed():
        caching.forget_version()
        token = caching.data_version(["FR", "RU"])
        assert token not in seen
        seen.add(token)

    event.tone = 3
    event.save()
    changed()
    event.tags.add(f.tag("new-tag"))
    changed()
    event.sources.first().delete()
    changed()
    f.dispute("another", date(2011, 1, 1))
    changed()
    # Reading, and history rows on their own, change nothing.
    token = caching.data_version(["FR", "RU"])
    Event.history.first()
    assert caching.data_version(["FR", "RU"]) == token


def test_the_token_lives_in_the_database_so_every_worker_sees_a_change(client):
    """A change made by another worker reaches this one through the database token alone:
    nothing clears this worker's cache (with local memory, nothing could)."""
    (event,) = f.many_events(1)
    client.get("/")  # cached under the current token
    Event.objects.filter(pk=event.pk).update(title="Changed elsewhere")  # no signal here
    assert "Changed elsewhere" not in json.dumps(
        figure_of(client.get("/"))
    )  # served from the cache
    caching.data_changed()  # the new token the other worker's signal wrote
    assert "Changed elsewhere" in json.dumps(figure_of(client.get("/")))


def test_generating_synthetic_events_invalidates_the_cache(client):
    from timeline.synthetic import generate_events

    assert "XA-XB" not in client.get("/").text
    generate_events(30, seed=3)
    assert 'value="XA-XB"' in client.get("/").text


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/embed/",
        "/fr/",
        "/chart/?window_from=2010-01-01&window_to=2010-01-31",
        "/api/events/",
        "/api/events.csv",
        "/api/timelinejs.json",
    ],
)
def test_public_pages_and_data_are_compressed(client, url):
    f.many_events(40)
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]


def test_the_admin_is_not_compressed(admin_client):
    """Its pages carry CSRF tokens: compressing them would expose them to BREACH."""
    response = admin_client.get("/admin/timeline/event/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


def test_the_default_pair_is_the_first_choice_even_with_fewer_events(client):
    from timeline.synthetic import generate_events

    f.many_events(3)  # France–Russia
    generate_events(20, seed=4)  # a pair with more events
    options = re.findall(r'<option value="([A-Z]{2}-[A-Z]{2})"', client.get("/").text)
    assert options[:2] == ["FR-RU", "XA-XB"]


def test_a_bulk_write_leaves_the_planner_the_real_sizes(db):
    """After many events written in one transaction, PostgreSQL's statistics count them
    (timeline/planner.py): planned on stale ones, the filter choices ran for minutes."""
    with CaptureQueriesContext(connection) as analyzed:
        f.many_events(300)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'timeline_event'")
            assert cursor.fetchone()[0] >= 300
        assert any(q["sql"].startswith("ANALYZE") for q in analyzed.captured_queries)
    else:  # SQLite plans without such statistics: nothing to refresh
        with CaptureQueriesContext(connection) as nothing:
            planner.analyze_events()
        assert nothing.captured_queries == []
