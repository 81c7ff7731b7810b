from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "shuangyong.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from shuangyong.messaging.jobs import register_periodic
        from shuangyong.supervision import signals  # noqa: F401  (connects the receivers)
        from shuangyong.supervision.jobs import lights_job, reminders_job, snapshots_job

        register_periodic(reminders_job)
        register_periodic(snapshots_job)
        register_periodic(lights_job)
