"""Migrations build the schema from an empty database on the suite's engine (SQLite, or
PostgreSQL when DATABASE_URL says so), and the models have no change without a migration."""

import json

from tests.processes import manage, scratch_database


def test_it_migrates_an_empty_database_and_no_migration_is_missing(tmp_path):
    with scratch_database(tmp_path) as env:
        migrated = manage(env, "migrate", "--noinput")
        assert "Applying timeline.0001" in migrated.stdout

        # Nothing left to apply, and the models match the migrations.
        manage(env, "migrate", "--check")
        missing = manage(env, "makemigrations", "--check", "--dry-run", check=False)
        assert missing.returncode == 0, missing.stdout + missing.stderr
        assert "No changes detected" in missing.stdout


# Run inside the scratch database's process: an event written as migration 0010 knew it,
# then the migrations after it, then what the search finds.
FILLS_SEARCH_TEXT = """
from datetime import date
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

executor = MigrationExecutor(connection)
before = [("timeline", "0010_every_country")]
executor.migrate(before)
old = executor.loader.project_state(before).apps
Event, Place = old.get_model("timeline", "Event"), old.get_model("timeline", "Place")
place = Place.objects.create(name="Fort de Brégançon")
Event.objects.create(
    title="Summer talks", title_fr="Entretiens d'été à l'Élysée", slug="summer-talks",
    kind="meeting", start=date(2019, 8, 19), date_precision="day", state="published",
    place=place,
)
executor = MigrationExecutor(connection)
executor.migrate(executor.loader.graph.leaf_nodes())
from timeline.models import Event
print(Event.objects.get(slug="summer-talks").search_text)
"""


def test_the_search_migration_fills_the_events_that_exist(tmp_path):
    with scratch_database(tmp_path) as env:
        text = manage(env, "shell", "-c", FILLS_SEARCH_TEXT).stdout
    assert "summer talks" in text and "elysee" in text and "bregancon" in text


# An event, a dispute, a person and their history written as migration 0011 knew them
# (English in `title`, French in `title_fr`), then every migration after it.
KEEPS_FRENCH_TEXTS = """
import json
from datetime import date
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

executor = MigrationExecutor(connection)
before = [("timeline", "0011_event_search_text")]
executor.migrate(before)
old = executor.loader.project_state(before).apps
Event, HistoricalEvent = old.get_model("timeline", "Event"), old.get_model("timeline", "HistoricalEvent")
Person, Dispute = old.get_model("timeline", "Person"), old.get_model("timeline", "Dispute")
fields = dict(
    title="Macron hosts Putin", title_fr="Macron reçoit Poutine", summary="Talks.",
    summary_fr="Des entretiens.", quote="", quote_fr="", slug="versailles", kind="meeting",
    start=date(2017, 5, 29), date_precision="day", state="published",
)
event = Event.objects.create(**fields)
HistoricalEvent.objects.create(
    **fields, id=event.pk, history_date=event.created_at, history_type="+", tone=0,
    cancelled=False, created_at=event.created_at, updated_at=event.updated_at,
)
Person.objects.create(name="Vladimir Putin", name_fr="Vladimir Poutine", slug="putin")
Dispute.objects.create(
    slug="syria", name="Syria", name_fr="Syrie", summary="War.", summary_fr="La guerre.",
    start=date(2015, 9, 30),
)
executor = MigrationExecutor(connection)
executor.migrate(executor.loader.graph.leaf_nodes())
from timeline.models import Country, Dispute, Event, Person

event, dispute = Event.objects.get(slug="versailles"), Dispute.objects.get(slug="syria")
old_version = event.history.earliest().instance
with translation.override("fr"):
    french = [event.localized_title, event.localized_summary, Person.objects.get().localized_name,
              dispute.localized_name, dispute.localized_summary, old_version.localized_title]
with translation.override("ru"):
    russian = [event.localized_title, Country.objects.get(code="DE").localized_name]
print(json.dumps({
    "en": [event.title_en, event.summary_en, dispute.name_en, old_version.title_en],
    "fr": french, "ru": russian,
}))
"""


def test_the_languages_migration_keeps_every_text_and_its_french_version(tmp_path):
    with scratch_database(tmp_path) as env:
        out = manage(env, "shell", "-c", KEEPS_FRENCH_TEXTS).stdout
    texts = json.loads(out.strip().splitlines()[-1])
    assert texts["en"] == ["Macron hosts Putin", "Talks.", "Syria", "Macron hosts Putin"]
    assert texts["fr"] == [
        "Macron reçoit Poutine",
        "Des entretiens.",
        "Vladimir Poutine",
        "Syrie",
        "La guerre.",
        "Macron reçoit Poutine",
    ]
    # No Russian version yet: the original; the ISO countries got their Russian names.
    assert texts["ru"] == ["Macron hosts Putin", "Германия"]
