from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "shuangyong.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from shuangyong.messaging.jobs import register_queue
        from shuangyong.reports.pack import work_queued

        register_queue(work_queued)  # packs are built by the worker, never in a web process
