"""A Redis that stops (timeline/resilient_cache.py): public pages answer 200 from the
database, one warning when it goes and one when it is back, and the throttles refuse
rather than let unlimited attempts through; all recovers without a restart. Against a real
redis-server of each test's own (tests/redis_server.py), killed and started again."""

import logging
import socket
import time
from datetime import date

import pytest
from django.core.cache import caches
from django.urls import reverse

from timeline.models import Suggestion
from timeline.resilient_cache import CacheUnavailable, ResilientRedisCache, security_cache

from . import factories
from .redis_server import redis_server  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

RETRY = 0.3  # seconds before a failed Redis is asked again: short, for the tests
UNAVAILABLE = "The login service is briefly unavailable; try again in a minute."
PASSWORD = "the-right-password-42"


def redis_cache(url):
    return {
        "default": {
            "BACKEND": "timeline.resilient_cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "test",
            "RETRY_SECONDS": RETRY,
        }
    }


@pytest.fixture
def redis_cached(settings, redis_server):  # noqa: F811
    """The app's cache is the test's own Redis."""
    settings.CACHES = redis_cache(redis_server.url)
    return redis_server


def after_the_pause():
    time.sleep(RETRY + 0.1)


def warnings_from_the_cache(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "timeline.resilient_cache"]


def test_public_pages_answer_200_while_redis_is_down_and_fill_it_again_after(
    client, dataset, redis_cached
):
    assert client.get("/").status_code == 200
    assert redis_cached.keys() > 0, "the page was cached in Redis"

    redis_cached.stop()
    for path in ["/", "/embed/", "/api/events/", "/fr/", reverse("timeline:corrections")]:
        response = client.get(path)
        assert response.status_code == 200, path

    redis_cached.start()  # empty, as a restarted Redis without persistence is
    after_the_pause()
    assert client.get("/embed/").status_code == 200
    assert redis_cached.keys() > 0, "the cache is used again, without a restart"


def test_it_logs_once_when_redis_goes_and_once_when_it_is_back(caplog, redis_server):  # noqa: F811
    cache = ResilientRedisCache(redis_server.url, {"RETRY_SECONDS": RETRY})
    cache.set("k", 1)
    redis_server.stop()
    caplog.set_level(logging.WARNING, logger="timeline.resilient_cache")

    for _ in range(3):
        for _ in range(20):
            assert cache.get("k") is None
            assert cache.get_many(["k", "l"]) == {}
            cache.set("k", 2)
        after_the_pause()  # each pause lets a call try Redis again, and fail again

    assert len(warnings_from_the_cache(caplog)) == 1
    assert "Cache unreachable (redis://127.0.0.1:" in warnings_from_the_cache(caplog)[0]

    redis_server.start()
    for _ in range(20):
        cache.set("k", 3)
        assert cache.get("k") == 3
    logged = warnings_from_the_cache(caplog)
    assert len(logged) == 2 and logged[1].startswith("Cache reachable again")


def test_a_redis_that_does_not_answer_costs_one_short_timeout_per_pause():
    # A listening socket that never answers: the connection is made (the backlog takes it),
    # the reply never comes, as with a stalled or blackholed server.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        cache = ResilientRedisCache(url, {"RETRY_SECONDS": 30})

        started = time.monotonic()
        assert cache.get("k", "miss") == "miss"
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(100):
            assert cache.get("k", "miss") == "miss"
        then = time.monotonic() - started

    assert first < 1.5, f"the first call waited {first:.2f} s (socket timeouts of 0.5 s)"
    assert then < 0.1, f"100 calls during the pause took {then:.2f} s: Redis was asked again"
    assert not cache.is_available()


def test_the_strict_view_raises_instead_of_degrading(redis_server):  # noqa: F811
    cache = ResilientRedisCache(redis_server.url, {"RETRY_SECONDS": RETRY})
    cache.strict.set("n", 1)
    assert cache.strict.incr("n") == 2
    redis_server.stop()

    with pytest.raises(CacheUnavailable):
        cache.strict.get("n")
    with pytest.raises(CacheUnavailable):  # within the pause too, without asking Redis
        cache.strict.add("n", 0)
    assert cache.get("n", "miss") == "miss"
    with pytest.raises(ValueError):  # the plain view: as with no cache, the key is not there
        cache.incr("n")


def test_the_throttles_cache_is_the_plain_one_for_other_backends(settings):
    # Local memory (development, the SQLite test run) cannot be unreachable.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert security_cache() is caches["default"]


# --- the throttles fail safe -------------------------------------------------------------


def login(client, password, username="carla"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR="203.0.113.7",
    )


def test_the_admin_login_refuses_while_redis_is_down_and_throttles_again_after(
    client, redis_cached
):
    factories.make_user("carla", password=PASSWORD)
    redis_cached.stop()

    for password in ["wrong"] * 10 + [PASSWORD]:
        response = login(client, password)
        assert response.status_code == 200
        assert UNAVAILABLE in response.text
    assert "_auth_user_id" not in client.session

    redis_cached.start()
    after_the_pause()
    for _ in range(5):
        assert UNAVAILABLE not in login(client, "wrong").text
    locked = login(client, PASSWORD)
    assert "Too many failed login attempts" in locked.text
    assert "_auth_user_id" not in client.session


def test_readers_suggestions_get_503_with_retry_after_while_redis_is_down(client, redis_cached):
    event = factories.event("Macron receives Putin", date(2017, 5, 29))
    url = reverse("timeline:suggest-correction", args=[event.slug])
    data = {"message": "It was on 30 May.", "source_url": "https://example.org/a"}
    redis_cached.stop()

    response = client.post(url, data, REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "Suggestions are briefly unavailable" in response.text
    assert "It was on 30 May." in response.text, "the reader's text is kept in the form"
    assert not Suggestion.objects.exists()

    redis_cached.start()
    after_the_pause()
    assert client.post(url, data, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert Suggestion.objects.count() == 1
