"""Reading the trail for the auditor: filters that match the questions auditors ask."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from shuangyong.audit.models import AuditEvent


def events(
    *,
    actor: str = "",
    unit_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    action: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events newest first, narrowed by whichever filters are given."""
    qs = AuditEvent.objects.order_by("-seq")
    if actor:
        qs = qs.filter(Q(actor_name__icontains=actor) | Q(detail__username=actor))
    if unit_id:
        qs = qs.filter(Q(actor_unit_id=unit_id) | Q(object_unit_id=unit_id))
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if action:
        qs = qs.filter(action=action)
    tz = timezone.get_current_timezone()
    if since:
        qs = qs.filter(at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=tz))
    if until:
        qs = qs.filter(
            at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        )
    return qs


def object_types() -> list[str]:
    return list(
        AuditEvent.objects.exclude(object_type="")
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )
