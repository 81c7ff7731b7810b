"""Who is told in the care loops (one call from each service)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.access import Role
from shuangyong.care.models import Need, PaymentBatch
from shuangyong.messaging import notify
from shuangyong.org.models import User


def need_answered(need: Need) -> int:
    """Tell who registered a need (and the garrison that raised it) that the unit answered."""
    users = notify.liaisons_of([need.garrison_id]) if need.garrison_id else []
    creator = (
        need.created_by if need.created_by_id and need.created_by_id != need.replied_by_id else None
    )
    if creator is not None:
        users.append(creator)
    message = notify.Message(
        "need_answered",
        _("Need answered: %(t)s") % {"t": need.text[:60]},
        need.reply[:200],
        reverse("care:need_detail", args=[need.pk]),
        f"need_answered:{need.pk}:{need.replied_at:%Y%m%d%H%M%S}",
    )
    return notify.tell(users, message)


def batch_ready(batch: PaymentBatch) -> int:
    """Tell the district-wide approvers (not the maker) that a batch waits for approval.

    Rules: never the maker; only approvers who see the whole district; once a day per draft.
    """
    candidates = User.objects.filter(
        is_active=True, role__in=[Role.OFFICE, Role.CARE_OFFICER]
    ).select_related("person__unit", "scope_unit")
    approvers = [
        u
        for u in candidates
        if u.pk != batch.computed_by_id
        and (not u.is_unit_scoped or (u.scope_root is not None and u.scope_root.parent_id is None))
    ]
    message = notify.Message(
        "batch_ready",
        _("Batch %(p)s waits for approval") % {"p": batch.period},
        _("Computed by %(who)s.") % {"who": batch.computed_by},
        reverse("care:batch_detail", args=[batch.pk]),
        # Once a day per draft: computed again the same day, it is not announced again.
        f"batch_ready:{batch.pk}:{timezone.localdate(batch.computed_at)}",
    )
    return notify.tell(approvers, message)
