"""Requests made while the database cannot answer, in a process of their own (tests/
test_unavailable.py runs these through `manage.py shell`): the answers, as JSON on stdout.

- `down()`: the settings point at a PostgreSQL server that is not running (connection
  refused), as during a restart.
- `locked(sqlite_path)`: a migrated SQLite file whose write lock another connection holds
  (`BEGIN IMMEDIATE`) while the request's busy timeout is cut to 0.2 s, as under a long
  import; then the lock is released and the same save is made again.
"""

import json
import sqlite3
from datetime import date

from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment

HEADERS = ("Retry-After", "Content-Type", "Cache-Control")


def answer(response):
    return {
        "status": response.status_code,
        "headers": {name: response.get(name) for name in HEADERS},
        "body": response.content.decode(errors="replace"),
    }


def down():
    setup_test_environment()
    client = Client(raise_request_exception=False)
    answers = {
        path: answer(client.get(path))
        for path in ["/", "/fr/", "/ru/embed/", "/events/some-event/", "/api/events/", "/fr/chart/"]
    }
    login = {"username": "carla", "password": "secret", "next": "/fr/admin/"}
    answers["POST /fr/admin/login/"] = answer(client.post("/fr/admin/login/", login))
    print(json.dumps(answers))


def locked(sqlite_path):
    from tests.admin_forms import admin_form_data
    from tests.factories import event, make_user
    from timeline.models import Event, Suggestion
    from timeline.roles import EDITOR

    setup_test_environment()
    client = Client(raise_request_exception=False)
    made = event("Macron receives Putin", date(2017, 5, 29))
    client.force_login(make_user("edgar", EDITOR))
    url = f"/fr/admin/timeline/event/{made.pk}/change/"
    form = {**admin_form_data(client.get(url)), "title_en": "Saved after the lock"}
    suggestion = {"message": "It was on 30 May.", "source_url": "https://example.org/a"}
    assert client.get("/fr/").status_code == 200  # the data-version tokens exist

    holder = sqlite3.connect(sqlite_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer, in the middle of a long transaction
    connection.close()
    connection.settings_dict["OPTIONS"]["timeout"] = 0.2
    answers = {
        "save": answer(client.post(url, form)),
        "suggest": answer(client.post(f"/fr/events/{made.slug}/suggest/", suggestion)),
        "read": answer(client.get("/fr/")),
    }
    holder.execute("ROLLBACK")
    holder.close()
    answers["title while locked"] = Event.objects.get(pk=made.pk).title
    answers["suggestions while locked"] = Suggestion.objects.count()
    answers["save again"] = answer(client.post(url, form))
    answers["title after"] = Event.objects.get(pk=made.pk).title
    print(json.dumps(answers))
