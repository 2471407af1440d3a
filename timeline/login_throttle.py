"""Throttle repeated failed logins to the admin.

After `settings.LOGIN_FAILURE_LIMIT` failed attempts for one username within
`settings.LOGIN_FAILURE_WINDOW_SECONDS`, that username is locked until the window (counted
from its first failure) has passed: every attempt is refused, even with the right password,
so guessing cannot go on in the background. One client address is allowed four times as many
failures across all usernames before it is locked too (that stops one machine trying many
accounts without locking a whole newsroom behind one address out after a few typos).

Counters live in Django's cache (locmem by default; use a shared cache such as Redis or the
database cache when several server processes run). The address is REMOTE_ADDR: behind a
reverse proxy, have the proxy set it (or leave the per-username limit to do the work).
When that cache cannot be reached the throttle fails safe: every attempt is refused with a
message saying so (`resilient_cache.security_cache`), rather than let unlimited ones through.
"""

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import throttle
from .resilient_cache import CacheUnavailable

ADDRESS_FACTOR = 4


def _limit():
    return settings.LOGIN_FAILURE_LIMIT


def _window():
    return settings.LOGIN_FAILURE_WINDOW_SECONDS


def _keys(username, address):
    keys = []
    if username:
        keys.append((f"login-failures:user:{username.strip().lower()}", _limit()))
    if address:
        keys.append((f"login-failures:addr:{address}", _limit() * ADDRESS_FACTOR))
    return keys


def client_address(request):
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def seconds_locked(username, address):
    """Seconds until these credentials may try again; 0 when they are not locked."""
    return throttle.seconds_to_wait(_keys(username, address), _window())


def record_failure(username, address):
    """Count one failure. The window starts at the first failure and is not extended."""
    throttle.count(_keys(username, address), _window())


def clear_failures(username):
    if username:
        throttle.forget([f"login-failures:user:{username.strip().lower()}"])


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin login form, refusing every attempt while the username/address is locked."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "locked": _(
            "Too many failed login attempts. For your security, logging in is paused: "
            "try again in %(minutes)s."
        ),
        "unavailable": _("The login service is briefly unavailable; try again in a minute."),
    }

    def clean(self):
        try:
            return self.throttled_clean()
        except CacheUnavailable:
            # The counters cannot be read or kept: refuse, whatever the password.
            raise ValidationError(self.error_messages["unavailable"], code="unavailable") from None

    def throttled_clean(self):
        username = self.cleaned_data.get("username")
        address = client_address(self.request)
        wait = seconds_locked(username, address)
        if wait:
            minutes = max(1, -(-wait // 60))
            raise ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": ngettext("%d minute", "%d minutes", minutes) % minutes},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            record_failure(username, address)
            raise
        clear_failures(username)
        return cleaned
