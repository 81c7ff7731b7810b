from django.db import migrations, models

import shuangyong.core.fields
import shuangyong.core.validators
from shuangyong.core.fields import encrypt_plain_column
from shuangyong.core.validators import normalize_phone


def encrypt(apps, schema_editor):
    encrypt_plain_column(
        schema_editor,
        "care_entitledperson",
        "phone",
        normalizer=normalize_phone,
        index_column="phone_index",
    )


def decrypt(apps, schema_editor):
    encrypt_plain_column(
        schema_editor, "care_entitledperson", "phone", index_column="phone_index", reverse=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0002_ledger_recoveries_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="entitledperson",
            name="phone_index",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="entitledperson",
            name="phone",
            field=shuangyong.core.fields.EncryptedField(
                blind_index="phone_index",
                validators=[shuangyong.core.validators.validate_phone],
                verbose_name="phone",
            ),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
