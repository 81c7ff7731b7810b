from django.db import migrations, models


def bind_existing(apps, schema_editor):
    """Tokens issued before: bound to their holder as the holder is now."""
    ApiToken = apps.get_model("api", "ApiToken")
    for token in ApiToken.objects.select_related("user__person").iterator():
        user = token.user
        unit_id = user.person.unit_id if user.person_id else ""
        token.bound_to = (
            f"{user.role}:{user.person_id or ''}:{unit_id or ''}:{user.scope_unit_id or ''}"
        )
        token.save(update_fields=["bound_to"])


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="bound_to",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(bind_existing, migrations.RunPython.noop),
    ]
