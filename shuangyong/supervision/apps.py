from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "shuangyong.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from shuangyong.messaging.jobs import register_periodic
        from shuangyong.supervision.jobs import reminders_job, snapshots_job

        register_periodic(reminders_job)
        register_periodic(snapshots_job)
