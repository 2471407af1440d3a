"""Readers' suggestions (timeline/suggestions.py), the editors' queue (admin/suggestions.py)
and the public record of corrections (timeline/public_record.py)."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from timeline.models import Correction, Event, Suggestion

from . import factories
from .admin_forms import admin_form_data
from .xss_corpus import PAYLOADS

pytestmark = pytest.mark.django_db

GOOD = {"message": "The meeting was on 30 May, not 29 May.", "source_url": "https://example.org/a"}


@pytest.fixture
def event():
    return factories.event("Macron receives Putin", date(2017, 5, 29))


def suggest_url(event=None):
    if event is None:
        return reverse("timeline:suggest")
    return reverse("timeline:suggest-correction", args=[event.slug])


def post(client, event=None, address="203.0.113.7", **fields):
    return client.post(suggest_url(event), fields, REMOTE_ADDR=address)


# --- the form ---------------------------------------------------------------------------


def test_a_correction_is_stored_and_changes_nothing(client, event):
    response = post(client, event, **GOOD, email="reader@example.org")
    assert response.status_code == 200
    assert "Thank you" in response.text and "changes nothing" in response.text
    stored = Suggestion.objects.get()
    assert (stored.event, stored.message, stored.source_url) == (
        event,
        GOOD["message"],
        GOOD["source_url"],
    )
    assert stored.state == Suggestion.State.NEW and stored.email == "reader@example.org"
    event.refresh_from_db()
    assert event.start == date(2017, 5, 29)


def test_the_form_page_carries_a_csrf_token_and_is_never_cached(client, event):
    response = client.get(suggest_url(event))
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert "erased when your suggestion is closed" in response.text


def test_without_the_csrf_token_nothing_is_stored(event):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(suggest_url(event), GOOD).status_code == 403
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"source_url": "https://example.org"}, "message", "This field is required"),
        ({**GOOD, "source_url": "javascript:alert(1)"}, "source_url", "Enter a valid URL"),
        ({**GOOD, "source_url": "ftp://example.org/x"}, "source_url", "Enter a valid URL"),
        ({**GOOD, "message": "x" * 10_000}, "message", "at most 2000 characters"),
        ({**GOOD, "email": "not an address"}, "email", "valid email"),
        ({**GOOD, "website": "http://spam.example"}, None, "filled in by a program"),
    ],
)
def test_bad_input_gets_a_clear_error_and_stores_nothing(client, event, fields, field, message):
    response = post(client, event, **fields)
    assert response.status_code == 400
    assert message in response.text
    if field:
        assert f'id="id_{field}_error"' in response.text
    assert not Suggestion.objects.exists()


def test_a_missing_event_needs_a_source(client):
    response = post(client, None, message="The 2014 Mistral cancellation is missing.")
    assert response.status_code == 400 and 'id="id_source_url_error"' in response.text
    assert (
        post(client, None, message="Missing.", source_url="https://example.org/m").status_code
        == 200
    )
    assert Suggestion.objects.get().event is None


def test_a_draft_or_unknown_event_cannot_be_suggested_on(client):
    draft = factories.event("Secret", date(2017, 1, 1), state=Event.State.DRAFT)
    assert post(client, draft, **GOOD).status_code == 404
    assert client.get("/events/nothing-here/suggest/").status_code == 404
    assert not Suggestion.objects.exists()


def test_htmx_gets_the_form_alone(client, event):
    response = client.get(suggest_url(event), headers={"HX-Request": "true"})
    assert "<html" not in response.text and "<form" in response.text


# --- throttling -------------------------------------------------------------------------


def test_the_sixth_suggestion_from_one_address_gets_429_with_retry_after(client, event):
    for n in range(5):
        assert post(client, event, **GOOD).status_code == 200, n
    response = post(client, event, **GOOD)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "Too many suggestions" in response.text
    assert Suggestion.objects.count() == 5
    assert post(client, event, address="198.51.100.9", **GOOD).status_code == 200


def test_one_event_takes_a_limited_number_from_many_addresses(client, event, settings):
    settings.SUGGESTION_EVENT_LIMIT = 3
    for n in range(3):
        assert post(client, event, address=f"198.51.100.{n}", **GOOD).status_code == 200
    assert post(client, event, address="198.51.100.99", **GOOD).status_code == 429
    other = factories.event("Another", date(2017, 6, 1))
    assert post(client, other, address="198.51.100.99", **GOOD).status_code == 200


def test_rejected_input_does_not_count_against_the_reader(client, event):
    for _n in range(6):
        assert post(client, event, message="").status_code == 400
    assert post(client, event, **GOOD).status_code == 200


# --- editors told -----------------------------------------------------------------------


def test_editors_get_one_email_per_period(client, event, editor, curator):
    editor.email = "edgar@example.org"
    editor.save()
    curator.email = "carla@example.org"
    curator.save()
    post(client, event, **GOOD)
    post(client, event, address="198.51.100.1", **GOOD)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["edgar@example.org"]
    assert "/admin/timeline/suggestion/" in mail.outbox[0].body


# --- the queue --------------------------------------------------------------------------


def suggestion(event=None, **values):
    return Suggestion.objects.create(
        event=event,
        message="Wrong date",
        source_url="https://example.org/s",
        email="r@example.org",
        **values,
    )


def change(client, user, item, **fields):
    client.force_login(user)
    url = reverse("admin:timeline_suggestion_change", args=[item.pk])
    data = admin_form_data(client.get(url))
    data.update(fields)
    return client.post(url, data)


def test_a_curator_sees_and_rejects_with_a_reason_and_the_email_is_erased(client, curator, event):
    item = suggestion(event)
    client.force_login(curator)
    page = client.get(reverse("admin:timeline_suggestion_change", args=[item.pk]))
    assert page.status_code == 200
    assert "Macron receives Putin" in page.text  # the event beside it
    assert f"?suggestion={item.pk}" in page.text
    response = change(client, curator, item, state="rejected", reason="")
    assert "Say why it is rejected" in response.text
    response = change(
        client, curator, item, state="rejected", reason="The sources agree on 29 May."
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.email, item.closed_by) == ("rejected", "", curator)
    assert item.closed_at is not None


def test_only_an_editor_accepts(client, curator, editor, event):
    item = suggestion(event)
    response = change(client, curator, item, state="accepted")
    assert response.status_code == 200 and "Select a valid choice" in response.text
    item.refresh_from_db()
    assert item.state == "new" and item.email
    assert change(client, editor, item, state="accepted").status_code == 302
    item.refresh_from_db()
    assert item.state == "accepted" and item.email == ""


def test_bulk_reject_as_spam(client, curator):
    items = [suggestion() for _n in range(3)]
    client.force_login(curator)
    response = client.post(
        reverse("admin:timeline_suggestion_changelist"),
        {"action": "reject_as_spam", "_selected_action": [i.pk for i in items]},
    )
    assert response.status_code == 302
    assert set(Suggestion.objects.values_list("state", "reason", "email")) == {
        ("rejected", "spam", "")
    }


def test_the_accept_action_is_an_editors(client, curator, editor):
    item = suggestion()
    client.force_login(curator)
    changelist = client.get(reverse("admin:timeline_suggestion_changelist"))
    assert 'value="accept"' not in changelist.text and 'value="reject_as_spam"' in changelist.text
    client.force_login(editor)
    client.post(
        reverse("admin:timeline_suggestion_changelist"),
        {"action": "accept", "_selected_action": [item.pk]},
    )
    item.refresh_from_db()
    assert item.state == "accepted"


def test_the_queue_filters_by_state_and_event(client, editor, event):
    suggestion(event)
    suggestion(None, state="rejected", reason="spam")
    client.force_login(editor)
    url = reverse("admin:timeline_suggestion_changelist")
    assert client.get(url, {"state__exact": "new"}).context["cl"].result_count == 1
    assert client.get(url, {"event__id__exact": event.pk}).context["cl"].result_count == 1


def test_readers_and_anonymous_users_see_nothing_of_the_queue(client, event):
    suggestion(event)
    url = reverse("admin:timeline_suggestion_changelist")
    assert client.get(url).status_code == 302  # to the login
    reader = factories.make_user("reader", is_staff=False)
    client.force_login(reader)
    assert client.get(url).status_code == 302
    assert "Wrong date" not in client.get(reverse("timeline:corrections")).text


@pytest.mark.parametrize("payload", PAYLOADS[:12])
def test_hostile_text_is_shown_escaped_in_the_admin(client, editor, event, payload):
    item = Suggestion.objects.create(
        event=event, message=payload, source_url="https://example.org/x"
    )
    client.force_login(editor)
    for url in (
        reverse("admin:timeline_suggestion_changelist"),
        reverse("admin:timeline_suggestion_change", args=[item.pk]),
        reverse("admin:timeline_event_change", args=[event.pk]) + f"?suggestion={item.pk}",
    ):
        html = client.get(url).text
        if "<" in payload:
            assert payload not in html, url


# --- the public record --------------------------------------------------------------------


def correct(client, user, event, suggestion=None, **fields):
    """Save the event's admin form with `fields` changed, as a curator would."""
    client.force_login(user)
    url = reverse("admin:timeline_event_change", args=[event.pk])
    if suggestion:
        url += f"?suggestion={suggestion.pk}"
    data = admin_form_data(client.get(url))
    data.update(fields)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_a_correction_shows_on_the_event_page_and_the_corrections_page(client, editor, event):
    item = suggestion(event)
    correct(
        client,
        editor,
        event,
        item,
        start="2017-05-30",
        correction_note="The meeting was a day later.",
    )
    correction = Correction.objects.get()
    assert correction.fields == "date" and correction.suggestion == item
    item.refresh_from_db()
    assert item.state == "accepted" and item.email == ""
    client.logout()
    page = client.get(Event.objects.get().get_absolute_url()).text
    assert "Corrected on" in page and "The meeting was a day later." in page
    listing = client.get(reverse("timeline:corrections")).text
    assert "The meeting was a day later." in listing and "Macron receives Putin" in listing


def test_a_curators_correction_leaves_the_suggestion_for_an_editor(client, curator, event):
    item = suggestion(event)
    correct(client, curator, event, item, title_en="Macron welcomes Putin", correction_note="")
    assert Correction.objects.get().fields == "title"
    item.refresh_from_db()
    assert item.state == "new"


def test_a_minor_correction_stays_off_the_record(client, editor, event):
    correct(client, editor, event, title_en="Macron receives Putin.", correction_minor="on")
    assert Correction.objects.get().minor
    assert "Corrected on" not in client.get(Event.objects.get().get_absolute_url()).text
    assert "Macron receives Putin." not in client.get(reverse("timeline:corrections")).text


def test_a_change_of_what_readers_are_not_told_is_no_correction(client, editor, event):
    correct(client, editor, event, tone="3")
    draft = factories.event("Draft", date(2017, 1, 1), state=Event.State.DRAFT)
    correct(client, editor, draft, title_en="Draft, renamed")
    assert not Correction.objects.exists()


def test_the_record_in_french_and_bad_pages(client, editor, event):
    correct(client, editor, event, start="2017-05-30", correction_note="Un jour plus tard.")
    client.logout()
    page = client.get(f"/fr/events/{event.slug}/").text
    assert "Rectifié le" in page
    assert 'Un jour plus tard. <span class="role">(date)</span>' in page
    listing = client.get("/fr/corrections/")
    assert listing.status_code == 200 and "<h1>Rectifications</h1>" in listing.text
    assert client.get("/corrections/", {"page": "x"}).status_code == 400
    assert client.get("/corrections/", {"page": "9"}).status_code == 400


def test_the_corrections_feed_lists_the_record_newest_first(client, editor, event):
    import feedparser

    other = factories.event("Lavrov in Paris", date(2017, 6, 1))
    correct(client, editor, event, start="2017-05-30", correction_note="A day later.")
    correct(client, editor, other, title_en="Lavrov visits Paris", correction_minor="on")
    correct(client, editor, other, summary_en="Talks on Syria.")
    client.logout()
    response = client.get(reverse("timeline:feed-corrections"))
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0 and parsed.version == "atom10"
    assert [e.title for e in parsed.entries] == [
        "Corrected: Lavrov visits Paris",
        "Corrected: Macron receives Putin",
    ]
    assert "Talks" not in parsed.entries[0].content[0].value  # what changed, not the text
    assert "summary" in parsed.entries[0].content[0].value
    assert "A day later. (date)" in parsed.entries[1].content[0].value
    assert len({e.id for e in parsed.entries}) == 2
    page = client.get(reverse("timeline:corrections")).text
    assert 'type="application/atom+xml"' in page and "/feeds/corrections.atom" in page
    french = feedparser.parse(client.get("/fr/feeds/corrections.atom").content)
    assert french.entries[0].title == "Rectifié\u00a0: Lavrov visits Paris"
