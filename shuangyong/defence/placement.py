"""Placement services: open a case, record its dates as they happen, close it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.access import can, in_scope
from shuangyong.defence.models import PlacementCase, PlacementKind

if TYPE_CHECKING:
    from shuangyong.defence.forms import PlacementForm
    from shuangyong.org.models import User

DATE_ORDER = ("discharged_on", "reported_on", "job_arranged_on", "on_post_on", "closed_on")


def _check(case: PlacementCase, actor: User) -> None:
    if not can(actor, "placement.edit"):
        raise PermissionDenied("placement.edit")
    if not in_scope(actor, case.street):
        raise PermissionDenied(_("That street is outside your units."))


def _check_dates(case: PlacementCase) -> None:
    """Dates follow the order of the steps, and none lies in the future."""
    today = timezone.localdate()
    previous = None
    for name in DATE_ORDER:
        value = getattr(case, name)
        if value is None:
            continue
        if value > today:
            raise ValidationError({name: _("The date cannot be in the future.")})
        if previous and value < getattr(case, previous):
            raise ValidationError(
                {name: _("The date is before “%(p)s”.") % {"p": _label(previous)}}
            )
        previous = name
    if case.kind == PlacementKind.SOLDIER and not case.method:
        raise ValidationError({"method": _("A discharged soldier's case needs the method.")})
    if case.kind != PlacementKind.SOLDIER and case.method:
        raise ValidationError({"method": _("Only a discharged soldier's case has a method.")})
    if not case.needs_job and (case.job_arranged_on or case.on_post_on):
        raise ValidationError(_("This kind of case has no arranged job."))


def _label(name: str) -> str:
    return str(cast(models.Field[Any, Any], PlacementCase._meta.get_field(name)).verbose_name)


@transaction.atomic
def save_case(*, form: PlacementForm, actor: User) -> PlacementCase:
    """Open or update a case from its form. Rules: in the actor's streets; the dates in
    the order of the steps, none in the future; a method exactly for discharged soldiers."""
    case = form.save(commit=False)
    _check(case, actor)
    _check_dates(case)
    case.save()
    return case


@transaction.atomic
def record(
    *, case: PlacementCase, step: str, on: dt.date, actor: User, **extra: Any
) -> PlacementCase:
    """Record one step's date (reported, job arranged with the receiving unit, on post,
    closed with the outcome). Rules: as for ``save_case``."""
    _check(case, actor)
    fields = {
        "report": "reported_on",
        "job": "job_arranged_on",
        "on_post": "on_post_on",
        "close": "closed_on",
    }
    if step not in fields:
        raise ValidationError(_("Unknown step."))
    case = PlacementCase.objects.select_for_update().get(pk=case.pk)
    setattr(case, fields[step], on)
    if step == "job":
        case.receiving_unit = (extra.get("receiving_unit") or "").strip()
        if not case.receiving_unit:
            raise ValidationError({"receiving_unit": _("Name the receiving unit.")})
    if step == "close":
        case.outcome = (extra.get("outcome") or "").strip() or case.outcome
    _check_dates(case)
    case.save()
    return case
