"""The notification centre, deliveries and job locks move here from supervision.

State only: the tables stay as they are (``supervision_*``); 0002 renames them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("supervision", "0002_alter_orderstep_action_orderfile"),
    ]

    state_operations = [
        migrations.CreateModel(
            name="JobRun",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=50, unique=True)),
                ("last_started", models.DateTimeField(blank=True, null=True)),
                ("last_finished", models.DateTimeField(blank=True, null=True)),
                ("last_result", models.CharField(blank=True, max_length=300)),
            ],
            options={"db_table": "supervision_jobrun"},
        ),
        migrations.CreateModel(
            name="Notification",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=30, verbose_name="kind")),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("body", models.TextField(blank=True, verbose_name="message")),
                ("link", models.CharField(blank=True, max_length=300)),
                ("key", models.CharField(max_length=200)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="sent")),
                ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read")),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "db_table": "supervision_notification",
                "verbose_name": "notification",
                "verbose_name_plural": "notifications",
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["recipient", "read_at"], name="supervision_recipie_514b32_idx")],
                "constraints": [
                    models.UniqueConstraint(fields=("recipient", "key"), name="notification_once_per_key")
                ],
            },
        ),
        migrations.CreateModel(
            name="Delivery",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("channel", models.CharField(choices=[("email", "Email"), ("sms", "Text message")], max_length=10)),
                ("address", models.CharField(max_length=200)),
                ("key", models.CharField(max_length=200)),
                ("ok", models.BooleanField(default=True)),
                ("error", models.CharField(blank=True, max_length=300)),
                ("sent_at", models.DateTimeField(auto_now_add=True)),
                (
                    "notification",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="messaging.notification",
                    ),
                ),
            ],
            options={
                "db_table": "supervision_delivery",
                "constraints": [
                    models.UniqueConstraint(fields=("channel", "address", "key"), name="delivery_once_per_key")
                ],
            },
        ),
        migrations.CreateModel(
            name="NotificationPreference",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("email", models.BooleanField(default=True, verbose_name="by email")),
                ("sms", models.BooleanField(default=True, verbose_name="by text message")),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_preference",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"db_table": "supervision_notificationpreference"},
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
