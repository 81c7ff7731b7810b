"""Read endpoints for the standard and the coordination records: evaluation standards
and their criteria, meetings with their decisions, joint military-civil items. Same
permissions and unit scope as the pages; a fixed number of queries per page."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from shuangyong.api.common import DateFilter, DateUnitFilter, Id, Pages, dated, require_permission
from shuangyong.coordination.models import MeetingKind

router = Router()


class StandardOut(Schema):
    id: int
    name: str
    version: str
    issuer: str
    status: str
    effective_on: dt.date | None
    bonus_cap: Decimal


class CriterionOut(Schema):
    id: int
    code: str
    parent_code: str | None
    title: str
    description: str
    points: Decimal
    rule_type: str
    is_bonus: bool
    is_veto: bool
    evidence: str

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class DecisionOut(Schema):
    text: str
    task_id: int
    lead_unit: str = Field(alias="task.lead_unit.name")
    # set when decided; the task's page may clear it later
    deadline: dt.date | None = Field(alias="task.deadline")
    progress: int = Field(alias="task.progress")


class MeetingOut(Schema):
    id: int
    campaign_id: int
    kind: str
    title: str
    held_on: dt.date
    place: str
    attendees: int = Field(alias="n_attendees")
    signed_in: int = Field(alias="n_signed")
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_decisions(obj) -> list:
        return obj.decisions.all()  # prefetched with their tasks and lead units


class JointItemOut(Schema):
    id: int
    campaign_id: int
    title: str
    description: str
    local_unit_id: int
    local_unit: str = Field(alias="local_unit.name")
    garrison_unit_id: int
    garrison_unit: str = Field(alias="garrison_unit.name")
    task_id: int | None
    raised_at: dt.datetime
    local_signed_at: dt.datetime | None
    military_signed_at: dt.datetime | None
    closed: bool


@router.get("/standards", response=list[StandardOut], tags=["standards"])
@paginate(Pages)
def standards(request):
    """Every version of every evaluation standard, drafts included (as on the page)."""
    require_permission(request, "standards.view")
    from shuangyong.standards.models import Standard

    return Standard.objects.order_by("name", "-effective_on", "-id")


@router.get("/standards/{pk}/criteria", response=list[CriterionOut], tags=["standards"])
@paginate(Pages)
def criteria(request, pk: Id):
    """A standard's criteria in its own order (each category before its items), with the
    points, scoring rule, bonus and veto marks and the evidence each requires."""
    require_permission(request, "standards.view")
    from shuangyong.standards.models import Standard

    standard = get_object_or_404(Standard, pk=pk)
    return standard.criteria.select_related("parent").order_by("sort_key", "id")


@router.get("/meetings", response=list[MeetingOut], tags=["coordination"])
@paginate(Pages)
def meetings(request, filters: Query[DateFilter], kind: MeetingKind | None = None):
    """Meetings by the day held (``since``/``until``) and kind, with attendance and each
    decision's task: its lead unit, deadline and progress."""
    require_permission(request, "meetings.view")
    from shuangyong.coordination.models import Decision
    from shuangyong.coordination.selectors import meeting_rows

    found = meeting_rows(kind=kind or "").prefetch_related(
        Prefetch(
            "decisions",
            queryset=Decision.objects.select_related("task__lead_unit").order_by("id"),
        )
    )
    return dated(found, filters, "held_on").order_by("-held_on", "-id")


@router.get("/joint-items", response=list[JointItemOut], tags=["coordination"])
@paginate(Pages)
def joint_items(
    request, filters: Query[DateUnitFilter], state: Literal["open", "closed"] | None = None
):
    """Joint military-civil items whose local or military side is one of the user's units,
    by the day raised and either side's unit; ``state`` open (a side has not signed) or
    closed (both have)."""
    require_permission(request, "joint.view")
    from shuangyong.coordination.selectors import visible_joint_items

    found = visible_joint_items(request.user, state=state or "")
    if filters.unit is not None:
        found = found.filter(Q(local_unit_id=filters.unit) | Q(garrison_unit_id=filters.unit))
    return dated(found, filters, "raised_at__date").order_by("-raised_at", "-id")
