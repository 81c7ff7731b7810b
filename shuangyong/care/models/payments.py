"""Allowance standards in force by date, and payment batches: a ledger of what each
entitlement was paid for each month, so arrears and corrections are differences."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shuangyong.care import months
from shuangyong.care.categories import Category, Cause, Hukou, Programme


class Per(models.TextChoices):
    MONTH = "month", _("per month")
    YEAR = "year", _("per year")


class StandardLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    LOCAL = "local", _("Local top-up")


def month_cents(amount: Decimal, per: str) -> int:
    """What a standard adds to one month, in cents: a yearly amount over 12, rounded half up."""
    cents = int((Decimal(amount) * 100).to_integral_value())
    return cents if per == Per.MONTH else (cents * 2 + 12) // 24


class AllowanceStandard(models.Model):
    """One level of one amount, in force from a date; blank grade, cause or hukou mean any.

    A person's amount for a month is the sum of the levels in force on its first day.
    """

    category = models.CharField(_("category"), max_length=40, choices=Category.choices)
    grade = models.PositiveSmallIntegerField(_("disability grade"), null=True, blank=True)
    cause = models.CharField(_("cause"), max_length=10, choices=Cause.choices, blank=True)
    hukou = models.CharField(_("hukou"), max_length=10, choices=Hukou.choices, blank=True)
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(_("in force until"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    per = models.CharField(_("per"), max_length=10, choices=Per.choices)
    level = models.CharField(_("level"), max_length=20, choices=StandardLevel.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Derived on save, for the batch's SQL: the months it covers and its monthly cents.
    from_month = models.IntegerField(editable=False)
    to_month = models.IntegerField(null=True, blank=True, editable=False)
    month_cents = models.BigIntegerField(editable=False)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("allowance standard")
        verbose_name_plural = _("allowance standards")
        ordering = ["category", "grade", "cause", "hukou", "level", "valid_from"]
        indexes = [models.Index(fields=["category", "from_month"])]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.amount} {self.get_per_display()}"

    def save(self, *args, **kwargs) -> None:
        self.derive()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end is before the start.")})
        if self.amount is not None and self.amount < 0:
            raise ValidationError({"amount": _("An amount cannot be negative.")})

    @property
    def month_amount(self) -> Decimal:
        return (Decimal(self.month_cents) / 100).quantize(Decimal("0.01"))

    def derive(self) -> None:
        self.from_month = months.first_full_month(self.valid_from)
        self.to_month = months.index(self.valid_to) if self.valid_to else None
        self.month_cents = month_cents(self.amount, self.per)


class BatchKind(models.TextChoices):
    REGULAR = "regular", _("Regular")
    ADJUSTMENT = "adjustment", _("Adjustment")


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class PaymentBatch(models.Model):
    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=BatchKind.choices)
    period = models.CharField(_("period"), max_length=10)
    first_month = models.IntegerField()
    last_month = models.IntegerField()
    status = models.CharField(
        _("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.DRAFT
    )
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    persons = models.IntegerField(default=0)
    total_cents = models.BigIntegerField(default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        ordering = ["-first_month", "programme", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "period"],
                condition=Q(kind="regular"),
                name="care_one_regular_batch_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} {self.period} {self.get_kind_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk and self._approved_in_database():
            raise ValidationError(_("An approved batch never changes; make an adjustment batch."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._approved_in_database():
            raise ValidationError(_("An approved batch cannot be deleted."))
        return super().delete(*args, **kwargs)

    def _approved_in_database(self) -> bool:
        return PaymentBatch.objects.filter(pk=self.pk, status=BatchStatus.APPROVED).exists()

    @property
    def total(self) -> Decimal:
        return (Decimal(self.total_cents) / 100).quantize(Decimal("0.01"))

    @property
    def month_label(self) -> str:
        return months.label(self.first_month)

    @property
    def is_approved(self) -> bool:
        return self.status == BatchStatus.APPROVED


class LineKind(models.TextChoices):
    REGULAR = "regular", _("Regular")
    ARREARS = "arrears", _("Arrears")
    FUNERAL = "funeral", _("Funeral aid")
    ADJUSTMENT = "adjustment", _("Adjustment")


class BatchLine(models.Model):
    """What one entitlement is paid for one month in one batch (the ledger's row)."""

    # Lines are inserted in set-based SQL and replaced wholesale; the batch's own events
    # (computed, approved, discarded) are the trail.
    audited_through = "parent"

    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="lines")
    entitlement = models.ForeignKey(
        "care.Entitlement", on_delete=models.PROTECT, related_name="lines"
    )
    person = models.ForeignKey("care.EntitledPerson", on_delete=models.PROTECT, related_name="+")
    month = models.IntegerField()
    kind = models.CharField(max_length=20, choices=LineKind.choices)
    amount_cents = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["batch", "person"]),
            models.Index(fields=["entitlement", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} {self.entitlement_id} {self.month} {self.amount_cents}"

    def save(self, *args, **kwargs) -> None:
        if PaymentBatch.objects.filter(pk=self.batch_id, status=BatchStatus.APPROVED).exists():
            raise ValidationError(_("An approved batch never changes; make an adjustment batch."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if PaymentBatch.objects.filter(pk=self.batch_id, status=BatchStatus.APPROVED).exists():
            raise ValidationError(_("An approved batch cannot be deleted."))
        return super().delete(*args, **kwargs)

    @property
    def amount(self) -> Decimal:
        return (Decimal(self.amount_cents) / 100).quantize(Decimal("0.01"))

    @property
    def month_label(self) -> str:
        return months.label(self.month)
