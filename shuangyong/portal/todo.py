"""我的待办: what waits for this person, per kind of work, oldest first, one click to act.

Each source is one query (the rows of the first few and, through a scalar
subquery, how many there are), asked only when the person's role can act on that
kind of work; so the home page runs a fixed number of queries whatever the data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, F, Func, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuangyong.access import can, scoped
from shuangyong.campaigns.models import Campaign, ProgressReport, ReviewStatus, Task, UnitReport
from shuangyong.campaigns.selectors import tasks_in_scope
from shuangyong.care.models import Need, PaymentBatch
from shuangyong.care.models.support import NeedStatus
from shuangyong.coordination.models import JointItem, Receipt
from shuangyong.defence.models.conscription import Candidate, CandidateStatus, Stage
from shuangyong.supervision.models import OrderStatus, SupervisionOrder

SHOWN = 5  # items shown per kind; the count says how many there are
DUE_WITHIN = 7  # days ahead a task counts as due


@dataclass
class Item:
    title: str
    detail: str
    url: str
    when: dt.date | None = None
    late: bool = False


@dataclass
class Group:
    key: str
    label: str
    action: str
    count: int = 0
    items: list[Item] = field(default_factory=list)


def _first(qs, order: list[str]):
    """The first SHOWN rows, each carrying the total count (one query: the count is a
    scalar subquery over the bare rows, not a window over the joined ones, which made
    the database carry every waiting row with its task and unit to count them)."""
    total = qs.order_by().values(
        n=Func(F("pk"), function="COUNT", template="COUNT(DISTINCT %(expressions)s)")
    )
    return list(qs.annotate(todo_total=Subquery(total)).order_by(*order)[:SHOWN])


def _group(key, label, action, rows, item) -> Group:
    return Group(
        key,
        label,
        action,
        count=rows[0].todo_total if rows else 0,
        items=[item(r) for r in rows],
    )


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value


def campaigns_of(user) -> list[Campaign]:
    """Campaigns the person works in: all for district roles; a unit's, where it has tasks."""
    campaigns = Campaign.objects.order_by("-end_year", "-id")
    if user.is_unit_scoped:
        tasks = tasks_in_scope(user)
        campaigns = campaigns.filter(pk__in=tasks.values("campaign_id"))
    return list(campaigns.only("pk", "name", "end_year"))


def todo_for(user, *, campaign: Campaign | None, today: dt.date | None = None) -> list[Group]:
    """Every kind of work waiting for this user, in a fixed number of queries.

    Rules: only kinds the role can act on; unit roles only see their units' items
    (the same scope as the pages the items link to); tasks, reports and orders are
    those of the chosen campaign.
    """
    today = today or timezone.localdate()
    groups: list[Group] = []
    in_campaign = {"campaign": campaign} if campaign else {}

    if can(user, "orders.respond"):
        orders = scoped(user, SupervisionOrder.objects.filter(**in_campaign), via="unit")
        rows = _first(orders.filter(status=OrderStatus.ISSUED), ["issued_at", "pk"])
        groups.append(
            _group("orders_sign", _("Orders to sign for"), _("Sign for"), rows, _order(today))
        )
        rows = _first(orders.filter(status=OrderStatus.ACKNOWLEDGED), ["deadline", "pk"])
        groups.append(
            _group("orders_answer", _("Orders to answer"), _("Answer"), rows, _order(today))
        )
    if can(user, "orders.issue"):
        orders = SupervisionOrder.objects.filter(status=OrderStatus.RESPONDED, **in_campaign)
        rows = _first(orders, ["deadline", "pk"])
        groups.append(
            _group("orders_review", _("Orders to re-check"), _("Re-check"), rows, _order(today))
        )
    if can(user, "notices.reply"):
        receipts = scoped(
            user,
            Receipt.objects.filter(replied_at=None, notice__requires_reply=True).select_related(
                "notice", "unit"
            ),
            via="unit",
        )
        rows = _first(receipts, [F("notice__reply_deadline").asc(nulls_last=True), "pk"])
        groups.append(
            _group(
                "notice_replies",
                _("Notice replies due"),
                _("Reply"),
                rows,
                lambda r: Item(
                    r.notice.title,
                    r.unit.name,
                    reverse("coordination:notice_detail", args=[r.notice_id]),
                    r.notice.reply_deadline,
                    bool(r.notice.reply_deadline and r.notice.reply_deadline < today),
                ),
            )
        )
    if can(user, "tasks.report") and user.is_unit_scoped:
        tasks = tasks_in_scope(
            user,
            Task.objects.filter(
                progress__lt=100,
                deadline__isnull=False,
                deadline__lte=today + dt.timedelta(days=DUE_WITHIN),
                **in_campaign,
            ),
        )
        rows = _first(tasks, ["deadline", "pk"])
        groups.append(
            _group(
                "tasks_due",
                _("Tasks due within 7 days or overdue"),
                _("Report progress"),
                rows,
                lambda t: Item(
                    t.title,
                    _("%(p)d%% done") % {"p": t.progress},
                    reverse("campaigns:task_detail", args=[t.pk]),
                    t.deadline,
                    t.deadline < today,
                ),
            )
        )
        newer = ProgressReport.objects.filter(
            task=OuterRef("task"), unit=OuterRef("unit"), submitted_at__gt=OuterRef("submitted_at")
        )
        returned = scoped(
            user,
            ProgressReport.objects.filter(
                status=ReviewStatus.RETURNED, **_via_task(in_campaign)
            ).select_related("task"),
            via="unit",
        ).filter(~Exists(newer))
        rows = _first(returned, ["reviewed_at", "pk"])
        groups.append(
            _group(
                "reports_returned",
                _("Reports returned to us"),
                _("Report again"),
                rows,
                lambda r: Item(
                    r.task.title,
                    r.review_note,
                    reverse("campaigns:task_detail", args=[r.task_id]),
                    _date(r.reviewed_at),
                ),
            )
        )
    if can(user, "tasks.review"):
        waiting = ProgressReport.objects.filter(
            status=ReviewStatus.SUBMITTED, **_via_task(in_campaign)
        ).select_related("task", "unit")
        rows = _first(waiting, ["submitted_at", "pk"])
        groups.append(
            _group(
                "reports_review",
                _("Reports waiting for review"),
                _("Review"),
                rows,
                lambda r: Item(
                    r.task.title,
                    r.unit.name,
                    reverse("campaigns:task_detail", args=[r.task_id]),
                    _date(r.submitted_at),
                ),
            )
        )
        unit_reports = UnitReport.objects.filter(
            status=ReviewStatus.SUBMITTED, **in_campaign
        ).select_related("unit")
        rows = _first(unit_reports, ["submitted_at", "pk"])
        groups.append(
            _group(
                "unit_reports_review",
                _("Plans, summaries and duty reports to review"),
                _("Review"),
                rows,
                lambda r: Item(
                    f"{r.unit.name} · {r.get_kind_display()} {r.year}",
                    "",
                    reverse("campaigns:unit_reports", args=[r.campaign_id]),
                    _date(r.submitted_at),
                ),
            )
        )
    if can(user, "payments.approve") and _district_wide(user):
        batches = PaymentBatch.objects.filter(status="draft")
        if shows_own_work(user):
            batches = batches.exclude(computed_by=user)
        rows = _first(batches, ["computed_at", "pk"])
        groups.append(
            _group(
                "batches_approve",
                _("Batches waiting for approval"),
                _("Check and approve"),
                rows,
                lambda b: Item(
                    f"{b.get_programme_display()} {b.period}",
                    b.get_kind_display(),
                    reverse("care:batch_detail", args=[b.pk]),
                    _date(b.computed_at),
                ),
            )
        )
    if can(user, "needs.reply"):
        needs = scoped(user, Need.objects.filter(status=NeedStatus.OPEN), via="assignee")
        rows = _first(needs, ["deadline", "pk"])
        groups.append(
            _group(
                "needs",
                _("Needs assigned to us"),
                _("Answer"),
                rows,
                lambda n: Item(
                    n.text[:60],
                    n.get_category_display(),
                    reverse("care:need_detail", args=[n.pk]),
                    n.deadline,
                    n.deadline < today,
                ),
            )
        )
    for side, unit_field in (("local", "local_unit"), ("military", "garrison_unit")):
        if not can(user, f"joint.sign_{side}"):
            continue
        items = scoped(
            user,
            JointItem.objects.filter(**{f"{side}_signed_at": None}),
            via=unit_field,
        )
        rows = _first(items, ["raised_at", "pk"])
        groups.append(
            _group(
                f"joint_{side}",
                _("Joint items waiting for our signature"),
                _("Sign off"),
                rows,
                lambda j: Item(
                    j.title,
                    "",
                    reverse("coordination:joint_detail", args=[j.pk]),
                    _date(j.raised_at),
                ),
            )
        )
    if can(user, "conscription.edit") and user.is_unit_scoped:
        candidates = scoped(
            user,
            Candidate.objects.filter(status=CandidateStatus.ACTIVE, stage__lt=Stage.POLITICAL),
            via="street",
        )
        label = _("Conscription steps to record")
        groups.append(_candidates("conscription_street", label, candidates))
    if can(user, "conscription.manage"):
        candidates = Candidate.objects.filter(
            status=CandidateStatus.ACTIVE, stage__in=[Stage.POLITICAL, Stage.APPROVED]
        )
        groups.append(
            _candidates("conscription_district", _("Candidates to approve or dispatch"), candidates)
        )
    return groups


def _via_task(in_campaign: dict) -> dict:
    return {"task__campaign": in_campaign["campaign"]} if in_campaign else {}


def shows_own_work(user) -> bool:
    """Whether this person's to-do leaves out what they did themselves (a batch they
    computed waits for someone else's approval): their home page is theirs alone. Those
    who approve but do not compute (the office) are offered every draft and share the
    page; one of them who computed a batch under an earlier role is refused its approval
    (``care.payments``), as anyone who computed it is."""
    return can(user, "payments.approve") and can(user, "payments.compute")


def _district_wide(user) -> bool:
    root = user.scope_root if user.is_unit_scoped else None
    return not user.is_unit_scoped or (root is not None and root.parent_id is None)


def _order(today):
    def item(o) -> Item:
        return Item(
            f"{o.reference} {o.subject}",
            o.get_status_display(),
            reverse("supervision:order_detail", args=[o.pk]),
            o.deadline,
            o.deadline < today,
        )

    return item


def _candidates(key, label, candidates) -> Group:
    rows = _first(candidates.select_related("street"), ["stage", "pk"])
    return _group(
        key,
        label,
        _("Record the step"),
        rows,
        lambda c: Item(
            c.name,
            f"{c.street.name} · {c.get_stage_display()}",
            reverse("defence:candidate_detail", args=[c.pk]),
        ),
    )
