"""The daily work writable through the API: supervision orders, joint items, notices,
meetings and decisions, the review of reports and evidence.

Each endpoint looks its object up as its page does (same permission, same unit scope:
404 outside it) and calls the page's own service function, which checks who may take
the step, refuses it in the wrong state (409) and leaves the audit trail and the
notifications the page leaves.
"""

import datetime as dt
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, UploadedFile
from ninja import Form as FormData
from ninja.responses import Status

from shuangyong.access import get_in_scope_or_404
from shuangyong.api.common import (
    Body,
    BodyId,
    Day,
    Flag,
    Id,
    Text,
    refuse_unlisted_fields,
    require_permission,
)
from shuangyong.api.oversight import NoticeOut, OrderOut
from shuangyong.api.oversight import router as orders_router
from shuangyong.api.records import JointItemOut, MeetingOut
from shuangyong.api.records import router as records_router
from shuangyong.coordination.models import MeetingKind
from shuangyong.supervision.models import OrderLevel

# A path answers GET and POST only from one router: a POST beside a list's GET is added to
# the router that has the list.
router = Router()

SUBJECT_MAX = 200
STEP_TEXT_MAX = 5000


# --- supervision orders (督办) ----------------------------------------------------------------


class OrderIn(Body):
    campaign: BodyId
    unit: BodyId
    tasks: list[BodyId] = Field(min_length=1, max_length=100, description="Open tasks of the unit.")
    level: OrderLevel
    subject: Text(SUBJECT_MAX)
    requirement: Text(STEP_TEXT_MAX)
    deadline: Day


class StepOut(Schema):
    action: str
    by: str | None
    at: dt.datetime
    text: str
    files: list[str]

    @staticmethod
    def resolve_by(obj) -> str | None:
        return obj.by.display_name if obj.by_id else None

    @staticmethod
    def resolve_files(obj) -> list[str]:
        return [f.name for f in obj.files.all()]


class OrderDetailOut(OrderOut):
    requirement: str
    task_ids: list[int]
    steps: list[StepOut]

    @staticmethod
    def resolve_task_ids(obj) -> list[int]:
        return sorted(t.pk for t in obj.tasks.all())

    @staticmethod
    def resolve_steps(obj) -> list:
        return list(obj.steps.all())


class StepTextIn(Body):
    text: Text(STEP_TEXT_MAX)


class CloseIn(Body):
    text: str = Field("", max_length=STEP_TEXT_MAX)
    override: Flag = Field(
        False, description="Close although a task is neither done nor backed by evidence "
        "accepted since the order was issued; the text gives the reason (at least 4 characters).",
    )  # fmt: skip


def _orders():
    from django.db.models import Prefetch

    from shuangyong.supervision.models import OrderFile, OrderStep, SupervisionOrder

    steps = OrderStep.objects.select_related("by__person").prefetch_related(
        Prefetch("files", queryset=OrderFile.objects.only("pk", "name", "step_id"))
    )
    return SupervisionOrder.objects.select_related("unit").prefetch_related(
        "tasks", Prefetch("steps", queryset=steps.order_by("at", "id"))
    )


def _order(request, pk: int):
    require_permission(request, "orders.view")
    return get_in_scope_or_404(request.user, _orders(), pk=pk)


def _fresh(order):
    return _orders().get(pk=order.pk)


@orders_router.post("/orders", response={201: OrderDetailOut}, tags=["supervision"],
             openapi_extra={"x-names-records": True})  # fmt: skip
def order_issue(request, body: OrderIn):
    """Issue an order to a unit on its open tasks (the office or a supervisor)."""
    require_permission(request, "orders.issue")
    from shuangyong.campaigns.models import Campaign, Task
    from shuangyong.org.models import Unit
    from shuangyong.supervision import orders

    campaign = get_object_or_404(Campaign, pk=body.campaign)
    unit = get_object_or_404(Unit, pk=body.unit, is_active=True)
    tasks = list(Task.objects.filter(pk__in=body.tasks))
    if len(tasks) != len(set(body.tasks)):
        from django.http import Http404

        raise Http404(_("A task named does not exist."))
    order = orders.issue(
        campaign=campaign,
        unit=unit,
        tasks=tasks,
        level=body.level,
        subject=body.subject,
        requirement=body.requirement,
        deadline=body.deadline,
        actor=request.user,
    )
    return Status(201, _fresh(order))


@router.get("/orders/{pk}", response=OrderDetailOut, tags=["supervision"])
def order_detail(request, pk: Id):
    """An order with its tasks and its history (each step, who took it, the answer's files)."""
    return _order(request, pk)


@router.post("/orders/{pk}/acknowledge", response=OrderDetailOut, tags=["supervision"])
def order_acknowledge(request, pk: Id):
    """The supervised unit signs for the order (签收)."""
    from shuangyong.supervision import orders

    return _fresh(orders.acknowledge(order=_order(request, pk), actor=request.user))


@router.post("/orders/{pk}/respond", response=OrderDetailOut, tags=["supervision"])
def order_respond(
    request,
    pk: Id,
    text: FormData[Text(STEP_TEXT_MAX)],
    files: File[list[UploadedFile]] = None,
):
    """The unit answers: what it did, with 1–10 files (multipart; each checked like evidence:
    type by content, size — 413 when too large; none, or more than 10: 409)."""
    refuse_unlisted_fields(request, "text", "files")
    from shuangyong.supervision import orders

    order = orders.respond(
        order=_order(request, pk), text=text, files=files or [], actor=request.user
    )
    return _fresh(order)


@router.post("/orders/{pk}/send-back", response=OrderDetailOut, tags=["supervision"])
def order_send_back(request, pk: Id, body: StepTextIn):
    """The issuing side is not satisfied with the answer: back to the unit, with the reason."""
    from shuangyong.supervision import orders

    order = orders.send_back(order=_order(request, pk), text=body.text, actor=request.user)
    return _fresh(order)


@router.post("/orders/{pk}/close", response=OrderDetailOut, tags=["supervision"])
def order_close(request, pk: Id, body: CloseIn):
    """The re-check passes: the order is closed (销号)."""
    from shuangyong.supervision import orders

    order = orders.close(
        order=_order(request, pk), text=body.text, override=body.override, actor=request.user
    )
    return _fresh(order)


# --- joint military-civil items ---------------------------------------------------------------


class JointItemIn(Body):
    campaign: BodyId
    title: Text(200)
    description: str = Field("", max_length=STEP_TEXT_MAX)
    local_unit: BodyId
    garrison_unit: BodyId


class SignIn(Body):
    side: Literal["local", "military"]


def _joint_items(request):
    require_permission(request, "joint.view")
    from shuangyong.coordination.selectors import visible_joint_items

    return visible_joint_items(request.user)


@records_router.post("/joint-items", response={201: JointItemOut}, tags=["coordination"],
             openapi_extra={"x-names-records": True})  # fmt: skip
def joint_raise(request, body: JointItemIn):
    """Open a joint item between a local unit and a garrison unit (the office, or a
    garrison's liaison for its own unit)."""
    require_permission(request, "joint.raise")
    from shuangyong.campaigns.models import Campaign
    from shuangyong.coordination import services
    from shuangyong.org.models import Unit

    units = Unit.objects.filter(is_active=True)
    item = services.raise_joint_item(
        campaign=get_object_or_404(Campaign, pk=body.campaign),
        title=body.title,
        description=body.description,
        local_unit=get_object_or_404(units, pk=body.local_unit),
        garrison_unit=get_object_or_404(units, pk=body.garrison_unit),
        actor=request.user,
    )
    return Status(201, _joint_items(request).get(pk=item.pk))


@router.post("/joint-items/{pk}/sign", response=JointItemOut, tags=["coordination"])
def joint_sign(request, pk: Id, body: SignIn):
    """One side signs the item off (the local unit's liaison or the office; the military
    side only by its garrison's liaison); the item closes when both have."""
    from shuangyong.coordination import services

    item = get_object_or_404(_joint_items(request), pk=pk)
    services.sign_off(item=item, side=body.side, actor=request.user)
    return _joint_items(request).get(pk=pk)


# --- notices ----------------------------------------------------------------------------------


class NoticeIn(Body):
    title: Text(200)
    body: Text(20_000)
    reference: str = Field("", max_length=50)
    units: list[BodyId] = Field(min_length=1, max_length=500, description="Recipient units.")
    requires_reply: Flag = False
    reply_deadline: Day | None = None
    reply_fields: list[Text(100)] = Field([], max_length=20)


class ReceiptRowOut(Schema):
    unit_id: int
    unit: str = Field(alias="unit.name")
    read_at: dt.datetime | None
    replied_at: dt.datetime | None
    late: bool


class NoticeDetailOut(NoticeOut):
    reply_fields: list[str]
    receipts: list[ReceiptRowOut] = Field(
        description="Every recipient's receipt for the sending side; the user's own unit's "
        "receipt for a recipient."
    )

    @staticmethod
    def resolve_receipts(obj) -> list:
        return obj.receipts_shown


@orders_router.post("/notices", response={201: NoticeDetailOut}, tags=["coordination"],
             openapi_extra={"x-names-records": True})  # fmt: skip
def notice_send(request, body: NoticeIn):
    """Send a notice to units the user may address (the office: any; a unit: those below it);
    each gets a receipt, its liaisons a notification."""
    require_permission(request, "notices.send")
    from shuangyong.coordination import services
    from shuangyong.org.models import Unit

    units = list(Unit.objects.filter(pk__in=body.units, is_active=True))
    if len(units) != len(set(body.units)):
        from django.http import Http404

        raise Http404(_("A unit named does not exist."))
    notice = services.send_notice(
        author=request.user,
        title=body.title,
        body=body.body,
        reference=body.reference,
        units=units,
        requires_reply=body.requires_reply,
        reply_deadline=body.reply_deadline,
        reply_fields=body.reply_fields,
    )
    return Status(201, _notice_detail(request, notice.pk))


def _notice_detail(request, pk: int):
    from shuangyong.access import in_scope
    from shuangyong.coordination.selectors import visible_notices

    user = request.user
    notice = get_object_or_404(visible_notices(user).select_related("sender_unit"), pk=pk)
    receipts = notice.receipts.select_related("unit").order_by("unit__path")
    # as the page: the author, district staff and the sending unit see every receipt
    sender_side = (
        notice.author_id == user.pk or not user.is_unit_scoped or in_scope(user, notice.sender_unit)
    )
    if not sender_side:
        receipts = receipts.filter(unit=user.unit)
    notice.receipts_shown = list(receipts)
    return notice


@router.get("/notices/{pk}", response=NoticeDetailOut, tags=["coordination"])
def notice_detail(request, pk: Id):
    """A notice. Opened by someone of a recipient unit it records the unit's read receipt
    (who and when, the first time), as opening its page does."""
    require_permission(request, "notices.view")
    from shuangyong.coordination import services

    notice = _notice_detail(request, pk)
    own = services.receipt_for(request.user, notice)
    if own is not None and own.read_at is None:
        services.mark_read(receipt=own, user=request.user)
        notice = _notice_detail(request, pk)
    return notice


# --- meetings and decisions -------------------------------------------------------------------


class MeetingIn(Body):
    campaign: BodyId
    kind: MeetingKind
    title: Text(200)
    held_on: Day
    place: str = Field("", max_length=200)
    agenda: str = Field("", max_length=STEP_TEXT_MAX)
    minutes: str = Field("", max_length=20_000)
    attendees: list[BodyId] = Field([], max_length=500, description="Persons expected.")


class DecisionIn(Body):
    text: Text(1000)
    lead_unit: BodyId
    deadline: Day


def _meeting_out(pk: int):
    from django.db.models import Prefetch

    from shuangyong.coordination.models import Decision
    from shuangyong.coordination.selectors import meeting_rows

    found = meeting_rows(kind="").prefetch_related(
        Prefetch(
            "decisions",
            queryset=Decision.objects.select_related("task__lead_unit").order_by("id"),
        )
    )
    return found.get(pk=pk)


@records_router.post("/meetings", response={201: MeetingOut}, tags=["coordination"],
             openapi_extra={"x-names-records": True})  # fmt: skip
def meeting_record(request, body: MeetingIn):
    """Record a meeting and who is expected at it (the office), through the page's form."""
    require_permission(request, "meetings.edit")
    from django.core.exceptions import ValidationError

    from shuangyong.campaigns.models import Campaign
    from shuangyong.coordination import services
    from shuangyong.coordination.forms import MeetingForm

    campaign = get_object_or_404(Campaign, pk=body.campaign)
    data = body.dict(exclude={"campaign"})
    form = MeetingForm({**data, "attendees": body.attendees}, campaign=campaign)
    if not form.is_valid():
        raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
    meeting = services.save_meeting(campaign=campaign, form=form,
                                    attendees=form.cleaned_data["attendees"],
                                    actor=request.user)  # fmt: skip
    return Status(201, _meeting_out(meeting.pk))


@router.post("/meetings/{pk}/decisions", response={201: MeetingOut}, tags=["coordination"])
def meeting_decide(request, pk: Id, body: DecisionIn):
    """A decision of the meeting, carried out as a task of its lead unit (the office)."""
    require_permission(request, "meetings.edit")
    from shuangyong.coordination import services
    from shuangyong.coordination.models import Meeting
    from shuangyong.org.models import Unit

    meeting = get_object_or_404(Meeting.objects.select_related("campaign"), pk=pk)
    lead = get_object_or_404(Unit, pk=body.lead_unit, is_active=True)
    services.add_decision(meeting=meeting, text=body.text, lead_unit=lead,
                          deadline=body.deadline, actor=request.user)  # fmt: skip
    return Status(201, _meeting_out(meeting.pk))


# --- the office's review of reports and evidence ----------------------------------------------


class ReviewIn(Body):
    accept: Flag
    note: str = Field("", max_length=1000, description="Why, when the report is returned.")


class ReviewedOut(Schema):
    id: int
    task_id: int | None  # a plan, summary or duty report filed as evidence has no task
    status: str
    review_note: str


@router.post("/reports/{pk}/review", response=ReviewedOut, tags=["responsibility"])
def report_review(request, pk: Id, body: ReviewIn):
    """The office accepts a progress report (its percent and indicator actuals then count)
    or returns it with a note."""
    require_permission(request, "tasks.review")
    from shuangyong.campaigns import responsibility
    from shuangyong.campaigns.models import ProgressReport

    report = get_object_or_404(ProgressReport.objects.select_related("task"), pk=pk)
    return responsibility.review_report(report=report, accept=body.accept, note=body.note,
                                        reviewer=request.user)  # fmt: skip


@router.post("/evidence/{pk}/review", response=ReviewedOut, tags=["responsibility"])
def evidence_review(request, pk: Id, body: ReviewIn):
    """The office accepts an evidence file or rejects it with a note."""
    require_permission(request, "tasks.review")
    from shuangyong.campaigns import responsibility
    from shuangyong.campaigns.models import Evidence

    evidence = get_object_or_404(Evidence, pk=pk)
    return responsibility.review_evidence(evidence=evidence, approve=body.accept,
                                          note=body.note, reviewer=request.user)  # fmt: skip
