from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    """The platform app that reaches people: notification centre, outbox, channels, worker.

    It sits just above ``accounts`` and imports nothing above it; the capability
    apps register their periodic jobs and call ``notify`` from their services.
    """

    name = "shuangyong.messaging"
    label = "messaging"
    verbose_name = _("Messaging")

    def ready(self) -> None:
        from shuangyong.messaging import channels, jobs  # noqa: F401 (registers the built-ins)

        channels.register_builtin()
        jobs.register_builtin()
