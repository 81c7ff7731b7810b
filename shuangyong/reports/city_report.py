"""The city pack: the district's status report for the city (向上报送): scores, open
risks, the evidence index.

One reading feeds both the printable page and the workbook, so they never disagree.
A fixed number of queries whatever the campaign's size. It lives in ``reports`` (it reads
campaigns, supervision and coordination, all below); ``reports.pack`` is the unrelated
evidence zip.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.campaigns.models import Campaign
from shuangyong.campaigns.selectors import evidence_ledger, live_total
from shuangyong.coordination.models import JointItem
from shuangyong.standards import engine
from shuangyong.supervision.evaluation import campaign_lights
from shuangyong.supervision.models import OrderStatus, SupervisionOrder


@dataclass
class ScoreRow:
    code: str
    title: str
    depth: int
    points: object
    earned: object
    is_bonus: bool
    is_veto: bool
    missing: str


@dataclass
class Risk:
    kind: str
    title: str
    unit: str
    deadline: dt.date | None
    detail: str


@dataclass
class CityReport:
    campaign: Campaign
    generated: dt.datetime
    total: engine.Total
    scores: list[ScoreRow]
    risks: list[Risk]
    ledger: list[dict]


def _walk(result: engine.Result, depth: int = 0) -> Iterator[tuple[engine.Result, int]]:
    yield result, depth
    for child in result.children:
        yield from _walk(child, depth + 1)


def city_report(campaign: Campaign, *, today: dt.date | None = None) -> CityReport:
    """The city pack of a campaign as of ``today``.

    Rules: scores are the live projected total, criterion by criterion; the risks are the
    red tasks, the supervision orders not closed and the joint items one side has not
    signed; the evidence index is the campaign's ledger.
    """
    today = today or timezone.localdate()
    total, _sources = live_total(campaign)
    scores = [
        ScoreRow(
            r.node.code, r.node.title, depth, r.node.points,
            r.scored, r.node.is_bonus, r.node.is_veto,
            "；".join(r.missing),
        )
        for top in total.results
        for r, depth in _walk(top)
    ]  # fmt: skip
    risks = [
        Risk(_("Red task"), t.title, t.unit, t.deadline, t.light.reason)
        for t in campaign_lights(campaign, today=today)
        if t.light.color == "red"
    ]
    for order in (
        SupervisionOrder.objects.filter(campaign=campaign)
        .exclude(status=OrderStatus.CLOSED)
        .select_related("unit")
    ):
        risks.append(
            Risk(_("Open supervision order"), f"{order.reference} {order.subject}",
                 order.unit.name, order.deadline, order.get_status_display())
        )  # fmt: skip
    for item in JointItem.objects.filter(campaign=campaign).select_related(
        "local_unit", "garrison_unit"
    ):
        if not item.closed:
            waiting = [
                side
                for side, signed in ((_("local side"), item.local_signed_at),
                                     (_("military side"), item.military_signed_at))
                if not signed
            ]  # fmt: skip
            risks.append(
                Risk(_("Open joint item"), item.title,
                     f"{item.local_unit.name} / {item.garrison_unit.name}", None,
                     _("Waiting for: %(sides)s") % {"sides": "、".join(waiting)})
            )  # fmt: skip
    return CityReport(
        campaign, timezone.localtime(), total, scores, risks, evidence_ledger(campaign)
    )
