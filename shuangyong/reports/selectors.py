"""Annual figures: what a district's yearly double-support summary quotes, per year.

Each section is one or two grouped queries whatever the data size; the page, the
chart and the Excel export read the same figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shuangyong.campaigns.models import Evidence, Task, TaskKind
from shuangyong.care import months
from shuangyong.care.categories import Category
from shuangyong.care.models import BatchLine, Need, Visit
from shuangyong.care.selectors import yuan
from shuangyong.defence.models import (
    Candidate,
    CandidateStatus,
    ConscriptionCampaign,
    PlacementCase,
    Stage,
)
from shuangyong.defence.models.conscription import COLLEGE
from shuangyong.supervision.models import SupervisionOrder


@dataclass
class Section:
    title: str | Promise  # a lazy translation, rendered in the reader's language
    rows: list[tuple[str, object]] = field(default_factory=list)

    def add(self, label: str | Promise, value: object) -> None:
        self.rows.append((str(label), value))


@dataclass
class PaidRow:
    category: str
    persons: int
    amount: Decimal


# The years figures may be asked for (the API, the export); the page offers fewer.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def annual_figures(year: int) -> tuple[list[Section], list[PaidRow]]:
    """The year's figures by section, and payments by category (approved batches only)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    sections = []

    # Needs are tasks too (of their handling unit), but they are counted under needs.
    tasks = (
        Task.objects.filter(deadline__range=(first, last))
        .exclude(kind=TaskKind.NEED)
        .aggregate(
            due=Count("id"),
            on_time=Count("id", filter=Q(done_at__date__lte=F("deadline"))),
            late=Count("id", filter=Q(done_at__date__gt=F("deadline"))),
            open=Count("id", filter=Q(done_at__isnull=True)),
        )
    )
    evidence = Evidence.objects.filter(year=year, superseded=False).aggregate(
        total=Count("id"), accepted=Count("id", filter=Q(status="accepted"))
    )
    section = Section(_("Tasks and evidence"))
    section.add(_("Tasks due this year"), tasks["due"])
    section.add(_("Done on time"), tasks["on_time"])
    section.add(_("Done late"), tasks["late"])
    section.add(_("Not done"), tasks["open"])
    section.add(_("Evidence files"), evidence["total"])
    section.add(_("Evidence accepted"), evidence["accepted"])
    sections.append(section)

    orders = SupervisionOrder.objects.filter(year=year).aggregate(
        issued=Count("id"), closed=Count("id", filter=Q(status="closed"))
    )
    section = Section(_("Supervision orders"))
    section.add(_("Issued"), orders["issued"])
    section.add(_("Closed"), orders["closed"])
    sections.append(section)

    lines = BatchLine.objects.filter(
        batch__status="approved",
        month__range=(months.index(first), months.index(last)),
    )
    labels = dict(Category.choices)
    paid = [
        PaidRow(labels.get(r["entitlement__category"], ""), r["n"], yuan(r["s"]))
        for r in lines.values("entitlement__category")
        .annotate(n=Count("person", distinct=True), s=Sum("amount_cents"))
        .order_by("entitlement__category")
    ]
    visits = Visit.objects.filter(visited_on__range=(first, last)).aggregate(
        visits=Count("id"),
        families=Count("person", distinct=True),
        garrisons=Count("garrison", distinct=True),
        money=Sum("money"),
    )
    needs = Need.objects.filter(created_at__date__range=(first, last)).aggregate(
        raised=Count("id"),
        closed=Count("id", filter=Q(status="closed")),
        satisfied=Count("id", filter=Q(satisfaction="satisfied")),
    )
    section = Section(_("Care services"))
    section.add(_("Persons paid"), lines.values("person_id").distinct().count())
    section.add(_("Amount paid (yuan)"), sum((r.amount for r in paid), Decimal("0.00")))
    section.add(_("Visits"), visits["visits"])
    section.add(_("Families visited"), visits["families"])
    section.add(_("Garrison units visited"), visits["garrisons"])
    section.add(_("Visit money (yuan)"), visits["money"] or Decimal("0.00"))
    section.add(_("Needs raised"), needs["raised"])
    section.add(_("Needs closed"), needs["closed"])
    section.add(_("Requesters satisfied"), needs["satisfied"])
    sections.append(section)

    conscripts = Candidate.objects.filter(campaign__year=year).aggregate(
        registered=Count("id"),
        approved=Count("id", filter=Q(stage__gte=Stage.APPROVED)),
        dispatched=Count("id", filter=Q(stage=Stage.DISPATCHED)),
        returned=Count("id", filter=Q(status=CandidateStatus.RETURNED)),
        college=Count("id", filter=Q(stage=Stage.DISPATCHED, education__in=COLLEGE)),
    )
    quota = ConscriptionCampaign.objects.filter(year=year).aggregate(q=Sum("quota"))["q"] or 0
    section = Section(_("Conscription"))
    section.add(_("Quota"), quota)
    section.add(_("Registered"), conscripts["registered"])
    section.add(_("Approved (定兵)"), conscripts["approved"])
    section.add(_("Dispatched"), conscripts["dispatched"])
    section.add(_("Returned"), conscripts["returned"])
    section.add(_("College students dispatched"), conscripts["college"])
    sections.append(section)

    placed = PlacementCase.objects.filter(discharged_on__range=(first, last)).aggregate(
        cases=Count("id"),
        closed=Count("id", filter=Q(closed_on__isnull=False)),
        on_post=Count("id", filter=Q(on_post_on__isnull=False)),
    )
    section = Section(_("Placement"))
    section.add(_("Cases opened"), placed["cases"])
    section.add(_("On post"), placed["on_post"])
    section.add(_("Closed"), placed["closed"])
    sections.append(section)
    return sections, paid
