from django.db import migrations

import shuangyong.core.fields
from shuangyong.core.fields import encrypt_plain_column
from shuangyong.core.validators import normalize_phone


def encrypt(apps, schema_editor):
    for column in ("phone", "family_phone"):
        encrypt_plain_column(schema_editor, "defence_candidate", column, normalizer=normalize_phone)


def decrypt(apps, schema_editor):
    for column in ("phone", "family_phone"):
        encrypt_plain_column(schema_editor, "defence_candidate", column, reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("defence", "0002_step_event_choices"),
    ]

    operations = [
        migrations.AlterField(
            model_name="candidate",
            name="family_phone",
            field=shuangyong.core.fields.EncryptedField(
                blind_index="", verbose_name="family phone"
            ),
        ),
        migrations.AlterField(
            model_name="candidate",
            name="phone",
            field=shuangyong.core.fields.EncryptedField(blind_index="", verbose_name="phone"),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
