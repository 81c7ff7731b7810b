"""Inspections (督查): a team visits units, its findings become rectification tasks (整改)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.campaigns.models import Task, TaskKind
from shuangyong.supervision.models import Finding, Inspection

if TYPE_CHECKING:
    from shuangyong.campaigns.models import Campaign
    from shuangyong.org.models import Unit, User
    from shuangyong.standards.models import Criterion
    from shuangyong.supervision.forms import InspectionForm


@transaction.atomic
def record_inspection(*, campaign: Campaign, form: InspectionForm, actor: User) -> Inspection:
    """Record an inspection: date, team, the units and criteria in scope, a summary."""
    inspection = form.save(commit=False)
    inspection.campaign, inspection.created_by = campaign, actor
    inspection.save()
    form.save_m2m()
    return inspection


@transaction.atomic
def add_finding(
    *,
    inspection: Inspection,
    unit: Unit,
    criterion: Criterion | None,
    text: str,
    deadline: dt.date | None,
    actor: User,
) -> Finding:
    """A finding, and the rectification task that carries it to the unit.

    Rules: the unit was inspected; the text says what is wrong; the deadline is
    not in the past. The task gets the same lights, reminders and orders as any
    other, and counts against a deduction-scored criterion until it is done.
    """
    if not inspection.units.filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("This unit was not part of the inspection.")})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Say what was found.")})
    if deadline is None or deadline < timezone.localdate():
        raise ValidationError({"deadline": _("Give a deadline that is not in the past.")})
    task = Task.objects.create(
        campaign=inspection.campaign,
        kind=TaskKind.RECTIFICATION,
        criterion=criterion,
        title=_("Rectify: %(text)s") % {"text": text[:120]},
        lead_unit=unit,
        deadline=deadline,
        evidence_required=_("Rectification report and proof"),
    )
    return Finding.objects.create(
        inspection=inspection, unit=unit, criterion=criterion, text=text, rectification=task
    )
