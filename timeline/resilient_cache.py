"""A Redis cache that a stopped Redis cannot turn into errors (`REDIS_URL`).

The figures and whole answers kept in the cache are a speed-up: when Redis cannot be
reached, reads answer "miss" and writes do nothing, so pages are built from the database
and still answer 200. Each process logs one warning when Redis goes and one when it is
back (not one per request), and stops asking it for `RETRY_SECONDS` after a failure, so a
dead Redis costs at most one short timeout per pause instead of one per request; the first
call after the pause tries again, so the cache comes back without restarting anything.

The throttles (admin logins, readers' suggestions) are security, not speed: a miss there
would read as "no failures yet" and let unlimited attempts through. They use
`security_cache()`, whose calls raise `CacheUnavailable` instead, and refuse the request.
"""

import copy
import logging
import threading
import time
from urllib.parse import urlsplit

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.utils.functional import cached_property
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

log = logging.getLogger(__name__)

# What "Redis cannot be reached" raises: refused, reset, timed out, still loading its data.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

DEFAULT_OPTIONS = {
    # A dead or blackholed Redis must not hold a request for redis-py's default 5 s.
    "socket_connect_timeout": 0.5,
    "socket_timeout": 0.5,
    # One immediate retry on a fresh connection: after Redis restarts, each pooled
    # connection fails once ("closed by server"), which is not an outage.
    "retry": Retry(NoBackoff(), 1),
    "retry_on_error": [RedisConnectionError],
}


class CacheUnavailable(Exception):
    """The cache could not be reached: a throttle counted in it cannot decide."""


class Health:
    """Whether one Redis (a LOCATION) is reachable, shared by the threads of a process."""

    def __init__(self, where, retry_seconds):
        self.where = where
        self.retry_seconds = retry_seconds
        self.down_since = None
        self.retry_at = 0.0
        self.lock = threading.Lock()

    def may_try(self):
        return self.down_since is None or time.monotonic() >= self.retry_at

    def failed(self, error):
        with self.lock:
            self.retry_at = time.monotonic() + self.retry_seconds
            if self.down_since is not None:
                return
            self.down_since = time.monotonic()
        log.warning(
            "Cache unreachable (%s), serving without it and trying again every %g s: %s",
            self.where,
            self.retry_seconds,
            error,
        )

    def succeeded(self):
        if self.down_since is None:
            return
        with self.lock:
            since, self.down_since = self.down_since, None
        if since is not None:
            log.warning(
                "Cache reachable again (%s) after %.0f s.", self.where, time.monotonic() - since
            )


_health = {}
_health_lock = threading.Lock()


def health_of(where, retry_seconds):
    with _health_lock:
        return _health.setdefault(where, Health(where, retry_seconds))


def without_password(location):
    """The LOCATION as it may be logged: redis://:secret@host/0 → redis://host/0."""
    parts = urlsplit(location)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return parts._replace(netloc=netloc).geturl() if parts.netloc else location


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, degrading to no cache while Redis is unreachable.

    CACHES params: OPTIONS as RedisCache (the timeouts above are defaults), and
    RETRY_SECONDS, the pause after a failure before Redis is asked again (default 2)."""

    _strict = False

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        where = ",".join(without_password(s) for s in self._servers)
        self._health = health_of(where, float(params.get("RETRY_SECONDS", 2)))

    @cached_property
    def strict(self):
        """The same cache, whose calls raise CacheUnavailable rather than degrade."""
        self._cache  # noqa: B018 (one client and its connection pools for both views)
        view = copy.copy(self)
        view._strict = True
        return view

    def is_available(self):
        """False while Redis is known to be unreachable (until the next try)."""
        return self._health.may_try()

    def _guarded(self, call, fallback, *args):
        if not self._health.may_try():
            return self._unreachable(fallback, None)
        try:
            result = call(*args)
        except UNREACHABLE as error:
            self._health.failed(error)
            return self._unreachable(fallback, error)
        self._health.succeeded()
        return result

    def _unreachable(self, fallback, error):
        if self._strict:
            raise CacheUnavailable(f"the cache ({self._health.where}) cannot be reached") from error
        if isinstance(fallback, Exception):
            raise fallback
        return fallback

    def get(self, key, default=None, version=None):
        return self._guarded(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return self._guarded(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(super().has_key, False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().set, None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that could not be stored.
        return self._guarded(super().set_many, list(data), data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # Not added: nothing was (e-mail "once per period" then sends none rather than many).
        return self._guarded(super().add, False, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().touch, False, key, timeout, version)

    def incr(self, key, delta=1, version=None):
        # As with no cache at all: the key is not there.
        missing = ValueError(f"Key '{key}' not found (the cache cannot be reached).")
        return self._guarded(super().incr, missing, key, delta, version)

    def delete(self, key, version=None):
        return self._guarded(super().delete, False, key, version)

    def delete_many(self, keys, version=None):
        return self._guarded(super().delete_many, None, keys, version)

    def clear(self):
        return self._guarded(super().clear, False)


def security_cache(alias="default"):
    """The cache for counters that guard something (throttles): its calls raise
    CacheUnavailable when the cache cannot be reached. Other backends (local memory in
    development) are returned as they are: they cannot be unreachable."""
    cache = caches[alias]
    return getattr(cache, "strict", cache)
