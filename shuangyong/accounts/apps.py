from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "shuangyong.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from shuangyong.accounts.middleware import stamp_activity

        # Logging in writes the session anyway: it carries the activity time from the
        # start, so the first page after login does not write it again.
        user_logged_in.connect(stamp_activity, dispatch_uid="accounts.stamp_activity")
