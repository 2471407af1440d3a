"""The settings module read from the environment, checked in fresh interpreters."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_python(code, **env):
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "diplomacy_site.settings"}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_python("import django; django.setup()")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_starts_in_debug_without_a_secret_key():
    result = run_python("import django; django.setup(); print('ok')", DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    code = (
        "import django, json; django.setup();"
        "from django.db import connection; c = connection.cursor();"
        "c.execute('PRAGMA journal_mode'); mode = c.fetchone()[0];"
        "c.execute('PRAGMA busy_timeout'); timeout = c.fetchone()[0];"
        "print(json.dumps([connection.vendor, mode, timeout]))"
    )
    result = run_python(code, SECRET_KEY="x", SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["sqlite", "wal", 20000]


def test_database_url_selects_postgresql():
    code = (
        "import json; from diplomacy_site import settings as s;"
        "d = s.DATABASES['default'];"
        "print(json.dumps([d['ENGINE'], d['NAME'], d['HOST'], d['PORT']]))"
    )
    result = run_python(
        code, SECRET_KEY="x", DATABASE_URL="postgres://curator@db.example:5433/diplomacy"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "django.db.backends.postgresql",
        "diplomacy",
        "db.example",
        5433,
    ]


def test_allowed_hosts_and_debug_come_from_the_environment():
    code = "import json; from diplomacy_site import settings as s; print(json.dumps([s.DEBUG, s.ALLOWED_HOSTS]))"
    result = run_python(
        code, SECRET_KEY="x", ALLOWED_HOSTS="timeline.example, www.timeline.example"
    )
    assert json.loads(result.stdout) == [False, ["timeline.example", "www.timeline.example"]]


def test_the_cache_is_local_memory_unless_redis_url_is_set():
    code = (
        "import json; from diplomacy_site import settings as s;"
        "c = s.CACHES['default']; print(json.dumps([c['BACKEND'], c.get('LOCATION')]))"
    )
    local = run_python(code, SECRET_KEY="x")
    assert json.loads(local.stdout)[0] == "django.core.cache.backends.locmem.LocMemCache"
    redis = run_python(code, SECRET_KEY="x", REDIS_URL="redis://127.0.0.1:6379/2")
    assert json.loads(redis.stdout) == [
        "timeline.resilient_cache.ResilientRedisCache",
        "redis://127.0.0.1:6379/2",
    ]


def test_a_yes_no_setting_refuses_a_typo_instead_of_reading_no():
    result = run_python("import django; django.setup()", DEBUG="Ture")
    assert result.returncode != 0
    assert "DEBUG='Ture' is not a yes/no value" in result.stderr
    off = run_python(
        "from diplomacy_site import settings as s; print(s.DEBUG)", DEBUG="off", SECRET_KEY="x"
    )
    assert off.stdout.strip() == "False", off.stderr


def test_a_number_setting_refuses_what_is_not_a_number():
    result = run_python("import django; django.setup()", SECRET_KEY="x", LOGIN_FAILURE_LIMIT="five")
    assert result.returncode != 0
    assert "LOGIN_FAILURE_LIMIT='five' is not a whole number" in result.stderr
