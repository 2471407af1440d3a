"""The event screen: what curators use most.

Rules enforced here, beside the model's own validation:
- An event is published only with at least one source. The model checks saved sources; on
  the admin form the sources arrive in the inline, so `SourceInlineFormSet` checks what the
  curator is about to save (new sources counted, removed ones not).
- Only users with `timeline.publish_event` (editors) change the state; for others it is
  read-only and a new event is a draft.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from .. import roles, selectors
from ..history import (
    RestoreError,
    deleted_events,
    inline_rows_of_version,
    restore_deleted_event,
    revert_inline_rows,
    reverted_reason,
)
from ..languages import columns
from ..models import (
    PUBLISH_NEEDS_SOURCE,
    TONE_MAX,
    TONE_MIN,
    Event,
    Participation,
    Source,
    Suggestion,
)
from ..public_record import record_correction, snapshot_of
from ..tone import written
from .concurrency import ConcurrencyAdminMixin
from .resources import FORMATS, EventExportResource, EventResource
from .suggestions import close as close_suggestion
from .timelinejs import timelinejs_import_view

SOURCES_PREFIX = "sources"


def is_publish_needs_source(error):
    return str(getattr(error, "message", error)) == str(PUBLISH_NEEDS_SOURCE)


class SourceInlineFormSet(BaseInlineFormSet):
    """Refuses to save a published event without a source, counting the posted sources."""

    def clean(self):
        super().clean()
        if self.instance.state != Event.State.PUBLISHED:
            return
        kept = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk  # an empty extra form is no source
            if not self._should_delete_form(form)
        ]
        if not kept:
            raise ValidationError(PUBLISH_NEEDS_SOURCE, code="publish_needs_source")


class SourceInline(admin.StackedInline):
    model = Source
    formset = SourceInlineFormSet
    fields = ["url", "title", ("publisher", "author", "published"), "quote", "archived_url"]
    extra = 0
    verbose_name = _("source")
    verbose_name_plural = _("Sources — every published event needs at least one")
    classes = ["sources-inline"]

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj and obj.sources.exists() else 1

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "quote":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3})
        if db_field.name in {"url", "archived_url"}:
            # A plain, wide address box (the admin's default adds "Currently:/Change:").
            kwargs["widget"] = forms.URLInput(attrs={"class": "vURLField"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ParticipationInline(admin.TabularInline):
    model = Participation
    fields = ["person", "organization", "role"]
    autocomplete_fields = ["person", "organization"]
    extra = 0
    verbose_name = _("participant")
    verbose_name_plural = _("Participants — a person or an organisation in each row")

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj and obj.participations.exists() else 1


# Anchors of the tone scale, as the model's help text explains them.
TONE_ANCHORS = {
    -10: _("military attack"),
    -7: _("war-crimes accusation"),
    -5: _("sanctions, cancelled visit"),
    -2: _("protest, criticism"),
    0: _("neutral (an election, a report)"),
    2: _("phone call, talks"),
    4: _("state visit, summit together"),
    7: _("agreement signed"),
    10: _("alliance, treaty"),
}


def tone_label(value):
    number = written(value)
    anchor = TONE_ANCHORS.get(value)
    return f"{number} · {anchor}" if anchor else number


class HistoricalM2MFormMixin:
    """On simple-history's revert screen the form is built from a historical record, but
    Django fills many-to-many fields from the live rows. Show (and so revert to) the
    many-to-many values stored with the record instead."""

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        record = getattr(instance, "_history", None)
        if record is None:
            return
        for field in getattr(record, "_history_m2m_fields", []):
            if field.name in self.fields:
                column = f"{field.m2m_reverse_field_name()}_id"
                self.initial[field.name] = list(
                    getattr(record, field.name).values_list(column, flat=True)
                )


class EventAdminForm(HistoricalM2MFormMixin, forms.ModelForm):
    tone = forms.TypedChoiceField(
        label=_("Tone"),
        choices=[(value, tone_label(value)) for value in range(TONE_MIN, TONE_MAX + 1)],
        coerce=int,
        initial=0,
        help_text=Event._meta.get_field("tone").help_text,
    )
    # Not the event's own fields: the public record of a correction (public_record.py).
    correction_note = forms.CharField(
        label=_("Note for readers"),
        required=False,
        max_length=300,
        help_text=_(
            "When you change a published event's date, title, summary, quote, participants "
            "or sources, its page says “Corrected on …”: say in a line what was wrong."
        ),
    )
    correction_minor = forms.BooleanField(
        label=_("Minor correction (a typo): keep it off the public record"), required=False
    )

    class Meta:
        model = Event
        fields = "__all__"
        widgets = {
            **{column: forms.Textarea(attrs={"rows": 4}) for column in columns("summary")},
            **{column: forms.Textarea(attrs={"rows": 3}) for column in columns("quote")},
        }

    def _update_errors(self, errors):
        # The model refuses publishing by looking at the sources saved in the database.
        # When the source inline was posted with this form, SourceInlineFormSet judges
        # the sources about to be saved instead (a source added in the same save counts).
        if hasattr(errors, "error_dict") and "state" in errors.error_dict:
            inline_posted = f"{SOURCES_PREFIX}-TOTAL_FORMS" in self.data
            kept = [
                e
                for e in errors.error_dict["state"]
                if not (inline_posted and is_publish_needs_source(e))
            ]
            if kept and "state" not in self.fields:  # read-only state: say it at the top
                errors.error_dict.setdefault("__all__", []).extend(kept)
                kept = []
            if kept:
                errors.error_dict["state"] = kept
            else:
                del errors.error_dict["state"]
        super()._update_errors(errors)


class SourcedFilter(admin.SimpleListFilter):
    title = _("sources")
    parameter_name = "sourced"

    def lookups(self, request, model_admin):
        return [("no", _("Unsourced (no source yet)")), ("yes", _("Has a source"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(source_count=0)
        if self.value() == "yes":
            return queryset.filter(source_count__gt=0)
        return queryset


class OnTimelineFilter(admin.SimpleListFilter):
    """Events no pair's timeline shows: readers never see them, published or not."""

    title = _("timelines")
    parameter_name = "on_timeline"

    def lookups(self, request, model_admin):
        return [("no", _("On no pair's timeline")), ("yes", _("On a pair's timeline"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.exclude(selectors.on_some_pair())
        if self.value() == "yes":
            return queryset.filter(selectors.on_some_pair())
        return queryset


@admin.register(Event)
class EventAdmin(ImportExportMixin, ConcurrencyAdminMixin, SimpleHistoryAdmin):
    form = EventAdminForm
    resource_classes = [EventResource]
    import_formats = export_formats = FORMATS
    import_template_name = "admin/timeline/import.html"
    inlines = [SourceInline, ParticipationInline]
    # State and the unsourced flag come right after the date: on a phone the list scrolls
    # sideways and these are what a curator looks for.
    list_display = ["title", "when", "status", "kind_label", "place", "sources"]
    list_display_links = ["title"]
    list_filter = [
        "state",
        SourcedFilter,
        OnTimelineFilter,
        "kind",
        "disputes",
        "countries",
        "cancelled",
    ]
    list_select_related = ["place"]
    list_per_page = 50
    search_fields = [*columns("title"), *columns("summary"), *columns("quote"), "slug"]
    search_help_text = _("Searches titles, summaries and quotes.")
    date_hierarchy = "start"
    ordering = ["-start", "-pk"]
    autocomplete_fields = ["place", "countries", "about", "disputes", "tags"]
    actions = ["publish", "unpublish"]
    save_on_top = True
    change_list_template = "admin/timeline/event/change_list.html"
    fieldsets = [
        (
            _("What happened"),
            {
                # Each text beside its versions in the other languages, one row of columns.
                "fields": [
                    columns("title"),
                    "kind",
                    "cancelled",
                    columns("summary"),
                    columns("quote"),
                ],
            },
        ),
        (
            _("When"),
            {
                "fields": [("start", "end"), "date_precision", ("date_certainty", "latest_start")],
                "description": _(
                    "Known only to the month or year? Enter the first day (2016-10-01) and "
                    "set the precision: the site then shows “October 2016”."
                ),
            },
        ),
        (_("Where"), {"fields": ["place"]}),
        (
            _("Who"),
            {
                "fields": ["countries", "about"],
                "description": _(
                    "The countries involved, and those the event is about without taking "
                    "part (Russia, for a statement on Russia made at the G7). A pair's "
                    "timeline shows an event that involves both countries, or involves one "
                    "and is about the other, or belongs to a dispute between them. The "
                    "people and organisations taking part are listed under “Participants” below."
                ),
            },
        ),
        (_("Why it matters"), {"fields": ["disputes", "tags", "tone"]}),
        (
            _("Correction notice"),
            {"fields": ["correction_note", "correction_minor"], "classes": ["correction-notice"]},
        ),
        (
            _("Publication"),
            {
                "fields": ["state", "slug"],
                "description": _(
                    "Drafts are visible only here. An editor publishes an event once it "
                    "has at least one source."
                ),
            },
        ),
    ]

    def get_export_resource_classes(self, request):
        return [EventExportResource]

    # --- list -------------------------------------------------------------------------
    def get_queryset(self, request):
        return super().get_queryset(request).annotate(source_count=Count("sources", distinct=True))

    @admin.display(description=_("date"), ordering="start")
    def when(self, obj):
        return obj.date_display

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj):
        if obj.cancelled:
            return format_html(
                '{}<br><span class="event-cancelled">{}</span>',
                obj.get_kind_display(),
                _("cancelled"),
            )
        return obj.get_kind_display()

    @admin.display(description=_("state"), ordering="state")
    def status(self, obj):
        """The state, and a warning flag when the event has no source yet."""
        state = format_html(
            '<span class="event-state event-state--{}">{}</span>',
            obj.state,
            obj.get_state_display(),
        )
        if obj.source_count:
            return state
        return format_html(
            '{}<br><span class="unsourced" title="{}">⚠ {}</span>',
            state,
            _("No source yet: it cannot be published."),
            _("unsourced"),
        )

    @admin.display(description=_("sources"), ordering="source_count")
    def sources(self, obj):
        return obj.source_count

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.state != Event.State.PUBLISHED:  # nothing public to correct
            fieldsets = [f for f in fieldsets if "correction_note" not in f[1]["fields"]]
        return fieldsets

    def suggestion_at_hand(self, request):
        """The reader's suggestion the editor came from (?suggestion=<id>), if any."""
        pk = request.GET.get("suggestion", "")
        return Suggestion.objects.filter(pk=pk).first() if pk.isdigit() else None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "suggestion": self.suggestion_at_hand(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        """Once the countries, disputes and inlines are saved: record a correction of what
        readers were told, and warn when no pair's timeline shows the event, so that it
        cannot be published and never seen."""
        super().save_related(request, form, formsets, change)
        event = form.instance
        self.record_correction(request, form, event)
        if not Event.objects.filter(pk=event.pk).filter(selectors.on_some_pair()).exists():
            self.message_user(
                request,
                _(
                    "No pair's timeline shows “%(title)s”: give it two countries, a country "
                    "it involves and one it is about, or a dispute between two countries."
                )
                % {"title": event.title},
                messages.WARNING,
            )

    # --- revert from the history ---------------------------------------------------------
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """simple-history's revert, which puts back the event's fields and many-to-many rows,
        with its sources and participations too, in one transaction."""
        record = get_object_or_404(Event.history, id=object_id, history_id=version_id)
        rows = inline_rows_of_version(record)
        extra_context = {
            **(extra_context or {}),
            "version_inlines": [
                (
                    model._meta.verbose_name_plural.capitalize(),
                    [str(model(**values)) for values in versions.values()],
                )
                for model, versions in rows.items()
            ],
        }
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        request.reverting_to = record  # read by save_model and response_change
        with transaction.atomic():
            response = super().history_form_view(request, object_id, version_id, extra_context)
            if response.status_code == 302:
                revert_inline_rows(record, request.user)
        return response

    def save_model(self, request, obj, form, change):
        record = getattr(request, "reverting_to", None)
        if record is not None:
            obj._change_reason = reverted_reason(record)
        # What readers were told before this save (a revert is not a correction).
        request.public_before = snapshot_of(obj.pk) if change and record is None else None
        super().save_model(request, obj, form, change)

    def record_correction(self, request, form, event):
        """The public record of this save, if it changed a published event's facts; the
        suggestion at hand is then accepted when the user may accept."""
        suggestion = self.suggestion_at_hand(request)
        correction = record_correction(
            event,
            getattr(request, "public_before", None),
            note=form.cleaned_data.get("correction_note", ""),
            minor=form.cleaned_data.get("correction_minor", False),
            suggestion=suggestion,
        )
        if correction is None or suggestion is None:
            return
        if suggestion.state == Suggestion.State.NEW and roles.can_accept_suggestions(request.user):
            close_suggestion(suggestion, Suggestion.State.ACCEPTED, request.user)
            suggestion.save()
            self.message_user(request, _("The reader's suggestion is marked accepted."))

    def response_change(self, request, obj):
        record = getattr(request, "reverting_to", None)
        if record is None:
            return super().response_change(request, obj)
        self.message_user(
            request,
            _(
                "“%(title)s” was reverted to its version of %(date)s, with its sources and participants."
            )
            % {"title": obj.title, "date": date_format(record.history_date, "DATETIME_FORMAT")},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:timeline_event_change", args=[obj.pk]))

    # --- publishing ---------------------------------------------------------------------
    def has_publish_permission(self, request):
        return roles.can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            readonly.append("state")
        return readonly

    def _set_state(self, request, events, state):
        for event in events:
            event.state = state
            event._history_user = request.user
            event.save(update_fields=["state", "updated_at"])

    @admin.action(permissions=["publish"], description=_("Publish the selected events"))
    def publish(self, request, queryset):
        queryset = queryset.exclude(state=Event.State.PUBLISHED)
        ready = [e for e in queryset if e.source_count]
        skipped = [e for e in queryset if not e.source_count]
        self._set_state(request, ready, Event.State.PUBLISHED)
        if ready:
            self.message_user(
                request,
                ngettext("Published %d event.", "Published %d events.", len(ready)) % len(ready),
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "Not published, because it has no source: %(titles)s.",
                    "Not published, because they have no source: %(titles)s.",
                    len(skipped),
                )
                % {"titles": "; ".join(f"“{e.title}”" for e in skipped)},
                messages.WARNING,
            )
        if not ready and not skipped:
            self.message_user(request, _("The selected events were published already."))

    @admin.action(
        permissions=["publish"], description=_("Unpublish the selected events (back to draft)")
    )
    def unpublish(self, request, queryset):
        events = list(queryset.filter(state=Event.State.PUBLISHED))
        self._set_state(request, events, Event.State.DRAFT)
        self.message_user(
            request,
            ngettext("%d event is a draft again.", "%d events are drafts again.", len(events))
            % len(events),
            messages.SUCCESS,
        )

    # --- the public page ----------------------------------------------------------------
    def view_on_site(self, obj):
        """Only published events have a public page. Asks the database: on a form sent back
        with errors, `obj` carries the unsaved state the curator asked for."""
        if obj.pk and Event.objects.filter(pk=obj.pk, state=Event.State.PUBLISHED).exists():
            return obj.get_absolute_url()
        return None

    # --- deleted events -------------------------------------------------------------------
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name="{}_{}_deleted".format(*info),
            ),
            path(
                "deleted/<int:history_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="{}_{}_restore".format(*info),
            ),
            path(
                "import-timelinejs/",
                self.admin_site.admin_view(self.timelinejs_import_view),
                name="{}_{}_import_timelinejs".format(*info),
            ),
        ] + super().get_urls()

    def timelinejs_import_view(self, request):
        """Import a TimelineJS sheet or JSON with a preview (see timelinejs.py)."""
        return timelinejs_import_view(self, request)

    def has_restore_permission(self, request):
        return self.has_add_permission(request)

    def deleted_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        records = deleted_events()[:200]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Deleted events"),
            "subtitle": None,
            "opts": self.opts,
            "records": records,
            "can_restore": self.has_restore_permission(request),
        }
        return TemplateResponse(request, "admin/timeline/event/deleted.html", context)

    def restore_view(self, request, history_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_restore_permission(request):
            raise PermissionDenied
        try:
            result = restore_deleted_event(history_id, request.user)
        except RestoreError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:timeline_event_deleted"))
        self.message_user(
            request, str(result), messages.WARNING if result.notes else messages.SUCCESS
        )
        return HttpResponseRedirect(reverse("admin:timeline_event_change", args=[result.event.pk]))

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "deleted_events_url": reverse("admin:timeline_event_deleted"),
            "timelinejs_import_url": (
                reverse("admin:timeline_event_import_timelinejs")
                if self.has_add_permission(request)
                else None
            ),
        }
        return super().changelist_view(request, extra_context)
