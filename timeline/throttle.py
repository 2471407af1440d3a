"""Fixed-window counters in the shared cache, for the throttles of admin logins
(login_throttle.py) and readers' suggestions (suggestions.py).

A counter's window starts at its first count and is not extended by later ones. Counters
are read through `resilient_cache.security_cache()`, which raises CacheUnavailable when the
cache cannot be reached: a throttle that cannot count refuses instead of letting all through.
"""

import time

from .resilient_cache import security_cache


def seconds_to_wait(counters, window):
    """0 if none of `counters` [(key, limit)] is at its limit, else the seconds until the
    last of those windows ends."""
    cache = security_cache()
    wait = 0
    for key, limit in counters:
        if cache.get(f"{key}:count", 0) >= limit:
            since = cache.get(f"{key}:since") or time.time()
            wait = max(wait, int(since + window - time.time()) + 1)
    return max(wait, 0)


def count(counters, window):
    """Count one against each of `counters` [(key, limit)]."""
    cache = security_cache()
    for key, _limit in counters:
        cache.add(f"{key}:since", time.time(), timeout=window)
        cache.add(f"{key}:count", 0, timeout=window)
        try:
            cache.incr(f"{key}:count")  # atomic in every cache backend Django ships
        except ValueError:  # expired between add() and incr(): a new window
            cache.set(f"{key}:since", time.time(), timeout=window)
            cache.set(f"{key}:count", 1, timeout=window)


def forget(keys):
    """Start the counters of `keys` afresh (a successful login)."""
    security_cache().delete_many([f"{key}:{part}" for key in keys for part in ("count", "since")])
