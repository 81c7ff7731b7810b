"""Channels: the ways a delivery leaves the platform, registered by name.

A channel is an object with a ``name`` (stored in ``Delivery.channel``), a
``label``, and ``send_batch(deliveries)`` returning, for each delivery, ``None``
when it was sent or the exception that stopped it (``DeliveryFailed`` is retried,
``Undeliverable`` is not). *Personal* channels reach a person and appear on the
preferences page (``address_for(user, preference)`` gives the person's address,
"" when they have none). Other channels reach an endpoint (a group robot, an API
webhook): their address is the endpoint's id and whoever enqueues names it.

Another app adds a channel with ``register(MyChannel())`` from its ``ready()``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import time

from django.conf import settings
from django.core import mail
from django.utils.translation import gettext_lazy as _

from shuangyong.messaging import sms
from shuangyong.messaging.http import DeliveryFailed, Undeliverable, call
from shuangyong.messaging.models import Robot

_REGISTRY: dict[str, Channel] = {}


class Channel:
    name = ""
    label = ""
    personal = False
    max_attempts = 6

    def available(self) -> bool:
        """Whether the site is set up for it (a channel without settings is not offered)."""
        return True

    def address_for(self, user, preference) -> str:
        return ""

    def send(self, delivery) -> None:
        raise NotImplementedError

    def prepare(self, deliveries: list) -> None:
        """Load what the sends need for the whole batch at once (one query, not one per
        delivery), e.g. as an attribute on each delivery. Nothing by default."""

    def send_batch(self, deliveries: list) -> list[Exception | None]:
        self.prepare(deliveries)
        results: list[Exception | None] = []
        for delivery in deliveries:
            try:
                self.send(delivery)
            except (DeliveryFailed, Undeliverable) as error:
                results.append(error)
            else:
                results.append(None)
        return results


def register(channel: Channel) -> Channel:
    """Add (or replace) a channel under its name."""
    _REGISTRY[channel.name] = channel
    return channel


def get(name: str) -> Channel | None:
    return _REGISTRY.get(name)


def all_channels() -> list[Channel]:
    return list(_REGISTRY.values())


def personal_channels() -> list[Channel]:
    return [c for c in _REGISTRY.values() if c.personal and c.available()]


def text_of(delivery) -> tuple[str, str]:
    """The title and the plain text of a delivery's message, with an absolute link."""
    payload = delivery.payload or {}
    title = payload.get("title", "")
    body = payload.get("body", "")
    link = payload.get("link", "")
    if link:
        link = getattr(settings, "SITE_URL", "").rstrip("/") + link
    return title, "\n".join(part for part in (title, body, link) if part)


# --- email -------------------------------------------------------------------------------


class EmailChannel(Channel):
    """Django's mail backend (SMTP in production), one connection per batch."""

    name = "email"
    label = _("Email")
    personal = True

    def address_for(self, user, preference) -> str:
        return user.email or ""

    def send_batch(self, deliveries):
        sender = getattr(settings, "DEFAULT_FROM_EMAIL", "shuangyong@localhost")
        results: list[Exception | None] = []
        try:
            connection = mail.get_connection(fail_silently=False)
            connection.open()
        except OSError as error:
            return [DeliveryFailed(str(error)[:200])] * len(deliveries)
        try:
            for delivery in deliveries:
                title, text = text_of(delivery)
                message = mail.EmailMessage(
                    title, text, sender, [delivery.address], connection=connection
                )
                try:
                    message.send()
                except Exception as error:  # smtplib raises many kinds; all are retried
                    results.append(DeliveryFailed(str(error)[:200]))
                else:
                    results.append(None)
        finally:
            with contextlib.suppress(OSError):
                connection.close()
        return results


# --- text messages ------------------------------------------------------------------------


class SmsChannel(Channel):
    """Text messages through the configured provider (``SMS_BACKEND``, see sms.py)."""

    name = "sms"
    label = _("Text message")
    personal = True

    def address_for(self, user, preference) -> str:
        person = getattr(user, "person", None)
        return (person.phone or "") if person else ""

    def send_batch(self, deliveries):
        errors = sms.backend().send(
            [(d.address, f"【双拥】{(d.payload or {}).get('title', '')}") for d in deliveries]
        )
        return [DeliveryFailed(e) if e else None for e in errors]


# --- WeCom (企业微信) application message ---------------------------------------------------

_tokens: dict[tuple[str, str], tuple[str, float]] = {}


def _wecom_base() -> str:
    return getattr(settings, "WECOM_BASE_URL", "https://qyapi.weixin.qq.com").rstrip("/")


class WecomAppChannel(Channel):
    """An application message to a person's WeCom account (gettoken, then message/send)."""

    name = "wecom"
    label = _("WeCom")
    personal = True

    def available(self) -> bool:
        corp, secret = getattr(settings, "WECOM_CORP_ID", ""), getattr(settings, "WECOM_SECRET", "")
        return bool(corp and secret)

    def address_for(self, user, preference) -> str:
        return preference.wecom_userid if preference is not None else ""

    def token(self, *, fresh: bool = False) -> str:
        key = (settings.WECOM_CORP_ID, settings.WECOM_SECRET)
        cached = _tokens.get(key)
        if cached and not fresh and cached[1] > time.monotonic():
            return cached[0]
        answer = call(
            "GET",
            f"{_wecom_base()}/cgi-bin/gettoken",
            params={"corpid": key[0], "corpsecret": key[1]},
        )
        if answer.get("errcode", 0) != 0 or not answer.get("access_token"):
            raise DeliveryFailed(f"gettoken {answer.get('errcode')}: {answer.get('errmsg', '')}")
        expires = time.monotonic() + answer.get("expires_in", 7200) - 300
        _tokens[key] = (answer["access_token"], expires)
        return answer["access_token"]

    def send(self, delivery) -> None:
        _title, text = text_of(delivery)
        body = {
            "touser": delivery.address,
            "msgtype": "text",
            "agentid": int(getattr(settings, "WECOM_AGENT_ID", 0) or 0),
            "text": {"content": text},
        }
        for attempt in (0, 1):
            answer = call(
                "POST",
                f"{_wecom_base()}/cgi-bin/message/send",
                params={"access_token": self.token(fresh=attempt == 1)},
                body=body,
            )
            code = answer.get("errcode", 0)
            if code in (40014, 42001) and attempt == 0:  # token invalid or expired: once more
                continue
            if code in (81013, 60111):  # no such user in the corporation
                raise Undeliverable(f"{code}: {answer.get('errmsg', '')}")
            if code != 0:
                raise DeliveryFailed(f"{code}: {answer.get('errmsg', '')}")
            return


# --- group robots ---------------------------------------------------------------------------


def _load_robots(deliveries: list) -> None:
    """Each delivery's active robot in one query (None when removed or inactive)."""
    ids = {int(d.address) for d in deliveries if d.address.isdigit()}
    robots = {r.pk: r for r in Robot.objects.filter(pk__in=ids, is_active=True)}
    for delivery in deliveries:
        delivery.robot = robots.get(int(delivery.address)) if delivery.address.isdigit() else None


def _robot(delivery) -> Robot:
    if not hasattr(delivery, "robot"):  # sent on its own, not through send_batch
        _load_robots([delivery])
    robot = delivery.robot
    if robot is None:
        raise Undeliverable("robot removed or inactive")
    return robot


class WecomRobotChannel(Channel):
    """A WeCom group robot: POST the text to its webhook key."""

    name = "wecom_robot"
    label = _("WeCom group robot")

    def prepare(self, deliveries: list) -> None:
        _load_robots(deliveries)

    def send(self, delivery) -> None:
        robot = _robot(delivery)
        _title, text = text_of(delivery)
        answer = call(
            "POST",
            f"{_wecom_base()}/cgi-bin/webhook/send",
            params={"key": robot.token},
            body={"msgtype": "text", "text": {"content": text}},
        )
        if answer.get("errcode", 0) != 0:
            raise DeliveryFailed(f"{answer.get('errcode')}: {answer.get('errmsg', '')}")


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's robot signature: base64(HMAC-SHA256(secret, "timestamp\\nsecret"))."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


class DingtalkRobotChannel(Channel):
    """A DingTalk group robot with signing (加签): timestamp and sign in the query."""

    name = "dingtalk_robot"
    label = _("DingTalk robot")

    def prepare(self, deliveries: list) -> None:
        _load_robots(deliveries)

    def send(self, delivery) -> None:
        robot = _robot(delivery)
        _title, text = text_of(delivery)
        params = {"access_token": robot.token}
        if robot.secret:
            timestamp = int(time.time() * 1000)
            params |= {"timestamp": timestamp, "sign": dingtalk_sign(robot.secret, timestamp)}
        base = getattr(settings, "DINGTALK_BASE_URL", "https://oapi.dingtalk.com").rstrip("/")
        answer = call(
            "POST",
            f"{base}/robot/send",
            params=params,
            body={"msgtype": "text", "text": {"content": text}},
        )
        if answer.get("errcode", 0) != 0:
            raise DeliveryFailed(f"{answer.get('errcode')}: {answer.get('errmsg', '')}")


def register_builtin() -> None:
    for channel in (
        EmailChannel(),
        SmsChannel(),
        WecomAppChannel(),
        WecomRobotChannel(),
        DingtalkRobotChannel(),
    ):
        _REGISTRY.setdefault(channel.name, channel)
