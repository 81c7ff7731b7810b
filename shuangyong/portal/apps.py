from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The UI shell: navigation by role and each role's home page. Top of the app stack."""

    name = "shuangyong.portal"
    label = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from shuangyong.core import pagecache
        from shuangyong.org.models import GroupPosition, LeadingGroup, Person, Unit
        from shuangyong.portal.context_processors import bell, display_name
        from shuangyong.portal.views import forget_district_facts

        # The home page's unit and people counts and leading group are cached: a change
        # to any of them drops the cached facts (bulk writes wait for the timeout).
        for model in (Unit, Person, LeadingGroup, GroupPosition):
            for signal in (post_save, post_delete):
                signal.connect(forget_district_facts, sender=model, dispatch_uid=f"home.{model}")

        # The layout's personal parts, filled for each answer of a page shared by role.
        pagecache.hole("bell", bell)
        pagecache.hole("name", display_name)
