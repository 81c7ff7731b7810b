"""The audit trail: append-only events, each hash-chained to the one before.

Rows are never updated or deleted through the ORM (save and delete refuse);
pruning removes a prefix of the chain and records an anchor so that what is
kept still verifies. Events hold names and ids as plain values, not foreign
keys, so deleting a user or unit never rewrites history.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKOUT = "lockout", _("Locked out")
    LOGOUT = "logout", _("Logged out")
    EXPORT = "export", _("Exported")
    DOWNLOAD = "download", _("Downloaded")
    IMPORT = "import", _("Imported")
    REVEAL = "reveal", _("Revealed sensitive data")
    PRUNE = "prune", _("Pruned old audit records")
    RESTORE = "restore", _("Restored a backup")
    KEY_ROTATION = "key_rotation", _("Rotated encryption keys")


class AppendOnly(Exception):
    pass


class AuditEvent(models.Model):
    seq = models.BigIntegerField(_("number"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, db_index=True)
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    actor_unit_id = models.BigIntegerField(null=True, db_index=True)
    actor_unit_name = models.CharField(_("actor's unit"), max_length=100, blank=True)
    ip = models.CharField(_("address"), max_length=45, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    object_unit_id = models.BigIntegerField(null=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit events cannot be deleted; use `shuangyong audit prune`")


class ChainHead(models.Model):
    """One row: the last event's number and hash. Locked while appending."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"head #{self.last_seq}"


class Anchor(models.Model):
    """Where the kept chain starts after pruning: its first number and previous hash."""

    first_seq = models.BigIntegerField()
    prev_hash = models.CharField(max_length=64)
    pruned = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-first_seq"]

    def __str__(self) -> str:
        return f"anchor at #{self.first_seq}"
