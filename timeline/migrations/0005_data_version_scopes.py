from django.db import migrations, models


class Migration(migrations.Migration):
    """One data-version token per country besides the global one; the existing row (there
    is at most one, id 1) becomes the global scope "*"."""

    dependencies = [
        ("timeline", "0004_translations"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataversion",
            name="scope",
            field=models.CharField(default="*", max_length=8, unique=True),
            preserve_default=False,
        ),
    ]
