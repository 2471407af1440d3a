"""Readers' suggestions: "this is wrong" on an event, or "this is missing" on the dashboard.

A suggestion is stored as plain text for the editors (the admin's queue, admin/suggestions.py)
and changes nothing by itself. The form takes no login, so it guards itself: CSRF (its page
is never cached, so it carries a token), a honeypot field that people never see, length
limits, http(s) addresses only, and a throttle per client address and per event, counted in
the shared cache (429 with Retry-After past it; 503 with Retry-After while that cache cannot
be reached, rather than no limit at all). Editors get an e-mail about new suggestions at most
once per SUGGESTION_NOTIFY_MINUTES.
"""

import logging

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.core.validators import URLValidator
from django.db import DatabaseError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import roles, throttle
from .login_throttle import client_address
from .models import Event, Suggestion
from .resilient_cache import CacheUnavailable

log = logging.getLogger(__name__)

# What people never see but form-filling robots do (hidden by the stylesheet).
HONEYPOT = "website"


class SuggestionForm(forms.ModelForm):
    website = forms.CharField(required=False, label=gettext_lazy("Leave this field empty"))

    class Meta:
        model = Suggestion
        fields = ["message", "source_url", "email"]
        widgets = {"message": forms.Textarea(attrs={"rows": 5, "maxlength": 2000})}

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["source_url"].validators = [URLValidator(schemes=["http", "https"])]
        self.fields["source_url"].required = event is None  # a new event needs a source
        self.fields["source_url"].help_text = _("An address starting with https:// or http://.")
        self.fields["email"].help_text = _(
            "Optional, to reply to you. Only the editors see it; it is erased when your "
            "suggestion is closed."
        )

    def clean(self):
        data = super().clean()
        if self.cleaned_data.get(HONEYPOT):
            raise forms.ValidationError(
                _("This form was filled in by a program: leave the hidden field empty.")
            )
        return data

    def save(self, commit=True):
        self.instance.event = self.event
        return super().save(commit)


def _counter_keys(request, event):
    """(cache key, limit) of each throttle this request counts against."""
    keys = [(f"suggest:addr:{client_address(request)}", settings.SUGGESTION_LIMIT)]
    if event is not None:
        keys.append((f"suggest:event:{event.pk}", settings.SUGGESTION_EVENT_LIMIT))
    return keys


def seconds_to_wait(request, event):
    """0 if this client may suggest now, else the seconds until its window ends."""
    return throttle.seconds_to_wait(
        _counter_keys(request, event), settings.SUGGESTION_WINDOW_SECONDS
    )


def count_suggestion(request, event):
    """Count one stored suggestion; a window starts at its first suggestion."""
    throttle.count(_counter_keys(request, event), settings.SUGGESTION_WINDOW_SECONDS)


def notify_editors(request):
    """One e-mail to the editors about new suggestions, at most once per period; a mail
    server that fails is logged, and the reader's suggestion is kept all the same."""
    period = settings.SUGGESTION_NOTIFY_MINUTES * 60
    if not cache.add("suggest:notified", True, period):
        return
    editors = get_user_model().objects.filter(
        is_active=True, groups__name=roles.EDITOR, email__gt=""
    )
    try:  # the suggestion is stored: a database that fails now must not say otherwise
        recipients = sorted(set(editors.values_list("email", flat=True)))
        waiting = Suggestion.objects.filter(state=Suggestion.State.NEW).count()
    except DatabaseError as error:
        log.warning("Could not read whom to e-mail about new suggestions: %s", error)
        return
    if not recipients:
        return
    queue = request.build_absolute_uri(reverse("admin:timeline_suggestion_changelist"))
    body = _("%(n)s readers' suggestions wait in the queue: %(url)s") % {"n": waiting, "url": queue}
    try:
        send_mail(_("New readers' suggestions"), body, None, recipients)
    except OSError:
        log.exception("Could not e-mail the editors about new suggestions")


def unavailable(request, form, context, template):
    """503: the throttle's counters cannot be read, so nothing is taken (the reader's text
    stays in the form, to send again)."""
    form.add_error(
        None, _("Suggestions are briefly unavailable: please send yours again in a minute.")
    )
    response = render(request, template, context, status=503)
    response["Retry-After"] = "60"
    return response


def too_many(request, form, context, template):
    wait = seconds_to_wait(request, form.event)
    minutes = max(1, round(wait / 60))
    form.add_error(
        None,
        _("Too many suggestions from here: please try again in %(minutes)s minutes.")
        % {"minutes": minutes},
    )
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def suggest(request, slug=None):
    """The form (GET), and a suggestion received (POST): the whole page, or its form only
    for htmx (the event's detail panel)."""
    event = get_object_or_404(Event.objects.published(), slug=slug) if slug else None
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = "timeline/suggest.html" + ("#suggest-form" if partial else "")
    form = SuggestionForm(request.POST or None, event=event)
    context = {"form": form, "event": event}
    if request.method != "POST":
        return render(request, template, context)
    try:
        if seconds_to_wait(request, event):
            return too_many(request, form, context, template)
    except CacheUnavailable:
        return unavailable(request, form, context, template)
    if not form.is_valid():
        return render(request, template, context, status=400)
    form.save()
    try:
        count_suggestion(request, event)
    except CacheUnavailable:  # stored all the same: say so (the next one is refused)
        log.warning("A suggestion was stored but not counted: the cache cannot be reached")
    notify_editors(request)
    return render(request, template, {**context, "received": True})
