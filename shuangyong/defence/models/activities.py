"""Support to the troops and from them, and national-defence education: each activity
can carry a photo or minutes as evidence for a task of the campaign."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuangyong.org.models import Unit


class ActivityKind(models.TextChoices):
    SCIENCE = "science", _("Science and technology support")
    TALENT = "talent", _("Talent support")
    EDUCATION = "education", _("Education support")
    HEALTH = "health", _("Health support")
    LEGAL = "legal", _("Legal services")
    CULTURE = "culture", _("Cultural services")
    GARRISON_HELP = "garrison_help", _("Garrison help to the district")
    DEFENCE_EDUCATION = "defence_education", _("National-defence education")


class EducationBase(models.Model):
    """A national-defence education base (国防教育基地)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("run by"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("level"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("defence education base")
        verbose_name_plural = _("defence education bases")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SupportActivity(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    unit = models.ForeignKey(
        Unit, verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="+"
    )
    partners = models.ManyToManyField(
        Unit, verbose_name=_("other units"), blank=True, related_name="+"
    )
    garrison = models.ForeignKey(
        Unit,
        verbose_name=_("garrison unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    base = models.ForeignKey(
        EducationBase,
        verbose_name=_("education base"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    cost = models.DecimalField(_("cost (yuan)"), max_digits=12, decimal_places=2, default=0)
    note = models.TextField(_("note"), blank=True)
    evidence = models.ForeignKey(
        "campaigns.Evidence",
        verbose_name=_("evidence"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support activity")
        verbose_name_plural = _("support activities")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title
