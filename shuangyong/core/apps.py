from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "shuangyong.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from shuangyong.core import (
            checks,  # noqa: F401 - registers the deploy checks
            workdays,  # noqa: F401 - registers the calendar's import
            writes,
        )

        writes.install()  # the data version moves on with every committed write

        # Each app declares its imports/exports and demo data in these modules.
        autodiscover_modules("imports")
        autodiscover_modules("demo")
