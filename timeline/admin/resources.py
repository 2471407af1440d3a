"""CSV/JSON import and export for the curated models (django-import-export).

Rows are matched on natural keys (country code, slugs, place name) so an exported file can
be edited and imported again without duplicating anything. Every imported row goes through
the model's full_clean(), like a form in the admin.

An event's state is exported but never imported: an import cannot publish anything (sources
are not part of the event file, and publishing is an editor's decision). New events arrive as
drafts; existing ones keep their state.
"""

from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV, JSON

from ..languages import ORIGINAL_LANGUAGE, codes, exported_name
from ..models import Country, Dispute, Event, Organization, Person, Place, Tag

# The formats curators are offered (the first is the default in the tests and the docs).
FORMATS = [CSV, JSON]


def texts(name):
    """A text's columns: 'title' (the original), then 'title_fr', 'title_ru'…"""
    return [exported_name(name, code) for code in codes()]


class CuratedResource(resources.ModelResource):
    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # A text's plain column ('title') is the original: read from and written to the
        # original's version, whatever the language of the curator's admin.
        model_fields = {f.name for f in self._meta.model._meta.fields}
        for name, field in self.fields.items():
            if f"{name}_{ORIGINAL_LANGUAGE}" in model_fields:
                self.fields[name] = fields.Field(
                    attribute=f"{name}_{ORIGINAL_LANGUAGE}", column_name=name, widget=field.widget
                )


class CountryResource(CuratedResource):
    class Meta(CuratedResource.Meta):
        model = Country
        import_id_fields = ["code"]
        fields = ["code", *texts("name")]


def country_by_code():
    """A country column written and read as its ISO code (FR), not its database id."""
    return fields.Field(
        attribute="country", column_name="country", widget=widgets.ForeignKeyWidget(Country, "code")
    )


class PersonResource(CuratedResource):
    country = country_by_code()

    class Meta(CuratedResource.Meta):
        model = Person
        import_id_fields = ["slug"]
        fields = ["slug", *texts("name"), "country", "description"]


class OrganizationResource(CuratedResource):
    country = country_by_code()

    class Meta(CuratedResource.Meta):
        model = Organization
        import_id_fields = ["slug"]
        fields = ["slug", *texts("name"), "kind", "country"]


class PlaceResource(CuratedResource):
    country = country_by_code()

    class Meta(CuratedResource.Meta):
        model = Place
        import_id_fields = ["name"]
        fields = [*texts("name"), "country", "latitude", "longitude"]


class TagResource(CuratedResource):
    class Meta(CuratedResource.Meta):
        model = Tag
        import_id_fields = ["slug"]
        fields = ["slug", *texts("name")]


class DisputeResource(CuratedResource):
    parties = fields.Field(
        attribute="parties",
        column_name="parties",
        widget=widgets.ManyToManyWidget(Country, separator=";", field="code"),
    )

    class Meta(CuratedResource.Meta):
        model = Dispute
        import_id_fields = ["slug"]
        fields = [
            "slug",
            *texts("name"),
            *texts("summary"),
            "parties",
            "start",
            "end",
            "status",
        ]


class EventResource(CuratedResource):
    place = fields.Field(
        attribute="place", column_name="place", widget=widgets.ForeignKeyWidget(Place, "name")
    )
    countries = fields.Field(
        attribute="countries",
        column_name="countries",
        widget=widgets.ManyToManyWidget(Country, separator=";", field="code"),
    )
    about = fields.Field(
        attribute="about",
        column_name="about",
        widget=widgets.ManyToManyWidget(Country, separator=";", field="code"),
    )
    disputes = fields.Field(
        attribute="disputes",
        column_name="disputes",
        widget=widgets.ManyToManyWidget(Dispute, separator=";", field="slug"),
    )
    tags = fields.Field(
        attribute="tags",
        column_name="tags",
        widget=widgets.ManyToManyWidget(Tag, separator=";", field="slug"),
    )

    class Meta(CuratedResource.Meta):
        model = Event
        import_id_fields = ["slug"]
        fields = [
            "slug",
            *texts("title"),
            "kind",
            "start",
            "end",
            "date_precision",
            "cancelled",
            *texts("summary"),
            *texts("quote"),
            "place",
            "countries",
            "about",
            "disputes",
            "tags",
            "tone",
        ]


class EventExportResource(EventResource):
    """The event file as exported: the importable columns plus the state, for reference
    (an import never reads it: see the module docstring)."""

    state = fields.Field(attribute="state", column_name="state", readonly=True)

    class Meta(EventResource.Meta):
        fields = [*EventResource.Meta.fields, "state"]
