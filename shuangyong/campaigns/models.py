"""Campaigns (创建周期) and their assessments: self-assessment, mock and official inspections.

A campaign binds a published standard to a district, a cycle and a target
score. An assessment is one full scoring of the standard for the campaign by
named assessors; each Score holds the facts entered for one criterion and the
points the engine gave them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuangyong.org.models import Unit
from shuangyong.standards import engine
from shuangyong.standards.models import Criterion, Standard


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=200)
    standard = models.ForeignKey(
        Standard,
        verbose_name=_("evaluation standard"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    district = models.ForeignKey(
        Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="campaigns"
    )
    start_year = models.PositiveIntegerField(_("cycle starts"))
    end_year = models.PositiveIntegerField(_("cycle ends"))
    target_score = models.DecimalField(_("target score"), max_digits=7, decimal_places=2)
    self_assessment_due = models.DateField(_("self-assessment due"), null=True, blank=True)
    mock_inspection_on = models.DateField(_("mock inspection"), null=True, blank=True)
    official_inspection_on = models.DateField(_("official inspection"), null=True, blank=True)
    # Criteria that the units' own reports feed: the share of member units whose
    # duty report, or plan and summary, for the year was accepted.
    duty_report_criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("criterion scored by duty reports"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    plan_criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("criterion scored by plans and summaries"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-end_year", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.start_year}—{self.end_year}）"

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class AssessmentKind(models.TextChoices):
    SELF = "self", _("Self-assessment")
    MOCK = "mock", _("Mock inspection")
    OFFICIAL = "official", _("Official result")


class Assessment(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(_("kind"), max_length=20, choices=AssessmentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    assessors = models.CharField(
        _("assessors"), max_length=300, help_text=_("names, separated by 、")
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}（{self.held_on}）"

    def facts(self) -> dict[str, engine.Facts]:
        """Facts entered so far, by criterion code (one query)."""
        return {
            code: engine.Facts.from_json(facts)
            for code, facts in self.scores.values_list("criterion__code", "facts")
        }

    def evaluate(self) -> engine.Total:
        """The whole standard scored with this assessment's facts (two queries)."""
        standard = self.campaign.standard
        return engine.evaluate_standard(standard.tree(), self.facts(), standard.bonus_cap)


class Score(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    earned = models.DecimalField(
        _("points earned"), max_digits=7, decimal_places=2, default=Decimal(0)
    )
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="one_score_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.earned}"


# --- decomposition: tasks, indicators, progress reports, evidence (责任落实) ---------


class Recurrence(models.TextChoices):
    ONCE = "once", _("Once")
    YEARLY = "yearly", _("Every year")
    QUARTERLY = "quarterly", _("Every quarter")
    MONTHLY = "monthly", _("Every month")


class TaskKind(models.TextChoices):
    TASK = "task", _("Task")
    RECTIFICATION = "rectification", _("Rectification")
    DECISION = "decision", _("Meeting decision")
    NEED = "need", _("Need of a military family")


class Task(models.Model):
    """One piece of the standard handed to a lead unit (牵头) with its co-units (配合).

    Rectification items (整改) from inspections are tasks too, so they get the
    same lights, reminders, reports and supervision orders; while open they
    count as failures against a deduction-scored criterion.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(
        _("kind"), max_length=20, choices=TaskKind.choices, default=TaskKind.TASK
    )
    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("criterion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    title = models.CharField(_("task"), max_length=300)
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="lead_tasks"
    )
    co_units = models.ManyToManyField(
        Unit, verbose_name=_("co-units"), blank=True, related_name="co_tasks"
    )
    owner = models.ForeignKey(
        "org.Person",
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    recurrence = models.CharField(
        _("recurrence"), max_length=20, choices=Recurrence.choices, default=Recurrence.ONCE
    )
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=Decimal(1))
    evidence_required = models.TextField(_("evidence required"), blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Kept columns (issue 19): written by ``lights.refresh`` whenever the task, its
    # reports or the campaign's light rules change, and each day by the worker, so
    # lists and dashboards read them instead of working them out per row and request.
    # ``light_on`` is the day the light was worked out; none (a row written in bulk)
    # or an earlier day means it must be worked out again before it is shown.
    light_color = models.CharField(_("light"), max_length=10, blank=True, editable=False)
    light_on = models.DateField(null=True, blank=True, editable=False)
    latest_report_status = models.CharField(
        _("last report"), max_length=20, blank=True, editable=False
    )
    latest_report_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["campaign", "lead_unit"]),
            models.Index(fields=["campaign", "criterion"]),
            models.Index(
                fields=["campaign", "light_color", "deadline"], name="task_campaign_light"
            ),
            models.Index(fields=["campaign", "light_on"], name="task_campaign_light_on"),
            # The task list's order (deadline ascending puts no deadline last, as the list
            # asks): its page is a LIMIT on this index, not a sort of the campaign.
            models.Index(fields=["campaign", "deadline", "id"], name="task_campaign_deadline"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.progress >= 100


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Indicator(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=200)
    measure = models.CharField(_("unit of measure"), max_length=20, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    actual = models.DecimalField(
        _("actual"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["task", "id"]

    def __str__(self) -> str:
        return f"{self.name}：{self.target}{self.measure}"

    @property
    def met(self) -> bool:
        if self.actual is None:
            return False
        return (
            self.actual >= self.target
            if self.direction == Direction.HIGHER
            else self.actual <= self.target
        )


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class Reviewed(models.Model):
    """What progress reports, unit reports and evidence share: submitted, then reviewed."""

    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("reason"), blank=True)

    class Meta:
        abstract = True


class ProgressReport(Reviewed):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("progress"))
    percent = models.PositiveSmallIntegerField(_("done (%)"))
    # The form's one-time token: a double click or a retry of the same form finds the
    # report the first submission made instead of filing a second one.
    submission_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_key"],
                condition=~models.Q(submission_key=""),
                name="one_report_per_submission",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task}：{self.percent}%"


class IndicatorValue(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("actual"), max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="one_value_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}={self.value}"


def evidence_path(instance, filename: str) -> str:
    """Stored under the campaign and year, named by content hash: no two uploads collide."""
    digest = instance.sha256
    return f"evidence/{instance.campaign_id}/{instance.year}/{digest[:2]}/{digest}-{filename}"


class Evidence(Reviewed):
    """A ledger file (台账) for a task, and so for a criterion and a year of the cycle.

    A new upload of the same title for the same task and year is a new version;
    older versions stay, marked superseded.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="evidence")
    # A task's file; none for a unit's accepted plan, summary or duty report, filed under
    # its criterion (``unit_report``).
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    unit_report = models.OneToOneField(
        "UnitReport", null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    criterion = models.ForeignKey(
        Criterion, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence_files"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    superseded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["campaign", "criterion", "year", "status"])]

    def __str__(self) -> str:
        return f"{self.title}（v{self.version}）"


class UnitReportKind(models.TextChoices):
    PLAN = "plan", _("Annual plan")
    SUMMARY = "summary", _("Annual summary")
    DUTY_REPORT = "duty_report", _("Duty report")


class UnitReport(Reviewed):
    """A unit's annual plan, summary or duty report (述职) to the leading group."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="unit_reports")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=UnitReportKind.choices)
    text = models.TextField(_("text"))
    file = models.FileField(_("file"), upload_to="unit-reports/%Y/", blank=True, max_length=300)

    class Meta:
        verbose_name = _("unit report")
        verbose_name_plural = _("unit reports")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} {self.year} {self.get_kind_display()}"


class LightRules(models.Model):
    """When a task turns yellow or red, and when reminders go out: the office's settings."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="light_rules")
    yellow_days = models.PositiveSmallIntegerField(
        _("yellow: due within (days)"),
        default=14,
        help_text=_("Yellow when due within these days and below the progress below."),
    )
    yellow_below = models.PositiveSmallIntegerField(_("yellow: progress below (%)"), default=80)
    red_days = models.PositiveSmallIntegerField(
        _("red: due within (days)"),
        default=3,
        help_text=_(
            "Red when due within these days and below the progress below; always red when overdue."
        ),
    )
    red_below = models.PositiveSmallIntegerField(_("red: progress below (%)"), default=50)
    remind_days = models.PositiveSmallIntegerField(
        _("remind before the deadline (days)"), default=3
    )
    escalate_days = models.PositiveSmallIntegerField(_("escalate after overdue (days)"), default=3)
    propose_overdue_days = models.PositiveSmallIntegerField(
        _("propose an order after overdue (days)"), default=7
    )
    propose_gap_points = models.DecimalField(
        _("propose an order when a criterion misses (points)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(2),
    )

    class Meta:
        verbose_name = _("light rules")
        verbose_name_plural = _("light rules")

    def __str__(self) -> str:
        return f"{self.campaign}"

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.red_days > self.yellow_days:
            errors["red_days"] = _(
                "Red cannot start earlier than yellow: make it at most %(n)d days."
            ) % {"n": self.yellow_days}
        for name in ("yellow_below", "red_below"):
            if getattr(self, name) > 100:
                errors[name] = _("A percentage is at most 100.")
        if self.red_below > self.yellow_below:
            errors["red_below"] = _("Red needs less progress than yellow: at most %(n)d%%.") % {
                "n": self.yellow_below
            }
        if errors:
            raise ValidationError(errors)

    @classmethod
    def for_campaign(cls, campaign) -> LightRules:
        rules = cls.objects.filter(campaign=campaign).first()
        return rules or cls(campaign=campaign)
