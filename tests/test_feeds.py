"""Atom feeds of every filtered view (timeline/feeds.py), with each entry's first
publication (timeline/corrections.py) and the corrections of the public record
(timeline/public_record.py)."""

import re
from datetime import date, datetime, timedelta

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from lxml import etree
from lxml import html as lxml_html

from timeline.corrections import first_published
from timeline.dates import format_date
from timeline.models import Event
from timeline.public_record import record_correction, snapshot

from . import factories as f
from .xss_corpus import PAYLOADS, labelled

pytestmark = pytest.mark.django_db

FEED = "/feeds/events.atom"
ATOM = "{http://www.w3.org/2005/Atom}"


def get_feed(client, url=FEED, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return response, parsed


def titles(parsed):
    return [entry.title for entry in parsed.entries]


def moved_back(event, days):
    """As if `event` and every version of it were saved `days` days ago."""
    then = timezone.now() - timedelta(days=days)
    Event.objects.filter(pk=event.pk).update(updated_at=then, created_at=then)
    Event.history.model.objects.filter(id=event.pk).update(history_date=then)
    return then


def edit(event, **values):
    """Save `event` with new values as a curator would: one more version in its history."""
    event = Event.objects.get(pk=event.pk)
    for name, value in values.items():
        setattr(event, name, value)
    event.save()
    return event


@pytest.fixture
def three_events():
    early = f.event("Early meeting in Paris", date(2012, 3, 1))
    late = f.event("Late phone call", date(2017, 6, 1), kind=Event.Kind.CALL)
    middle = f.event("Middle statement on Syria", date(2015, 9, 1), kind=Event.Kind.STATEMENT)
    for days, event in [(3, early), (2, late), (1, middle)]:
        moved_back(event, days)
    return early, late, middle


def test_the_feed_is_atom_with_the_last_changed_event_first(client, three_events):
    early, late, middle = three_events
    f.event("Secret draft meeting", date(2016, 1, 1), state=Event.State.DRAFT)
    response, parsed = get_feed(client)
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    # Not in time order (early, middle, late): the last one changed first.
    assert titles(parsed) == [middle.title, late.title, early.title]
    edit(early, tone=2)
    _, parsed = get_feed(client)
    assert titles(parsed) == [early.title, middle.title, late.title]
    assert b"Secret draft" not in client.get(FEED).content


def test_the_feed_says_what_it_is_and_where_its_view_is(client, three_events):
    response, parsed = get_feed(client, kind="call")
    assert parsed.feed.title == "France – Russia · phone call: diplomatic relations timeline"
    assert parsed.feed.link == "http://testserver/?kind=call"
    self_link = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert self_link == ["http://testserver/feeds/events.atom?kind=call"]
    assert parsed.feed.author == "Diplomatic relations timeline"
    assert parsed.feed.language == "en"
    assert parsed.feed.subtitle
    (entry,) = parsed.entries
    assert parsed.feed.updated == entry.updated
    late = three_events[1]
    assert entry.link == f"http://testserver{late.get_absolute_url()}"
    assert entry.id == f"tag:testserver,2026:event/{late.pk}"
    content = entry.content[0].value
    assert "1 June 2017" in content and "https://example.org/" in content


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"kind": "statement"}, ["Middle statement on Syria"]),
        (
            {"kind": ["statement", "meeting"]},
            ["Middle statement on Syria", "Early meeting in Paris"],
        ),
        ({"from": "2015-01-01"}, ["Middle statement on Syria", "Late phone call"]),
        ({"to": "2014-12-31"}, ["Early meeting in Paris"]),
        ({"q": "syria"}, ["Middle statement on Syria"]),
        ({"q": "PARIS", "unknown": "ignored"}, ["Early meeting in Paris"]),
    ],
)
def test_the_filters_apply(client, three_events, params, expected):
    _, parsed = get_feed(client, **params)
    assert titles(parsed) == expected


def test_another_pair_has_its_own_feed(client, three_events):
    f.event("Kyiv talks", date(2016, 2, 2), countries=("FR", "UA"))
    _, parsed = get_feed(client, pair="UA-FR")
    assert titles(parsed) == ["Kyiv talks"]
    assert "Kyiv talks" not in titles(get_feed(client)[1])


def test_at_most_fifty_entries(client):
    f.many_events(55)
    _, parsed = get_feed(client)
    assert len(parsed.entries) == 50


def test_a_new_event_appears_and_a_correction_keeps_its_entry_and_says_what_changed(client):
    first = f.event("Macron receives Putin", date(2017, 5, 29))
    published = moved_back(first, 2)
    _, before = get_feed(client)
    (old,) = before.entries
    assert "Corrected" not in old.content[0].value

    f.event("Lavrov in Paris", date(2017, 6, 1))
    before = snapshot(first)
    first = edit(first, start=date(2017, 5, 30), title_en="Macron receives Putin at Versailles")
    record_correction(first, before, note="The meeting was a day later.")
    _, after = get_feed(client)
    assert titles(after) == ["Macron receives Putin at Versailles", "Lavrov in Paris"]
    entry = after.entries[0]
    assert entry.id == old.id
    assert datetime.fromisoformat(entry.updated) > datetime.fromisoformat(old.updated)
    assert datetime.fromisoformat(entry.published) == published
    assert entry.published == old.published
    today = format_date(timezone.localdate())
    assert (
        f"Corrected on {today}: The meeting was a day later. (date, title)."
        in entry.content[0].value
    )
    assert "30 May 2017" in entry.content[0].value


def test_a_minor_correction_and_a_save_without_record_say_nothing(client):
    event = f.event("Macron receives Putin", date(2017, 5, 29))
    before = snapshot(event)
    event = edit(event, title_en="Macron receives Putin.")
    record_correction(event, before, minor=True)
    edit(event, tone=4)  # an import or a script: no correction on the record
    _, parsed = get_feed(client)
    assert "Corrected" not in parsed.entries[0].content[0].value


def test_first_published_is_the_first_public_version(db):
    event = f.event("Visit", date(2014, 1, 1), state=Event.State.DRAFT)
    Event.history.model.objects.filter(id=event.pk).update(
        history_date=timezone.now() - timedelta(days=9)
    )
    edit(event, state=Event.State.PUBLISHED)
    edit(event, tone=4)
    draft = f.event("Draft", date(2014, 1, 2), state=Event.State.DRAFT)
    published = first_published([event, draft.pk])
    first_public = (
        Event.history.model.objects.filter(id=event.pk, state="published")
        .order_by("history_date")
        .first()
    )
    assert published == {event.pk: first_public.history_date}
    assert timezone.now() - published[event.pk] < timedelta(minutes=1)


def test_the_history_of_all_entries_is_one_query(client):
    f.event("With history", date(2016, 1, 1))
    f.many_events(2)
    small = steady_queries(client, 3)
    for i in range(12):
        edit(f.event(f"Edited {i}", date(2015, 1, 1 + i)), tone=1)
    f.many_events(15)
    assert Event.objects.published().count() == 30
    assert steady_queries(client, 30) == small


def steady_queries(client, n):
    """The queries of a feed of `n` entries, once the per-process caches are warm (an
    unknown parameter is ignored by the filters, but makes a URL of its own)."""
    client.get(FEED, {"warm": n})
    with CaptureQueriesContext(connection) as queries:
        _, parsed = get_feed(client, n=n)
    assert len(parsed.entries) == n
    history = [q for q in queries.captured_queries if "historicalevent" in q["sql"].lower()]
    assert len(history) == 1
    return len(queries)


def test_an_edit_changes_the_etag(client, three_events):
    response = client.get(FEED)
    assert "public" in response["Cache-Control"]
    assert client.get(FEED, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    edit(three_events[0], title_en="Early meeting, renamed")
    changed = client.get(FEED)
    assert changed["ETag"] != response["ETag"]
    assert b"Early meeting, renamed" in changed.content
    assert client.head(FEED).status_code == 200


@pytest.mark.parametrize(
    "prefix, title, feed_words",
    [
        ("/fr", "Macron reçoit Poutine", "chronologie des relations diplomatiques"),
        ("/ru", "Макрон принимает Путина", "хронология дипломатических отношений"),
    ],
)
def test_the_feed_speaks_the_language_of_its_address(client, prefix, title, feed_words):
    event = f.event(
        "Macron receives Putin",
        date(2017, 5, 29),
        title_fr="Macron reçoit Poutine",
        title_ru="Макрон принимает Путина",
    )
    _, parsed = get_feed(client, prefix + FEED)
    assert feed_words in parsed.feed.title
    assert parsed.feed.language == prefix[1:]
    assert titles(parsed) == [title]
    (entry,) = parsed.entries
    assert entry.link == f"http://testserver{prefix}/events/{event.slug}/"
    with translation.override(prefix[1:]):
        assert format_date(date(2017, 5, 29)) in entry.content[0].value
    # One entry id in every language: the entry is the event.
    assert entry.id == get_feed(client)[1].entries[0].id


@pytest.mark.parametrize(
    "params, parameter",
    [({"from": "2017-13-45"}, "from"), ({"kind": "nonsense"}, "kind"), ({"pair": "XX-YY"}, "pair")],
)
@pytest.mark.parametrize("prefix", ["", "/fr"])
def test_a_bad_filter_is_a_400_naming_it(client, three_events, params, parameter, prefix):
    response = client.get(prefix + FEED, params)
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == [parameter]
    assert f"“{parameter}”" in body["error"]


def feed_links(page):
    tree = lxml_html.fromstring(page)
    return tree.xpath('//head/link[@rel="alternate"][@type="application/atom+xml"]')


def test_the_dashboard_links_to_the_feed_of_its_view(client, three_events):
    page = client.get("/", {"kind": "call", "page": "1", "event": "nothing"}).content
    (link,) = feed_links(page)
    assert link.get("href") == "http://testserver/feeds/events.atom?kind=call"
    assert link.get("title") == "France – Russia · phone call: diplomatic relations timeline"
    _, parsed = get_feed(client, kind="call")
    assert parsed.feed.title == link.get("title")


def test_the_event_page_and_the_embed_link_to_their_feeds(client, three_events):
    event = three_events[0]
    (link,) = feed_links(client.get(event.get_absolute_url()).content)
    assert link.get("href") == "http://testserver/feeds/events.atom?pair=FR-RU"
    assert link.get("title") == "France – Russia: diplomatic relations timeline"
    (link,) = feed_links(client.get("/fr/embed/", {"from": "2015-01-01"}).content)
    assert link.get("href") == "http://testserver/fr/feeds/events.atom?from=2015-01-01"
    assert "chronologie" in link.get("title")


def test_a_page_with_bad_filters_offers_no_feed(client, three_events):
    assert feed_links(client.get("/", {"kind": "nonsense"}).content) == []


def test_hostile_texts_come_out_as_text(client):
    for i, payload in enumerate(PAYLOADS):
        f.event(labelled(i, payload)[:200], date(2018, 1, 1) + timedelta(days=i), summary=payload)
    response, parsed = get_feed(client)
    raw = response.content.lower()
    assert b"<script" not in raw and b"<img" not in raw and b"<svg" not in raw
    assert labelled(0, PAYLOADS[0]) in titles(parsed)  # the title is its text, as typed
    for entry in parsed.entries:
        assert "<script" not in entry.content[0].value.lower()
    # What a reader that does not sanitise would render: no script, handler or js: link.
    for content in etree.fromstring(response.content).iter(f"{ATOM}content"):
        fragment = lxml_html.fragment_fromstring(content.text, create_parent="div")
        assert not fragment.xpath("//script | //img | //svg | //iframe | //object")
        for element in fragment.iter():
            assert not [name for name in element.attrib if name.lower().startswith("on")]
            assert not element.get("href", "").strip().lower().startswith(("javascript", "data"))


def test_the_feed_has_what_rfc_4287_requires(client, three_events):
    """No RELAX NG schema of Atom is on this machine: its rules are checked one by one."""
    f.event("Fresh meeting", date(2016, 1, 1))  # its history written just after it
    response = client.get(FEED)
    feed = etree.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"

    def one(parent, name):
        (found,) = parent.findall(f"{ATOM}{name}")
        return found

    for name in ("id", "title", "updated", "author"):
        one(feed, name)
    assert one(one(feed, "author"), "name").text
    assert rfc3339(one(feed, "updated").text)
    ids = []
    for entry in feed.iter(f"{ATOM}entry"):
        ids.append(one(entry, "id").text)
        assert re.fullmatch(r"tag:testserver,2026:event/\d+", ids[-1])
        assert one(entry, "title").text
        assert rfc3339(one(entry, "updated").text) >= rfc3339(one(entry, "published").text)
        alternate = [
            link for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate"
        ]
        assert len(alternate) == 1 and alternate[0].get("href").startswith("http://")
        assert one(entry, "content").get("type") == "html"
    assert len(ids) == len(set(ids)) == 4


def rfc3339(text):
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", text), text
    return datetime.fromisoformat(text)
