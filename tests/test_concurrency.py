"""Two curators editing the same thing: the second save is refused, not a silent overwrite
(optimistic concurrency on the admin's change forms, timeline/admin/concurrency.py)."""

import contextlib
from datetime import date

import pytest
from django.urls import reverse

from timeline.admin.concurrency import VERSION_FIELD
from timeline.models import Country, Event, Person, Source
from timeline.roles import CURATOR, EDITOR

from .admin_forms import admin_form_data, errors_in
from .factories import bare_event, make_user

pytestmark = pytest.mark.django_db

REFUSED = "after you opened it. Your changes were not saved"


# The two people editing at once, by name: Carla the curator, Edgar the editor (conftest).
@pytest.fixture
def carla(curator):
    return curator


@pytest.fixture
def edgar(editor):
    return editor


def open_form(client, user, url):
    """What the curator's browser holds after opening the change form."""
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200
    return admin_form_data(page)


def save(client, user, url, data):
    client.force_login(user)
    return client.post(url, data)


def test_it_refuses_the_second_of_two_curators_saving_the_same_event(client, carla, edgar):
    event = bare_event(sources=1, summary="The original summary.")
    url = reverse("admin:timeline_event_change", args=[event.pk])
    carla_form = open_form(client, carla, url)
    edgar_form = open_form(client, edgar, url)

    first = save(
        client, carla, url, {**carla_form, "title_en": "Carla's title", "summary_en": "Carla's."}
    )
    assert first.status_code == 302, errors_in(first)

    second = save(client, edgar, url, {**edgar_form, "title_en": "Edgar's title", "tone": "-5"})

    assert second.status_code == 200
    errors = errors_in(second)
    assert any(
        e.startswith("Someone else saved this event at ") and "(carla)" in e and REFUSED in e
        for e in errors
    ), errors
    assert "open the event again to see theirs" in second.text
    event.refresh_from_db()
    assert (event.title, event.summary, event.tone) == ("Carla's title", "Carla's.", 0)
    assert event.history.count() == 2  # created, Carla's save; nothing from Edgar


def test_it_keeps_refusing_the_stale_form_when_it_is_sent_again(client, carla, edgar):
    event = bare_event(sources=1)
    url = reverse("admin:timeline_event_change", args=[event.pk])
    carla_form = open_form(client, carla, url)
    edgar_form = open_form(client, edgar, url)
    assert save(client, carla, url, {**carla_form, "title_en": "Carla's"}).status_code == 302
    refused = save(client, edgar, url, {**edgar_form, "title_en": "Edgar's"})

    # Clicking save again on the refused page sends the same (stale) version.
    again = save(client, edgar, url, admin_form_data(refused))

    assert again.status_code == 200
    assert any(REFUSED in e for e in errors_in(again))
    event.refresh_from_db()
    assert event.title == "Carla's"


def test_it_saves_a_single_edit_and_then_the_next_one(client, carla):
    event = bare_event(sources=1)
    url = reverse("admin:timeline_event_change", args=[event.pk])

    first = save(client, carla, url, {**open_form(client, carla, url), "title_en": "Once"})
    assert first.status_code == 302, errors_in(first)
    second = save(client, carla, url, {**open_form(client, carla, url), "title_en": "Twice"})
    assert second.status_code == 302, errors_in(second)

    event.refresh_from_db()
    assert event.title == "Twice"


def test_it_still_adds_new_events_without_a_version(client, carla):
    url = reverse("admin:timeline_event_add")
    data = {
        **open_form(client, carla, url),
        "title_en": "New",
        "kind": Event.Kind.MEETING,
        "start": "2017-05-29",
    }
    assert VERSION_FIELD not in data

    response = save(client, carla, url, data)

    assert response.status_code == 302, errors_in(response)
    assert Event.objects.get().title == "New"


def test_it_refuses_a_save_when_a_source_changed_since_the_form_was_opened(client, carla, edgar):
    event = bare_event(sources=1)
    source = event.sources.get()
    url = reverse("admin:timeline_event_change", args=[event.pk])
    edgar_form = open_form(client, edgar, url)

    # Carla fixes the source on its own screen; the event row itself does not change.
    source_url = reverse("admin:timeline_source_change", args=[source.pk])
    carla_form = open_form(client, carla, source_url)
    response = save(client, carla, source_url, {**carla_form, "title": "Carla's source"})
    assert response.status_code == 302, errors_in(response)

    refused = save(client, edgar, url, {**edgar_form, "sources-0-title": "Edgar's source"})

    assert refused.status_code == 200
    assert any(REFUSED in e and "(carla)" in e for e in errors_in(refused))
    source.refresh_from_db()
    assert source.title == "Carla's source"


def test_it_refuses_a_stale_inline_edit_and_keeps_the_first_curators_sources(client, carla, edgar):
    event = bare_event(sources=1)
    url = reverse("admin:timeline_event_change", args=[event.pk])
    carla_form = open_form(client, carla, url)
    edgar_form = open_form(client, edgar, url)

    carla_form["sources-0-title"] = "Carla's source"
    assert save(client, carla, url, carla_form).status_code == 302

    # Edgar deletes the source Carla just fixed and adds one of his own, from the old form.
    edgar_form["sources-0-DELETE"] = "on"
    edgar_form.update(
        {
            "sources-1-url": "https://example.org/edgar",
            "sources-1-title": "Edgar's source",
            "sources-TOTAL_FORMS": "2",
        }
    )
    refused = save(client, edgar, url, edgar_form)

    assert refused.status_code == 200
    assert any(REFUSED in e for e in errors_in(refused))
    assert list(event.sources.values_list("title", flat=True)) == ["Carla's source"]


def test_it_refuses_when_a_source_was_added_by_someone_else(client, carla):
    event = bare_event(sources=1)
    url = reverse("admin:timeline_event_change", args=[event.pk])
    form = open_form(client, carla, url)
    Source.objects.create(event=event, url="https://example.org/added", title="Added elsewhere")

    refused = save(client, carla, url, {**form, "title_en": "Renamed"})

    assert refused.status_code == 200
    assert any(REFUSED in e and "(user unknown)" in e for e in errors_in(refused))
    event.refresh_from_db()
    assert event.title != "Renamed"


def test_it_saves_a_hand_made_post_without_a_version_unchecked(client, carla):
    # The admin's pages always send the version; a script posting its own fields does not,
    # and is saved as before (see timeline/admin/concurrency.py).
    event = bare_event(sources=1)
    url = reverse("admin:timeline_event_change", args=[event.pk])
    form = open_form(client, carla, url)
    del form[VERSION_FIELD]

    response = save(client, carla, url, {**form, "title_en": "Renamed"})

    assert response.status_code == 302, errors_in(response)
    event.refresh_from_db()
    assert event.title == "Renamed"


def test_it_renders_the_version_hidden(client, carla):
    event = bare_event(sources=1)
    client.force_login(carla)
    page = client.get(reverse("admin:timeline_event_change", args=[event.pk]))
    assert f'type="hidden" name="{VERSION_FIELD}"' in page.text


def test_it_protects_the_reference_screens_and_their_inlines_too(client, carla, edgar):
    france = Country.objects.update_or_create(code="FR", defaults={"name": "France"})[0]
    person = Person.objects.create(name="Emmanuel Macron", country=france)
    url = reverse("admin:timeline_person_change", args=[person.pk])
    carla_form = open_form(client, carla, url)
    edgar_form = open_form(client, edgar, url)

    carla_form.update(
        {
            "terms-0-office": "President",
            "terms-0-country": str(france.pk),
            "terms-0-start": "2017-05-14",
            "terms-TOTAL_FORMS": "1",
        }
    )
    first = save(client, carla, url, {**carla_form, "description": "Carla's"})
    assert first.status_code == 302, errors_in(first)

    refused = save(client, edgar, url, {**edgar_form, "description": "Edgar's"})

    assert refused.status_code == 200
    assert any("Someone else saved this person" in e for e in errors_in(refused))
    person.refresh_from_db()
    assert person.description == "Carla's"
    assert person.terms.get().start == date(2017, 5, 14)


def race_two_saves():
    """Two curators' saves of one event sent at the same moment, each in its own thread and
    database connection. Both checks would pass before either saves, unless the check holds
    the row: each save waits (up to 3 s) after its check for the other to have checked too.
    Runs in a process of its own on a real database (see the test below); returns what
    happened."""
    import threading

    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from timeline.admin import concurrency

    setup_test_environment()
    carla, edgar = make_user("carla", CURATOR), make_user("edgar", EDITOR)
    event = bare_event(sources=1)
    url = reverse("admin:timeline_event_change", args=[event.pk])
    forms = {user: open_form(Client(), user, url) for user in (carla, edgar)}
    both_checked = threading.Barrier(2)
    original_clean = concurrency.VersionedFormMixin.clean

    def clean_then_wait(form):
        cleaned = original_clean(form)
        # The other save is held back until this one commits (the point): the wait breaks.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait(timeout=3)
        return cleaned

    concurrency.VersionedFormMixin.clean = clean_then_wait
    results = {}

    def send(user):
        try:
            response = save(Client(), user, url, {**forms[user], "title_en": user.username})
            errors = errors_in(response) if response.status_code == 200 else []
            results[user.username] = {"status": response.status_code, "errors": errors}
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(user,)) for user in (carla, edgar)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    event.refresh_from_db()
    return {"results": results, "title": event.title}


def test_it_refuses_one_of_two_saves_sent_at_the_same_moment(tmp_path):
    # A real database of the suite's engine (a SQLite file in WAL, as deployed; the test
    # database would be SQLite in memory, whose locking is not the deployed one).
    import json
    import subprocess
    import sys

    from tests.test_backup import manage, scratch_database

    script = (
        "import json, django; django.setup(); "
        "from tests.test_concurrency import race_two_saves; print(json.dumps(race_two_saves()))"
    )
    with scratch_database(tmp_path) as env:
        manage(env, "migrate", "--noinput", "-v", "0")
        env["DJANGO_SETTINGS_MODULE"] = "diplomacy_site.settings"
        run = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
        )
    assert run.returncode == 0, run.stderr
    outcome = json.loads(run.stdout.strip().splitlines()[-1])

    results = outcome["results"]
    assert sorted(r["status"] for r in results.values()) == [200, 302], outcome
    winner = next(name for name, r in results.items() if r["status"] == 302)
    loser = next(r for r in results.values() if r["status"] == 200)
    assert any(REFUSED in e and f"({winner})" in e for e in loser["errors"]), outcome
    assert outcome["title"] == winner
