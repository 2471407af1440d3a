"""The curators' event screen: adding through the real admin form, the publishing rules, the
bulk actions, the list with its unsourced flag (in a constant number of queries), import."""

import json
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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

from .admin_forms import admin_form_data, errors_in, set_inline
from .factories import bare_event, make_user

pytestmark = pytest.mark.django_db

NEEDS_SOURCE = "An event cannot be published without at least one source."


@pytest.fixture
def france():
    return Country.objects.update_or_create(code="FR", defaults={"name": "France"})[0]


@pytest.fixture
def russia():
    return Country.objects.update_or_create(code="RU", defaults={"name": "Russia"})[0]


@pytest.fixture
def versailles(france):
    return Place.objects.create(name="Versailles", country=france)


@pytest.fixture
def macron(france):
    return Person.objects.create(name="Emmanuel Macron", country=france)


NEW_EVENT = {
    "title_en": "Macron receives Putin at Versailles",
    "kind": "meeting",
    "start": "2017-05-29",
    "date_precision": "day",
    "tone": "3",
    "summary_en": "Talks on Syria and Ukraine.",
}


def test_it_sends_anonymous_users_to_the_admin_login(client):
    for url in [reverse("admin:index"), reverse("admin:timeline_event_changelist")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_it_lets_a_curator_add_an_event_with_a_source_and_a_participant_as_a_draft(
    client, curator, france, russia, versailles, macron
):
    client.force_login(curator)
    add_url = reverse("admin:timeline_event_add")
    page = client.get(add_url)
    assert page.status_code == 200
    assert "state" not in page.context["adminform"].form.fields  # read-only for curators

    data = {**admin_form_data(page), **NEW_EVENT}
    data["place"] = str(versailles.pk)
    data["countries"] = [str(france.pk), str(russia.pk)]
    data["state"] = "published"  # not a field for a curator: must be ignored
    set_inline(
        data,
        "sources",
        [
            {
                "url": "https://www.reuters.com/article/us-france-russia-idUSKBN18P0ZS",
                "publisher": "Reuters",
                "title": "Macron and Putin meet at Versailles",
                "published": "2017-05-29",
                "quote": "French President Emmanuel Macron met Russian President Vladimir Putin.",
            }
        ],
    )
    set_inline(data, "participations", [{"person": str(macron.pk), "role": "host"}])

    response = client.post(add_url, data)

    assert response.status_code == 302, errors_in(response)
    event = Event.objects.get(title=NEW_EVENT["title_en"])
    assert event.state == Event.State.DRAFT
    assert event.slug == "2017-05-29-macron-receives-putin-at-versailles"
    assert event.place == versailles
    assert set(event.countries.values_list("code", flat=True)) == {"FR", "RU"}
    assert event.sources.get().publisher == "Reuters"
    participation = event.participations.get()
    assert (participation.person, participation.role) == (macron, "host")


def test_it_refuses_to_publish_a_new_event_without_a_source(client, editor):
    client.force_login(editor)
    add_url = reverse("admin:timeline_event_add")
    data = {**admin_form_data(client.get(add_url)), **NEW_EVENT, "state": "published"}

    response = client.post(add_url, data)

    assert response.status_code == 200
    assert NEEDS_SOURCE in errors_in(response)
    assert NEEDS_SOURCE in response.text
    assert not Event.objects.exists()


def test_it_lets_an_editor_publish_a_new_event_with_its_source(client, editor):
    client.force_login(editor)
    add_url = reverse("admin:timeline_event_add")
    data = {**admin_form_data(client.get(add_url)), **NEW_EVENT, "state": "published"}
    set_inline(data, "sources", [{"url": "https://example.org/versailles", "title": "Report"}])

    response = client.post(add_url, data)

    assert response.status_code == 302, errors_in(response)
    assert Event.objects.get().state == Event.State.PUBLISHED


def test_it_refuses_to_publish_an_existing_event_without_a_source(client, editor):
    event = bare_event()
    client.force_login(editor)
    change_url = reverse("admin:timeline_event_change", args=[event.pk])
    data = {**admin_form_data(client.get(change_url)), "state": "published"}
    # The empty extra source form stays empty: it is not a source.

    response = client.post(change_url, data)

    assert response.status_code == 200
    assert NEEDS_SOURCE in errors_in(response)
    event.refresh_from_db()
    assert event.state == Event.State.DRAFT


def test_it_refuses_to_keep_an_event_published_when_its_last_source_is_removed(client, curator):
    event = bare_event(sources=1, state=Event.State.PUBLISHED)
    client.force_login(curator)
    change_url = reverse("admin:timeline_event_change", args=[event.pk])
    data = admin_form_data(client.get(change_url))
    data["sources-0-DELETE"] = "on"

    response = client.post(change_url, data)

    assert response.status_code == 200
    assert NEEDS_SOURCE in errors_in(response)
    assert event.sources.count() == 1


def test_it_publishes_a_draft_whose_first_source_is_added_in_the_same_save(client, editor):
    event = bare_event()
    client.force_login(editor)
    change_url = reverse("admin:timeline_event_change", args=[event.pk])
    data = {**admin_form_data(client.get(change_url)), "state": "published"}
    set_inline(data, "sources", [{"url": "https://example.org/versailles", "title": "Report"}])

    response = client.post(change_url, data)

    assert response.status_code == 302, errors_in(response)
    event.refresh_from_db()
    assert event.state == Event.State.PUBLISHED
    assert event.sources.count() == 1


def test_it_keeps_the_state_read_only_for_curators(client, curator):
    event = bare_event(sources=1)
    client.force_login(curator)
    change_url = reverse("admin:timeline_event_change", args=[event.pk])
    page = client.get(change_url)
    assert "state" not in page.context["adminform"].form.fields
    data = {**admin_form_data(page), "state": "published", "title_en": "Renamed"}

    response = client.post(change_url, data)

    assert response.status_code == 302, errors_in(response)
    event.refresh_from_db()
    assert (event.title, event.state) == ("Renamed", Event.State.DRAFT)


def changelist_action(client, action, events):
    return client.post(
        reverse("admin:timeline_event_changelist"),
        {"action": action, "_selected_action": [str(e.pk) for e in events]},
        follow=True,
    )


def test_it_publishes_the_sourced_events_and_names_the_skipped_ones(client, editor):
    sourced = bare_event("Sourced meeting", sources=2)
    unsourced = bare_event("Unsourced call", kind=Event.Kind.CALL)
    client.force_login(editor)

    response = changelist_action(client, "publish", [sourced, unsourced])

    sourced.refresh_from_db()
    unsourced.refresh_from_db()
    assert sourced.state == Event.State.PUBLISHED
    assert unsourced.state == Event.State.DRAFT
    messages = [str(m) for m in response.context["messages"]]
    assert "Published 1 event." in messages
    assert any("no source" in m and "“Unsourced call”" in m for m in messages), messages
    assert sourced.history.first().history_user == editor


def test_it_unpublishes_the_selected_events(client, editor):
    event = bare_event(sources=1, state=Event.State.PUBLISHED)
    client.force_login(editor)

    changelist_action(client, "unpublish", [event])

    event.refresh_from_db()
    assert event.state == Event.State.DRAFT


def test_it_does_not_let_curators_publish_from_the_list(client, curator):
    event = bare_event(sources=1)
    client.force_login(curator)

    page = client.get(reverse("admin:timeline_event_changelist"))
    action_form = page.context["action_form"]  # None: a curator has no bulk action at all
    actions = [value for value, _ in action_form.fields["action"].choices] if action_form else []
    assert "publish" not in actions and "unpublish" not in actions

    changelist_action(client, "publish", [event])
    event.refresh_from_db()
    assert event.state == Event.State.DRAFT


def test_it_flags_unsourced_events_in_the_list_and_filters_them(client, curator):
    bare_event("Sourced meeting", sources=1)
    bare_event("Unsourced call")
    client.force_login(curator)
    changelist = reverse("admin:timeline_event_changelist")

    response = client.get(changelist)
    assert response.text.count('class="unsourced"') == 1

    response = client.get(changelist, {"sourced": "no"})
    assert [e.title for e in response.context["cl"].result_list] == ["Unsourced call"]


def test_it_shows_dates_in_their_precision_in_the_list(client, curator):
    bare_event("Cancelled visit", start=date(2016, 10, 1), date_precision="month", cancelled=True)
    client.force_login(curator)

    response = client.get(reverse("admin:timeline_event_changelist"))

    assert "October 2016" in response.text
    assert "1 October 2016" not in response.text


def make_listed_events(count, france, versailles):
    for n in range(count):
        event = bare_event(f"Event {n}", place=versailles, sources=n % 3)
        event.countries.add(france)


def test_it_lists_events_in_a_constant_number_of_queries(
    client, editor, france, versailles, django_assert_max_num_queries
):
    client.force_login(editor)
    changelist = reverse("admin:timeline_event_changelist")
    make_listed_events(10, france, versailles)
    client.get(changelist)  # warm the caches (content types, sessions)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(changelist).status_code == 200

    make_listed_events(40, france, versailles)
    with django_assert_max_num_queries(len(ten)):
        response = client.get(changelist)
    assert len(response.context["cl"].result_list) == 50


def test_it_offers_view_on_site_only_for_published_events(client, editor):
    draft = bare_event("Draft meeting")
    published = bare_event("Published meeting", sources=1, state=Event.State.PUBLISHED)
    client.force_login(editor)

    draft_page = client.get(reverse("admin:timeline_event_change", args=[draft.pk]))
    published_page = client.get(reverse("admin:timeline_event_change", args=[published.pk]))

    assert draft_page.context["has_absolute_url"] is False
    assert published_page.context["absolute_url"] == published.get_absolute_url()


def test_it_shows_the_tone_guidance_on_the_event_form(client, curator):
    client.force_login(curator)

    response = client.get(reverse("admin:timeline_event_add"))

    assert "Goldstein scale" in response.text
    for heading in ["What happened", "When", "Where", "Who", "Why it matters"]:
        assert f">{heading}<" in response.text


def test_it_refuses_to_delete_the_last_source_of_a_published_event(client, editor):
    event = bare_event(sources=1, state=Event.State.PUBLISHED)
    source = event.sources.get()
    client.force_login(editor)

    response = client.post(
        reverse("admin:timeline_source_delete", args=[source.pk]), {"post": "yes"}, follow=True
    )

    assert Source.objects.filter(pk=source.pk).exists()
    assert any("only source" in str(m) for m in response.context["messages"])


EVENT_FILES = {
    # format index on the import screen: 0 CSV, 1 JSON
    "0": (
        "events.csv",
        "slug,title,kind,start,end,date_precision,cancelled,summary,quote,place,countries,"
        "disputes,tags,tone,state\n"
        ",Phone call on Syria,call,2016-10-01,,month,0,,,,FR;RU,syria,diplomacy,2,published\n",
    ),
    "1": (
        "events.json",
        json.dumps(
            [
                {
                    "slug": "",
                    "title": "Phone call on Syria",
                    "kind": "call",
                    "start": "2016-10-01",
                    "end": "",
                    "date_precision": "month",
                    "cancelled": "0",
                    "summary": "",
                    "quote": "",
                    "place": "",
                    "countries": "FR;RU",
                    "disputes": "syria",
                    "tags": "diplomacy",
                    "tone": 2,
                    "state": "published",
                }
            ]
        ),
    ),
}


@pytest.mark.parametrize("file_format", ["0", "1"], ids=["csv", "json"])
def test_it_imports_events_as_drafts_after_a_preview(client, curator, france, russia, file_format):
    Dispute.objects.create(slug="syria", name="Syria", start=date(2015, 9, 30))
    Tag.objects.create(name="diplomacy")
    client.force_login(curator)
    name, content = EVENT_FILES[file_format]

    import_url = reverse("admin:timeline_event_import")
    page = client.get(import_url)
    assert "state" not in page.context["fields_list"][0][1]  # never imported
    preview = client.post(
        import_url,
        {
            "import_file": SimpleUploadedFile(name, content.encode()),
            "format": file_format,
            "resource": "0",
        },
    )
    assert preview.status_code == 200
    confirm = preview.context.get("confirm_form")
    assert confirm is not None, (
        preview.context.get("form").errors if preview.context.get("form") else preview.text[:2000]
    )
    assert not Event.objects.exists()  # the preview writes nothing

    response = client.post(reverse("admin:timeline_event_process_import"), confirm.initial)

    assert response.status_code == 302
    event = Event.objects.get()
    assert event.title == "Phone call on Syria"
    assert event.state == Event.State.DRAFT  # the state column is never imported
    assert set(event.countries.values_list("code", flat=True)) == {"FR", "RU"}
    assert list(event.disputes.values_list("slug", flat=True)) == ["syria"]
    assert event.history.first().history_user == curator


def test_it_renders_every_screen_with_the_shipped_dataset(client, dataset):
    admin_user = make_user("root", is_superuser=True)
    client.force_login(admin_user)
    event = Event.objects.get(slug__contains="versailles")
    urls = [
        reverse("admin:index"),
        reverse("admin:timeline_event_change", args=[event.pk]),
        reverse("admin:timeline_event_history", args=[event.pk]),
        reverse("admin:timeline_event_deleted"),
        reverse("admin:timeline_event_export"),
    ]
    for model in [Country, Person, Organization, Place, Tag, Dispute, Event, Participation, Source]:
        urls.append(reverse(f"admin:timeline_{model._meta.model_name}_changelist"))
        urls.append(reverse(f"admin:timeline_{model._meta.model_name}_add"))
        obj = model.objects.first()
        urls.append(reverse(f"admin:timeline_{model._meta.model_name}_change", args=[obj.pk]))
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_it_exports_events_with_their_state_as_csv(client, curator, france):
    event = bare_event("Versailles meeting", sources=1, state=Event.State.PUBLISHED)
    event.countries.add(france)
    client.force_login(curator)
    columns = ["slug", "title", "start", "countries", "state"]

    response = client.post(
        reverse("admin:timeline_event_export"),
        {"format": "0", "resource": "0", **{f"eventexportresource_{c}": "on" for c in columns}},
    )

    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(columns)
    assert lines[1] == f"{event.slug},Versailles meeting,2017-05-29,FR,published"


def add_event_in_admin(client, countries, about=()):
    add_url = reverse("admin:timeline_event_add")
    data = {**admin_form_data(client.get(add_url)), **NEW_EVENT}
    data["countries"] = [str(c.pk) for c in countries]
    data["about"] = [str(c.pk) for c in about]
    response = client.post(add_url, data, follow=True)
    assert response.status_code == 200, errors_in(response)
    return [str(m) for m in response.context["messages"]]


def test_it_warns_when_no_pairs_timeline_shows_a_saved_event(client, curator, france, russia):
    client.force_login(curator)
    warned = add_event_in_admin(client, [france])
    assert any("No pair's timeline shows" in m for m in warned)


def test_an_event_about_another_country_is_on_their_pairs_timeline_and_not_warned(
    client, curator, france, russia
):
    client.force_login(curator)
    messages = add_event_in_admin(client, [france], about=[russia])
    assert not any("No pair's timeline shows" in m for m in messages)
    event = Event.objects.get(title=NEW_EVENT["title_en"])
    assert list(event.about.values_list("code", flat=True)) == ["RU"]


def test_the_event_list_filters_the_events_no_pairs_timeline_shows(client, editor, france, russia):
    alone = bare_event("France alone")
    alone.countries.add(france)
    both = bare_event("France and Russia")
    both.countries.add(france, russia)
    about = bare_event("France about Russia")
    about.countries.add(france)
    about.about.add(russia)
    client.force_login(editor)
    changelist = reverse("admin:timeline_event_changelist")
    hidden = client.get(changelist, {"on_timeline": "no"}).text
    shown = client.get(changelist, {"on_timeline": "yes"}).text
    assert (
        "France alone" in hidden
        and "France and Russia" not in hidden
        and "France about Russia" not in hidden
    )
    assert (
        "France alone" not in shown
        and "France and Russia" in shown
        and "France about Russia" in shown
    )


@pytest.mark.parametrize("model", [Country, Tag, Dispute, Place], ids=lambda m: m.__name__)
def test_reference_lists_count_each_rows_events(client, curator, dataset, model):
    client.force_login(curator)
    most = model.objects.annotate(n=Count("events", distinct=True)).order_by("-n").first()
    url = reverse(f"admin:timeline_{model._meta.model_name}_changelist")
    response = client.get(url, {"q": most.name})
    assert response.status_code == 200
    row = re.search(
        rf'/{most.pk}/change/.*?field-number_of_events">(.*?)</td>', response.text, re.S
    )
    assert row and int(row[1]) == most.n > 0
    assert "timeline.Event.None" not in response.text
