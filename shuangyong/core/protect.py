"""Sensitive values: masked everywhere by default, revealed one record at a time.

``mask_id_number`` (from ``idnumber.mask``) is the one masking rule: the
``masked_id`` template filter, exports and the API all call it. Revealing a
full value takes a permission and a reason, and leaves an audit event.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from shuangyong.access import can
from shuangyong.audit.models import Action
from shuangyong.audit.services import record
from shuangyong.core.idnumber import mask as mask_id_number

MIN_REASON_LENGTH = 2

__all__ = ["export_id_number", "mask_id_number", "reveal", "validate_reason"]


def validate_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(_("Say why you need the full value (at least two characters)."))
    return reason[:200]


def reveal(*, user, instance, field_name: str, reason: str, permission: str) -> str:
    """The plaintext of one sensitive field of one record, audited with the reason.

    Rules: the user's role must hold ``permission``; a reason is required.
    """
    if not can(user, permission):
        raise PermissionDenied(permission)
    reason = validate_reason(reason)
    record(Action.REVEAL, obj=instance, detail={"field": field_name, "reason": reason})
    return getattr(instance, field_name)


def export_id_number(value: str, *, full: bool) -> str:
    """What an export writes for an ID number: masked unless a full export was authorised."""
    return value if full else mask_id_number(value)
