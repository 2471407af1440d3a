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

from ..models import Country, Dispute, Event, Organization, Person, Place, Tag

# The formats curators are offered (the first is the default in the tests and the docs).
FORMATS = [CSV, JSON]


class CuratedResource(resources.ModelResource):
    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class CountryResource(CuratedResource):
    class Meta(CuratedResource.Meta):
        model = Country
        import_id_fields = ["code"]
        fields = ["code", "name", "name_fr"]


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
        fields = ["slug", "name", "name_fr", "country", "description"]


class OrganizationResource(CuratedResource):
    country = country_by_code()

    class Meta(CuratedResource.Meta):
        model = Organization
        import_id_fields = ["slug"]
        fields = ["slug", "name", "kind", "country"]


class PlaceResource(CuratedResource):
    country = country_by_code()

    class Meta(CuratedResource.Meta):
        model = Place
        import_id_fields = ["name"]
        fields = ["name", "country", "latitude", "longitude"]


class TagResource(CuratedResource):
    class Meta(CuratedResource.Meta):
        model = Tag
        import_id_fields = ["slug"]
        fields = ["slug", "name", "name_fr"]


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
            "name",
            "name_fr",
            "summary",
            "summary_fr",
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
            "title",
            "title_fr",
            "kind",
            "start",
            "end",
            "date_precision",
            "cancelled",
            "summary",
            "summary_fr",
            "quote",
            "quote_fr",
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
