"""`make backup` / `make restore`: a round trip on the engine the suite runs on (SQLite, or
PostgreSQL when DATABASE_URL says so), through the real commands in their own processes."""

import json
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection

from .processes import COUNTS, manage, scratch_database


def counts(env):
    return json.loads(manage(env, "shell", "-c", COUNTS).stdout.strip().splitlines()[-1])


def test_it_backs_up_and_restores_the_dataset(tmp_path):
    backups = tmp_path / "backups"
    with scratch_database(tmp_path) as env:
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_dataset")
        loaded = counts(env)
        assert loaded["events"] == 27 and loaded["sources"] > 0

        made = manage(env, "backup_db", "--dir", str(backups))
        backup = Path(made.stdout.strip().splitlines()[-1])
        assert backup.parent == backups and backup.is_file()
        suffix = ".sqlite3" if connection.vendor == "sqlite" else ".dump"
        assert backup.name.startswith("db-") and backup.suffix == suffix

        manage(
            env, "shell", "-c", "from timeline.models import Event; Event.objects.all().delete()"
        )
        assert counts(env) == {"events": 0, "sources": 0, "unsourced": 0}

        restored = manage(env, "restore_db", str(backup), "--dir", str(backups))

        assert counts(env) == loaded
        # The data that was replaced was kept beside, in case the wrong file was restored.
        assert "backed up first" in restored.stdout
        assert len(list(backups.glob("pre-restore-*"))) == 1


def test_it_refuses_to_restore_without_a_file(tmp_path):
    with scratch_database(tmp_path) as env:
        result = manage(env, "restore_db", check=False)
    assert result.returncode != 0
    assert "Which backup? Name the file to restore: make restore FILE=backups/" in result.stderr


def test_it_refuses_a_file_that_is_not_a_backup(tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    with scratch_database(tmp_path) as env:
        missing = manage(env, "restore_db", str(tmp_path / "nope.sqlite3"), check=False)
        wrong = manage(env, "restore_db", str(not_a_backup), check=False)
    assert missing.returncode != 0 and "No backup file at" in missing.stderr
    assert wrong.returncode != 0 and "neither a SQLite database nor a pg_dump" in wrong.stderr


def test_make_restore_without_file_says_how(tmp_path):
    result = subprocess.run(
        ["make", "--no-print-directory", "restore"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "make restore FILE=backups/" in result.stderr
