"""Read endpoints for the city's platform and leaders: campaigns and their score,
supervision orders, notices, placement cases. Same permissions and unit scope as the
pages; a fixed number of queries per page."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from shuangyong.access import scoped
from shuangyong.api.common import DateUnitFilter, Id, Pages, dated, require_permission
from shuangyong.supervision.models import OrderStatus

router = Router()


class CampaignOut(Schema):
    id: int
    name: str
    standard_id: int
    start_year: int
    end_year: int
    target_score: Decimal


class CategoryScore(Schema):
    code: str
    title: str
    earned: Decimal
    points: Decimal


class ScoreOut(Schema):
    campaign_id: int
    basis: str
    assessment_id: int | None
    score: Decimal
    base: Decimal
    bonus: Decimal
    available: Decimal
    target: Decimal
    shortfall: Decimal
    ineligible: bool
    vetoes: list[str]
    categories: list[CategoryScore]


class OrderOut(Schema):
    id: int
    campaign_id: int
    reference: str
    level: str
    unit_id: int
    unit: str = Field(alias="unit.name")
    subject: str
    deadline: dt.date
    status: str
    issued_at: dt.datetime
    closed_at: dt.datetime | None


class NoticeOut(Schema):
    id: int
    campaign_id: int | None
    sender_unit_id: int
    sender_unit: str = Field(alias="sender_unit.name")
    reference: str
    title: str
    body: str
    requires_reply: bool
    reply_deadline: dt.date | None
    sent_at: dt.datetime


class PlacementOut(Schema):
    id: int
    name: str
    id_number_masked: str
    kind: str
    method: str
    street_id: int
    discharged_on: dt.date
    reported_on: dt.date | None
    job_arranged_on: dt.date | None
    on_post_on: dt.date | None
    closed_on: dt.date | None


@router.get("/campaigns", response=list[CampaignOut], tags=["campaigns"])
@paginate(Pages)
def campaigns(request):
    require_permission(request, "campaigns.view")
    from shuangyong.campaigns.models import Campaign

    return Campaign.objects.order_by("-end_year", "-id")


@router.get("/campaigns/{pk}/score", response=ScoreOut, tags=["campaigns"])
def campaign_score(
    request, pk: Id, basis: Annotated[str, Field(pattern=r"^(|live|[1-9][0-9]{0,17})$")] = ""
):
    """The score the self-assessment report states: on the latest self-assessment by
    default, on assessment ``basis`` (an id; 404 when the campaign has no such
    assessment), or ``basis=live`` on the work as it stands."""
    require_permission(request, "reports.view")
    from shuangyong.campaigns.models import Campaign
    from shuangyong.reports.self_assessment import LIVE, pick_basis, self_assessment_report

    campaign = get_object_or_404(Campaign.objects.select_related("standard"), pk=pk)
    assessment = pick_basis(campaign, basis)
    if basis not in ("", LIVE) and (assessment is None or str(assessment.pk) != basis):
        raise Http404(_("Give “live” or the ID of an assessment of this campaign."))
    report = self_assessment_report(campaign=campaign, assessment=assessment)
    total = report.total
    return {
        "campaign_id": campaign.pk,
        "basis": report.basis,
        "assessment_id": report.assessment.pk if report.assessment else None,
        "score": total.score,
        "base": total.base,
        "bonus": total.bonus,
        "available": total.available,
        "target": report.target,
        "shortfall": report.shortfall,
        "ineligible": total.ineligible,
        "vetoes": list(total.vetoes),
        "categories": [
            {"code": c.code, "title": c.title, "earned": c.earned, "points": c.points}
            for c in report.categories
        ],
    }


@router.get("/orders", response=list[OrderOut], tags=["supervision"])
@paginate(Pages)
def orders(request, filters: Query[DateUnitFilter], status: OrderStatus | None = None):
    """Supervision orders to the user's units (all for district staff), by deadline
    (``since``/``until``), unit and status."""
    require_permission(request, "orders.view")
    from shuangyong.supervision.models import SupervisionOrder

    found = scoped(request.user, SupervisionOrder.objects.select_related("unit"))
    if status is not None:
        found = found.filter(status=status)
    return dated(found, filters, "deadline", "unit_id").order_by("-year", "-number")


@router.get("/notices", response=list[NoticeOut], tags=["coordination"])
@paginate(Pages)
def notices(request, filters: Query[DateUnitFilter]):
    """Notices the user's unit sent or received (all for district staff), by the day sent
    and the sending unit."""
    require_permission(request, "notices.view")
    from shuangyong.coordination.selectors import visible_notices

    found = visible_notices(request.user)
    return dated(found, filters, "sent_at__date", "sender_unit_id").order_by("-sent_at", "-id")


@router.get("/placements", response=list[PlacementOut], tags=["defence"])
@paginate(Pages)
def placements(request, filters: Query[DateUnitFilter]):
    """Placement cases of the user's streets, by discharge day and street; ID numbers masked."""
    require_permission(request, "placement.view")
    from shuangyong.defence.selectors import placement_cases

    found = dated(placement_cases(request.user), filters, "discharged_on", "street_id")
    return found.order_by("-discharged_on", "-id")
