"""A database that cannot answer just now is a short 503, never a 500 or a traceback.

PostgreSQL stopped or restarting (connection refused, or terminated under a request), and
SQLite's "database is locked" once its busy timeout has passed under a long write, are
brief: the reader gets a page in the URL's language (JSON for the API and the chart's data)
with `Retry-After`, and a curator or a reader who submitted a form is told that nothing was
saved (the admin saves in one transaction, so a failed save left nothing half-written).
Every other database error (a missing table: a bug, not a pause) stays a 500.

The page is rendered without the database: no context processors, no template that
queries. Workers reconnect by themselves once the server is back (`CONN_HEALTH_CHECKS`).
"""

import logging
import re
import sqlite3
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults

log = logging.getLogger(__name__)

RETRY_AFTER = {"busy": 5, "unreachable": 30}
# SQLSTATEs of a server that is up but could not take this request now: serialization
# failure or deadlock (40…), lock not available, statement or lock timeout.
BUSY_SQLSTATES = ("40", "55P03", "57014")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def unavailability(error):
    """ "busy", "unreachable", or None when `error` is not a database that cannot answer
    just now."""
    if not isinstance(error, (OperationalError, InterfaceError)):
        return None
    cause = error.__cause__
    if isinstance(cause, sqlite3.Error):
        text = str(cause).lower()
        return "busy" if "locked" in text or "busy" in text else None
    sqlstate = getattr(cause, "sqlstate", None) or ""
    if sqlstate.startswith(BUSY_SQLSTATES):
        return "busy"
    return "unreachable"


def data_path(request):
    """Whether the request is for data (the API, the chart's windows, oEmbed): JSON."""
    languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    return re.match(rf"^/(?:(?:{languages})/)?(?:api|chart|oembed)/", request.path) is not None


def message(kind, wrote):
    if wrote and kind == "busy":
        return _(
            "Nothing was saved: the database is busy with another change. Go back and "
            "submit again in a moment."
        )
    if wrote:
        return _(
            "Nothing was saved: the database cannot be reached just now. Go back and "
            "submit again in a minute."
        )
    if kind == "busy":
        return _("The timeline is busy with a large change. Please try again in a moment.")
    return _("The timeline cannot reach its database just now. Please try again in a minute.")


def unavailable_response(request, kind):
    """The 503 answer to `request`, in the active language (LocaleMiddleware's, from the URL)."""
    wrote = request.method not in SAFE_METHODS
    text = message(kind, wrote)
    if data_path(request):
        response = JsonResponse({"error": text}, status=503)
    else:
        context = {
            "language": get_language() or settings.LANGUAGE_CODE,
            "title": _("Briefly unavailable"),
            "message": text,
            "again": None if wrote else request.get_full_path(),
        }
        html = render_to_string("timeline/unavailable.html", context)
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER[kind])
    add_never_cache_headers(response)
    # Logged once, by the middleware's WARNING with its cause: not again as an ERROR
    # "Service Unavailable" by django.request.
    response._has_been_logged = True
    return response


class DatabaseUnavailableMiddleware:
    """Turns a view's "database cannot answer just now" into the 503 above, logged as one
    WARNING line (no traceback: the cause is known and passes by itself)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        kind = unavailability(exception)
        if kind is None:
            return None
        first_line = (str(exception).strip().splitlines() or [""])[0]
        log.warning(
            "503 for %s %s: the database is %s (%s: %s)",
            request.method,
            request.path,
            kind,
            type(exception.__cause__ or exception).__name__,
            first_line,
        )
        return unavailable_response(request, kind)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: the same 503 for a database error raised outside a view (a middleware
    saving the session), which process_exception does not see; else Django's 500."""
    kind = unavailability(sys.exception())
    if kind is not None:
        return unavailable_response(request, kind)
    return defaults.server_error(request, template_name)
