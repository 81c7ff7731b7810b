"""Text messages: one small interface, a logging backend by default.

A real gateway (a government SMS platform) implements ``send`` and is named in
the ``SMS_BACKEND`` setting; nothing else in the code knows which is used.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("shuangyong.sms")


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else "****"


class BaseBackend:
    def send(self, messages: list[tuple[str, str]]) -> list[str]:
        """Send (phone, text) pairs; return an error text per message ("" when sent)."""
        raise NotImplementedError


class LoggingBackend(BaseBackend):
    """Writes each message to the log (phone masked): for offline sites and development."""

    def send(self, messages):
        for phone, text in messages:
            logger.info("SMS to %s: %s", mask_phone(phone), text)
        return [""] * len(messages)


class MemoryBackend(BaseBackend):
    """Keeps messages in ``outbox``, for tests."""

    outbox: list[tuple[str, str]] = []

    def send(self, messages):
        MemoryBackend.outbox.extend(messages)
        return [""] * len(messages)


def backend() -> BaseBackend:
    return import_string(
        getattr(settings, "SMS_BACKEND", "shuangyong.supervision.sms.LoggingBackend")
    )()
