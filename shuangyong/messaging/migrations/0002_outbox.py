"""The tables take messaging's names; deliveries become the outbox; preferences per channel.

Existing rows are kept: a delivery recorded before is "delivered" (or "gave up"
when it had failed), a preference's email/sms switches become its channels_off.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def forwards(apps, schema_editor):
    Delivery = apps.get_model("messaging", "Delivery")
    Delivery.objects.filter(ok=True).update(status="sent", delivered_at=models.F("created_at"))
    Delivery.objects.filter(ok=False).update(status="gave_up")
    Preference = apps.get_model("messaging", "NotificationPreference")
    for preference in Preference.objects.filter(models.Q(email=False) | models.Q(sms=False)):
        preference.channels_off = [
            name for name in ("email", "sms") if not getattr(preference, name)
        ]
        preference.save(update_fields=["channels_off"])


def backwards(apps, schema_editor):
    Delivery = apps.get_model("messaging", "Delivery")
    Delivery.objects.exclude(status="sent").update(ok=False)
    Preference = apps.get_model("messaging", "NotificationPreference")
    for preference in Preference.objects.all():
        preference.email = "email" not in preference.channels_off
        preference.sms = "sms" not in preference.channels_off
        preference.save(update_fields=["email", "sms"])


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0001_initial"),
        ("org", "0001_initial"),
        ("supervision", "0003_move_notifications_to_messaging"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelTable(name="jobrun", table="messaging_jobrun"),
        migrations.AlterModelTable(name="notification", table="messaging_notification"),
        migrations.AlterModelTable(name="delivery", table="messaging_delivery"),
        migrations.AlterModelTable(
            name="notificationpreference", table="messaging_notificationpreference"
        ),
        migrations.RenameIndex(
            model_name="notification",
            new_name="notification_unread",
            old_name="supervision_recipie_514b32_idx",
        ),
        migrations.AlterModelOptions(
            name="delivery",
            options={"verbose_name": "delivery", "verbose_name_plural": "deliveries"},
        ),
        migrations.RenameField(model_name="delivery", old_name="error", new_name="last_error"),
        migrations.RenameField(model_name="delivery", old_name="sent_at", new_name="created_at"),
        migrations.AlterField(
            model_name="delivery",
            name="last_error",
            field=models.CharField(blank=True, max_length=500, verbose_name="last error"),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="queued"),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="channel",
            field=models.CharField(max_length=20, verbose_name="channel"),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="address",
            field=models.CharField(max_length=300, verbose_name="recipient"),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="notification",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="deliveries",
                to="messaging.notification",
            ),
        ),
        migrations.AddField(
            model_name="delivery",
            name="event",
            field=models.CharField(default="", max_length=40, verbose_name="event"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="delivery",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="deliveries",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="delivery",
            name="payload",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="delivery",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Waiting"),
                    ("retry", "Failed, will retry"),
                    ("sent", "Delivered"),
                    ("gave_up", "Gave up"),
                ],
                default="pending",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="delivery",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
        ),
        migrations.AddField(
            model_name="delivery",
            name="next_attempt_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="next attempt"),
        ),
        migrations.AddField(
            model_name="delivery",
            name="delivered_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="delivered"),
        ),
        migrations.AddField(
            model_name="notificationpreference",
            name="channels_off",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="notificationpreference",
            name="wecom_userid",
            field=models.CharField(blank=True, max_length=64, verbose_name="WeCom user ID"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="delivery", name="ok"),
        migrations.RemoveField(model_name="notificationpreference", name="email"),
        migrations.RemoveField(model_name="notificationpreference", name="sms"),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
        ),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(fields=["-created_at"], name="delivery_recent"),
        ),
        migrations.CreateModel(
            name="Robot",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                (
                    "kind",
                    models.CharField(
                        choices=[("wecom_robot", "WeCom group robot"), ("dingtalk_robot", "DingTalk robot")],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("token", models.CharField(max_length=200, verbose_name="webhook key or access token")),
                ("secret", models.CharField(blank=True, max_length=200, verbose_name="signing secret")),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="org.unit",
                        verbose_name="unit",
                    ),
                ),
            ],
            options={"verbose_name": "group robot", "verbose_name_plural": "group robots"},
        ),
    ]
