"""Reads of the defence pages: conscription figures, candidate lists, placement reports."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from shuangyong.access import scoped
from shuangyong.defence.models import (
    Candidate,
    CandidateStatus,
    ConscriptionCampaign,
    PlacementCase,
    PlacementKind,
    Stage,
    StreetQuota,
    SupportActivity,
)
from shuangyong.defence.models.conscription import COLLEGE
from shuangyong.org.models import Unit, User
from shuangyong.org.selectors import streets_for


def percent(part: int, whole: int) -> Decimal | None:
    """One decimal place, half up; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class FunnelRow:
    street: Unit | None  # None: the district
    quota: int = 0
    reached: list[int] = field(default_factory=lambda: [0] * len(Stage))
    out: int = 0
    returned: int = 0
    college_approved: int = 0

    @property
    def enlisted(self) -> int:
        """Dispatched and kept: what counts against the quota."""
        return self.reached[Stage.DISPATCHED] - self.returned

    @property
    def completion(self) -> Decimal | None:
        return percent(self.enlisted, self.quota)

    @property
    def pass_rates(self) -> list[Decimal | None]:
        """Of those who reached a stage, the share who passed the next one."""
        return [percent(self.reached[k], self.reached[k - 1]) for k in range(1, len(Stage))]

    @property
    def college_share(self) -> Decimal | None:
        return percent(self.college_approved, self.reached[Stage.APPROVED])


def funnel(
    campaign: ConscriptionCampaign, user: User | None = None
) -> tuple[list[FunnelRow], FunnelRow]:
    """Per street within the user's units, and the district's total: the quota, how many
    reached each stage, out, returned, college students among the approved. Three queries."""
    candidates = Candidate.objects.filter(campaign=campaign)
    streets = Unit.objects.filter(kind="street", is_active=True)
    if user is not None:
        candidates = scoped(user, candidates, via="street")
        streets = streets_for(user=user)
    counts = {f"s{k}": Count("id", filter=Q(stage__gte=k)) for k in range(len(Stage))}
    by_street = (
        candidates.order_by()
        .values("street_id")
        .annotate(
            **counts,
            out=Count("id", filter=Q(status=CandidateStatus.OUT)),
            returned=Count("id", filter=Q(status=CandidateStatus.RETURNED)),
            college=Count("id", filter=Q(stage__gte=Stage.APPROVED, education__in=COLLEGE)),
        )
    )
    quotas = dict(StreetQuota.objects.filter(campaign=campaign).values_list("street_id", "quota"))
    rows = {s.pk: FunnelRow(s, quota=quotas.get(s.pk, 0)) for s in streets.order_by("path")}
    for found in by_street:
        row = rows.get(found["street_id"])
        if row is None:
            continue
        # the stage counts are annotated under the names built above
        row.reached = [found[f"s{k}"] for k in range(len(Stage))]  # type: ignore[literal-required]
        row.out, row.returned, row.college_approved = (
            found["out"], found["returned"], found["college"],
        )  # fmt: skip
    total = FunnelRow(None, quota=campaign.quota if user is None or not user.is_unit_scoped else 0)
    for row in rows.values():
        total.reached = [a + b for a, b in zip(total.reached, row.reached, strict=True)]
        total.out += row.out
        total.returned += row.returned
        total.college_approved += row.college_approved
        if user is not None and user.is_unit_scoped:
            total.quota += row.quota
    return list(rows.values()), total


def candidates(user: User, campaign: ConscriptionCampaign) -> QuerySet[Candidate]:
    return scoped(
        user,
        Candidate.objects.filter(campaign=campaign).select_related("street"),
        via="street",
    ).defer("id_number", "family_id_number")


# --- placement ---------------------------------------------------------------------------


def visible_activities(user: User) -> QuerySet[SupportActivity]:
    """Support activities of the user's units: as the organiser, the garrison helped or
    a partner (all for district staff)."""
    activities = SupportActivity.objects.select_related("unit", "garrison")
    return scoped(user, activities, via=("unit", "garrison", "partners"))


def placement_cases(user: User) -> QuerySet[PlacementCase]:
    return scoped(user, PlacementCase.objects.select_related("street"), via="street").defer(
        "id_number"
    )


def placement_report(cases: Iterable[PlacementCase], today: dt.date) -> list[dict[str, Any]]:
    """Per type and year of discharge: cases, closed, open overdue, steps done late."""
    table: dict[tuple[str, int], dict[str, int]] = defaultdict(
        lambda: {"cases": 0, "closed": 0, "overdue": 0, "late": 0}
    )
    for case in cases:
        entry = table[(case.kind, case.discharged_on.year)]
        entry["cases"] += 1
        entry["closed"] += bool(case.closed_on)
        deadline = case.next_deadline(today)
        entry["overdue"] += bool(deadline and deadline.light == "red")
        entry["late"] += bool(case.late_steps())
    labels = dict(PlacementKind.choices)
    return [
        {"kind": labels[kind], "year": year, **values}
        for (kind, year), values in sorted(table.items(), key=lambda kv: (-kv[0][1], kv[0][0]))
    ]
