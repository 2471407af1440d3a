"""Migrations build the schema from an empty database on the suite's engine (SQLite, or
PostgreSQL when DATABASE_URL says so), and the models have no change without a migration."""

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
