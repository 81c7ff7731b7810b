from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class StandardsConfig(AppConfig):
    name = "shuangyong.standards"
    label = "standards"
    verbose_name = _("Evaluation standards")

    def ready(self) -> None:
        # Each app registers the figures it computes (standards.measures) in measures.py.
        autodiscover_modules("measures")
