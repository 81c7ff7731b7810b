from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "shuangyong.api"
    label = "api"
    verbose_name = _("API")

    def ready(self):
        """Webhooks ride the outbox: a channel of their own, and an ear on every event."""
        from shuangyong.api import webhooks
        from shuangyong.messaging import channels, notify

        channels.register(webhooks.WebhookChannel())
        notify.listen(webhooks.on_messages)
