"""Every ISO 3166-1 country from the start (timeline/world.py), with its names."""

from django.db import migrations


def add_countries(apps, schema_editor):
    from timeline.world import add_missing_countries

    add_missing_countries(
        apps.get_model("timeline", "Country"), apps.get_model("timeline", "HistoricalCountry")
    )


class Migration(migrations.Migration):
    dependencies = [("timeline", "0009_person_name_fr")]

    # Rolling back leaves the countries: events may name them by then.
    operations = [migrations.RunPython(add_countries, migrations.RunPython.noop)]
