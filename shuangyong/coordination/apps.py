from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "shuangyong.coordination"
    label = "coordination"
    verbose_name = _("Coordination")

    def ready(self) -> None:
        from shuangyong.coordination import panels, reminders  # noqa: F401 (registers panels)
        from shuangyong.supervision.reminders import EXTRA_REMINDERS

        EXTRA_REMINDERS.append(reminders.notice_reminders)
