"""Dynamic evaluation (动态评估): lights across the campaign, the units' performance index
and ranking, proposals for orders, snapshots over time, the leader's dashboard.

Every function runs a fixed number of queries whatever the number of tasks;
the arithmetic happens in Python on the few columns it needs.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.campaigns import lights
from shuangyong.campaigns.models import Campaign, LightRules, ProgressReport, ReviewStatus, Task
from shuangyong.campaigns.selectors import LiveCriterion, live_total
from shuangyong.org.models import Unit
from shuangyong.standards import engine
from shuangyong.supervision import cache
from shuangyong.supervision.models import OrderStatus, Snapshot, SupervisionOrder

WEIGHTS = {"completion": Decimal("0.4"), "timeliness": Decimal("0.3"), "quality": Decimal("0.3")}
ORDER_PENALTY = 5
# The red list (红榜) commends only units that really did the work: at least this share of
# their tasks done, and at least one task done.
RED_LIST_MIN_COMPLETION = Decimal("0.5")
LIST_SIZE = 5


@dataclass
class UnitScore:
    """One unit's ranking index and what it is made of.

    A component is None when there is nothing to measure it on (no task, nothing due, no
    report reviewed): no data is no data, never 100 %. ``index`` is None for a unit with
    nothing assigned; such a unit is ranked after every unit with tasks and flagged.
    """

    unit_id: int
    name: str
    tasks: int = 0
    done: int = 0
    on_time: int = 0
    overdue: int = 0
    accepted: int = 0
    returned: int = 0
    open_orders: int = 0
    completion: Decimal | None = None
    timeliness: Decimal | None = None
    quality: Decimal | None = None
    index: Decimal | None = None
    rank: int | None = None
    tied: bool = False
    red_list: bool = False
    yellow_list: bool = False

    @property
    def assigned(self) -> bool:
        return self.tasks > 0

    @property
    def shortfalls(self) -> int:
        """What a unit can be warned for: tasks overdue or done late, reports returned,
        open supervision orders."""
        return self.overdue + (self.done - self.on_time) + self.returned + self.open_orders

    @property
    def due(self) -> int:
        """Tasks whose time has come: done, or open past their deadline."""
        return self.done + self.overdue

    def as_json(self) -> dict[str, Any]:
        def number(value: Decimal | None) -> float | None:
            return None if value is None else float(value)

        return {
            "name": self.name,
            "index": number(self.index),
            "completion": number(self.completion),
            "timeliness": number(self.timeliness),
            "quality": number(self.quality),
            "open_orders": self.open_orders,
            "tasks": self.tasks,
            "rank": self.rank,
        }


def _ratio(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")) if whole else None


def _index(score: UnitScore) -> Decimal | None:
    """The weighted mean of the components that have data, less the orders' penalty."""
    if not score.tasks:
        return None
    parts = [
        (WEIGHTS[name], value)
        for name, value in (
            ("completion", score.completion),
            ("timeliness", score.timeliness),
            ("quality", score.quality),
        )
        if value is not None
    ]
    weight = sum((w for w, _v in parts), Decimal(0))
    weighted = sum((w * v for w, v in parts), Decimal(0)) / weight * 100
    return max(weighted - ORDER_PENALTY * score.open_orders, Decimal(0)).quantize(Decimal("0.1"))


def _tie_key(score: UnitScore) -> tuple[Decimal, Decimal, int, int]:
    """The documented order: index, then completion, then tasks done, then fewer overdue.
    Only ranked units have a key: a unit with a task has an index and a completion."""
    assert score.index is not None and score.completion is not None
    return (-score.index, -score.completion, -score.done, score.overdue)


def unit_performance(campaign: Campaign, *, today: dt.date | None = None) -> list[UnitScore]:
    """Every member unit (and any other unit leading a task), ranked; four queries.

    Rules: completion = done / tasks; timeliness = done on time / (done + open past the
    deadline), none while nothing is due; report quality = accepted / (accepted +
    returned), none while no report was reviewed. The index is the 40/30/30 weighted mean
    of the components that have data, minus 5 points per open supervision order (never
    below 0). Ties: higher index, then higher completion, then more tasks done, then fewer
    overdue; units equal on all four share a rank and are listed by name. A unit with no
    task has no index, ranks after the rest and is flagged. Red list: the first five of the
    units with at least 50 % of their tasks done (and one done); yellow list: the last five
    of the units with a shortfall (a task overdue or done late, a report returned, an open
    order), not on the red list.
    """
    today = today or timezone.localdate()
    scores: dict[int, UnitScore] = {
        pk: UnitScore(pk, name)
        for pk, name in Unit.objects.member_units().values_list("pk", "name")
    }
    rows = (
        Task.objects.filter(campaign=campaign)
        .values("lead_unit_id", "lead_unit__name")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(progress__gte=100)),
            on_time=Count(
                "id",
                filter=Q(progress__gte=100, done_at__date__lte=F("deadline"))
                | Q(progress__gte=100, deadline__isnull=True),
            ),
            overdue=Count("id", filter=Q(progress__lt=100, deadline__lt=today)),
        )
        .order_by()
    )
    for row in rows:
        score = scores.setdefault(
            row["lead_unit_id"], UnitScore(row["lead_unit_id"], row["lead_unit__name"])
        )
        score.tasks, score.done = row["total"], row["done"]
        score.on_time, score.overdue = row["on_time"], row["overdue"]
    for reviewed in (
        ProgressReport.objects.filter(task__campaign=campaign)
        .values("unit_id")
        .annotate(
            accepted=Count("id", filter=Q(status=ReviewStatus.ACCEPTED)),
            returned=Count("id", filter=Q(status=ReviewStatus.RETURNED)),
        )
        .order_by()
    ):
        if reviewed["unit_id"] in scores:
            scores[reviewed["unit_id"]].accepted = reviewed["accepted"]
            scores[reviewed["unit_id"]].returned = reviewed["returned"]
    for orders in (
        SupervisionOrder.objects.filter(campaign=campaign)
        .exclude(status=OrderStatus.CLOSED)
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if orders["unit_id"] in scores:
            scores[orders["unit_id"]].open_orders = orders["n"]
    for score in scores.values():
        score.completion = _ratio(score.done, score.tasks)
        score.timeliness = _ratio(score.on_time, score.due)
        score.quality = _ratio(score.accepted, score.accepted + score.returned)
        score.index = _index(score)
    ranked = sorted(
        (s for s in scores.values() if s.index is not None), key=lambda s: (_tie_key(s), s.name)
    )
    previous = None
    for position, score in enumerate(ranked, 1):
        key = _tie_key(score)
        if previous is not None and key == _tie_key(previous):
            score.rank, score.tied, previous.tied = previous.rank, True, True
        else:
            score.rank = position
        previous = score
    commended = [
        s
        for s in ranked
        if s.done and s.completion is not None and s.completion >= RED_LIST_MIN_COMPLETION
    ][:LIST_SIZE]
    for score in commended:
        score.red_list = True
    warned = [s for s in ranked if s.shortfalls and not s.red_list][-LIST_SIZE:]
    for score in warned:
        score.yellow_list = True
    unassigned = sorted((s for s in scores.values() if s.index is None), key=lambda s: s.name)
    return ranked + unassigned


def red_list(scores: list[UnitScore]) -> list[UnitScore]:
    """The commended units (红榜), best first."""
    return [s for s in scores if s.red_list]


def yellow_list(scores: list[UnitScore]) -> list[UnitScore]:
    """The warned units (黄榜), worst first."""
    return [s for s in reversed(scores) if s.yellow_list]


@dataclass
class LightedTask:
    pk: int
    title: str
    unit: str
    deadline: dt.date | None
    progress: int
    light: lights.Light
    criterion: str = ""
    veto: bool = False


def campaign_lights(campaign: Campaign, *, today: dt.date | None = None) -> list[LightedTask]:
    """Every open task with its light (two queries)."""
    today = today or timezone.localdate()
    rules = LightRules.for_campaign(campaign)
    latest = ProgressReport.objects.filter(task=OuterRef("pk")).order_by("-submitted_at", "-id")
    rows = (
        Task.objects.filter(campaign=campaign, progress__lt=100)
        .annotate(last_report=Subquery(latest.values("status")[:1]))
        .values(
            "pk",
            "title",
            "lead_unit__name",
            "deadline",
            "progress",
            "last_report",
            "criterion__code",
            "criterion__is_veto",
        )
    )
    result = []
    for row in rows:
        veto = bool(row["criterion__is_veto"])
        result.append(
            LightedTask(
                row["pk"],
                row["title"],
                row["lead_unit__name"],
                row["deadline"],
                row["progress"],
                lights.light(
                    deadline=row["deadline"],
                    progress=row["progress"],
                    last_report=row["last_report"],
                    veto=veto,
                    today=today,
                    rules=rules,
                ),
                row["criterion__code"] or "",
                veto,
            )
        )
    order = {lights.RED: 0, lights.YELLOW: 1, lights.GREEN: 2}
    result.sort(key=lambda t: (order[t.light.color], t.deadline or dt.date.max))
    return result


def lights_summary(campaign: Campaign, *, today: dt.date, red: int = 8, veto: int = 20) -> dict:
    """The open tasks' lights from the kept columns: counts by colour (one grouped query),
    the first ``red`` red tasks and the first ``veto`` red tasks of veto items, by
    deadline (a query each), never every open task. The caller refreshes stale rows
    first (``lights.refresh_stale``)."""
    rules = LightRules.for_campaign(campaign)
    open_tasks = Task.objects.filter(campaign=campaign, progress__lt=100)
    counts = dict(
        open_tasks.values("light_color").annotate(n=Count("id")).values_list("light_color", "n")
    )
    reds = (
        open_tasks.filter(light_color=lights.RED)
        .select_related("lead_unit", "criterion")
        .order_by(F("deadline").asc(nulls_last=True), "id")
    )

    def shown(tasks: Iterable[Task]) -> list[LightedTask]:
        return [
            LightedTask(
                t.pk,
                t.title,
                t.lead_unit.name,
                t.deadline,
                t.progress,
                lights.of_row(t, today=today, rules=rules),
                t.criterion.code if t.criterion else "",
                bool(t.criterion and t.criterion.is_veto),
            )
            for t in tasks
        ]

    return {
        "counts": {c: counts.get(c, 0) for c in (lights.RED, lights.YELLOW, lights.GREEN)},
        "red": shown(reds[:red]),
        "veto": shown(reds.filter(criterion__is_veto=True)[:veto]),
    }


def cached_live_total(
    campaign: Campaign, *, today: dt.date | None = None
) -> tuple[engine.Total, dict[str, LiveCriterion]]:
    """``live_total`` through the cache (``supervision.cache``): no query while nothing it
    reads changed today."""
    return cache.cached(campaign, "live", lambda: live_total(campaign), today=today)


def cached_unit_performance(campaign: Campaign, *, today: dt.date | None = None) -> list[UnitScore]:
    """``unit_performance`` through the cache: no query while nothing it reads changed today."""
    today = today or timezone.localdate()
    return cache.cached(
        campaign, "ranking", lambda: unit_performance(campaign, today=today), today=today
    )


@dataclass
class Proposal:
    unit: Unit
    tasks: list
    reasons: list[str] = field(default_factory=list)


def proposals(campaign: Campaign, *, today: dt.date | None = None) -> list[Proposal]:
    """Orders the rules suggest: tasks overdue beyond N days, and open tasks of criteria
    missing at least the set number of points; tasks under an open order are left out."""
    today = today or timezone.localdate()
    rules = LightRules.for_campaign(campaign)
    total, _sources = live_total(campaign)
    gaps = {
        code
        for code, r in total.by_code().items()
        if not r.children and r.at_stake >= rules.propose_gap_points
    }
    supervised = (
        SupervisionOrder.objects.filter(campaign=campaign)
        .exclude(status=OrderStatus.CLOSED)
        .values("tasks")
    )
    tasks = (
        Task.objects.filter(campaign=campaign, progress__lt=100)
        .exclude(pk__in=supervised)
        .filter(
            Q(deadline__lt=today - dt.timedelta(days=rules.propose_overdue_days))
            | Q(criterion__code__in=gaps)
        )
        .select_related("lead_unit", "criterion")
        .order_by("lead_unit__path", "deadline")
    )
    grouped: dict[int, Proposal] = {}
    for task in tasks:
        proposal = grouped.setdefault(task.lead_unit_id, Proposal(task.lead_unit, []))
        proposal.tasks.append(task)
        if task.deadline and task.deadline < today - dt.timedelta(days=rules.propose_overdue_days):
            reason = _("overdue more than %(n)d days") % {"n": rules.propose_overdue_days}
        else:
            assert task.criterion is not None  # chosen for its criterion's gap
            reason = _("criterion %(code)s misses %(p)s points or more") % {
                "code": task.criterion.code,
                "p": rules.propose_gap_points,
            }
        if reason not in proposal.reasons:
            proposal.reasons.append(reason)
    return list(grouped.values())


@transaction.atomic
def take_snapshot(campaign: Campaign, *, today: dt.date | None = None) -> Snapshot:
    """Record today's score, categories, lights and unit index, in one transaction, once a day."""
    today = today or timezone.localdate()
    total, _sources = live_total(campaign)
    counts = Counter(t.light.color for t in campaign_lights(campaign, today=today))
    units = {str(s.unit_id): s.as_json() for s in unit_performance(campaign, today=today)}
    snapshot, _created = Snapshot.objects.update_or_create(
        campaign=campaign,
        taken_on=today,
        defaults={
            "score": total.score,
            "ineligible": total.ineligible,
            "categories": {r.node.code: float(r.scored) for r in total.results},
            "lights": dict(counts),
            "units": units,
        },
    )
    return snapshot


def take_due_snapshots(*, today: dt.date | None = None, every_days: int = 7) -> int:
    """A snapshot for each campaign whose latest is ``every_days`` old or more (weekly)."""
    today = today or timezone.localdate()
    taken = 0
    latest = dict(
        Snapshot.objects.values("campaign_id")
        .annotate(last=Max("taken_on"))
        .order_by()
        .values_list("campaign_id", "last")
    )
    for campaign in Campaign.objects.select_related("standard"):
        last = latest.get(campaign.pk)
        if last is None or (today - last).days >= every_days:
            take_snapshot(campaign, today=today)
            taken += 1
    return taken


def units_trend(campaign: Campaign) -> dict[str, list]:
    """Dates and scores from the snapshots, for the trend chart (one query)."""
    snapshots = list(Snapshot.objects.filter(campaign=campaign).values_list("taken_on", "score"))
    return {
        "dates": [d.isoformat() for d, _s in snapshots],
        "scores": [float(s) for _d, s in snapshots],
    }
