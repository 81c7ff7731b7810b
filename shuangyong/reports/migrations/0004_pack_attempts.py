from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_pack_include_unapproved"),
    ]

    operations = [
        migrations.AddField(
            model_name="readinesspack",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
    ]
