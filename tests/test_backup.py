"""`make backup` / `make restore`: a round trip on the engine the suite runs on (SQLite, or
PostgreSQL when DATABASE_URL says so), through the real commands in their own processes."""

import contextlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
from django.conf import settings
from django.db import connection

MANAGE = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
COUNTS = (
    "import json; from timeline.models import Event, Source; "
    "print(json.dumps({'events': Event.objects.count(), 'sources': Source.objects.count(), "
    "'unsourced': Event.objects.filter(sources=None).count()}))"
)


@contextlib.contextmanager
def scratch_database(tmp_path):
    """The environment of a process using a new, empty database on the suite's engine."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = str(tmp_path / "scratch.sqlite3")
        yield env
        return
    assert connection.vendor == "postgresql", connection.vendor
    db = connection.settings_dict
    params = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "password": db["PASSWORD"]}
    params = {k: v for k, v in params.items() if v}
    name = f"scratch_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        host = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
        env["DATABASE_URL"] = f"postgres://{auth}@{host}/{name}"
        yield env
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env, *args, check=True):
    result = subprocess.run(
        [*MANAGE, *args], env=env, capture_output=True, text=True, timeout=300
    )
    if check:
        assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


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

        manage(env, "shell", "-c", "from timeline.models import Event; Event.objects.all().delete()")
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
