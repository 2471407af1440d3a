"""manage.py in its own process, on a scratch database of the suite's engine: for the tests
of commands that replace or migrate a whole database (backup, restore, migrations)."""

import contextlib
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
    params = {
        "host": db["HOST"],
        "port": db["PORT"],
        "user": db["USER"],
        "password": db["PASSWORD"],
    }
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
    result = subprocess.run([*MANAGE, *args], env=env, capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, (
            f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        )
    return result
