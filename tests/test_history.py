"""History: who changed what, revert from the history screen, and deleted events restored
with everything deleted with them (timeline.history.restore_deleted_event)."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from timeline.history import (
    RESTORED_REASON,
    RestoreError,
    deleted_events,
    restore_deleted_event,
)
from timeline.models import (
    Country,
    Dispute,
    Event,
    Organization,
    Participation,
    Person,
    Place,
    Source,
    Tag,
)

from .admin_forms import admin_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def versailles_meeting():
    """A published event with two sources, a person and an organisation, and m2m rows."""
    france = Country.objects.update_or_create(code="FR", defaults={"name": "France"})[0]
    russia = Country.objects.update_or_create(code="RU", defaults={"name": "Russia"})[0]
    place = Place.objects.create(name="Versailles", country=france)
    event = Event.objects.create(
        title="Macron receives Putin at Versailles",
        kind=Event.Kind.MEETING,
        start=date(2017, 5, 29),
        place=place,
        tone=3,
    )
    event.countries.set([france, russia])
    event.disputes.set(
        [Dispute.objects.create(slug="syria", name="Syria", start=date(2011, 3, 15))]
    )
    event.tags.set([Tag.objects.create(name="summit")])
    Source.objects.create(event=event, url="https://example.org/a", publisher="Reuters", title="A")
    Source.objects.create(event=event, url="https://example.org/b", publisher="AFP", title="B")
    Participation.objects.create(
        event=event, person=Person.objects.create(name="Emmanuel Macron"), role="host"
    )
    Participation.objects.create(
        event=event, organization=Organization.objects.create(name="Élysée"), role="host"
    )
    event.state = Event.State.PUBLISHED
    event.save()
    return event


def snapshot(event):
    event = Event.objects.get(pk=event.pk)
    return {
        "fields": (event.slug, event.title, event.start, event.place_id, event.tone, event.state),
        "countries": sorted(event.countries.values_list("code", flat=True)),
        "disputes": sorted(event.disputes.values_list("slug", flat=True)),
        "tags": sorted(event.tags.values_list("name", flat=True)),
        "sources": sorted(event.sources.values_list("pk", "url", "publisher", "title")),
        "participations": sorted(
            event.participations.values_list("pk", "person_id", "organization_id", "role")
        ),
    }


def delete_as(event, user):
    pk = event.pk
    event._history_user = user
    event.delete()
    return deleted_events().get(id=pk)


def test_it_records_the_user_who_changed_an_event_in_the_admin(client, editor, versailles_meeting):
    client.force_login(editor)
    url = reverse("admin:timeline_event_change", args=[versailles_meeting.pk])

    data = {**admin_form_data(client.get(url)), "title_en": "Versailles talks"}
    assert client.post(url, data).status_code == 302

    latest = versailles_meeting.history.first()
    assert latest.title == "Versailles talks"
    assert latest.history_user == editor
    history_page = client.get(reverse("admin:timeline_event_history", args=[versailles_meeting.pk]))
    assert "edgar" in history_page.text


def test_it_reverts_an_event_from_the_history_screen(client, editor, versailles_meeting):
    original = versailles_meeting.history.first()
    versailles_meeting.title = "A wrong title"
    versailles_meeting.tone = -9
    versailles_meeting.save()
    client.force_login(editor)
    revert_url = reverse(
        "admin:timeline_event_simple_history", args=[versailles_meeting.pk, original.history_id]
    )
    page = client.get(revert_url)
    assert page.status_code == 200

    response = client.post(revert_url, admin_form_data(page))

    assert response.status_code == 302
    versailles_meeting.refresh_from_db()
    assert (versailles_meeting.title, versailles_meeting.tone) == (
        "Macron receives Putin at Versailles",
        3,
    )
    assert versailles_meeting.history.first().history_user == editor


def test_it_restores_a_deleted_event_with_its_sources_participations_and_m2m(
    editor, versailles_meeting
):
    before = snapshot(versailles_meeting)
    pk = versailles_meeting.pk
    deletion = delete_as(versailles_meeting, editor)
    assert not Event.objects.filter(pk=pk).exists()
    assert not Source.objects.filter(event_id=pk).exists()
    assert deletion.history_user == editor

    result = restore_deleted_event(deletion.history_id, editor)

    assert (result.sources, result.participations, result.notes) == (2, 2, [])
    assert snapshot(result.event) == before
    restored = Event.history.filter(id=pk).first()
    assert (restored.history_type, restored.history_user, restored.history_change_reason) == (
        "+",
        editor,
        RESTORED_REASON,
    )
    # The restoring record holds the m2m rows, so the history screens and revert see them.
    assert sorted(restored.countries.values_list("country__code", flat=True)) == ["FR", "RU"]
    assert {
        s.history_user
        for s in Source.history.filter(
            id__in=[s[0] for s in before["sources"]], history_type="+"
        ).order_by("history_date")[2:]
    } == {editor}
    assert not deleted_events().filter(id=pk).exists()


def test_it_does_not_bring_back_a_source_removed_before_the_deletion(editor, versailles_meeting):
    removed = versailles_meeting.sources.get(publisher="AFP")
    removed.delete()
    deletion = delete_as(versailles_meeting, editor)

    result = restore_deleted_event(deletion.history_id, editor)

    assert list(result.event.sources.values_list("publisher", flat=True)) == ["Reuters"]
    assert not Source.objects.filter(pk=removed.pk).exists()


def test_it_restores_an_event_deleted_a_second_time(editor, versailles_meeting):
    before = snapshot(versailles_meeting)
    first = delete_as(versailles_meeting, editor)
    event = restore_deleted_event(first.history_id, editor).event
    second = delete_as(event, editor)

    result = restore_deleted_event(second.history_id, editor)

    assert snapshot(result.event) == before


def test_it_refuses_to_restore_an_event_twice(editor, versailles_meeting):
    deletion = delete_as(versailles_meeting, editor)
    restore_deleted_event(deletion.history_id, editor)

    with pytest.raises(RestoreError, match="restored already"):
        restore_deleted_event(deletion.history_id, editor)


def test_it_brings_a_published_event_back_as_a_draft_for_a_curator(
    editor, curator, versailles_meeting
):
    deletion = delete_as(versailles_meeting, editor)

    result = restore_deleted_event(deletion.history_id, curator)

    assert result.event.state == Event.State.DRAFT
    assert "draft" in str(result)


def test_it_restores_with_a_new_address_when_the_old_one_was_taken(editor, versailles_meeting):
    slug = versailles_meeting.slug
    deletion = delete_as(versailles_meeting, editor)
    Event.objects.create(title="Another", kind="call", start=date(2018, 1, 1), slug=slug)

    result = restore_deleted_event(deletion.history_id, editor)

    assert result.event.slug == f"{slug}-2"
    assert any(slug in note for note in result.notes)


def test_it_deletes_and_restores_through_the_admin_screens(client, editor, versailles_meeting):
    before = snapshot(versailles_meeting)
    pk = versailles_meeting.pk
    client.force_login(editor)

    response = client.post(
        reverse("admin:timeline_event_delete", args=[pk]), {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert not Event.objects.filter(pk=pk).exists()

    changelist = client.get(reverse("admin:timeline_event_changelist"))
    assert reverse("admin:timeline_event_deleted") in changelist.text
    listing = client.get(reverse("admin:timeline_event_deleted"))
    assert "Macron receives Putin at Versailles" in listing.text
    (record,) = listing.context["records"]
    assert record.history_user == editor

    restore_url = reverse("admin:timeline_event_restore", args=[record.history_id])
    assert client.get(restore_url).status_code == 405  # a change happens only on POST
    response = client.post(restore_url)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:timeline_event_change", args=[pk])
    assert snapshot(versailles_meeting) == before
    assert Event.history.filter(id=pk).first().history_user == editor
    assert not client.get(reverse("admin:timeline_event_deleted")).context["records"]


def test_it_keeps_the_restore_button_from_users_who_cannot_add_events(
    client, editor, versailles_meeting
):
    viewer = get_user_model().objects.create_user(
        username="vera", password="x-long-pass", is_staff=True
    )
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_event"))
    deletion = delete_as(versailles_meeting, editor)
    client.force_login(viewer)

    listing = client.get(reverse("admin:timeline_event_deleted"))
    assert listing.status_code == 200
    assert "Restore" not in listing.text.split('id="content-main"')[1]
    response = client.post(reverse("admin:timeline_event_restore", args=[deletion.history_id]))
    assert response.status_code == 403
    assert not Event.objects.filter(pk=deletion.id).exists()


def test_it_reverts_the_countries_disputes_and_tags_too(client, editor, versailles_meeting):
    original = versailles_meeting.history.first()
    before = snapshot(versailles_meeting)
    versailles_meeting.countries.set(
        [Country.objects.update_or_create(code="UA", defaults={"name": "Ukraine"})[0]]
    )
    versailles_meeting.tags.clear()
    client.force_login(editor)
    revert_url = reverse(
        "admin:timeline_event_simple_history", args=[versailles_meeting.pk, original.history_id]
    )

    response = client.post(revert_url, admin_form_data(client.get(revert_url)))

    assert response.status_code == 302
    assert snapshot(versailles_meeting) == before


def test_it_restores_each_event_of_a_bulk_deletion_with_its_own_sources(
    client, editor, versailles_meeting
):
    other = Event.objects.create(title="Phone call", kind="call", start=date(2017, 5, 18))
    Source.objects.create(event=other, url="https://example.org/call", title="Call")
    before = {e.pk: snapshot(e) for e in [versailles_meeting, other]}
    client.force_login(editor)

    client.post(
        reverse("admin:timeline_event_changelist"),
        {"action": "delete_selected", "_selected_action": list(before), "post": "yes"},
    )
    assert not Event.objects.filter(pk__in=before).exists()

    for record in deleted_events():
        restore_deleted_event(record.history_id, editor)

    assert {pk: snapshot(Event(pk=pk)) for pk in before} == before


def test_a_revert_brings_back_the_sources_and_participants_and_says_so(
    client, editor, versailles_meeting
):

    original = versailles_meeting.history.first()
    before = snapshot(versailles_meeting)
    client.force_login(editor)
    change_url = reverse("admin:timeline_event_change", args=[versailles_meeting.pk])
    data = {**admin_form_data(client.get(change_url)), "title_en": "Versailles talks", "tone": "-5"}
    data["sources-0-title"] = "An edited source title"
    data["participations-1-DELETE"] = "on"
    records_before = versailles_meeting.history.count()
    assert client.post(change_url, data).status_code == 302
    assert versailles_meeting.history.count() == records_before + 1  # one entry per save
    Source.objects.create(
        event=versailles_meeting, url="https://example.org/added-later", title="Later"
    )
    assert snapshot(versailles_meeting) != before

    revert_url = reverse(
        "admin:timeline_event_simple_history", args=[versailles_meeting.pk, original.history_id]
    )
    page = client.get(revert_url)
    # The revert screen says which sources and participants come back, under the admin's breadcrumbs.
    assert "Sources and participants in this version" in page.text and "Élysée" in page.text
    assert '<ol class="breadcrumbs">' in page.text
    response = client.post(revert_url, admin_form_data(page), follow=True)

    assert snapshot(versailles_meeting) == before  # fields, m2m, sources and participations
    messages = [str(m) for m in response.context["messages"]]
    assert any("was reverted to its version of" in m for m in messages)
    assert not any("changed successfully" in m for m in messages)
    latest = versailles_meeting.history.first()
    assert latest.history_change_reason.startswith("Reverted to the version of")
    assert Source.history.filter(history_change_reason__startswith="Reverted").exists()
