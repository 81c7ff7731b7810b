"""Placement cases (安置): the legal deadlines follow from the dates (退役军人安置条例, 2024):
report within 30 days of discharge, an arranged job found within 6 months of reporting,
on post within 30 days of the job being arranged."""

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
    def report_due(self) -> dt.date:
        return self.discharged_on + dt.timedelta(days=REPORT_DAYS)

    @property
    def job_due(self) -> dt.date | None:
        return add_months(self.reported_on, JOB_MONTHS) if self.reported_on else None

    @property
    def on_post_due(self) -> dt.date | None:
        return (
            self.job_arranged_on + dt.timedelta(days=ON_POST_DAYS) if self.job_arranged_on else None
        )

    def next_deadline(self, today: dt.date) -> Deadline | None:
        """The next legal step not yet done, its due date and its light; None when closed
        or when nothing is due."""
        if self.closed_on:
            return None
        if self.reported_on is None:
            step, due = "report", self.report_due
        elif self.needs_job and self.job_arranged_on is None:
            step, due = "job", self.job_due
        elif self.needs_job and self.on_post_on is None:
            step, due = "on_post", self.on_post_due
        else:
            return None
        if today > due:
            light = "red"
        elif (due - today).days <= WARN_DAYS:
            light = "yellow"
        else:
            light = "green"
        return Deadline(step, due, light)

    def late_steps(self) -> list[str]:
        """Steps done after their deadline (for the yearly report)."""
        late = []
        if self.reported_on and self.reported_on > self.report_due:
            late.append("report")
        if self.job_arranged_on and self.job_due and self.job_arranged_on > self.job_due:
            late.append("job")
        if self.on_post_on and self.on_post_due and self.on_post_on > self.on_post_due:
            late.append("on_post")
        return late
