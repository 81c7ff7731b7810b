"""Red, yellow, green: a task's light from its deadline, progress and review state.

One pure function decides, and says why; pages and dashboards call it on the
rows they already loaded, so a light costs no query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

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
    rules,
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


def _by_deadline(*, deadline, progress: int, veto: bool, today: dt.date, rules) -> Light:
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


def of_task(task, *, today: dt.date, rules) -> Light:
    """The light of a Task loaded with ``last_report_status`` (task_rows) or without."""
    criterion = getattr(task, "criterion", None)
    return light(
        deadline=task.deadline,
        progress=task.progress,
        last_report=getattr(task, "last_report_status", None),
        veto=bool(criterion and criterion.is_veto),
        today=today,
        rules=rules,
    )
