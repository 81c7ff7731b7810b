"""Certificates, holiday visits and needs: the services the standard scores besides money."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.access import can, in_scope
from shuangyong.campaigns import lights
from shuangyong.campaigns.models import Task, TaskKind
from shuangyong.campaigns.selectors import current_campaign
from shuangyong.care import alerts
from shuangyong.care.models import (
    Certificate,
    CertificateStatus,
    EntitledPerson,
    Need,
    NeedSource,
    NeedStatus,
    Satisfaction,
    Visit,
    VisitOccasion,
)
from shuangyong.care.registry import require_editor
from shuangyong.messaging import notify
from shuangyong.org.models import Unit, UnitKind, User

# --- certificates -------------------------------------------------------------------------


def issue_certificate(
    *, person: EntitledPerson, number: str, issued_on: dt.date, actor: User
) -> Certificate:
    """Issue a certificate. Rules: numbers are unique; a person holds one valid certificate."""
    require_editor(actor, person)
    number = "".join((number or "").split())
    if not number:
        raise ValidationError({"number": _("Give the certificate number.")})
    if Certificate.objects.filter(number=number).exists():
        raise ValidationError({"number": _("Certificate %(n)s exists already.") % {"n": number}})
    if person.certificates.filter(status=CertificateStatus.VALID).exists():
        raise ValidationError(
            _("This person holds a valid certificate; report it lost to reissue.")
        )
    return Certificate.objects.create(person=person, number=number, issued_on=issued_on)


@transaction.atomic
def report_lost(*, certificate: Certificate, lost_on: dt.date, actor: User) -> Certificate:
    require_editor(actor, certificate.person)
    if certificate.status != CertificateStatus.VALID:
        raise ValidationError(_("Only a valid certificate can be reported lost."))
    certificate.status, certificate.lost_on = CertificateStatus.LOST, lost_on
    certificate.save(update_fields=["status", "lost_on"])
    return certificate


@transaction.atomic
def reissue(
    *, certificate: Certificate, number: str, issued_on: dt.date, actor: User
) -> Certificate:
    """A new certificate for a lost one; the lost one is marked replaced."""
    require_editor(actor, certificate.person)
    if certificate.status != CertificateStatus.LOST:
        raise ValidationError(_("Report the certificate lost before reissuing it."))
    new = issue_certificate(
        person=certificate.person, number=number, issued_on=issued_on, actor=actor
    )
    new.replaces = certificate
    new.save(update_fields=["replaces"])
    certificate.status = CertificateStatus.REPLACED
    certificate.save(update_fields=["status"])
    return new


# --- visits -------------------------------------------------------------------------------


def record_visit(
    *,
    occasion: VisitOccasion,
    person: EntitledPerson | None,
    garrison: Unit | None,
    visited_on: dt.date,
    visitors: str,
    gifts: str,
    money: Decimal | None,
    actor: User,
) -> Visit:
    """Record a holiday visit to a family or a garrison unit.

    Rules: someone was visited; the date lies within the round; a family visited is
    within the recorder's units; a garrison is a garrison unit.
    """
    if not can(actor, "visits.record"):
        raise PermissionDenied("visits.record")
    if person is None and garrison is None:
        raise ValidationError(_("Say whom you visited: a family or a garrison unit."))
    if person is not None and not in_scope(actor, person.street):
        raise PermissionDenied(_("That family is outside your units."))
    if garrison is not None and garrison.kind != UnitKind.GARRISON:
        raise ValidationError({"garrison": _("That unit is not a garrison unit.")})
    if not occasion.starts_on <= visited_on <= occasion.ends_on:
        raise ValidationError(
            {
                "visited_on": _("The date is outside %(o)s (%(a)s to %(b)s).")
                % {"o": occasion.name, "a": occasion.starts_on, "b": occasion.ends_on}
            }
        )
    if money is not None and money < 0:
        raise ValidationError({"money": _("An amount cannot be negative.")})
    return Visit.objects.create(
        occasion=occasion,
        person=person,
        garrison=garrison,
        visited_on=visited_on,
        visitors=visitors.strip(),
        gifts=gifts.strip(),
        money=money,
        recorded_by=actor,
    )


# --- needs --------------------------------------------------------------------------------


@transaction.atomic
def add_need(
    *,
    source: str,
    person: EntitledPerson | None,
    garrison: Unit | None,
    requester: str,
    category: str,
    text: str,
    assignee: Unit,
    deadline: dt.date,
    actor: User,
) -> Need:
    """Register a need; it becomes a task of the assignee unit, with the task's lights,
    reminders and supervision orders.

    Rules: the need names who raised it (the person, the garrison, or the family's name);
    a garrison raises needs only for itself; the deadline is not past.
    """
    if not can(actor, "needs.add"):
        raise PermissionDenied("needs.add")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Say what is needed.")})
    if source == NeedSource.PERSON and person is None:
        raise ValidationError({"person": _("Choose the entitled person.")})
    if source == NeedSource.GARRISON and garrison is None:
        raise ValidationError({"garrison": _("Choose the garrison unit.")})
    if source == NeedSource.FAMILY and not (requester or "").strip():
        raise ValidationError({"requester": _("Give the family's name.")})
    if garrison is not None and actor.is_unit_scoped and not in_scope(actor, garrison):
        raise PermissionDenied(_("You raise needs for your own garrison unit."))
    if person is not None and not (can(actor, "care.view") and in_scope(actor, person.street)):
        raise PermissionDenied(_("That person is outside your units."))
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    need = Need.objects.create(
        source=source,
        person=person if source == NeedSource.PERSON else None,
        garrison=garrison if source == NeedSource.GARRISON else None,
        requester=(requester or "").strip(),
        category=category,
        text=text,
        assignee=assignee,
        deadline=deadline,
        created_by=actor,
    )
    campaign = current_campaign()
    if campaign is not None:
        need.task = Task.objects.create(
            campaign=campaign,
            kind=TaskKind.NEED,
            lead_unit=assignee,
            deadline=deadline,
            title=_("Need (%(c)s): %(t)s") % {"c": need.get_category_display(), "t": text[:100]},
            evidence_required=_("The reply to the requester"),
        )
        need.save(update_fields=["task"])
    message = notify.Message(
        "need",
        _("New need: %(t)s") % {"t": text[:60]},
        need.get_category_display(),
        reverse("care:need_detail", args=[need.pk]),
        f"need:{need.pk}",
    )
    notify.send([(u, message) for u in notify.liaisons_of([assignee.pk])])
    return need


@transaction.atomic
def reply_need(*, need: Need, text: str, actor: User) -> Need:
    """The assignee unit answers; its task is done. Rules: only the assignee's side replies."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    if not can(actor, "needs.reply") or (
        actor.is_unit_scoped and not in_scope(actor, need.assignee)
    ):
        raise PermissionDenied(_("Only the unit handling the need replies."))
    if need.status == NeedStatus.CLOSED:
        raise ValidationError(_("This need is closed."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the reply.")})
    need.reply, need.replied_at, need.replied_by = text, timezone.now(), actor
    need.status = NeedStatus.REPLIED
    need.save()
    if need.task_id:
        Task.objects.filter(pk=need.task_id).update(progress=100, done_at=timezone.now())
        lights.refresh(tasks=Task.objects.filter(pk=need.task_id))  # kept light (issue 19)
    alerts.need_answered(need)
    return need


@transaction.atomic
def close_need(*, need: Need, satisfaction: str, actor: User) -> Need:
    """Record the requester's satisfaction. Unsatisfied sends it back to the unit (the task
    opens again); otherwise the need is closed."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    if not can(actor, "needs.close"):
        raise PermissionDenied("needs.close")
    if need.status != NeedStatus.REPLIED:
        raise ValidationError(_("Only a replied need is closed."))
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose how satisfied the requester is.")})
    need.satisfaction = satisfaction
    if satisfaction == Satisfaction.UNSATISFIED:
        need.status = NeedStatus.OPEN
        if need.task_id:
            Task.objects.filter(pk=need.task_id).update(progress=0, done_at=None)
            lights.refresh(tasks=Task.objects.filter(pk=need.task_id))  # kept light (issue 19)
    else:
        need.status = NeedStatus.CLOSED
    need.save()
    return need
