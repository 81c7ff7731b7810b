"""Messaging: the notification centre, each person's channels, the outbox, job locks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuangyong.core.fields import EncryptedField


class NotificationPreference(models.Model):
    """Which channels besides the in-app centre a person wants; in-app cannot be muted.

    ``channels_off`` lists the names of the personal channels the person turned off
    (so a channel added later is on until they turn it off).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    channels_off = models.JSONField(default=list, blank=True)
    wecom_userid = models.CharField(_("WeCom user ID"), max_length=64, blank=True)

    class Meta:
        db_table = "messaging_notificationpreference"

    def __str__(self) -> str:
        return f"{self.user}"

    def wants(self, channel: str) -> bool:
        return channel not in (self.channels_off or [])


class Notification(models.Model):
    """One message in a person's notification centre.

    ``key`` makes a reminder idempotent: the same key is never delivered twice
    to the same person, however often the reminder job runs.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(max_length=300, blank=True)
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        db_table = "messaging_notification"
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RETRY = "retry", _("Failed, will retry")
    SENT = "sent", _("Delivered")
    GAVE_UP = "gave_up", _("Gave up")


class Delivery(models.Model):
    """The outbox: one message for one recipient on one channel, sent by the worker.

    ``(channel, address, key)`` is unique, so an event reaches an address on a
    channel once, however often it is enqueued. ``address`` is what the channel
    sends to: an email address, a phone, a WeCom user ID, a robot's or an
    endpoint's id. ``user`` is the person it is for, when it is for a person.
    """

    event = models.CharField(_("event"), max_length=40)
    key = models.CharField(max_length=200)
    channel = models.CharField(_("channel"), max_length=20)
    address = models.CharField(_("recipient"), max_length=300)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        db_table = "messaging_delivery"
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "address", "key"], name="delivery_once_per_key"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["-created_at"], name="delivery_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.key}"


class Robot(models.Model):
    """A group chat's robot (WeCom group robot, DingTalk robot): told what its unit's people are.

    ``unit`` is the unit whose people's notifications also go to the group, once
    per event.
    """

    class Kind(models.TextChoices):
        WECOM = "wecom_robot", _("WeCom group robot")
        DINGTALK = "dingtalk_robot", _("DingTalk robot")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    # Encrypted at rest (core.crypto): whoever holds them can post to the group.
    token = EncryptedField(_("webhook key or access token"))
    secret = EncryptedField(_("signing secret"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")

    def __str__(self) -> str:
        return self.name


class JobRun(models.Model):
    """A lock row per periodic job: two runs at once cannot both do the work."""

    name = models.CharField(max_length=50, unique=True)
    last_started = models.DateTimeField(null=True, blank=True)
    last_finished = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "messaging_jobrun"

    def __str__(self) -> str:
        return self.name
