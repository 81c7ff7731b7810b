from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The UI shell: navigation by role and each role's home page. Top of the app stack."""

    name = "shuangyong.portal"
    label = "portal"
    verbose_name = _("Portal")
