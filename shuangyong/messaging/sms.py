"""Text messages: one small provider interface; a logging provider by default.

A provider implements ``send(messages)`` for (phone, text) pairs and returns an
error text per message ("" when sent). The ``SMS_BACKEND`` setting names it;
nothing else in the code knows which is used. ``AliyunBackend`` is a real HTTP
provider (Alibaba Cloud dysmsapi ``SendSms`` with its request signature).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import uuid
from urllib.parse import quote

from django.conf import settings
from django.utils.module_loading import import_string

from shuangyong.messaging.http import DeliveryFailed, call

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


def _percent(value: str) -> str:
    return quote(value, safe="~")


def aliyun_signature(params: dict[str, str], secret: str, method: str = "GET") -> str:
    """Alibaba Cloud RPC signature (v1): HMAC-SHA1 over the sorted, encoded query."""
    canonical = "&".join(f"{_percent(k)}={_percent(params[k])}" for k in sorted(params))
    to_sign = f"{method}&{_percent('/')}&{_percent(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunBackend(BaseBackend):
    """Alibaba Cloud SMS (dysmsapi SendSms): one signed GET per message.

    Settings: ALIYUN_SMS_ACCESS_KEY_ID, ALIYUN_SMS_ACCESS_KEY_SECRET,
    ALIYUN_SMS_SIGN_NAME, ALIYUN_SMS_TEMPLATE_CODE (a template with a ``${title}``
    parameter), ALIYUN_SMS_BASE_URL (default https://dysmsapi.aliyuncs.com).
    """

    def send(self, messages):
        errors = []
        for phone, text in messages:
            try:
                self._send_one(phone, text)
            except DeliveryFailed as error:
                logger.warning("SMS to %s failed: %s", mask_phone(phone), error)
                errors.append(str(error) or "failed")
            else:
                errors.append("")
        return errors

    def _send_one(self, phone: str, text: str) -> None:
        params = {
            "AccessKeyId": settings.ALIYUN_SMS_ACCESS_KEY_ID,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": phone,
            "RegionId": "cn-hangzhou",
            "SignName": settings.ALIYUN_SMS_SIGN_NAME,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": settings.ALIYUN_SMS_TEMPLATE_CODE,
            "TemplateParam": json.dumps({"title": text[:35]}, ensure_ascii=False),
            "Timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        params["Signature"] = aliyun_signature(params, settings.ALIYUN_SMS_ACCESS_KEY_SECRET)
        base = getattr(settings, "ALIYUN_SMS_BASE_URL", "https://dysmsapi.aliyuncs.com")
        answer = call("GET", base.rstrip("/") + "/", params=params)
        if answer.get("Code") != "OK":
            raise DeliveryFailed(f"{answer.get('Code')}: {answer.get('Message', '')}"[:200])


def backend() -> BaseBackend:
    return import_string(
        getattr(settings, "SMS_BACKEND", "shuangyong.messaging.sms.LoggingBackend")
    )()
