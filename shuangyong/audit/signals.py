"""What lands in the trail without anyone calling ``record``: every create, update
and delete of our models, and every login, logout, failed login and lockout.

Bulk writes (imports) bypass model signals; importers record one event per
import with the file's checksum and counts instead.
"""

import hashlib

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save

from shuangyong.audit.models import Action

# Derived or noisy fields that say nothing about who changed what.
IGNORED_FIELDS = {"search_text", "path", "last_login", "password_changed_at"}
SECRET_FIELDS = {"password"}
PROJECT_PREFIX = "shuangyong."


def audited_models():
    """Every model of our apps, except those whose rows are written and removed in bulk
    under a parent that is audited itself (``audited_through = "parent"``): an event per
    row would make a million-line payment batch a million events, and the signal alone
    stops Django from deleting such rows in one statement."""
    for model in apps.get_models():
        config = model._meta.app_config
        if (
            config.name.startswith(PROJECT_PREFIX)
            and config.label != "audit"
            and getattr(model, "audited_through", "") != "parent"
        ):
            yield model


def tracked_fields(model):
    ignored = IGNORED_FIELDS | set(getattr(model, "audit_ignore", ()))
    return [f for f in model._meta.concrete_fields if f.name not in ignored and not f.primary_key]


def snapshot(instance) -> dict:
    """The instance's tracked values as the trail shows them (sensitive ones masked)."""
    values = {}
    for field in tracked_fields(type(instance)):
        raw = getattr(instance, field.attname)
        if field.name in SECRET_FIELDS:
            # A short fingerprint of the stored hash: shows that it changed, reveals nothing.
            values[field.name] = (
                f"******{hashlib.sha256(raw.encode()).hexdigest()[:6]}" if raw else ""
            )
        elif hasattr(field, "audit_value"):
            values[field.name] = field.audit_value(raw)
        elif raw is None:
            values[field.name] = None
        else:
            values[field.name] = field.value_to_string(instance)
    return values


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        instance._audit_before = None
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old) if old is not None else None


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    from shuangyong.audit.services import record

    after = snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        changes = {name: [None, value] for name, value in after.items() if value not in (None, "")}
        record(Action.CREATE, obj=instance, changes=changes)
        return
    changes = {n: [before.get(n), v] for n, v in after.items() if before.get(n) != v}
    if changes:
        record(Action.UPDATE, obj=instance, changes=changes)


def _after_delete(sender, instance, **kwargs):
    from shuangyong.audit.services import record

    before = snapshot(instance)
    changes = {name: [value, None] for name, value in before.items() if value not in (None, "")}
    record(Action.DELETE, obj=instance, changes=changes)


def _logged_in(sender, request, user, **kwargs):
    from shuangyong.audit.services import record

    record(Action.LOGIN, user=user, obj=user)


def _logged_out(sender, request, user, **kwargs):
    from shuangyong.audit.services import record

    if user is not None:
        record(Action.LOGOUT, user=user, obj=user)


def _login_failed(sender, credentials, request=None, **kwargs):
    from shuangyong.audit.services import record

    record(Action.LOGIN_FAILED, detail={"username": str(credentials.get("username", ""))[:150]})


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    from shuangyong.audit.services import record

    record(Action.LOCKOUT, detail={"username": str(username or "")[:150]})


def connect() -> None:
    for model in audited_models():
        uid = f"audit:{model._meta.label_lower}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}:pre")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}:post")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}:delete")
    user_logged_in.connect(_logged_in, dispatch_uid="audit:login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit:logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit:login_failed")
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="audit:lockout")
