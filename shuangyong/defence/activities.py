"""Support activities and defence education: record one, with its evidence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.access import can, in_scope
from shuangyong.defence.models import EducationBase, SupportActivity
from shuangyong.org.models import UnitKind, User

if TYPE_CHECKING:
    from shuangyong.campaigns.models import Task
    from shuangyong.defence.forms import ActivityForm, BaseForm


@transaction.atomic
def record_activity(
    *,
    form: ActivityForm,
    actor: User,
    upload: UploadedFile | None = None,
    task: Task | None = None,
) -> SupportActivity:
    """Record an activity; a file given with a task becomes that task's evidence (for the
    office to review, so the campaign's ledger fills as the work happens).

    Rules: the organising unit is within the actor's units; the garrison is a garrison
    unit; the date is not in the future; a file needs a task and the reporting rules of
    tasks (the actor's unit leads it or helps with it).
    """
    if not can(actor, "activities.record"):
        raise PermissionDenied("activities.record")
    activity = form.save(commit=False)
    if not in_scope(actor, activity.unit):
        raise PermissionDenied(_("That unit is outside your units."))
    if activity.garrison is not None and activity.garrison.kind != UnitKind.GARRISON:
        raise ValidationError({"garrison": _("That unit is not a garrison unit.")})
    if activity.held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The date cannot be in the future.")})
    if upload is not None and task is None:
        raise ValidationError({"task": _("Choose the task this file is evidence for.")})
    activity.recorded_by = actor
    if upload is not None and task is not None:  # a file without a task was refused above
        from shuangyong.campaigns import responsibility

        activity.evidence = responsibility.upload_evidence(
            task=task, user=actor, upload=upload, title=activity.title, year=activity.held_on.year
        )
    activity.save()
    form.save_m2m()
    return activity


def add_base(*, form: BaseForm, actor: User) -> EducationBase:
    """Register a national-defence education base. Rules: the running unit is the actor's."""
    if not can(actor, "activities.record"):
        raise PermissionDenied("activities.record")
    base = form.save(commit=False)
    if not in_scope(actor, base.unit):
        raise PermissionDenied(_("That unit is outside your units."))
    base.save()
    return base
