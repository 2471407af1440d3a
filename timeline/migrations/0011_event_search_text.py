"""Search that finds words whatever their case and accents (timeline/search.py): the folded
text of every event, filled for the events that exist, and on PostgreSQL a trigram index
that answers a substring search without reading every row."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from timeline.search import search_text

    # This migration's Event lacks the columns of later languages: search_text reads
    # those it has.
    Event = apps.get_model("timeline", "Event")
    events = list(Event.objects.select_related("place"))
    for event in events:
        event.search_text = search_text(event, event.place.name if event.place else "")
    Event.objects.bulk_update(events, ["search_text"], batch_size=500)


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite scans the one folded column
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS timeline_event_search_trgm "
        "ON timeline_event USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS timeline_event_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("timeline", "0010_every_country")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
