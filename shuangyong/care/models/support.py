"""Certificates, holiday visits and needs: the services around the payments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shuangyong.org.models import Unit


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    LOST = "lost", _("Reported lost")
    REPLACED = "replaced", _("Replaced")


class Certificate(models.Model):
    """A preferential-treatment certificate (优待证); a reissue replaces the lost one."""

    person = models.ForeignKey(
        "care.EntitledPerson", on_delete=models.CASCADE, related_name="certificates"
    )
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    issued_on = models.DateField(_("issued"))
    status = models.CharField(
        _("status"), max_length=20, choices=CertificateStatus.choices, default="valid"
    )
    lost_on = models.DateField(_("reported lost"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.number


class OccasionKind(models.TextChoices):
    SPRING_FESTIVAL = "spring_festival", _("Spring Festival")
    ARMY_DAY = "army_day", _("1 August (Army Day)")
    NATIONAL_DAY = "national_day", _("National Day")
    OTHER = "other", _("Other")


class VisitOccasion(models.Model):
    """A round of holiday visits (走访慰问), e.g. Spring Festival 2027."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("occasion"), max_length=20, choices=OccasionKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))

    class Meta:
        verbose_name = _("visit round")
        verbose_name_plural = _("visit rounds")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name


class Visit(models.Model):
    occasion = models.ForeignKey(VisitOccasion, on_delete=models.CASCADE, related_name="visits")
    person = models.ForeignKey(
        "care.EntitledPerson",
        verbose_name=_("family visited"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    garrison = models.ForeignKey(
        Unit,
        verbose_name=_("garrison unit visited"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    visited_on = models.DateField(_("date"))
    visitors = models.CharField(_("visited by"), max_length=200)
    gifts = models.CharField(_("gifts"), max_length=200, blank=True)
    money = models.DecimalField(_("money"), max_digits=10, decimal_places=2, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(garrison__isnull=False),
                name="care_visit_has_someone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.occasion}: {self.person or self.garrison}"


class NeedSource(models.TextChoices):
    PERSON = "person", _("An entitled person")
    FAMILY = "family", _("A military family")
    GARRISON = "garrison", _("A garrison unit")


class NeedCategory(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment")
    SCHOOLING = "schooling", _("Schooling")
    MEDICAL = "medical", _("Medical care")
    HOUSING = "housing", _("Housing")
    LEGAL = "legal", _("Legal help")
    OTHER = "other", _("Other")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    PARTLY = "partly", _("Partly satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class Need(models.Model):
    """A need or complaint (诉求), handled by an assignee unit as a task with its lights."""

    audit_unit_field = "assignee"

    source = models.CharField(_("raised by"), max_length=20, choices=NeedSource.choices)
    person = models.ForeignKey(
        "care.EntitledPerson",
        verbose_name=_("entitled person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs",
    )
    garrison = models.ForeignKey(
        Unit,
        verbose_name=_("garrison unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requester = models.CharField(_("requester"), max_length=100, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=NeedCategory.choices)
    text = models.TextField(_("what is needed"))
    assignee = models.ForeignKey(
        Unit, verbose_name=_("handled by"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    satisfaction = models.CharField(
        _("satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    task = models.OneToOneField(
        "campaigns.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="need"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:40]
