"""Notifications, deliveries, preferences and job locks now belong to ``messaging``.

State only: the tables are kept (and renamed by messaging's 0002), so no data is lost.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0002_alter_orderstep_action_orderfile"),
        ("messaging", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Delivery"),
                migrations.DeleteModel(name="NotificationPreference"),
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="JobRun"),
            ]
        )
    ]
