"""Recording events. Every domain operation that must leave a trace calls ``record``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.utils import timezone

from shuangyong.audit import chain
from shuangyong.audit.context import Actor, actor_from, current_actor
from shuangyong.audit.models import Action, AuditEvent

MIN_RETENTION_DAYS = 180


def record(
    action: str,
    *,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    object_unit_id: int | None = None,
    changes: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    actor: Actor | None = None,
    user: Any = None,
) -> AuditEvent:
    """Append an event for ``action``; who and where come from the current request.

    Pass ``obj`` (a model instance) or the object_* values. ``user`` overrides
    the actor (for login events, before the request knows the user).
    """
    if actor is None:
        actor = actor_from(user, current_actor().ip) if user is not None else current_actor()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
        if object_unit_id is None:
            object_unit_id = unit_of(obj)
    return chain.append(
        action=action,
        actor_id=actor.user_id,
        actor_name=actor.name,
        actor_unit_id=actor.unit_id,
        actor_unit_name=actor.unit_name,
        ip=actor.ip,
        object_type=object_type,
        object_id=str(object_id or ""),
        object_repr=object_repr,
        object_unit_id=object_unit_id,
        changes=changes or {},
        detail=detail or {},
    )


def unit_of(obj: Model) -> int | None:
    """The unit an object belongs to, for filtering the trail by unit: its ``unit``, or
    the unit field its model names in ``audit_unit_field`` (a person's street)."""
    if obj._meta.label_lower == "org.unit":
        return obj.pk
    return getattr(obj, f"{getattr(obj, 'audit_unit_field', 'unit')}_id", None)


def retention_days() -> int:
    """Configured retention, never below the 180 days 等保 asks for."""
    return max(
        int(getattr(settings, "AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)), MIN_RETENTION_DAYS
    )


def prune(*, now: dt.datetime | None = None) -> int:
    """Remove events older than the retention period; the chain stays verifiable.

    The pruning itself is recorded first, so the trail says who pruned what.
    """
    before = (now or timezone.now()) - dt.timedelta(days=retention_days())
    count = AuditEvent.objects.filter(at__lt=before).count()
    if not count:
        return 0
    record(Action.PRUNE, detail={"before": before.isoformat(), "events": count})
    return chain.prune(before=before)
