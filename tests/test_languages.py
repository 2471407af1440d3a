"""Languages are a setting: a line in LANGUAGES gives every curated text a version in it,
in the models, the admin's forms, the API and the fallback to the original; the migration
that adds its columns is the one `makemigrations` writes."""

import json

import pytest
from django.conf import settings
from django.urls import reverse

from tests.processes import manage, scratch_database
from timeline.languages import columns
from timeline.models import Event

from .admin_forms import admin_form_data

FOLLOWS_GERMAN = """
import json
from django.contrib import admin
from django.test import RequestFactory
from django.utils import translation
from timeline import api
from timeline.models import Dispute, Event, Tag

request = RequestFactory().get("/admin/")
request.user = type("Staff", (), {"is_active": True, "is_staff": True, "is_superuser": True,
                                   "has_perm": lambda *a: True})()
event_form = admin.site._registry[Event].get_form(request)
dispute_form = admin.site._registry[Dispute].get_form(request)
event = Event(title_en="Summit", title_de="Gipfeltreffen", summary_en="Talks.")
tag = Tag(name_en="energy")
with translation.override("de"):
    shown = [event.localized_title, event.localized_summary, tag.localized_name]
print(json.dumps({
    "event_form": sorted(f for f in event_form.base_fields if f.startswith(("title", "summary"))),
    "dispute_form": sorted(f for f in dispute_form.base_fields if f.startswith("name")),
    "api": sorted(k for k in api.in_every_language(event, "title")),
    "csv": [c for c in api.CSV_COLUMNS if c.endswith("_de")],
    "shown": shown,
}))
"""


def test_a_language_added_to_the_settings_reaches_the_models_admin_and_api(tmp_path):
    with scratch_database(tmp_path) as env:
        env["DJANGO_SETTINGS_MODULE"] = "tests.settings_with_german"
        env["PYTHONPATH"] = str(settings.BASE_DIR)
        out = manage(env, "shell", "-c", FOLLOWS_GERMAN).stdout
        pending = manage(env, "makemigrations", "timeline", "--dry-run", check=False)
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["event_form"] == [
        *("summary_de", "summary_en", "summary_fr", "summary_ru"),
        *("title_de", "title_en", "title_fr", "title_ru"),
    ]
    assert seen["dispute_form"] == ["name_de", "name_en", "name_fr", "name_ru"]
    assert seen["api"] == ["title", "title_de", "title_fr", "title_ru"]
    assert seen["csv"] == ["title_de", "summary_de", "quote_de"]
    # German where it has a version, the original where it has none.
    assert seen["shown"] == ["Gipfeltreffen", "Talks.", "energy"]
    # The columns are the migration makemigrations writes for it, nothing else.
    assert "Add field title_de to event" in pending.stdout
    assert "Add field name_de to historicaltag" in pending.stdout
    assert "title_ru" not in pending.stdout


@pytest.mark.django_db
def test_a_revert_brings_back_the_versions_in_every_language(client, dataset, editor):
    event = Event.objects.get(slug="2017-05-29-versailles-meeting")
    event.title_ru = "Макрон принимает Путина в Версале"
    event.save()
    before = {column: getattr(event, column) for column in columns("title")}
    assert before["title_fr"] and before["title_ru"]
    client.force_login(editor)
    change_url = reverse("admin:timeline_event_change", args=[event.pk])
    edited = {"title_fr": "Titre corrigé", "title_ru": "Исправленный заголовок"}
    response = client.post(change_url, {**admin_form_data(client.get(change_url)), **edited})
    assert response.status_code == 302
    earlier = event.history.filter(title_fr=before["title_fr"]).first()
    assert event.history.first().title_ru == edited["title_ru"]

    revert_url = reverse("admin:timeline_event_simple_history", args=[event.pk, earlier.pk])
    page = client.get(revert_url)
    assert client.post(revert_url, admin_form_data(page)).status_code == 302
    event.refresh_from_db()
    assert {column: getattr(event, column) for column in columns("title")} == before
