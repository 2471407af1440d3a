"""Cached answers that stay right when curators change the data.

Every cached value is keyed by the data version: a random token in the database
(`models.DataVersion`) that any change to the timeline's data replaces — signals for saves,
deletes and many-to-many changes, and an explicit `data_changed()` after bulk writes, which
send no signals. Keeping the token in the database rather than in the cache means every
worker sees a change at once, even with per-process local-memory caches; a restored backup
brings back its own token, whose cached answers were computed from that very data.

The cache itself is Django's (`CACHES`: local memory by default, Redis when configured).
"""

import hashlib
import uuid

from asgiref.local import Local
from django.core.cache import cache
from django.core.signals import request_started
from django.db import IntegrityError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language
from simple_history.models import HistoricalChanges

from .models import DataVersion

TIMEOUT = 24 * 60 * 60  # a day: a stale token's entries age out; the token does the invalidating
VERSION_ID = 1


# The token as this request read it: one query per request, however many cached answers
# it asks for. Forgotten when the next request starts.
_request = Local()


def data_version():
    """The current token; made on first use of a fresh database."""
    token = getattr(_request, "token", None)
    if token is None:
        token = DataVersion.objects.filter(pk=VERSION_ID).values_list("token", flat=True).first()
        token = token or data_changed()
        _request.token = token
    return token


def forget_version(**_signal_kwargs):
    _request.token = None


def data_changed(**_signal_kwargs):
    """Replace the token: every cached answer computed before is now unreachable."""
    token = uuid.uuid4().hex
    if not DataVersion.objects.filter(pk=VERSION_ID).update(token=token):
        try:
            with transaction.atomic():
                DataVersion.objects.create(pk=VERSION_ID, token=token)
        except IntegrityError:  # another request made it meanwhile
            DataVersion.objects.filter(pk=VERSION_ID).update(token=token)
    _request.token = token
    return token


def cached(parts, build, version=None):
    """build() once per data version, language and `parts` (strings saying what was asked).

    The active language is part of the key: a figure or page built for /fr/ holds French
    words and titles, and must never be served to /."""
    version = version or data_version()
    parts = [get_language() or "", *parts]
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]
    key = f"timeline:{version}:{digest}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value


def is_timeline_data(model):
    return (
        model._meta.app_label == "timeline"
        and model is not DataVersion
        and not issubclass(model, HistoricalChanges)
    )


def on_change(sender, action="post", **kwargs):
    # m2m_changed also fires before the change ("pre_add"): one new token afterwards is enough.
    if action.startswith("post") and is_timeline_data(sender):
        data_changed()


def connect_signals():
    """Called once from TimelineConfig.ready()."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(on_change, dispatch_uid=f"timeline-data-changed-{signal!r}")
    request_started.connect(forget_version, dispatch_uid="timeline-forget-data-version")
