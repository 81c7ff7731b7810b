"""Reads for campaign pages: every evaluation in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.access import get_in_scope_or_404, scoped
from shuangyong.campaigns.models import (
    Assessment,
    AssessmentKind,
    Campaign,
    Evidence,
    Indicator,
    ReviewStatus,
    Score,
    Task,
    TaskKind,
    UnitReport,
    UnitReportKind,
)
from shuangyong.org.models import Unit, User
from shuangyong.standards import engine, measures
from shuangyong.standards.models import Criterion, build_tree


@dataclass
class ScoredTree:
    """The criteria in order, each with its result, score and depth: what pages draw."""

    total: engine.Total
    rows: list[tuple[Criterion, engine.Result, Score | None]]


def scored_tree(assessment: Assessment) -> ScoredTree:
    """The standard's criteria with this assessment's results (two queries)."""
    standard = assessment.campaign.standard
    criteria = list(Criterion.objects.filter(standard=standard).order_by("sort_key"))
    scores = {s.criterion_id: s for s in assessment.scores.all()}
    facts = {c.code: engine.Facts.from_json(scores[c.pk].facts) for c in criteria if c.pk in scores}
    total = engine.evaluate_standard(build_tree(criteria), facts, standard.bonus_cap)
    results = total.by_code()
    return ScoredTree(total, [(c, results[c.code], scores.get(c.pk)) for c in criteria])


def assessment_totals(campaign: Campaign) -> list[tuple[Assessment, engine.Total]]:
    """Every assessment of the campaign with its total (three queries, whatever their number)."""
    standard = campaign.standard
    tree = build_tree(Criterion.objects.filter(standard=standard).order_by("sort_key"))
    assessments = list(campaign.assessments.all())
    facts: dict[int, dict[str, engine.Facts]] = defaultdict(dict)
    for assessment_id, code, data in Score.objects.filter(
        assessment__campaign=campaign
    ).values_list("assessment_id", "criterion__code", "facts"):
        facts[assessment_id][code] = engine.Facts.from_json(data)
    return [
        (a, engine.evaluate_standard(tree, facts[a.pk], standard.bonus_cap)) for a in assessments
    ]


def readiness(assessment: Assessment) -> list[tuple[Criterion, engine.Result]]:
    """Every scored item not at full points, vetoes first, then by points at stake."""
    tree = scored_tree(assessment)
    return rank_gaps((criterion, result) for criterion, result, _score in tree.rows)


def rank_gaps(
    pairs: Iterable[tuple[Criterion, engine.Result]],
) -> list[tuple[Criterion, engine.Result]]:
    """The scored items short of full points, vetoed or not yet verified, from (criterion,
    result) pairs: vetoes first, then the most points at stake, then the standard's order
    (so items at full points that nobody has checked come last)."""
    gaps = [
        (criterion, result)
        for criterion, result in pairs
        if criterion.is_leaf and (result.vetoes or result.at_stake > 0 or result.unverified)
    ]
    gaps.sort(key=lambda pair: (not pair[1].vetoes, -pair[1].at_stake, pair[0].sort_key))
    return gaps


# --- the responsibility mechanism --------------------------------------------------


def current_campaign() -> Campaign | None:
    """The campaign work is filed under by default: the one ending last (newest first)."""
    return Campaign.objects.order_by("-end_year", "-id").first()


# A task belongs to its lead unit and to every co-unit: a unit sees the tasks it leads or
# shares, and a task is out of scope only when none of its units is in the user's.
TASK_UNITS = ("lead_unit", "co_units")


def tasks_in_scope(user: User, tasks: QuerySet[Task] | None = None) -> QuerySet[Task]:
    """The tasks (of ``tasks``, else all) the user may see: those led or shared by a unit
    in the user's scope; all for district-wide roles."""
    return scoped(user, Task.objects.all() if tasks is None else tasks, via=TASK_UNITS)


def task_in_scope_or_404(user: User, tasks: QuerySet[Task], **lookup: Any) -> Task:
    """One task of ``tasks`` by ``lookup``, or 404 when it is missing or out of scope."""
    return get_in_scope_or_404(user, tasks, via=TASK_UNITS, **lookup)


def visible_tasks(user: User, campaign: Campaign) -> QuerySet[Task]:
    """Tasks of the campaign the user may see: a unit's own (as lead or co-unit), or all."""
    return tasks_in_scope(user, Task.objects.filter(campaign=campaign))


def task_rows(
    user: User,
    campaign: Campaign,
    *,
    unit_id: int | None = None,
    criterion_code: str = "",
    state: str = "",
    today: dt.date | None = None,
) -> QuerySet[Task]:
    """Tasks for a list page, filtered and in the list's order, with nothing worked out per
    row: paginate this, then ``with_counts`` on the page.

    Rules: a unit filter takes the tasks the unit leads or shares; "pending" reads the
    kept latest report status (``Task.latest_report_status``), so no filter or order
    needs a join or a subquery, and counting the rows counts tasks only.
    """
    today = today or timezone.localdate()
    tasks = (
        visible_tasks(user, campaign)
        .select_related("criterion", "lead_unit", "owner")
        .order_by(F("deadline").asc(nulls_last=True), "id")
    )
    if unit_id:
        shared = Task.co_units.through.objects.filter(unit_id=unit_id).values("task_id")
        tasks = tasks.filter(Q(lead_unit_id=unit_id) | Q(pk__in=shared))
    if criterion_code:
        tasks = tasks.filter(criterion__code=criterion_code)
    if state == "open":
        tasks = tasks.filter(progress__lt=100)
    elif state == "done":
        tasks = tasks.filter(progress__gte=100)
    elif state == "overdue":
        tasks = tasks.filter(progress__lt=100, deadline__lt=today)
    elif state == "week":
        tasks = tasks.filter(
            progress__lt=100, deadline__gte=today, deadline__lte=today + dt.timedelta(days=7)
        )
    elif state == "pending":
        tasks = tasks.filter(latest_report_status=ReviewStatus.SUBMITTED)
    return tasks


def with_counts(tasks: Iterable[Task]) -> list[Task]:
    """The given tasks (a page) with ``n_indicators`` and ``n_co_units``: one grouped query
    over these tasks' ids only, whatever the campaign's size."""
    tasks = list(tasks)
    counts: dict[int, tuple[int, int]] = {}
    if tasks:
        indicators = Indicator.objects.filter(task=OuterRef("pk")).order_by().values("task")
        co_units = Task.co_units.through.objects.filter(task=OuterRef("pk")).order_by()
        rows = (
            Task.objects.filter(pk__in=[t.pk for t in tasks])
            .order_by()
            .annotate(
                i=Subquery(indicators.annotate(n=Count("*")).values("n")),
                # The plugin reads the through model's fields only, not this annotation.
                c=Subquery(co_units.values("task").annotate(n=Count("*")).values("n")),  # type: ignore[misc]
            )
            .values_list("pk", "i", "c")
        )
        counts = {pk: (i or 0, c or 0) for pk, i, c in rows}
    for task in tasks:
        task.n_indicators, task.n_co_units = counts.get(task.pk, (0, 0))  # type: ignore[attr-defined]
    return tasks


@dataclass
class LiveCriterion:
    tasks: int = 0
    done: int = 0
    rectifications: int = 0
    open_rectifications: int = 0
    actual: Decimal | None = None
    evidence: bool = False
    source: str = ""
    # The measure the criterion names and what it found (None: no measure named).
    measure: str = ""
    figure: measures.Figure | None = None
    # Someone checked the item: an assessment scored it, an inspection looked at it, a
    # rectification was ordered, or a measure counted it.
    checked: bool = False

    @property
    def measure_label(self) -> str:
        return measures.label(self.measure) if self.measure else ""


def live_facts(campaign: Campaign) -> tuple[dict[str, engine.Facts], dict[str, LiveCriterion]]:
    """The engine's facts as the work stands: tasks done, indicator actuals, approved
    evidence, units' reports, the measures the criteria name; manual scores and vetoes
    from the latest assessment.

    Rules: a measure with data gives the item its value (percentage, shortfall or "all
    of them") over tasks and indicators; with no data, the work's own figures stand. A
    deduction or manual item counts as checked only when an assessment scored it, a
    rectification was ordered for it, a registered source (an inspection) looked at it
    or a measure counted it; otherwise it is not yet verified.

    Seven queries, plus a fixed few per measure and per check source, whatever the
    campaign's size.
    """
    criteria = {c.pk: c for c in Criterion.objects.filter(standard_id=campaign.standard_id)}
    live: dict[int, LiveCriterion] = defaultdict(LiveCriterion)
    for row in (
        Task.objects.filter(campaign=campaign, criterion__isnull=False)
        .values("criterion_id")
        .annotate(
            total=Count("id", filter=Q(kind=TaskKind.TASK)),
            done=Count("id", filter=Q(kind=TaskKind.TASK, progress__gte=100)),
            rectifications=Count("id", filter=Q(kind=TaskKind.RECTIFICATION)),
            open_rectifications=Count(
                "id", filter=Q(kind=TaskKind.RECTIFICATION, progress__lt=100)
            ),
        )
    ):
        state = live[row["criterion_id"]]
        state.tasks, state.done = row["total"], row["done"]
        state.rectifications = row["rectifications"]
        state.open_rectifications = row["open_rectifications"]
    # Each criterion's first indicator actual (by task, then indicator): one subquery per
    # criterion, not every indicator of the campaign shipped to Python (issue 19).
    first_actual = (
        Indicator.objects.filter(
            task__campaign=campaign, task__criterion=OuterRef("pk"), actual__isnull=False
        )
        .order_by("task_id", "id")
        .values("actual")[:1]
    )
    for criterion_id, actual in (
        Criterion.objects.filter(standard_id=campaign.standard_id)
        .annotate(first_actual=Subquery(first_actual))
        .filter(first_actual__isnull=False)
        .values_list("pk", "first_actual")
    ):
        live[criterion_id].actual = actual
    for criterion_id in (
        Evidence.objects.filter(campaign=campaign, status=ReviewStatus.ACCEPTED, superseded=False)
        .order_by()  # the model's ordering would make DISTINCT keep every row
        .values_list("criterion_id", flat=True)
        .distinct()
    ):
        if criterion_id:
            live[criterion_id].evidence = True
    for criterion_id, percent in unit_report_shares(campaign).items():
        live[criterion_id].actual = percent
        live[criterion_id].source = "unit_reports"
    named = {pk: measures.measure_of(c.rule_params) for pk, c in criteria.items()}
    figures = measures.evaluate((code for code in named.values() if code), campaign)
    for pk, code in named.items():
        if code:
            state = live[pk]
            state.measure, state.figure = code, figures.get(code)
            if state.figure is not None and state.figure.has_data:
                state.checked = True
    for pk in measures.checked_elsewhere(campaign):
        if pk in criteria:
            live[pk].checked = True
    assessment = campaign.assessments.order_by("-held_on", "-id").first()
    carried = {}
    if assessment is not None:
        carried = dict(assessment.scores.values_list("criterion_id", "facts"))
    facts: dict[str, engine.Facts] = {}
    for pk, criterion in criteria.items():
        known = live.get(pk)
        earlier = engine.Facts.from_json(carried.get(pk))
        if known is None and pk not in carried:
            continue
        state = known or LiveCriterion()
        elements: frozenset[int] = frozenset()
        if state.tasks and (kind := engine.RULES.get(criterion.rule_type)) is not None:
            elements = kind.elements_done(
                criterion.rule_params, criterion.points, done=state.done, of=state.tasks
            )
        values: dict[str, Any] = {
            "achieved": bool(state.tasks) and state.done == state.tasks,
            "actual": state.actual,
            "failures": state.open_rectifications,
        }
        values.update(
            engine.facts_from_figure(criterion.rule_type, criterion.rule_params, state.figure)
        )
        facts[criterion.code] = engine.Facts(
            elements=elements,
            evidence_approved=state.evidence,
            score=earlier.score,
            vetoed=earlier.vetoed,
            checked=pk in carried or state.checked or bool(state.rectifications),
            **values,
        )
    return facts, {criteria[pk].code: state for pk, state in live.items() if pk in criteria}


def report_year(campaign: Campaign) -> int:
    """The year units report for: this year, within the campaign's cycle."""
    return min(max(timezone.localdate().year, campaign.start_year), campaign.end_year)


def unit_report_shares(campaign: Campaign, year: int | None = None) -> dict[int, Decimal]:
    """For the campaign's report criteria: the share (%) of member units whose report for
    the year was accepted (duty report; or plan and summary both)."""
    year = year or report_year(campaign)
    members = Unit.objects.member_units().count()
    if not members:
        return {}
    accepted = defaultdict(set)
    for unit_id, kind in UnitReport.objects.filter(
        campaign=campaign, year=year, status=ReviewStatus.ACCEPTED, unit__is_member=True
    ).values_list("unit_id", "kind"):
        accepted[kind].add(unit_id)
    shares = {}
    if campaign.duty_report_criterion_id:
        shares[campaign.duty_report_criterion_id] = _percent(
            len(accepted[UnitReportKind.DUTY_REPORT]), members
        )
    if campaign.plan_criterion_id:
        both = accepted[UnitReportKind.PLAN] & accepted[UnitReportKind.SUMMARY]
        shares[campaign.plan_criterion_id] = _percent(len(both), members)
    return shares


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))


def live_total(campaign: Campaign) -> tuple[engine.Total, dict[str, LiveCriterion]]:
    """The projected score from the work done so far, and what fed each criterion."""
    facts, sources = live_facts(campaign)
    standard = campaign.standard
    tree = build_tree(Criterion.objects.filter(standard=standard).order_by("sort_key"))
    return engine.evaluate_standard(tree, facts, standard.bonus_cap), sources


def evidence_ledger(campaign: Campaign) -> list[dict[str, Any]]:
    """Per criterion, in the standard's order, per year: approved / waiting / returned files.

    Two queries whatever the number of files.
    """
    criteria = list(Criterion.objects.filter(standard_id=campaign.standard_id).order_by("sort_key"))
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for criterion_id, year, status, n in (
        Evidence.objects.filter(campaign=campaign, superseded=False)
        .values_list("criterion_id", "year", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[(criterion_id, year)][status] += n
    parents = {c.parent_id for c in criteria}
    rows = []
    for criterion in criteria:
        scored = criterion.pk not in parents and not criterion.is_veto
        cells = []
        for year in campaign.years:
            found = counts.get((criterion.pk, year), {})
            cells.append(
                {
                    "year": year,
                    "approved": found.get(ReviewStatus.ACCEPTED, 0),
                    "waiting": found.get(ReviewStatus.SUBMITTED, 0),
                    "returned": found.get(ReviewStatus.RETURNED, 0),
                    "missing": scored
                    and bool(criterion.evidence)
                    and not found.get(ReviewStatus.ACCEPTED),
                }
            )
        rows.append({"criterion": criterion, "scored": scored, "cells": cells})
    return rows


def coverage(campaign: Campaign) -> dict[str, Any]:
    """Who and what has no indicator yet: member units (and those with no task at all),
    responsible people, criteria."""
    with_indicators = Task.objects.filter(campaign=campaign, indicators__isnull=False)
    covered = set(with_indicators.values_list("lead_unit_id", flat=True)) | set(
        Task.co_units.through.objects.filter(task__in=with_indicators).values_list(
            "unit_id", flat=True
        )
    )
    members = list(Unit.objects.member_units().order_by("path"))
    campaign_tasks = Task.objects.filter(campaign=campaign)
    assigned = set(campaign_tasks.values_list("lead_unit_id", flat=True)) | set(
        Task.co_units.through.objects.filter(task__in=campaign_tasks).values_list(
            "unit_id", flat=True
        )
    )
    owners = (
        Task.objects.filter(campaign=campaign, owner__isnull=False)
        .values("owner_id", "owner__name", "owner__unit__name")
        .annotate(n_indicators=Count("indicators"))
        .order_by("owner__unit__path", "owner__name")
    )
    people: dict[int, dict[str, Any]] = {}
    for row in owners:
        entry = people.setdefault(
            row["owner_id"], {"name": row["owner__name"], "unit": row["owner__unit__name"], "n": 0}
        )
        entry["n"] += row["n_indicators"]
    items = (
        Criterion.objects.filter(standard_id=campaign.standard_id, is_veto=False)
        .exclude(rule_type="")
        .annotate(n_tasks=Count("tasks", filter=Q(tasks__campaign=campaign)))
        .order_by("sort_key")
    )
    return {
        "units_without": [u for u in members if u.pk not in covered],
        # Nothing assigned at all (no task, as lead or co-unit): the ranking flags them too.
        "units_unassigned": [u for u in members if u.pk not in assigned],
        "members": len(members),
        "people_without": [p for p in people.values() if not p["n"]],
        "people": len(people),
        "criteria_without": [c for c in items if not c.n_tasks],
        "criteria": len(items),
    }


# --- one score, explained -----------------------------------------------------------


@dataclass
class Basis:
    """One column of the comparison: an assessment of a kind, or the live evaluation."""

    key: str  # "self", "mock", "official" or "live"
    label: str
    assessment: Assessment | None
    total: engine.Total | None

    @property
    def when(self) -> dt.date:
        return self.assessment.held_on if self.assessment else timezone.localdate()


@dataclass
class ComparedItem:
    criterion: Criterion
    values: list[Decimal | None]  # one per basis, None where the basis is missing
    vetoes: list[bool]
    unverified: list[bool]

    @property
    def spread(self) -> Decimal:
        """The largest difference between two bases that have the item."""
        found = [v for v in self.values if v is not None]
        return max(found) - min(found) if len(found) > 1 else Decimal(0)


def four_way(campaign: Campaign) -> tuple[list[Basis], list[ComparedItem]]:
    """The latest self-assessment, mock inspection and official result, and the live
    score, item by item, the largest differences first (then the standard's order).

    Rules: each kind's latest assessment (by date, then the newest entry); a missing kind
    is a column with no figures; only scored items (leaves) are compared. A fixed number
    of queries: the assessments' three, the live evaluation's, whatever the size.
    """
    latest: dict[str, tuple[Assessment, engine.Total]] = {}
    for pair in sorted(assessment_totals(campaign), key=lambda pair: (pair[0].held_on, pair[0].pk)):
        latest[pair[0].kind] = pair
    bases = []
    for kind, name in AssessmentKind.choices:
        assessment, total = latest.get(kind) or (None, None)
        bases.append(Basis(kind, str(name), assessment, total))
    live, _sources = live_total(campaign)
    bases.append(Basis("live", _("Live score"), None, live))
    results = [b.total.by_code() if b.total else None for b in bases]
    items = []
    for criterion in Criterion.objects.filter(standard_id=campaign.standard_id).order_by(
        "sort_key"
    ):
        found = [r.get(criterion.code) if r else None for r in results]
        leaf = next((f for f in found if f is not None), None)
        if leaf is None or leaf.children:
            continue
        items.append(
            ComparedItem(
                criterion,
                [f.scored if f else None for f in found],
                [bool(f and f.vetoes) for f in found],
                [bool(f and f.unverified) for f in found],
            )
        )
    items.sort(key=lambda i: (-i.spread, i.criterion.sort_key))
    return bases, items
