"""Recovery items (追回): overpayments owed back, followed until repaid or written off.

The ledger counts an overpayment the moment its batch is approved (a negative recovery
line), so nothing here changes what a month was paid; these operations follow the money.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.access import can, scoped
from shuangyong.care.models import Recovery, RecoveryState
from shuangyong.care.payments import district_wide, state_of
from shuangyong.org.models import User

OPEN_STATES = (RecoveryState.OPEN, RecoveryState.PARTLY)


def visible_recoveries(user: User, *, state: str = "") -> QuerySet[Recovery]:
    """Recoveries of the persons in the user's streets (payments.view), newest first."""
    if not can(user, "payments.view"):
        return Recovery.objects.none()
    found = scoped(
        user,
        Recovery.objects.select_related("person__street", "batch", "entitlement", "closed_by"),
        via="person__street",
    ).defer("person__id_number", "person__bank_account")
    if state == "outstanding":
        found = found.filter(state__in=OPEN_STATES)
    elif state in RecoveryState.values:
        found = found.filter(state=state)
    return found.order_by("-created_at", "-id")


def _cents(amount: Decimal | str | int | float) -> int:
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": _("Not an amount.")}) from None
    if not value.is_finite() or value <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    return int(value * 100)


def _locked(recovery: Recovery) -> Recovery:
    return Recovery.objects.select_for_update().select_related("batch").get(pk=recovery.pk)


def record_repayment(
    *,
    recovery: Recovery,
    amount: Decimal | str | int | float,
    actor: User,
    debtor: str = "",
    note: str = "",
) -> Recovery:
    """Record money paid back on a recovery.

    Rules: a care officer who computes batches, district-wide; only while something is
    outstanding, and never more than is; the state follows (partly recovered, recovered).
    """
    if not can(actor, "payments.compute") or not district_wide(actor):
        raise PermissionDenied("payments.compute")
    cents = _cents(amount)
    with transaction.atomic():
        recovery = _locked(recovery)
        if recovery.state not in OPEN_STATES:
            raise ValidationError(_("Nothing is outstanding on this recovery."))
        if cents > recovery.outstanding_cents:
            raise ValidationError(
                {"amount": _("Only %(o)s yuan is outstanding.") % {"o": recovery.outstanding}}
            )
        recovery.recovered_cents += cents
        recovery.state = state_of(recovery)
        if debtor.strip():
            recovery.debtor = debtor.strip()[:100]
        if note.strip():
            recovery.note = note.strip()[:200]
        if recovery.state == RecoveryState.RECOVERED:
            recovery.closed_by, recovery.closed_at = actor, timezone.now()
        recovery.save()
    return recovery


def write_off(*, recovery: Recovery, reason: str, actor: User) -> Recovery:
    """Give up what is still outstanding (the family cannot repay, the debtor died…).

    Rules: approved by someone who approves batches, district-wide, not the maker of the
    batch that found the overpayment (maker-checker, as for batches); a reason is kept.
    """
    if not can(actor, "payments.approve") or not district_wide(actor):
        raise PermissionDenied("payments.approve")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for writing it off.")})
    with transaction.atomic():
        recovery = _locked(recovery)
        if recovery.state not in OPEN_STATES:
            raise ValidationError(_("Nothing is outstanding on this recovery."))
        if recovery.batch.computed_by_id == actor.pk:
            raise ValidationError(
                _("The person who computed the batch that found it cannot write it off.")
            )
        recovery.state = RecoveryState.WRITTEN_OFF
        recovery.note = reason[:200]
        recovery.closed_by, recovery.closed_at = actor, timezone.now()
        recovery.save()
    return recovery
