"""Drafts never leak (issue 6, item 5).

A draft event — distinctive title, its own sources, countries FR and RU, the Syria
dispute, a tag and a person that only drafts use — and a second draft between France and
Japan (a pair with no published event) must be absent from every public endpoint and
export, and change no count: the dashboard's count, the embed credit's events and sources,
the API's count, the pair selector, the person and tag choices.

Sources have no state of their own (timeline/models.py: `Source` has no `state`; a source
is public exactly when its event is published), so "a draft source" here is a source of a
draft event: its URL, title and quote must never appear either.
"""

import csv
import io
import json
import re
from datetime import date
from urllib.parse import quote

import pytest
from django.test import Client

from timeline import selectors
from timeline.models import Dispute, Event, Participation, Source

from . import factories

TITLE = "Zanzibar secret accord"
SLUG = "zanzibar-secret-accord"
SOURCE_URL = "https://leak.example/zanzibar-memo"
SOURCE_TITLE = "Memo on the Zanzibar accord"
SOURCE_QUOTE = "Quillwort clause"
TAG = "zanzibar-only-tag"
PERSON = "Xavier Draftonly"
JP_TITLE = "Kyoto draft visit"
SECRETS = [
    TITLE,
    SLUG,
    SOURCE_URL,
    SOURCE_TITLE,
    SOURCE_QUOTE,
    TAG,
    PERSON,
    "xavier-draftonly",
    JP_TITLE,
    "Zanzibar",
    "Quillwort",
]

# Filters under which the FR–RU draft would show if it were public.
VIEWS = [
    "",
    "?dispute=syria",
    "?from=2016-05-01&to=2016-06-30",
    "?kind=summit",
    "?q=Zanzib",
    "?q=Quillw",
    "?pair=RU-FR",
]


@pytest.fixture
def drafts(dataset):
    return add_drafts()


def add_drafts():
    syria = Dispute.objects.get(slug="syria")
    person = factories.person(PERSON, "FR")
    draft = factories.event(
        TITLE,
        date(2016, 5, 29),
        Event.Kind.SUMMIT,
        countries=("FR", "RU"),
        state=Event.State.DRAFT,
        disputes=[syria],
        tags=[TAG],
        people=[(person, Participation.Role.HOST)],
        slug=SLUG,
        summary="Quillwort summary",
        place="Zanzibar",
    )
    Source.objects.create(
        event=draft, url=SOURCE_URL, title=SOURCE_TITLE, publisher="Leak", quote=SOURCE_QUOTE
    )
    factories.event(
        JP_TITLE,
        date(2016, 6, 1),
        countries=("FR", "JP"),
        state=Event.State.DRAFT,
        tags=[TAG],
        people=[(person, Participation.Role.GUEST)],
        slug="kyoto-draft-visit",
    )
    assert Event.objects.filter(state=Event.State.DRAFT, title__in=[TITLE, JP_TITLE]).count() == 2
    return draft


# One client: each new Client loads the middleware again (WhiteNoise rescans the static files).
CLIENT = Client()


def get(path, **headers):
    CLIENT.cookies.clear()
    return CLIENT.get(path, **headers)


def assert_no_secret(response):
    text = response.content.decode()
    for secret in SECRETS:
        assert secret not in text and quote(secret) not in text, (
            response.request["PATH_INFO"],
            secret,
        )


def observe(view):
    """Every count a reader can see for one filtered view, read from the public responses."""
    seen = {}
    page = get("/" + view)
    seen["dashboard"] = (
        page.status_code,
        re.search(r'id="event-count"[^>]*>([^<]*)<', page.content.decode()).group(1),
    )
    partial = get("/" + view, HTTP_HX_REQUEST="true")
    seen["partial"] = re.search(r'id="event-count"[^>]*>([^<]*)<', partial.content.decode()).group(
        1
    )
    embed = get("/embed/" + view)
    seen["embed"] = re.findall(r'<p class="credit">(.*?)</p>', embed.content.decode(), re.S)
    embed_partial = get("/embed/" + view, HTTP_HX_REQUEST="true")
    seen["embed-partial"] = re.findall(
        r'<p class="credit">(.*?)</p>', embed_partial.content.decode(), re.S
    )
    api = json.loads(get("/api/events/" + (view or "?") + "&page_size=1000").content)
    seen["api"] = (
        api["count"],
        sorted(e["slug"] for e in api["results"]),
        sorted(s["url"] for e in api["results"] for s in e["sources"]),
    )
    rows = list(csv.reader(io.StringIO(get("/api/events.csv" + view).content.decode())))
    seen["csv"] = sorted(row[1] for row in rows[1:])
    timeline = json.loads(get("/api/timelinejs.json" + view).content)
    seen["timelinejs"] = sorted(
        e["unique_id"] if "unique_id" in e else json.dumps(e, sort_keys=True)
        for e in timeline.get("events", [])
    )
    oembed = get("/oembed/?url=" + quote("http://testserver/embed/" + view, safe=""))
    seen["oembed"] = (oembed.status_code, json.loads(oembed.content).get("title"))
    for response in (page, partial, embed, embed_partial, oembed):
        assert_no_secret(response)
    return seen


def test_it_keeps_every_count_and_list_the_same_when_drafts_are_added(dataset):
    before = {view: observe(view) for view in VIEWS}
    pairs_before = selectors.pairs_with_events()
    add_drafts()
    after = {view: observe(view) for view in VIEWS}
    assert after == before
    assert selectors.pairs_with_events() == pairs_before


def test_it_never_shows_a_draft_or_its_sources_on_any_public_endpoint(drafts):
    for view in VIEWS:
        for path in ("/", "/embed/", "/api/events/", "/api/events.csv", "/api/timelinejs.json"):
            for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
                response = get(path + view, **headers)
                assert response.status_code == 200, (path, view)
                assert_no_secret(response)
        oembed = get("/oembed/?url=" + quote("http://testserver/" + view, safe=""))
        assert oembed.status_code == 200
        assert_no_secret(oembed)


def test_it_answers_404_for_a_draft_event_page_and_panel(drafts):
    assert get(f"/events/{SLUG}/").status_code == 404
    assert get(f"/events/{SLUG}/", HTTP_HX_REQUEST="true").status_code == 404
    assert get("/events/kyoto-draft-visit/").status_code == 404


def test_the_choice_of_overlapping_markers_never_lists_a_draft(drafts):
    assert get(f"/events/?event={SLUG}").status_code == 404
    versailles = "2017-05-29-versailles-meeting"
    response = get(f"/events/?event={SLUG}&event={versailles}", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert re.findall(r'class="event-link" href="/events/([^/]+)/"', response.text) == [versailles]
    assert_no_secret(response)


def test_it_does_not_offer_a_person_or_tag_only_drafts_use(drafts):
    page = get("/").content.decode()
    assert 'value="xavier-draftonly"' not in page and PERSON not in page
    assert f'value="{TAG}"' not in page
    for path in ("/", "/embed/", "/api/events/", "/api/events.csv", "/api/timelinejs.json"):
        by_tag = get(f"{path}?tag={TAG}")
        by_person = get(f"{path}?person=xavier-draftonly")
        assert by_tag.status_code == 400, path
        assert by_person.status_code == 400, path
        assert TITLE not in by_tag.content.decode()
    oembed = get("/oembed/?url=" + quote(f"http://testserver/embed/?tag={TAG}", safe=""))
    assert oembed.status_code == 400
    assert list(json.loads(oembed.content)["errors"]) == ["url"]


def test_it_does_not_offer_a_pair_only_drafts_have(drafts):
    assert "FR-JP" not in {pair.code for pair in selectors.pairs_with_events()}
    page = get("/").content.decode()
    assert 'value="FR-JP"' not in page and "Japan" not in page
    for path in ("/", "/embed/", "/api/events/", "/api/events.csv", "/api/timelinejs.json"):
        assert get(f"{path}?pair=FR-JP").status_code == 400, path


def test_it_counts_only_published_events_in_the_pair_selector(drafts):
    counts = {pair.code: pair.events for pair in selectors.pairs_with_events()}
    published = selectors.published_events({"pair": "FR-RU"}).count()
    assert counts["FR-RU"] == published
    assert not selectors.published_events({"pair": "FR-RU"}).filter(slug=SLUG).exists()


def test_it_shows_a_draft_once_published_so_the_checks_above_can_fail(drafts):
    """The same probes see the event as soon as it is published: they are not blind."""
    Event.objects.filter(slug=SLUG).update(state=Event.State.PUBLISHED)
    assert get(f"/events/{SLUG}/").status_code == 200
    api = get("/api/events/?q=Zanzibar").content.decode()
    assert SOURCE_URL in api and TITLE in api
    assert TITLE in get("/?q=Zanzibar").content.decode()
    assert TAG in get("/").content.decode()
