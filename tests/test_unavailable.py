"""A database that cannot answer just now is a short 503 in the page's language, with
Retry-After and no traceback (timeline/unavailable.py): PostgreSQL stopped, SQLite locked by
a long write. Real failures, in processes of their own (tests/unavailable_probe.py)."""

import json
import os
import sqlite3

from django.db import OperationalError
from django.test import RequestFactory
from django.utils import translation

from timeline.unavailable import DatabaseUnavailableMiddleware, message, server_error

from .processes import manage
from .redis_server import free_port

TRACES = ("Traceback", "OperationalError", "psycopg", "sqlite3", 'File "')


def in_french(text):
    """What the French page says (the French catalogue's text, once translated)."""
    with translation.override("fr"):
        return text()


def probe(env, call):
    result = manage(env, "shell", "-c", f"from tests import unavailable_probe as p; p.{call}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def plain_env(**extra):
    """A production process (DEBUG off: no debug page to hide behind)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "REDIS_URL"}}
    return {**env, "DEBUG": "0", **extra}


def assert_no_trace(body):
    for trace in TRACES:
        assert trace not in body, f"{trace!r} shown to a reader: {body[:500]}"


def test_a_stopped_postgresql_is_a_503_in_the_pages_language(tmp_path):
    url = f"postgres://timeline@127.0.0.1:{free_port()}/diplomacy"  # nothing listens there
    answers = probe(plain_env(DATABASE_URL=url), "down()")

    for path, found in answers.items():
        assert found["status"] == 503, (path, found["body"][:500])
        assert 0 < int(found["headers"]["Retry-After"]) <= 60, path
        assert "no-store" in found["headers"]["Cache-Control"], path
        assert_no_trace(found["body"])
    assert "cannot reach its database" in answers["/"]["body"]
    assert '<html lang="fr">' in answers["/fr/"]["body"]
    assert "Brièvement indisponible" in answers["/fr/"]["body"]
    assert in_french(lambda: message("unreachable", False)) in answers["/fr/"]["body"]
    assert '<html lang="ru">' in answers["/ru/embed/"]["body"]
    api = answers["/api/events/"]
    assert api["headers"]["Content-Type"] == "application/json"
    assert "cannot reach its database" in json.loads(api["body"])["error"]
    chart = json.loads(answers["/fr/chart/"]["body"])["error"]
    assert chart == in_french(lambda: message("unreachable", False))
    login = answers["POST /fr/admin/login/"]["body"]
    assert in_french(lambda: message("unreachable", True)) in login


def test_a_write_to_a_locked_sqlite_is_a_busy_503_and_nothing_half_saved(tmp_path):
    path = tmp_path / "locked.sqlite3"
    env = plain_env(SQLITE_PATH=str(path))
    env.pop("DATABASE_URL", None)
    manage(env, "migrate", "--noinput", "-v", "0")

    answers = probe(env, f"locked({str(path)!r})")

    for name in ("save", "suggest"):
        found = answers[name]
        assert found["status"] == 503, (name, found["body"][:500])
        assert int(found["headers"]["Retry-After"]) > 0
        assert in_french(lambda: message("busy", True)) in found["body"], "'busy, try again'"
        assert "database is locked" not in found["body"]
        assert_no_trace(found["body"])
    assert answers["read"]["status"] == 200, "readers are not blocked by a writer (WAL)"
    assert answers["title while locked"] == "Macron receives Putin"
    assert answers["suggestions while locked"] == 0
    assert answers["save again"]["status"] == 302
    assert answers["title after"] == "Saved after the lock"


# --- what is and is not a pause --------------------------------------------------------------


def database_error(message):
    """A Django OperationalError as the SQLite backend raises it."""
    try:
        try:
            raise sqlite3.OperationalError(message)
        except sqlite3.OperationalError as cause:
            raise OperationalError(message) from cause
    except OperationalError as error:
        return error


def test_a_missing_table_stays_a_500():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().get("/")
    assert middleware.process_exception(request, database_error("no such table: x")) is None
    assert middleware.process_exception(request, ValueError("database is locked")) is None
    busy = middleware.process_exception(request, database_error("database is locked"))
    assert busy.status_code == 503


def test_a_database_error_outside_a_view_is_a_503_too():
    request = RequestFactory().post("/admin/timeline/event/1/change/")
    try:
        raise database_error("database is locked")
    except OperationalError:
        response = server_error(request)  # as Django's handler500, within the except
    assert response.status_code == 503
    assert "Nothing was saved" in response.content.decode()
    try:
        raise database_error("no such table: timeline_event")
    except OperationalError:
        assert server_error(request).status_code == 500
