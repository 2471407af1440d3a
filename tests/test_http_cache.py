"""HTTP caching of the public answers (timeline/http_cache.py): validators, 304s,
freshness per kind of answer, what must never be cached, and the whole-response cache."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from timeline.models import Event

from . import factories as f
from .pages import HTMX

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip"}


def directives(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def vary(response):
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


@pytest.mark.parametrize(
    "path, max_age",
    [
        ("/embed/?dispute=syria", 60),
        ("/", 60),
        ("/fr/", 60),
        ("/events/2017-05-29-versailles-meeting/", 60),
        ("/api/events/", 300),
        ("/api/events.csv", 300),
        ("/api/timelinejs.json", 300),
        ("/chart/", 300),
    ],
)
def test_a_public_answer_carries_a_strong_etag_and_its_freshness(client, dataset, path, max_age):
    response = client.get(path, **GZIP)
    assert response.status_code == 200
    tag = response["ETag"]
    assert tag.startswith('"') and tag.endswith('-gz"')  # strong, per content coding
    assert directives(response) == {
        "public",
        f"max-age={max_age}",
        "s-maxage=1",
        f"stale-while-revalidate={30 if max_age == 60 else 60}",
    }
    # The language is in the path, and no public answer reads a cookie.
    assert vary(response) == {"accept-encoding", "hx-request"}
    again = client.get(path, HTTP_IF_NONE_MATCH=tag, **GZIP)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == tag
    plain = client.get(path)
    assert plain["ETag"] != tag and plain["ETag"] == tag.replace('-gz"', '"')


def test_a_304_and_a_warm_hit_read_only_the_data_version(client, dataset):
    first = client.get("/embed/", **GZIP)
    with CaptureQueriesContext(connection) as checked:
        assert client.get("/embed/", HTTP_IF_NONE_MATCH=first["ETag"], **GZIP).status_code == 304
    with CaptureQueriesContext(connection) as warm:
        hit = client.get("/embed/", **GZIP)
    assert len(checked) == len(warm) == 1  # the data version's tokens
    assert hit.content == first.content and hit["ETag"] == first["ETag"]
    assert hit["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "frame-ancestors *" in hit["Content-Security-Policy"]  # the embed's own policy
    assert "X-Frame-Options" not in hit


def test_an_edit_changes_the_etag_of_its_pair_only(client, dataset):
    tokyo = f.event("Talks in Tokyo", date(2016, 3, 1), countries=("DE", "JP"))
    before = client.get("/embed/")["ETag"]
    other_before = client.get("/embed/?pair=DE-JP")["ETag"]
    versailles = Event.objects.get(slug="2017-05-29-versailles-meeting")
    versailles.title = "Macron receives Putin at Versailles"
    versailles.save()
    after = client.get("/embed/")
    assert after["ETag"] != before
    assert "Macron receives Putin at Versailles" in after.text
    assert client.get("/embed/?pair=DE-JP")["ETag"] == other_before  # another pair: kept
    tokyo.title = "Talks in Tokyo, resumed"
    tokyo.save()
    assert client.get("/embed/")["ETag"] == after["ETag"]
    assert client.get("/embed/", HTTP_IF_NONE_MATCH=before).status_code == 200


def test_htmx_answers_are_private_and_vary_on_hx_request(client, dataset):
    response = client.get("/?dispute=syria", **HTMX)
    assert response.status_code == 200
    assert "ETag" not in response
    assert {"private", "no-cache"} <= directives(response)
    assert "hx-request" in vary(response)


def test_errors_and_drafts_are_never_public(client, dataset):
    draft = f.event("Secret summit", date(2016, 5, 1), state=Event.State.DRAFT)
    missing = client.get(f"/events/{draft.slug}/")
    assert missing.status_code == 404 and "public" not in directives(missing)
    bad = client.get("/api/events/", {"from": "2017-02-30"})
    assert bad.status_code == 400 and "public" not in directives(bad) and "ETag" not in bad
    draft.state = Event.State.PUBLISHED
    draft.save()
    assert client.get(f"/events/{draft.slug}/").status_code == 200  # no stale 404 kept


def test_the_admin_is_never_stored(admin_client, dataset):
    response = admin_client.get("/admin/timeline/event/")
    assert response.status_code == 200
    assert {"no-store", "private"} <= directives(response)


def test_a_logged_in_curator_gets_the_public_page_without_a_cookie(client, dataset, curator):
    client.force_login(curator)
    response = client.get("/embed/")
    assert response.status_code == 200 and not response.cookies
    assert "public" in directives(response) and "cookie" not in vary(response)
