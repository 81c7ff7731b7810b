"""Red, yellow, green: a task's light from its deadline, progress and review state.

One pure function decides, and says why; pages and dashboards call it on the
rows they already loaded, so a light costs no query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from shuangyong.campaigns.models import Campaign, LightRules, Task

RED, YELLOW, GREEN, DONE = "red", "yellow", "green", "done"


@dataclass(frozen=True)
class Light:
    color: str
    reason: str


def light(
    *,
    deadline: dt.date | None,
    progress: int,
    last_report: str | None,
    veto: bool,
    today: dt.date,
    rules: LightRules,
) -> Light:
    """The light of one task.

    Red: overdue; or due within ``red_days`` below ``red_below`` %; or an open task
    of a veto criterion due within ``yellow_days``. Yellow: due within
    ``yellow_days`` below ``yellow_below`` %, or the last report was returned.
    Green otherwise; done when progress is 100 %. A returned last report is always
    named in the reason, whatever the colour.
    """
    found = _by_deadline(deadline=deadline, progress=progress, veto=veto, today=today, rules=rules)
    if last_report != "returned" or found.color == DONE:
        return found
    if found.color == GREEN:
        return Light(YELLOW, _("the last report was returned"))
    return Light(
        found.color,
        _("%(reason)s; the last report was returned") % {"reason": found.reason},
    )


def _by_deadline(
    *, deadline: dt.date | None, progress: int, veto: bool, today: dt.date, rules: LightRules
) -> Light:
    """The light from the deadline and progress alone."""
    if progress >= 100:
        return Light(DONE, _("task done"))
    if deadline is not None:
        days = (deadline - today).days
        if days < 0:
            return Light(RED, _("overdue by %(n)d days") % {"n": -days})
        if days <= rules.red_days and progress < rules.red_below:
            return Light(
                RED,
                _("due in %(n)d days at %(p)d%%, below %(limit)d%%")
                % {"n": days, "p": progress, "limit": rules.red_below},
            )
        if veto and days <= rules.yellow_days:
            return Light(RED, _("a veto item, due in %(n)d days and not done") % {"n": days})
        if days <= rules.yellow_days and progress < rules.yellow_below:
            return Light(
                YELLOW,
                _("due in %(n)d days at %(p)d%%, below %(limit)d%%")
                % {"n": days, "p": progress, "limit": rules.yellow_below},
            )
    if deadline is None:
        return Light(GREEN, _("no deadline"))
    return Light(GREEN, _("on track"))


def of_task(task: Task, *, today: dt.date, rules: LightRules) -> Light:
    """The light of a Task annotated with ``last_report_status`` (the API's task list) or not."""
    criterion = getattr(task, "criterion", None)
    return light(
        deadline=task.deadline,
        progress=task.progress,
        last_report=getattr(task, "last_report_status", None),
        veto=bool(criterion and criterion.is_veto),
        today=today,
        rules=rules,
    )


# --- kept columns: the light and the latest report's facts on the task row -------------

KEPT = ("light_color", "light_on", "latest_report_status", "latest_report_at")


def refresh(*, tasks: QuerySet[Task], today: dt.date | None = None) -> dict[int, dict[str, Any]]:
    """Work out the kept columns of ``tasks`` (a Task queryset) and write those that changed.

    Rules: the light is ``light()`` of the task's deadline, progress, latest report
    (newest by submission) and criterion's veto flag under the campaign's rules, as of
    ``today``; ``light_on`` becomes today on every row looked at. Two queries, plus one
    per 1,000 changed rows and one for the rows whose light did not change. Returns the
    new values of the rows that changed, by id (what a caller holding one may copy).
    """
    from django.db.models import OuterRef, Subquery
    from django.utils import timezone

    from shuangyong.campaigns.models import LightRules, ProgressReport, Task

    today = today or timezone.localdate()
    latest = ProgressReport.objects.filter(task=OuterRef("pk")).order_by("-submitted_at", "-id")
    rows = list(
        tasks.order_by()
        .annotate(
            found_status=Subquery(latest.values("status")[:1]),
            found_at=Subquery(latest.values("submitted_at")[:1]),
        )
        .values_list(
            "pk",
            "campaign_id",
            "deadline",
            "progress",
            "criterion__is_veto",
            "found_status",
            "found_at",
            *KEPT,
        )
    )
    if not rows:
        return {}
    campaign_ids = {row[1] for row in rows}
    rules = {r.campaign_id: r for r in LightRules.objects.filter(campaign_id__in=campaign_ids)}
    changed: dict[int, dict] = {}
    touched: list[int] = []
    for pk, campaign_id, deadline, progress, veto, status, at, *kept in rows:
        found = light(
            deadline=deadline,
            progress=progress,
            last_report=status,
            veto=bool(veto),
            today=today,
            rules=rules.get(campaign_id) or LightRules(campaign_id=campaign_id),
        )
        new = dict(zip(KEPT, (found.color, today, status or "", at), strict=True))
        old = dict(zip(KEPT, kept, strict=True))
        if {**old, "light_on": today} != new:
            changed[pk] = new
        elif old["light_on"] != today:
            touched.append(pk)
    if changed:
        Task.objects.bulk_update(
            [Task(pk=pk, **values) for pk, values in changed.items()], KEPT, batch_size=1000
        )
    if touched:
        Task.objects.filter(pk__in=touched).update(light_on=today)
    from shuangyong.campaigns.signals import tasks_refreshed

    tasks_refreshed.send(sender=Task, campaign_ids=campaign_ids)
    return changed


def refresh_stale(*, campaign: Campaign | None = None, today: dt.date | None = None) -> int:
    """Refresh the tasks (of ``campaign``, else all) whose light was not worked out today:
    rows written in bulk, and every row once a day. One query when none is stale."""
    from django.utils import timezone

    from shuangyong.campaigns.models import Task

    today = today or timezone.localdate()
    tasks = Task.objects.all() if campaign is None else Task.objects.filter(campaign=campaign)
    stale = tasks.exclude(light_on=today)
    if not stale.exists():
        return 0
    return len(refresh(tasks=stale, today=today))


def refresh_campaign(campaign: Campaign, *, today: dt.date | None = None) -> int:
    """Refresh every task of the campaign (after its light rules change, or bulk writes)."""
    from shuangyong.campaigns.models import Task

    return len(refresh(tasks=Task.objects.filter(campaign=campaign), today=today))


def of_row(task: Task, *, today: dt.date, rules: LightRules) -> Light:
    """The light of a Task row with its reason, from its kept latest report status (no query).

    The colour is the kept one when it was worked out today; the reason is worked out
    here, in the reader's language, from the same columns.
    """
    criterion = getattr(task, "criterion", None)
    return light(
        deadline=task.deadline,
        progress=task.progress,
        last_report=task.latest_report_status or None,
        veto=bool(criterion and criterion.is_veto),
        today=today,
        rules=rules,
    )
