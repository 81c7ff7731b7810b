"""Placement cases (安置): the legal deadlines follow from the dates entered, and differ by
the type of case and the placement method (``DEADLINES``, each cited there):

- a discharged soldier placed in an arranged job (安排工作): report within 30 days of
  discharge, the job arranged within 6 months of reporting, on post within 30 days of
  the job being arranged;
- a self-employed discharged soldier (自主就业): report within 30 days; nothing after;
- a retired or state-supported soldier, a transferred officer (军队转业干部, placed
  through the yearly transfer plan with its own dates), a military spouse's job and a
  child's schooling: no statutory day count; the dates are recorded, no light is shown.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from shuangyong.core.fields import IdNumberField
from shuangyong.org.models import Unit

REPORT_DAYS = 30
JOB_MONTHS = 6
ON_POST_DAYS = 30
WARN_DAYS = 7


class PlacementKind(models.TextChoices):
    OFFICER = "officer", _("Transferred officer")
    SOLDIER = "soldier", _("Discharged soldier")
    SPOUSE = "spouse", _("Military spouse's job")
    CHILD = "child", _("Military child's schooling")


class PlacementMethod(models.TextChoices):
    SELF_EMPLOYMENT = "self_employment", _("Self-employment")
    ARRANGED_JOB = "arranged_job", _("Arranged job")
    RETIREMENT = "retirement", _("Retirement")
    STATE_SUPPORT = "state_support", _("State support")


def add_months(day: dt.date, n: int) -> dt.date:
    """``n`` months later; the 31st of a shorter month falls on its last day."""
    month = day.month - 1 + n
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


@dataclass(frozen=True)
class Rule:
    """A statutory deadline: ``step`` is due ``days`` or ``months`` after the date in
    ``after``; ``source`` is the regulation it comes from."""

    step: str  # "report", "job", "on_post"
    after: str  # the field the count starts from
    days: int = 0
    months: int = 0
    source: str = ""

    def due(self, start: dt.date) -> dt.date:
        return add_months(start, self.months) + dt.timedelta(days=self.days)


REGULATION = "退役军人安置条例（2024年，国务院、中央军委令第787号）"
REPORT = Rule(
    "report",
    "discharged_on",
    days=REPORT_DAYS,
    source=f"{REGULATION}：退役军士、义务兵自被批准退出现役之日起30日内到安置地退役军人工作主管部门报到",
)
ARRANGED_JOB = (
    REPORT,
    Rule(
        "job", "reported_on", months=JOB_MONTHS,
        source=f"{REGULATION}安排工作：安置地人民政府在接收退役军人后6个月内完成安排工作任务",
    ),
    Rule(
        "on_post", "job_arranged_on", days=ON_POST_DAYS,
        source=f"{REGULATION}安排工作：接收单位自接到安置通知之日起30日内安排上岗",
    ),
)  # fmt: skip


def deadlines_for(kind: str, method: str) -> tuple[Rule, ...]:
    """The statutory deadlines of a case of this type and method, in step order.

    A transferred officer (军队转业干部) is placed through the yearly transfer plan
    (军队转业干部安置暂行办法, 2001), whose dates each year's plan sets: none of the
    soldiers' day counts applies. Retirement (退休) and state support (供养) hand the
    soldier to a service unit; a spouse's job and a child's schooling follow their own
    notices: no statutory day count either."""
    if kind == PlacementKind.SOLDIER and method == PlacementMethod.ARRANGED_JOB:
        return ARRANGED_JOB
    if kind == PlacementKind.SOLDIER and method == PlacementMethod.SELF_EMPLOYMENT:
        return (REPORT,)
    return ()


@dataclass(frozen=True)
class Deadline:
    step: str  # "report", "job", "on_post"
    due: dt.date
    light: str  # green, yellow, red

    @property
    def label(self) -> str:
        return str(dict(STEP_LABELS)[self.step])


STEP_LABELS = (
    ("report", _("Report to the veterans' office")),
    ("job", _("Job arranged")),
    ("on_post", _("On post")),
)


class PlacementCase(models.Model):
    name = models.CharField(_("name"), max_length=50)
    id_number = IdNumberField(_("resident ID number"), masked_copy="id_number_masked")
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    kind = models.CharField(_("type"), max_length=20, choices=PlacementKind.choices)
    method = models.CharField(
        _("method"), max_length=20, choices=PlacementMethod.choices, blank=True
    )
    street = models.ForeignKey(
        Unit, verbose_name=_("street"), on_delete=models.PROTECT, related_name="+"
    )
    discharged_on = models.DateField(_("discharged or transferred"))
    reported_on = models.DateField(_("reported"), null=True, blank=True)
    job_arranged_on = models.DateField(_("job arranged"), null=True, blank=True)
    receiving_unit = models.CharField(_("receiving unit"), max_length=100, blank=True)
    on_post_on = models.DateField(_("on post"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    audit_ignore = ("id_number_masked",)
    audit_unit_field = "street"

    class Meta:
        verbose_name = _("placement case")
        verbose_name_plural = _("placement cases")
        ordering = ["closed_on", "discharged_on", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"

    @property
    def needs_job(self) -> bool:
        """Officers, spouses and soldiers placed in an arranged job need a post found."""
        return self.kind in (PlacementKind.OFFICER, PlacementKind.SPOUSE) or (
            self.kind == PlacementKind.SOLDIER and self.method == PlacementMethod.ARRANGED_JOB
        )

    # The legal deadlines, computed from the dates entered so far.
    @property
    def deadlines(self) -> tuple[Rule, ...]:
        return deadlines_for(self.kind, self.method)

    def due(self, step: str) -> dt.date | None:
        """When ``step`` is due by law; None when no rule sets a day for it or the date it
        counts from is not entered yet."""
        for rule in self.deadlines:
            if rule.step == step:
                start = getattr(self, rule.after)
                return rule.due(start) if start else None
        return None

    def next_deadline(self, today: dt.date) -> Deadline | None:
        """The next legal step not yet done, its due date and its light; None when closed
        or when no rule sets a deadline for what comes next."""
        if self.closed_on:
            return None
        for rule in self.deadlines:
            if getattr(self, STEP_FIELDS[rule.step]) is not None:
                continue
            start = getattr(self, rule.after)
            if start is None:
                return None
            due = rule.due(start)
            if today > due:
                light = "red"
            elif (due - today).days <= WARN_DAYS:
                light = "yellow"
            else:
                light = "green"
            return Deadline(rule.step, due, light)
        return None

    def late_steps(self) -> list[str]:
        """Steps done after their deadline (for the yearly report)."""
        late = []
        for rule in self.deadlines:
            done, due = getattr(self, STEP_FIELDS[rule.step]), self.due(rule.step)
            if done and due and done > due:
                late.append(rule.step)
        return late


STEP_FIELDS = {"report": "reported_on", "job": "job_arranged_on", "on_post": "on_post_on"}
