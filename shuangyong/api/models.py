"""API tokens: one per client a user connects; only a hash is stored."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuangyong.core.fields import EncryptedField
from shuangyong.messaging.kinds import Kind


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def binding(user) -> str:
    """What a token is bound to: the holder's role, person, person's unit and scope unit."""
    unit_id = user.person.unit_id if user.person_id else ""
    return f"{user.role}:{user.person_id or ''}:{unit_id or ''}:{user.scope_unit_id or ''}"


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # The holder's role, person, unit and scope when the token was issued: a token
    # stops for good once any of them changes (the account was moved).
    bound_to = models.CharField(max_length=64, blank=True, editable=False)

    audit_ignore = ("key_hash", "last_used_at")

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class IdempotentRequest(models.Model):
    """A POST sent with an ``Idempotency-Key``: the first one's answer, replayed to repeats.

    Kept ``IDEMPOTENCY_HOURS`` (api.idempotency); a row without a status is a request
    still being answered.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True, default=b"")

    # A replay cache, not a record: what the request did is audited where it was done.
    audited_through = "parent"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_request_per_key")]

    def __str__(self) -> str:
        return self.key


class Webhook(models.Model):
    """An address another system gave for the platform's events, registered by an
    administrator: each event it wants is POSTed to it, signed with its secret
    (api.webhooks), through the same outbox as the notifications."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = EncryptedField(_("secret"))
    # The event kinds wanted (api.webhooks.EVENTS); none listed: every event.
    events = models.JSONField(_("events"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    audit_ignore = ("secret",)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def event_labels(self) -> list[str]:
        """The events it wants as people read them (``messaging.kinds.Kind``)."""
        labels = dict(Kind.choices)
        return [str(labels.get(event, event)) for event in self.events]

    def wants(self, kind: str) -> bool:
        return self.is_active and (not self.events or kind in self.events)
