from django.db import migrations

# The two events of the shipped France–Russia dataset that involve only France and are
# about Russia (timeline/datasets/france-russia/events.csv, column "about"): a database
# loaded before that column existed gets them too, so that France–Russia shows them.
ABOUT_RUSSIA = ["2017-05-14-macron-takes-office", "2017-05-26-g7-summit-taormina"]


def about_russia(apps, schema_editor):
    Event, Country = apps.get_model("timeline", "Event"), apps.get_model("timeline", "Country")
    russia = Country.objects.filter(code="RU").first()
    if russia is None:
        return
    for event in Event.objects.filter(slug__in=ABOUT_RUSSIA):
        event.about.add(russia)


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0007_event_about"),
    ]

    operations = [
        migrations.RunPython(about_russia, migrations.RunPython.noop),
    ]
