"""The dashboard and event pages over HTTP: full pages, htmx partials, 400s, drafts, queries."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from timeline.first_paint import CHART_VISIBLE_HASH, CHART_VISIBLE_SCRIPT
from timeline.models import Event

from . import factories as f
from .pages import HTMX, figure_of

pytestmark = pytest.mark.django_db


def marker_slugs(response):
    figure = figure_of(response)
    return sorted(
        slug
        for t in figure["data"]
        if t.get("meta") in ("events", "events-cancelled")
        for slug in t["customdata"]
    )


def listed(response):
    return re.findall(r'class="event-link" href="/events/([^/]+)/"', response.text)


def test_it_shows_the_france_russia_story(client, dataset):
    response = client.get("/")
    assert response.status_code == 200
    assert response.templates[0].name == "timeline/dashboard.html"
    html = response.text
    assert '<h1 id="view-heading">France – Russia' in html
    assert '<div id="timeline-chart"' in html
    assert f"{Event.objects.published().count()} events" in html  # every published event
    expected = sorted(
        Event.objects.published().filter(slug__in=listed(response)).values_list("slug", flat=True)
    )
    assert marker_slugs(response) == expected == sorted(listed(response))
    assert len(listed(response)) == Event.objects.published().count()
    assert 'id="chart-description"' in html and "Every event is listed below the chart." in html


def test_the_page_has_static_scripts_and_one_hashed_inline_line_only(client, dataset):
    response = client.get("/")
    assert "'nonce-" not in response["Content-Security-Policy"]  # cached whole: no nonce
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", response.text, re.S)
    inline = []
    for attrs, body in scripts:
        if 'type="application/json"' in attrs:
            continue
        assert "nonce=" not in attrs
        if 'id="chart-visible-mark"' in attrs:  # the one inline line: when the chart shows
            inline.append(body)
            continue
        assert "src=" in attrs and body.strip() == ""
    assert inline == [CHART_VISIBLE_SCRIPT]  # allowed by its hash (CHART_VISIBLE_HASH)
    assert CHART_VISIBLE_HASH in response["Content-Security-Policy"]
    sources = [re.search(r'src="([^"]+)"', a).group(1) for a, _b in scripts if "src=" in a]
    assert [s.split("/")[-1].split(".")[0] for s in sources] == [
        "htmx-4",
        "plotly-timeline-4",
        "chart",
        "page",
        "picture",
        "embed-code",
        "cite",
    ]
    assert not re.search(r"\son[a-z]+=", response.text)  # no inline handlers
    assert "hx-on" not in response.text


def test_the_form_works_without_javascript(client, dataset):
    response = client.get("/", {"dispute": "syria"})
    assert response.status_code == 200
    html = response.text
    assert '<form id="filters" class="filters" method="get" action="/"' in html
    assert '<option value="syria" selected>' in html
    assert all(
        slug in {e.slug for e in Event.objects.filter(disputes__slug="syria")}
        for slug in listed(response)
    )


def test_an_htmx_request_gets_the_results_partial(client, dataset):
    response = client.get("/", {"dispute": "syria"}, **HTMX)
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html and "<h1>" not in html
    assert (
        '<form id="filters"' in html
        and 'id="timeline-chart"' in html
        and 'id="list-heading"' in html
    )
    assert (
        len(listed(response))
        == len(marker_slugs(response))
        == Event.objects.filter(disputes__slug="syria").count()
    )
    assert 'id="event-detail"' not in html  # the panel lives outside the swapped region


def test_a_history_restore_gets_the_whole_page(client, dataset):
    response = client.get(
        "/", {"kind": "statement"}, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX
    )
    assert "<html" in response.text and "hx-history-elt" in response.text


def people(e):
    return {p.person.slug for p in e.participations.all() if p.person}


@pytest.mark.parametrize(
    "params, keep",
    [
        ({"pair": "RU-FR"}, lambda e: True),
        ({"from": "2017-01-01"}, lambda e: e.start >= date(2017, 1, 1)),
        (
            {"from": "2017-01-01", "to": "2017-12-31"},
            lambda e: date(2017, 1, 1) <= e.start <= date(2017, 12, 31),
        ),
        ({"to": "2016-12-31"}, lambda e: e.start <= date(2016, 12, 31)),
        ({"kind": "statement"}, lambda e: e.kind == "statement"),
        ({"kind": ["statement", "meeting"]}, lambda e: e.kind in ("statement", "meeting")),
        ({"dispute": "syria"}, lambda e: "syria" in {d.slug for d in e.disputes.all()}),
        ({"person": "emmanuel-macron"}, lambda e: "emmanuel-macron" in people(e)),
        ({"tag": "sanctions"}, lambda e: "sanctions" in {t.slug for t in e.tags.all()}),
        (
            {"q": "Versailles"},
            lambda e: "versailles" in f"{e.title} {e.summary} {e.quote} {e.place}".lower(),
        ),
        (
            {"dispute": "syria", "from": "2017-01-01"},
            lambda e: "syria" in {d.slug for d in e.disputes.all()} and e.start >= date(2017, 1, 1),
        ),
        (
            {"kind": "statement", "dispute": "chechnya-lgbt"},
            lambda e: (
                e.kind == "statement" and "chechnya-lgbt" in {d.slug for d in e.disputes.all()}
            ),
        ),
    ],
    ids=lambda v: "&".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else "",
)
def test_each_filter_narrows_chart_and_list_alike(client, dataset, params, keep):
    everything = client.get("/")
    all_events = {
        e.slug: e
        for e in Event.objects.prefetch_related("disputes", "tags", "participations__person")
        .select_related("place")
        .filter(slug__in=listed(everything))
    }
    expected = sorted(slug for slug, e in all_events.items() if keep(e))
    assert expected, "the dataset should have events for this filter"
    response = client.get("/", params)
    assert response.status_code == 200
    assert sorted(listed(response)) == expected
    assert marker_slugs(response) == expected
    assert f"{len(expected)} event" in response.text


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("kind=picnic", "kind", "Unknown kind “picnic”"),
        ("from=2017-02-30", "from", "“from”: there is no day 2017-02-30 in the calendar"),
        ("from=tomorrow", "from", "“from” must be a date written YYYY-MM-DD"),
        ("from=2017-06-01&to=2017-01-01", "to", "“to” cannot be before “from”"),
        ("pair=FR-ZZ", "pair", "Unknown pair “FR-ZZ”"),
        ("pair=../../etc", "pair", "Unknown pair"),
        ("dispute=atlantis", "dispute", "Unknown dispute “atlantis”"),
        ("person=nobody", "person", "Unknown person “nobody”"),
        ("tag=%00", "tag", "Null characters are not allowed"),
        ("q=" + "x" * 300, "q", "at most 200 characters"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_bad_input_is_a_400_that_shows_the_field(client, dataset, query, field, message, htmx):
    response = client.get("/?" + query, **(HTMX if htmx else {}))
    assert response.status_code == 400
    html = response.text
    assert ("<html" in html) is (not htmx)
    assert 'class="form-errors" role="alert"' in html
    assert message.replace("“", "&ldquo;").split("&ldquo;")[0] in html.replace("“", "&ldquo;")
    assert f"field-{field} has-error" in html
    assert 'aria-invalid="true"' in html
    assert "No events: fix the filters above" in html
    assert 'id="timeline-figure"' not in html


def test_narrowing_kinds_or_words_fits_the_time_axis_to_the_events_chosen(client, dataset):
    """Issue 12: the axis follows the filters (it used to keep the pair's whole span)."""
    everything = figure_of(client.get("/"))["layout"]["xaxis"]["range"]
    cyber = figure_of(client.get("/", {"kind": "cyber"}))["layout"]["xaxis"]["range"]
    first_cyber = min(e.start for e in Event.objects.published().filter(kind="cyber"))
    assert everything[0] < cyber[0] <= first_cyber.isoformat()
    assert (
        figure_of(client.get("/", {"from": "2017-01-01"}))["layout"]["xaxis"]["range"][0]
        == "2017-01-01"
    )


def test_bad_input_never_500s(client, dataset):
    for query in [
        "kind=",
        "kind=%ff",
        "from=0000-00-00",
        "to=9999-99-99",
        "pair=-",
        "tag=&tag=x",
        "person=%2F",
        "from=2017-01-01T00:00",
        "q=%00",
        "dispute[]=x",
        "page=2",
    ]:
        response = client.get("/?" + query)
        assert response.status_code in (200, 400), query


def test_drafts_are_never_shown(client, dataset):
    draft = f.event(
        "Secret draft meeting", date(2017, 5, 20), state=Event.State.DRAFT, tags=["sanctions"]
    )
    for params in [{}, {"kind": "meeting"}, {"tag": "sanctions"}, {"q": "Secret"}]:
        response = client.get("/", params)
        assert "Secret draft meeting" not in response.text
        assert draft.slug not in response.text
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(draft.get_absolute_url(), **HTMX).status_code == 404


def test_only_get_and_head_are_allowed(client, dataset):
    assert client.post("/").status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/fr/",
        "/embed/",
        "/fr/embed/",
        "/chart/?window_from=2015-01-01&window_to=2015-12-31",
        "/oembed/?url=http://testserver/embed/",
        "/api/events/",
        "/api/events.csv",
        "/api/timelinejs.json",
        "event",
    ],
)
def test_head_answers_wherever_get_does_with_the_same_headers_and_no_body(client, dataset, path):
    """Link checkers, unfurlers and uptime monitors ask with HEAD."""
    if path == "event":
        path = Event.objects.published().first().get_absolute_url()
    get, head = client.get(path), client.head(path)
    assert get.status_code == head.status_code == 200
    assert head["Content-Type"] == get["Content-Type"]
    assert head.content == b""


def test_the_event_page_has_all_the_details(client, dataset):
    event = Event.objects.get(title="Macron hosts Putin at Versailles")
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    html = response.text
    assert "<html" in html
    assert '<h1 id="event-title"' in html
    assert "29 May 2017" in html
    assert "Versailles" in html
    assert "Emmanuel Macron" in html and "(host)" in html
    assert 'href="/?pair=FR-RU&amp;dispute=syria"' in html
    for source in event.sources.all():
        assert source.url.replace("&", "&amp;") in html
        if source.publisher:
            assert source.publisher in html
    article = html.split("<article", 1)[1]
    assert re.search(r'<a href="/\?pair=[^>]*>', article)
    assert not re.search(r'<a href="/\?pair=[^>]*hx-get', article)  # plain links on the full page


def test_an_htmx_event_request_gets_the_panel(client, dataset):
    event = Event.objects.get(title="Macron hosts Putin at Versailles")
    response = client.get(
        event.get_absolute_url(),
        HTTP_HX_CURRENT_URL="http://testserver/?pair=FR-RU&kind=meeting",
        **HTMX,
    )
    html = response.text
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith("<article")
    assert '<h2 id="event-title"' in html
    assert 'hx-get="/?pair=FR-RU&amp;dispute=syria" hx-target="#results"' in html
    assert f'href="{event.get_absolute_url()}"' in html  # a link to share


def test_a_statement_shows_its_quote_and_speaker(client, dataset):
    event = Event.objects.exclude(quote="").filter(participations__role="speaker").first()
    assert event is not None, "the shipped dataset has quoted statements with their speakers"
    response = client.get(event.get_absolute_url())
    speaker = event.participations.filter(role="speaker").first().actor
    assert "<blockquote>" in response.text and f"— {speaker}" in response.text


def test_a_cancelled_event_says_so(client, dataset):
    event = Event.objects.get(cancelled=True)
    assert "Cancelled: did not take place" in client.get(event.get_absolute_url()).text
    assert "Cancelled</span>" in client.get("/").text


def test_an_unknown_event_is_a_404(client, dataset):
    assert client.get("/events/no-such-event/").status_code == 404


def count_queries(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(queries)


def test_the_event_page_queries_do_not_grow_with_participants(
    client, django_assert_max_num_queries
):
    (event,) = f.many_events(1)
    small = count_queries(client, event.get_absolute_url())
    for i in range(30):
        f.event(f"x{i}", date(2012, 1, 1))
        event.participations.create(person=f.person(f"Person {i}"), role="participant")
        event.sources.create(url=f"https://example.org/{i}", title=str(i))
    with django_assert_max_num_queries(small):
        client.get(event.get_absolute_url())


def test_the_title_heading_and_link_previews_say_what_the_view_shows(client, dataset):
    page = client.get("/", {"dispute": "syria"}).text
    assert (
        "<title>France – Russia · Syria and Aleppo: diplomatic relations timeline</title>" in page
    )
    assert re.search(
        r'<h1 id="view-heading">France – Russia<span class="intro-sub">: Syria and Aleppo</span></h1>',
        page,
    )
    assert (
        '<meta property="og:title" content="France – Russia · Syria and Aleppo: diplomatic relations timeline">'
        in page
    )
    assert '<meta property="og:url" content="http://testserver/?dispute=syria">' in page
    # An htmx filter change brings the new title and heading with the results.
    partial = client.get("/", {"kind": "summit"}, **HTMX).text
    assert "<title>France – Russia · summit: diplomatic relations timeline</title>" in partial
    assert 'id="view-heading" hx-swap-oob="true"' in partial
    # The unfiltered view keeps its plain title; an event page previews as an article.
    assert "<title>France – Russia: diplomatic relations timeline</title>" in client.get("/").text
    event = Event.objects.published().first()
    assert (
        f'<meta property="og:title" content="{escape(event.title)}'
        in client.get(event.get_absolute_url()).text
    )


def test_the_choice_of_overlapping_markers_lists_them_in_time_order(client, dataset):
    """chart.js sends the slugs of markers that lie on each other; the panel lists them."""
    later, earlier = "2017-05-29-versailles-meeting", "2014-03-17-eu-first-sanctions-over-ukraine"
    response = client.get(
        reverse("timeline:events-here"), {"event": [later, earlier, "no-such-event"]}, **HTMX
    )
    assert response.status_code == 200
    assert listed(response) == [earlier, later]
    assert "2 events at this point" in response.text and "<html" not in response.text
    page = client.get(reverse("timeline:events-here"), {"event": [later]})
    assert "<html" in page.text and listed(page) == [later]  # without JavaScript: a page


@pytest.mark.parametrize(
    "slugs, status, message",
    [
        ([], 400, "“event”: give between 1 and 12 events"),
        ([f"e{n}" for n in range(13)], 400, "“event”: give between 1 and 12 events"),
        (["no-such-event"], 404, ""),
    ],
)
def test_the_choice_refuses_what_it_cannot_list(client, dataset, slugs, status, message):
    response = client.get(reverse("timeline:events-here"), {"event": slugs})
    assert response.status_code == status
    assert message in response.content.decode()
