"""The queue of readers' suggestions, and the public record of corrections.

Curators read suggestions and reject them (with a reason; spam in bulk); only editors
accept. Closing a suggestion erases the reader's e-mail. A suggestion's page shows it beside
the event's current facts, with a link that opens the event's change form with the
suggestion at hand (?suggestion=<id>, see events.py).
"""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import roles
from ..models import Correction, Suggestion

SPAM = gettext_lazy("spam")


class SuggestionAdminForm(forms.ModelForm):
    class Meta:
        model = Suggestion
        fields = ["state", "reason"]

    def __init__(self, *args, can_accept=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_accept = can_accept
        if not can_accept and self.instance.state != Suggestion.State.ACCEPTED:
            self.fields["state"].choices = [
                c for c in Suggestion.State.choices if c[0] != Suggestion.State.ACCEPTED
            ]

    def clean(self):
        data = super().clean()
        state = data.get("state")
        if state == Suggestion.State.ACCEPTED and not self.can_accept:
            self.add_error("state", _("Only an editor can accept a suggestion."))
        if state == Suggestion.State.REJECTED and not data.get("reason"):
            self.add_error("reason", _("Say why it is rejected (“spam” will do for spam)."))
        return data


def close(suggestion, state, user, reason=""):
    """Close a suggestion: its state, who and when, and the reader's e-mail erased."""
    suggestion.state = state
    suggestion.reason = reason or suggestion.reason
    suggestion.closed_at = timezone.now()
    suggestion.closed_by = user
    suggestion.email = ""


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    form = SuggestionAdminForm
    list_display = ["created_at", "excerpt", "event_link", "state", "has_source"]
    list_filter = ["state", "created_at", ("event", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["event"]
    search_fields = ["message", "source_url"]
    date_hierarchy = "created_at"
    actions = ["reject_as_spam", "accept"]
    readonly_fields = [
        "created_at", "message", "source_link", "email", "event_now", "closed_at", "closed_by",
    ]  # fmt: skip
    fieldsets = [
        (gettext_lazy("The reader's suggestion"),
         {"fields": ["created_at", "message", "source_link", "email"], "classes": ["suggestion-said"]}),
        (gettext_lazy("The event now"), {"fields": ["event_now"], "classes": ["suggestion-event"]}),
        (gettext_lazy("Decision"), {"fields": ["state", "reason", "closed_at", "closed_by"]}),
    ]  # fmt: skip
    change_form_template = "admin/timeline/suggestion/change_form.html"

    def has_add_permission(self, request):
        return False  # suggestions come from readers

    def has_accept_permission(self, request):
        return roles.can_accept_suggestions(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        can_accept = self.has_accept_permission(request)

        class Form(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, can_accept=can_accept, **kw)

        return Form

    def save_model(self, request, obj, form, change):
        if "state" in form.changed_data and obj.state != Suggestion.State.NEW:
            close(obj, obj.state, request.user)
        super().save_model(request, obj, form, change)

    @admin.display(description=gettext_lazy("suggestion"))
    def excerpt(self, obj):
        return obj.message[:120] + ("…" if len(obj.message) > 120 else "")

    @admin.display(description=gettext_lazy("event"), ordering="event__start")
    def event_link(self, obj):
        if obj.event is None:
            return _("(a missing event)")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:timeline_event_change", args=[obj.event_id]),
            obj.event.title,
        )

    @admin.display(description=gettext_lazy("source"), boolean=True)
    def has_source(self, obj):
        return bool(obj.source_url)

    @admin.display(description=gettext_lazy("source"))
    def source_link(self, obj):
        if not obj.source_url.startswith(("https://", "http://")):
            return obj.source_url or "—"
        return format_html(
            '<a href="{}" rel="noopener noreferrer nofollow" target="_blank">{}</a>',
            obj.source_url,
            obj.source_url,
        )

    @admin.display(description=gettext_lazy("event"))
    def event_now(self, obj):
        """The event's facts as readers see them now, and the way to its change form."""
        event = obj.event
        if event is None:
            return _("A suggested new event: check its source, then add it as an event.")
        facts = [
            (_("Title"), event.title),
            (_("Date"), event.date_display),
            (_("Place"), str(event.place or "—")),
            (_("Participants"), ", ".join(str(p.actor) for p in event.participations.all())),
            (_("Summary"), event.summary or "—"),
            (_("Sources"), ", ".join(s.url or s.title for s in event.sources.all())),
        ]
        edit = reverse("admin:timeline_event_change", args=[event.pk]) + f"?suggestion={obj.pk}"
        return format_html(
            '<dl class="suggestion-facts">{}</dl><p><a class="button" href="{}">{}</a></p>',
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", facts),
            edit,
            _("Open the event's change form, with this suggestion at hand"),
        )

    @admin.action(permissions=["change"], description=gettext_lazy("Reject as spam"))
    def reject_as_spam(self, request, queryset):
        rejected = 0
        for suggestion in queryset.filter(state=Suggestion.State.NEW):
            close(suggestion, Suggestion.State.REJECTED, request.user, str(SPAM))
            suggestion.save()
            rejected += 1
        message = ngettext(
            "Rejected %d suggestion as spam.", "Rejected %d suggestions as spam.", rejected
        )
        self.message_user(request, message % rejected, messages.SUCCESS)

    @admin.action(permissions=["accept"], description=gettext_lazy("Accept"))
    def accept(self, request, queryset):
        accepted = 0
        for suggestion in queryset.filter(state=Suggestion.State.NEW):
            close(suggestion, Suggestion.State.ACCEPTED, request.user)
            suggestion.save()
            accepted += 1
        message = ngettext("Accepted %d suggestion.", "Accepted %d suggestions.", accepted)
        self.message_user(request, message % accepted, messages.SUCCESS)


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """The public record: editors may reword a note or mark a correction minor."""

    list_display = ["corrected_at", "event", "facts_display", "note", "minor"]
    list_filter = ["minor", "corrected_at"]
    list_select_related = ["event"]
    fields = ["event", "corrected_at", "facts_display", "note", "minor", "suggestion"]
    readonly_fields = ["event", "corrected_at", "facts_display", "suggestion"]

    def has_add_permission(self, request):
        return False  # a correction is recorded when an event is saved
