"""Permalinks that last: an event's old address redirects (301) after its slug changes, a
withdrawn event's address answers 410 saying when, and a draft's address stays a 404."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.timezone import localtime

from timeline.models import Event

from . import factories

pytestmark = pytest.mark.django_db


def url_of(slug, language=""):
    path = reverse("timeline:event", args=[slug])
    return f"/{language}{path}" if language else path


@pytest.fixture
def renamed(client):
    event = factories.event("Lavrov meets Fabius", date(2013, 2, 28))
    old = event.slug
    event.slug = "2013-02-28-lavrov-and-fabius-in-moscow"
    event.save()
    return old, event


def test_an_old_slug_redirects_permanently_to_the_new_address(client, renamed):
    old, event = renamed
    response = client.get(url_of(old))
    assert response.status_code == 301
    assert response["Location"] == event.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_the_redirect_keeps_the_query_and_the_language(client, renamed):
    old, event = renamed
    response = client.get(url_of(old, "fr") + "?utm=citation")
    assert response.status_code == 301
    assert response["Location"] == f"/fr/events/{event.slug}/?utm=citation"


def test_a_slug_changed_twice_still_reaches_the_event(client, renamed):
    old, event = renamed
    event.slug = "2013-02-28-third-name"
    event.save()
    for slug in (old, "2013-02-28-lavrov-and-fabius-in-moscow"):
        assert client.get(url_of(slug))["Location"] == "/events/2013-02-28-third-name/"


def test_a_slug_reused_by_another_event_shows_that_event(client, renamed):
    old, _ = renamed
    reuser = factories.event("Another meeting", date(2014, 1, 1), slug=old)
    response = client.get(url_of(old))
    assert response.status_code == 200
    assert response.context["event"] == reuser


def test_a_deleted_event_is_gone_with_the_day_it_was_withdrawn(client):
    event = factories.event("Hollande calls Putin", date(2016, 10, 11))
    slug = event.slug
    event.delete()
    response = client.get(url_of(slug))
    assert response.status_code == 410
    deleted = Event.history.filter(history_type="-").get()
    text = response.content.decode()
    assert "withdrawn" in text
    withdrawn = localtime(deleted.history_date)
    assert f"{withdrawn.day} {withdrawn:%B} {withdrawn.year}" in text.replace("\xa0", " ")
    assert "Hollande calls Putin" not in text


def test_an_unpublished_event_is_withdrawn_in_the_readers_language(client):
    event = factories.event("Hollande calls Putin", date(2016, 10, 11))
    event.state = Event.State.DRAFT
    event.save()
    response = client.get(url_of(event.slug, "ru"))
    assert response.status_code == 410
    assert "отозвал" in response.content.decode()


def test_a_draft_never_published_stays_not_found(client):
    draft = factories.event("Secret plan", date(2016, 10, 11), state=Event.State.DRAFT)
    draft.slug = "2016-10-11-secret-plan-renamed"
    draft.save()
    assert client.get(url_of("2016-10-11-secret-plan")).status_code == 404
    assert client.get(url_of(draft.slug)).status_code == 404
    draft.delete()
    assert client.get(url_of(draft.slug)).status_code == 404


def test_an_address_never_used_is_not_found(client):
    assert client.get(url_of("1900-01-01-nothing")).status_code == 404


def test_a_current_event_costs_no_history_query(client, renamed):
    _, event = renamed
    client.get(event.get_absolute_url())  # warm the per-process caches (data version…)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(event.get_absolute_url() + "?fresh=1").status_code == 200
    assert not any("historicalevent" in q["sql"].lower() for q in queries.captured_queries)
