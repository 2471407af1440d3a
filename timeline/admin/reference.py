"""Admin screens for the reference data events point to: countries, people and their terms
in office, organisations, places, tags, disputes, and the event's sources and participations
(also editable inside the event screen)."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from ..languages import ORIGINAL_LANGUAGE, columns
from ..models import (
    Country,
    Dispute,
    OfficeTerm,
    Organization,
    Participation,
    Person,
    Place,
    Source,
    Tag,
)
from .concurrency import ConcurrencyAdminMixin
from .events import HistoricalM2MFormMixin
from .resources import (
    FORMATS,
    CountryResource,
    DisputeResource,
    OrganizationResource,
    PersonResource,
    PlaceResource,
    TagResource,
)


class CuratedAdmin(ConcurrencyAdminMixin, SimpleHistoryAdmin):
    """History (who changed what, revert) and refusal of stale saves on every screen."""

    list_per_page = 50


class ImportExportCuratedAdmin(ImportExportMixin, CuratedAdmin):
    """History plus CSV/JSON import (with preview) and export."""

    import_formats = export_formats = FORMATS
    import_template_name = "admin/timeline/import.html"


class EventCountMixin:
    """An "events" column, counted in the list query (no query per row)."""

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_count=Count("events", distinct=True))

    # Not named "events": the admin would show the model's reverse relation of that name.
    @admin.display(description=_("events"), ordering="event_count")
    def number_of_events(self, obj):
        return obj.event_count


@admin.register(Country)
class CountryAdmin(EventCountMixin, ImportExportCuratedAdmin):
    resource_classes = [CountryResource]
    list_display = [*columns("name"), "code", "number_of_events"]
    search_fields = [*columns("name"), "code"]
    # Each text beside its versions in the other languages, one row of columns.
    fields = [columns("name"), "code"]


class OfficeTermInline(admin.TabularInline):
    model = OfficeTerm
    fields = ["office", "country", "start", "end"]
    autocomplete_fields = ["country"]
    extra = 0
    verbose_name_plural = _("Terms in office")


@admin.register(Person)
class PersonAdmin(ImportExportCuratedAdmin):
    resource_classes = [PersonResource]
    list_display = [*columns("name"), "country", "slug"]
    list_filter = ["country"]
    list_select_related = ["country"]
    search_fields = [*columns("name"), "slug"]
    autocomplete_fields = ["country"]
    fields = [columns("name"), "country", "description", "slug"]
    inlines = [OfficeTermInline]


@admin.register(OfficeTerm)
class OfficeTermAdmin(CuratedAdmin):
    list_display = ["person", "office", "country", "start", "end"]
    list_filter = ["country", "office"]
    list_select_related = ["person", "country"]
    search_fields = [*[f"person__{column}" for column in columns("name")], "office"]
    autocomplete_fields = ["person", "country"]
    date_hierarchy = "start"


@admin.register(Organization)
class OrganizationAdmin(ImportExportCuratedAdmin):
    resource_classes = [OrganizationResource]
    list_display = ["name", "kind", "country"]
    list_filter = ["kind", "country"]
    list_select_related = ["country"]
    search_fields = [*columns("name"), "slug"]
    autocomplete_fields = ["country"]
    fields = [columns("name"), "kind", "country", "slug"]


@admin.register(Place)
class PlaceAdmin(EventCountMixin, ImportExportCuratedAdmin):
    resource_classes = [PlaceResource]
    list_display = ["name", "country", "latitude", "longitude", "number_of_events"]
    list_filter = ["country"]
    list_select_related = ["country"]
    search_fields = columns("name")
    autocomplete_fields = ["country"]
    fields = [columns("name"), "country", ("latitude", "longitude")]


@admin.register(Tag)
class TagAdmin(EventCountMixin, ImportExportCuratedAdmin):
    resource_classes = [TagResource]
    list_display = [*columns("name"), "slug", "number_of_events"]
    search_fields = [*columns("name"), "slug"]
    fields = [columns("name"), "slug"]


class DisputeAdminForm(HistoricalM2MFormMixin, forms.ModelForm):
    class Meta:
        model = Dispute
        fields = "__all__"


@admin.register(Dispute)
class DisputeAdmin(EventCountMixin, ImportExportCuratedAdmin):
    form = DisputeAdminForm
    resource_classes = [DisputeResource]
    list_display = ["name", "span", "status", "number_of_events"]
    list_filter = ["status", "parties"]
    search_fields = [*columns("name"), "slug", *columns("summary")]
    autocomplete_fields = ["parties"]
    prepopulated_fields = {"slug": [f"name_{ORIGINAL_LANGUAGE}"]}
    # Each text beside its versions in the other languages, one row of columns.
    fields = [
        columns("name"),
        "slug",
        "status",
        ("start", "end"),
        "parties",
        columns("summary"),
    ]

    @admin.display(description=_("span"), ordering="start")
    def span(self, obj):
        return obj.span_display


@admin.register(Participation)
class ParticipationAdmin(CuratedAdmin):
    list_display = ["event", "actor", "role"]
    list_filter = ["role"]
    list_select_related = ["event", "person", "organization"]
    search_fields = [
        *[f"event__{column}" for column in columns("title")],
        *[f"person__{column}" for column in columns("name")],
        *[f"organization__{column}" for column in columns("name")],
    ]
    autocomplete_fields = ["event", "person", "organization"]

    @admin.display(description=_("person or organisation"))
    def actor(self, obj):
        return obj.actor


@admin.register(Source)
class SourceAdmin(CuratedAdmin):
    list_display = ["__str__", "publisher", "published", "event"]
    list_filter = ["publisher"]
    list_select_related = ["event"]
    search_fields = [
        "title",
        "url",
        "publisher",
        "author",
        "quote",
        *[f"event__{column}" for column in columns("title")],
    ]
    autocomplete_fields = ["event"]
    date_hierarchy = "published"
    fields = [
        "event",
        ("url", "publisher"),
        ("title", "author"),
        ("published", "archived_url"),
        "quote",
    ]

    # A published event must keep a source: refuse to delete its last one here (the event
    # screen's source inline enforces the same rule through its formset).
    def _is_last_source_of_published_event(self, source):
        event = source.event
        return event.is_published and not event.sources.exclude(pk=source.pk).exists()

    def _refuse_message(self, source):
        return _(
            "“%(source)s” is the only source of the published event “%(event)s”: add another "
            "source or unpublish the event first."
        ) % {"source": source, "event": source.event.title}

    def delete_view(self, request, object_id, extra_context=None):
        source = self.get_object(request, object_id)
        if source is not None and self._is_last_source_of_published_event(source):
            self.message_user(request, self._refuse_message(source), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:timeline_source_change", args=[source.pk]))
        return super().delete_view(request, object_id, extra_context)

    def delete_queryset(self, request, queryset):
        for source in queryset.select_related("event"):
            if self._is_last_source_of_published_event(source):
                self.message_user(request, self._refuse_message(source), messages.ERROR)
            else:
                source._history_user = request.user
                source.delete()
