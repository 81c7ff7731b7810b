"""How each programme is paid: the yearly-confirmation rule and recovery offsets."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shuangyong.access import can
from shuangyong.care.models import Confirmations, ProgrammeRule
from shuangyong.care.payments import district_wide, rule_for
from shuangyong.org.models import User


def update_rule(
    *,
    programme: str,
    confirmation: str,
    grace_months: int,
    offset_recoveries: bool,
    actor: User,
) -> ProgrammeRule:
    """Change a programme's rule (audited, like every save).

    Rules: whoever keeps the allowance standards, district-wide; grace 0–11 months. Drafts
    computed before the change can no longer be approved (they were priced by the old
    rule): they are computed again.
    """
    if not can(actor, "care.standards.edit") or not district_wide(actor):
        raise PermissionDenied("care.standards.edit")
    if confirmation not in Confirmations.values:
        raise ValidationError({"confirmation": _("Unknown rule.")})
    if not 0 <= grace_months <= 11:
        raise ValidationError({"grace_months": _("At most 11 months.")})
    with transaction.atomic():
        rule = rule_for(programme)
        rule = ProgrammeRule.objects.select_for_update().get(pk=rule.pk)
        rule.confirmation = confirmation
        rule.grace_months = grace_months
        rule.offset_recoveries = offset_recoveries
        rule.save()
    return rule
