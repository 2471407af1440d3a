"""Cached answers that stay right when curators change the data.

Every cached value is keyed by data-version tokens (`models.DataVersion`): the global one,
which any change to what every page shows replaces (a country's name, a person, a tag, a
bulk write), and one per country, which a change to that country's events, disputes or
office terms replaces (`change_scope.py` says which countries a change touches). A pair's
figure is keyed by the global token and its two countries' tokens, so an edit to
France–Russia leaves the figures of other pairs in the cache.

Signals replace the tokens on saves, deletes and many-to-many changes; bulk writes, which
send no signals, call `data_changed()`. Keeping the tokens in the database rather than in
the cache means every worker sees a change at once, even with per-process local-memory
caches; a restored backup brings back its own tokens, whose cached answers were computed
from that very data.

The cache itself is Django's (`CACHES`: local memory by default, Redis when configured).
"""

import hashlib
import uuid

from asgiref.local import Local
from django.core.cache import cache
from django.core.signals import request_started
from django.db import IntegrityError, transaction
from django.utils.translation import get_language

from .models import DataVersion

TIMEOUT = 24 * 60 * 60  # a day: a stale token's entries age out; the token does the invalidating
GLOBAL = "*"
EVERY = "every"  # `codes` of an answer that depends on every country's data (the pairs list)


# The tokens as this request read them: one query per request, however many cached answers
# it asks for. Forgotten when the next request starts, and after a change.
_request = Local()


def tokens():
    """{scope: token} of every scope; the global token is made on first use of a database."""
    found = getattr(_request, "tokens", None)
    if found is None:
        found = dict(DataVersion.objects.values_list("scope", "token"))
        if GLOBAL not in found:
            data_changed()
            found = dict(DataVersion.objects.values_list("scope", "token"))
        _request.tokens = found
    return found


def data_version(codes=()):
    """The version of an answer about `codes` (country codes, or EVERY): the global token
    and each country's ("0" for a country nothing has changed yet)."""
    found = tokens()
    if codes == EVERY:
        every = ";".join(f"{scope}={token}" for scope, token in sorted(found.items()))
        return hashlib.sha256(every.encode()).hexdigest()[:32]
    return "-".join([found[GLOBAL], *(found.get(code, "0") for code in codes)])


def forget_version(**_signal_kwargs):
    _request.tokens = None


def data_changed(codes=None):
    """Replace the tokens of `codes` (country codes), or the global one when None: every
    cached answer they keyed is now unreachable."""
    for scope in [GLOBAL] if codes is None else sorted(set(codes)):
        token = uuid.uuid4().hex
        if not DataVersion.objects.filter(scope=scope).update(token=token):
            try:
                with transaction.atomic():
                    DataVersion.objects.create(scope=scope, token=token)
            except IntegrityError:  # another request made it meanwhile
                DataVersion.objects.filter(scope=scope).update(token=token)
    _request.tokens = None


def cache_key(parts, codes):
    """The key of `parts` (strings saying what was asked) about `codes`, in this language:
    a figure or page built for /fr/ holds French words and titles, and must never be
    served to /."""
    parts = [get_language() or "", *parts]
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]
    return f"timeline:{data_version(codes)}:{digest}"


def cached(parts, build, *, codes):
    """build() once per data version of `codes`, language and `parts`. `codes` has no
    default: an answer keyed by too few tokens would outlive the edits it shows."""
    key = cache_key(parts, codes)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value


def cached_many(asked, build):
    """{name: value} for asked = {name: (parts, codes)}, in one cache read; build(name)
    for each name the cache does not hold."""
    keys = {name: cache_key(parts, codes) for name, (parts, codes) in asked.items()}
    found = cache.get_many(list(keys.values()))
    values, missing = {}, {}
    for name, key in keys.items():
        if key in found:
            values[name] = found[key]
        else:
            values[name] = missing[key] = build(name)
    if missing:
        cache.set_many(missing, TIMEOUT)
    return values


def connect_signals():
    """Called once from TimelineConfig.ready()."""
    from . import change_scope

    change_scope.connect(data_changed)
    request_started.connect(forget_version, dispatch_uid="timeline-forget-data-version")
