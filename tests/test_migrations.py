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
