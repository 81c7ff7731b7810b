from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "shuangyong.care"
    label = "care"
    verbose_name = _("Care services")

    def ready(self) -> None:
        from shuangyong.care import panels  # noqa: F401 (registers the need panel on tasks)
