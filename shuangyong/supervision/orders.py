"""Supervision orders (督办单): issue → sign for → answer → re-check → close, or send back.

Each step checks who may take it (the issuing side or the supervised unit),
refuses it in the wrong state, writes the history, and tells the other side.

The unit's answer carries files (checked like evidence: type by content, size). Closing
(销号) means something: every task of the order is done (100 %) or has evidence accepted
since the order was issued; otherwise only an explicit override with a reason closes it,
and the history shows it as an override with that reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.access import Role, can, in_scope
from shuangyong.campaigns.models import Campaign, Evidence, ReviewStatus, Task
from shuangyong.campaigns.responsibility import MAX_EVIDENCE_BYTES, files_removed_on_failure
from shuangyong.core.uploads import DOCUMENTS, check_upload
from shuangyong.messaging import notify
from shuangyong.org.models import Unit, User
from shuangyong.supervision.models import OrderFile, OrderStatus, OrderStep, SupervisionOrder

A = OrderStep.Action
MAX_ANSWER_FILES = 10
MIN_OVERRIDE_REASON = 4


def _tell_unit(order: SupervisionOrder, title: str, key: str) -> None:
    message = notify.Message(
        "order", title, order.subject, reverse("supervision:order_detail", args=[order.pk]), key
    )
    notify.send([(u, message) for u in notify.liaisons_of([order.unit_id])])


def _tell_issuers(order: SupervisionOrder, title: str, key: str) -> None:
    users = User.objects.filter(is_active=True, role__in=[Role.OFFICE, Role.SUPERVISOR])
    message = notify.Message(
        "order", title, order.subject, reverse("supervision:order_detail", args=[order.pk]), key
    )
    notify.send([(u, message) for u in users.select_related("person")])


@transaction.atomic
def issue(
    *,
    campaign: Campaign,
    unit: Unit,
    tasks: list[Task],
    level: str,
    subject: str,
    requirement: str,
    deadline: dt.date,
    actor: User,
    proposed_by: str = "",
) -> SupervisionOrder:
    """Issue an order to a unit on its open tasks (or rectifications), numbered per year.

    Rules: the actor may supervise; every task is open and belongs to the unit
    (as lead or co-unit) and to the campaign; the deadline is not in the past.
    """
    if not can(actor, "orders.issue"):
        raise PermissionDenied("orders.issue")
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    for task in tasks:
        if task.campaign_id != campaign.pk:
            raise ValidationError(_("“%(t)s” belongs to another campaign.") % {"t": task.title})
        if task.progress >= 100:
            raise ValidationError(
                _("“%(t)s” is done: there is nothing to supervise.") % {"t": task.title}
            )
        if task.lead_unit_id != unit.pk and not task.co_units.filter(pk=unit.pk).exists():
            raise ValidationError(
                _("“%(t)s” is not a task of %(u)s.") % {"t": task.title, "u": unit.name}
            )
    year = timezone.localdate().year
    # Numbers per year, no gaps: take the highest under a lock on this year's orders.
    last = (
        SupervisionOrder.objects.select_for_update()
        .filter(year=year)
        .aggregate(n=Max("number"))["n"]
    )
    order = SupervisionOrder.objects.create(
        campaign=campaign,
        year=year,
        number=(last or 0) + 1,
        level=level,
        unit=unit,
        subject=subject.strip(),
        requirement=requirement.strip(),
        deadline=deadline,
        issued_by=actor,
        # the rule that proposed it, carried in a hidden field: cut, never a database error
        proposed_by=proposed_by[: SupervisionOrder._meta.get_field("proposed_by").max_length],
    )
    order.tasks.set(tasks)
    OrderStep.objects.create(order=order, action=A.ISSUE, by=actor, text=requirement.strip())
    _tell_unit(
        order,
        _("New supervision order %(ref)s: %(s)s") % {"ref": order.reference, "s": order.subject},
        f"order-issued:{order.pk}",
    )
    return order


def _locked(order: SupervisionOrder) -> SupervisionOrder:
    return SupervisionOrder.objects.select_for_update().select_related("unit").get(pk=order.pk)


def _unit_side(actor: User, order: SupervisionOrder) -> None:
    if (
        not can(actor, "orders.respond")
        or not actor.is_unit_scoped
        or not in_scope(actor, order.unit)
    ):
        raise PermissionDenied(_("Only the supervised unit signs for and answers an order."))


def _issuing_side(actor: User) -> None:
    if not can(actor, "orders.issue"):
        raise PermissionDenied(_("Only the office or a supervisor re-checks an order."))


@transaction.atomic
def acknowledge(*, order: SupervisionOrder, actor: User) -> SupervisionOrder:
    """The supervised unit signs for the order (签收). Only once, only when just issued."""
    order = _locked(order)
    _unit_side(actor, order)
    if order.status != OrderStatus.ISSUED:
        raise ValidationError(_("This order has been signed for already."))
    order.status = OrderStatus.ACKNOWLEDGED
    order.save(update_fields=["status"])
    OrderStep.objects.create(order=order, action=A.ACKNOWLEDGE, by=actor)
    _tell_issuers(order, _("%(ref)s signed for") % {"ref": order.reference}, f"ack:{order.pk}")
    return order


@transaction.atomic
def respond(
    *, order: SupervisionOrder, text: str, files: Sequence[UploadedFile] = (), actor: User
) -> SupervisionOrder:
    """The unit answers: what it did, with the files that show it. Rules: only after
    signing for it, never after closure; at least one file, at most ten, each checked
    like evidence (an accepted document type whose content matches its extension, within
    the evidence size limit)."""
    order = _locked(order)
    _unit_side(actor, order)
    if order.status == OrderStatus.CLOSED:
        raise ValidationError(_("This order is closed; an answer can no longer be given."))
    if order.status != OrderStatus.ACKNOWLEDGED:
        raise ValidationError(_("Sign for the order before answering it."))
    if not text.strip():
        raise ValidationError({"text": _("Say what was done.")})
    files = list(files)
    if not files:
        raise ValidationError(
            {"files": _("Attach the files that show what was done (photos, documents, ledgers).")}
        )
    if len(files) > MAX_ANSWER_FILES:
        raise ValidationError(
            {"files": _("At most %(n)d files to an answer.") % {"n": MAX_ANSWER_FILES}}
        )
    names = [check_upload(f, allowed=DOCUMENTS, max_bytes=MAX_EVIDENCE_BYTES) for f in files]
    order.status = OrderStatus.RESPONDED
    order.save(update_fields=["status"])
    step = OrderStep.objects.create(order=order, action=A.RESPOND, by=actor, text=text.strip())
    with files_removed_on_failure() as stored:
        for upload, name in zip(files, names, strict=True):
            # check_upload compared the size with the limit: it is known
            size = upload.size or 0
            item = OrderFile(step=step, name=name, size=size, sha256=_sha256(upload))
            item.file.save(name, upload, save=False)
            stored.append(item.file)
            item.save()
    _tell_issuers(
        order,
        _("%(ref)s answered by %(u)s") % {"ref": order.reference, "u": order.unit.name},
        f"order-answered:{order.pk}:{step.pk}",
    )
    return order


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def closure_check(order: SupervisionOrder) -> list[dict[str, Any]]:
    """Each task of the order and whether it lets the order close: ``done`` (100 %),
    ``evidence`` (evidence accepted, submitted since the order was issued), or neither."""
    tasks = list(order.tasks.order_by("pk"))
    backed = set(
        Evidence.objects.filter(
            task__in=tasks,
            status=ReviewStatus.ACCEPTED,
            superseded=False,
            submitted_at__gte=order.issued_at,
        ).values_list("task_id", flat=True)
    )
    return [
        {
            "task": task,
            "done": task.progress >= 100,
            "evidence": task.pk in backed,
            "met": task.progress >= 100 or task.pk in backed,
        }
        for task in tasks
    ]


@transaction.atomic
def send_back(*, order: SupervisionOrder, text: str, actor: User) -> SupervisionOrder:
    """The issuing side re-checks and is not satisfied: back to the unit, with the reason."""
    order = _locked(order)
    _issuing_side(actor)
    if order.status != OrderStatus.RESPONDED:
        raise ValidationError(_("Only an answered order can be sent back."))
    if not text.strip():
        raise ValidationError({"text": _("Say what is still missing.")})
    order.status = OrderStatus.ACKNOWLEDGED
    order.save(update_fields=["status"])
    step = OrderStep.objects.create(order=order, action=A.SEND_BACK, by=actor, text=text.strip())
    _tell_unit(
        order,
        _("%(ref)s sent back: %(why)s") % {"ref": order.reference, "why": text.strip()[:80]},
        f"order-back:{order.pk}:{step.pk}",
    )
    return order


@transaction.atomic
def close(
    *, order: SupervisionOrder, text: str, actor: User, override: bool = False
) -> SupervisionOrder:
    """The re-check passes: the order is closed (销号) and can no longer change.

    Rules: the issuing side; after the unit's answer; every task done (100 %) or backed
    by evidence accepted since the order was issued (``closure_check``), unless
    ``override`` with a reason of at least four characters, which the history keeps as
    a "closed by override" step."""
    order = _locked(order)
    _issuing_side(actor)
    if order.status != OrderStatus.RESPONDED:
        raise ValidationError(_("An order is closed after the unit's answer has been re-checked."))
    unmet = [c["task"] for c in closure_check(order) if not c["met"]]
    text = text.strip()
    action = A.CLOSE
    if unmet and not override:
        raise ValidationError(
            _(
                "“%(t)s” is at %(p)d%%, with no evidence accepted since the order was issued: "
                "close the order when its tasks are done or their evidence accepted, or "
                "override with a reason."
            )
            % {"t": unmet[0].title, "p": unmet[0].progress}
        )
    if unmet:
        if len(text) < MIN_OVERRIDE_REASON:
            raise ValidationError(
                {
                    "text": _(
                        "Give the reason for closing the order although its tasks are not "
                        "done (at least %(n)d characters): the order's history keeps it."
                    )
                    % {"n": MIN_OVERRIDE_REASON}
                }
            )
        action = A.CLOSE_OVERRIDE
        pending = "；".join(_("%(t)s at %(p)d%%") % {"t": t.title, "p": t.progress} for t in unmet)
        text = f"{text}（{pending}）"
    order.status, order.closed_at = OrderStatus.CLOSED, timezone.now()
    order.save(update_fields=["status", "closed_at"])
    OrderStep.objects.create(order=order, action=action, by=actor, text=text)
    _tell_unit(order, _("%(ref)s closed") % {"ref": order.reference}, f"order-closed:{order.pk}")
    return order
