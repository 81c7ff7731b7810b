"""Conscription (征兵): a campaign per half-year, its quota split across streets, and the
candidates moving through the funnel one dated step at a time (征兵工作条例, 2023)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuangyong.core.fields import EncryptedField, IdNumberField
from shuangyong.core.validators import mask_phone, normalize_phone
from shuangyong.org.models import Unit


class ConscriptionCampaign(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(
        _("half-year"), choices=[(1, _("First half")), (2, _("Second half"))]
    )
    quota = models.PositiveIntegerField(_("district quota"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conscription campaign")
        verbose_name_plural = _("conscription campaigns")
        ordering = ["-year", "-half"]
        constraints = [
            models.UniqueConstraint(fields=["year", "half"], name="defence_one_campaign_a_half")
        ]

    def __str__(self) -> str:
        return f"{self.year}年{'上' if self.half == 1 else '下'}半年征兵"


class StreetQuota(models.Model):
    campaign = models.ForeignKey(
        ConscriptionCampaign, on_delete=models.CASCADE, related_name="quotas"
    )
    street = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    quota = models.PositiveIntegerField(_("quota"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "street"], name="defence_one_quota_a_street"
            )
        ]

    def __str__(self) -> str:
        return f"{self.street_id}: {self.quota}"


class Stage(models.IntegerChoices):
    """The funnel, in order: a candidate's stage is the last one passed."""

    REGISTERED = 0, _("Registered")
    PRELIMINARY = 1, _("Passed the preliminary check")
    MEDICAL = 2, _("Passed the medical examination")
    POLITICAL = 3, _("Passed the political assessment")
    APPROVED = 4, _("Approved (定兵)")
    DISPATCHED = 5, _("Dispatched")


class CandidateStatus(models.TextChoices):
    ACTIVE = "active", _("In the funnel")
    OUT = "out", _("Out")
    RETURNED = "returned", _("Returned")


class Education(models.TextChoices):
    HIGH_SCHOOL = "high_school", _("High school or below")
    COLLEGE_STUDENT = "college_student", _("College student")
    COLLEGE_GRADUATE = "college_graduate", _("College graduate")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


COLLEGE = (Education.COLLEGE_STUDENT, Education.COLLEGE_GRADUATE, Education.POSTGRADUATE)


class Candidate(models.Model):
    campaign = models.ForeignKey(
        ConscriptionCampaign, on_delete=models.CASCADE, related_name="candidates"
    )
    name = models.CharField(_("name"), max_length=50)
    id_number = IdNumberField(
        _("resident ID number"), blind_index="id_number_index", masked_copy="id_number_masked"
    )
    id_number_index = models.CharField(max_length=64, editable=False, db_index=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    birth_date = models.DateField(_("birth date"))
    phone = EncryptedField(_("phone"), normalizer=normalize_phone, masker=mask_phone)
    street = models.ForeignKey(
        Unit, verbose_name=_("street"), on_delete=models.PROTECT, related_name="+"
    )
    education = models.CharField(_("education"), max_length=20, choices=Education.choices)
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices, default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=CandidateStatus.choices, default="active"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    noticed_on = models.DateField(_("public notice from"), null=True, blank=True)
    dispatched_on = models.DateField(_("dispatched"), null=True, blank=True)
    family_name = models.CharField(_("family member"), max_length=50, blank=True)
    family_relation = models.CharField(_("relation"), max_length=20, blank=True)
    family_id_number = IdNumberField(_("family member's ID number"))
    family_phone = EncryptedField(_("family phone"), normalizer=normalize_phone, masker=mask_phone)
    family_entitlement = models.ForeignKey(
        "care.Entitlement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    audit_ignore = ("id_number_index", "id_number_masked")
    audit_unit_field = "street"

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["street__path", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "id_number_index"], name="defence_one_candidacy_a_campaign"
            )
        ]

    def __str__(self) -> str:
        return self.name


class StepEvent(models.TextChoices):
    REGISTERED = "registered", _("registered")
    PASSED = "passed", _("passed")
    NOTICED = "noticed", _("publicly noticed")
    OUT = "out", _("out")
    RETURNED = "returned", _("returned by the army")


class CandidateStep(models.Model):
    """One dated event of a candidate: passed a stage, dropped out, publicly noticed,
    returned by the army."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="steps")
    event = models.CharField(_("event"), max_length=20, choices=StepEvent.choices)
    stage = models.PositiveSmallIntegerField(choices=Stage.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.on} {self.event} {self.stage}"
