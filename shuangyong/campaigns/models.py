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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-end_year", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.start_year}—{self.end_year}）"


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
