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


class Frequency(models.TextChoices):
    """When a standard is paid: every month, or a quarter's or a year's worth at once."""

    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    YEARLY = "yearly", _("yearly lump sum")


# Months between payments, for the batch's SQL (month index modulo this).
FREQUENCY_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}


class StandardLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    LOCAL = "local", _("Local top-up")


def month_cents(amount: Decimal, per: str) -> int:
    """What a standard adds to one month, in cents: a yearly amount over 12, rounded half up."""
    cents = int((Decimal(amount) * 100).to_integral_value())
    return cents if per == Per.MONTH else (cents * 2 + 12) // 24


def pay_cents(amount: Decimal, per: str, every: int) -> int:
    """What a standard pays in a month it pays in, in cents: ``every`` months' worth (a
    yearly amount over 12 per month, a quarter of it per quarter, all of it once a year)."""
    cents = int((Decimal(amount) * 100).to_integral_value())
    if per == Per.MONTH:
        return cents * every
    return (cents * every * 2 + 12) // 24


class AllowanceStandard(models.Model):
    """One level of one amount, in force from a date; blank grade, cause or hukou mean any.

    A person's amount for a month is the sum of the levels in force on its first day.
    A quarterly or yearly standard pays a quarter's or a year's worth in one named month
    (``pay_month``: of the quarter, 1–3, or of the year, 1–12) to those payable in it, and
    nothing in the other months.
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
    frequency = models.CharField(
        _("paid"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    pay_month = models.PositiveSmallIntegerField(_("paid in month"), default=1)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Derived on save, for the batch's SQL: the months it covers, its monthly cents, and
    # what it pays in a month it pays in (month % pay_every == pay_offset).
    from_month = models.IntegerField(editable=False)
    to_month = models.IntegerField(null=True, blank=True, editable=False)
    month_cents = models.BigIntegerField(editable=False)
    pay_every = models.PositiveSmallIntegerField(default=1, editable=False)
    pay_offset = models.PositiveSmallIntegerField(default=0, editable=False)
    pay_cents = models.BigIntegerField(default=0, editable=False)
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
        if not 1 <= (self.pay_month or 0) <= FREQUENCY_MONTHS.get(self.frequency, 1) and (
            self.frequency != Frequency.MONTHLY
        ):
            raise ValidationError({"pay_month": _("No such month in the period.")})

    @property
    def month_amount(self) -> Decimal:
        return (Decimal(self.month_cents) / 100).quantize(Decimal("0.01"))

    def derive(self) -> None:
        self.from_month = months.first_full_month(self.valid_from)
        self.to_month = months.index(self.valid_to) if self.valid_to else None
        self.month_cents = month_cents(self.amount, self.per)
        every = FREQUENCY_MONTHS.get(self.frequency, 1)
        self.pay_every = every
        self.pay_offset = 0 if every == 1 else (self.pay_month or 1) - 1
        self.pay_cents = pay_cents(self.amount, self.per, every)

    @property
    def key(self) -> tuple:
        """What two standards may not share in one month (their amounts would add up)."""
        return (self.category, self.grade, self.cause, self.hukou, self.level)

    def _terms_with(self, other: AllowanceStandard) -> list[tuple]:
        return [(self.grade, other.grade), (self.cause, other.cause), (self.hukou, other.hukou)]

    def prices_alike(self, other: AllowanceStandard) -> bool:
        """Whether both would price one entitlement-month at one level: same category and
        level, and for grade, cause and hukou the same, or blank in either (a blank
        applies to all, ``payments.STANDARD_IN_FORCE``)."""
        return (self.category, self.level) == (other.category, other.level) and all(
            a in (None, "") or b in (None, "") or a == b for a, b in self._terms_with(other)
        )

    def covers(self, other: AllowanceStandard) -> bool:
        """Whether this prices every entitlement-month ``other`` prices (the same terms,
        or blank where ``other`` names one): it may replace it."""
        return (self.category, self.level) == (other.category, other.level) and all(
            a in (None, "") or a == b for a, b in self._terms_with(other)
        )

    def overlaps(self, other: AllowanceStandard) -> bool:
        """In force in a common month: both would price it."""
        end, other_end = self.to_month, other.to_month
        return (end is None or other.from_month <= end) and (
            other_end is None or self.from_month <= other_end
        )


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
    # What goes to the bank (never negative), and the overpayments it found, which
    # become recovery items (追回) when it is approved instead of negative transfers.
    total_cents = models.BigIntegerField(default=0)
    recovery_cents = models.BigIntegerField(default=0)
    # A digest of everything computing the batch read (``payments.inputs_token``), taken
    # when it was computed: approving finds it unchanged instead of computing the batch
    # again.
    inputs = models.CharField(max_length=64, blank=True, default="", editable=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Not a column: payments.compute says whether another request computed this draft
    # while the caller waited for the programme's lock.
    computed_meanwhile: bool = False

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
    def recovery_total(self) -> Decimal:
        return (Decimal(self.recovery_cents) / 100).quantize(Decimal("0.01"))

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
    # A month paid more than is now due (negative): owed back, never sent to the bank.
    RECOVERY = "recovery", _("Overpayment to recover")
    # Part of a recovery taken from this batch's payment (negative), where the rule allows.
    OFFSET = "offset", _("Offset against a recovery")
    # Funeral aid paid for a death since corrected (negative): owed back, as a recovery.
    FUNERAL_BACK = "funeral_back", _("Funeral aid to recover")


# Lines owed back: a batch's make one recovery per entitlement when it is approved.
OWED_BACK_KINDS = (LineKind.RECOVERY, LineKind.FUNERAL_BACK)

# Lines that go to the bank: the person's transfer is their sum (never below zero).
TRANSFER_KINDS = (
    LineKind.REGULAR,
    LineKind.ARREARS,
    LineKind.FUNERAL,
    LineKind.ADJUSTMENT,
    LineKind.OFFSET,
)


class BatchLine(models.Model):
    """What one entitlement is paid for one month in one batch (the ledger's row)."""

    # Lines are inserted in set-based SQL and replaced wholesale; the batch's own events
    # (computed, approved, discarded) are the trail.
    audited_through = "parent"

    # A batch writes a line per person each month, so every index and every foreign-key
    # check is paid a million times a batch (bench/README.md has the figures):
    # - no database constraint on batch, entitlement, person or recovery: PostgreSQL checks each
    #   line's keys one row at a time at COMMIT (about 5 µs per line per key, and it locks
    #   every entitlement row it checks). Integrity rests on the only writer: lines are
    #   inserted by ``payments.compute`` alone, in the transaction that saved their batch,
    #   from a join over the entitlement (or recovery) table, so every key exists
    #   when written; Django's ``on_delete`` still cascades from a batch and protects an
    #   entitlement (and through it its person) or a recovery that has lines.
    # - the indexes lead with what grows at the right edge: a new batch's id, or the
    #   month (a month's lines are written after the earlier months'), so writing a batch
    #   touches the few hot pages at the end of each index, not random pages of an index
    #   over every line ever paid.
    batch = models.ForeignKey(
        PaymentBatch,
        on_delete=models.CASCADE,
        related_name="lines",
        db_index=False,
        db_constraint=False,
    )
    entitlement = models.ForeignKey(
        "care.Entitlement",
        on_delete=models.PROTECT,
        related_name="lines",
        db_index=False,
        db_constraint=False,
    )
    person = models.ForeignKey(
        "care.EntitledPerson",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    month = models.IntegerField()
    kind = models.CharField(max_length=20, choices=LineKind.choices)
    amount_cents = models.BigIntegerField()
    # The recovery an offset line repays.
    # (Few lines have one: indexed where set, no database constraint, as above.)
    recovery = models.ForeignKey(
        "care.Recovery",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        indexes = [
            # A batch's lines, and what approved batches paid for the months a batch
            # computes (without the month, the ledger's part of a monthly batch read every
            # line of the year's batches). (No (batch, person) index: nothing looks up one
            # person in a batch, and it was the one index a batch wrote at random places.)
            models.Index(fields=["batch", "month"]),
            # What was paid for a range of months (reports), and for an entitlement in a
            # month. Month first: (entitlement, month) put each new line on a random page
            # of an index of every line ever paid (1.6 s of a 350,000-line batch).
            models.Index(fields=["month", "entitlement"], name="care_line_month_ent"),
            # Whether an entitlement's funeral aid was paid, and not taken back since.
            models.Index(
                fields=["entitlement"],
                condition=Q(kind__in=["funeral", "funeral_back"]),
                name="care_line_funeral",
            ),
            models.Index(
                fields=["recovery"],
                condition=Q(recovery__isnull=False),
                name="care_line_recovery",
            ),
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


class Confirmations(models.TextChoices):
    WARN = "warn", _("Warn: pay and list the unconfirmed")
    HOLD = "hold", _("Hold: pay only once confirmed, then with arrears")


class ProgrammeRule(models.Model):
    """How one programme is paid: the yearly-confirmation rule and whether recoveries may be
    offset against later payments. Its row is also the programme's lock: computing and
    approving take it first, so batches of one programme are decided one at a time."""

    programme = models.CharField(
        _("programme"), max_length=20, choices=Programme.choices, unique=True
    )
    confirmation = models.CharField(
        _("unconfirmed persons"), max_length=10, choices=Confirmations.choices,
        default=Confirmations.WARN,
    )  # fmt: skip
    grace_months = models.PositiveSmallIntegerField(
        _("grace months"),
        default=3,
        help_text=_("Months at the start of a year in which last year's confirmation counts."),
    )
    offset_recoveries = models.BooleanField(
        _("offset recoveries against later payments"), default=False
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("programme rule")
        verbose_name_plural = _("programme rules")
        ordering = ["programme"]

    def __str__(self) -> str:
        return self.get_programme_display()


class RecoveryState(models.TextChoices):
    OPEN = "open", _("To recover")
    PARTLY = "partly", _("Partly recovered")
    RECOVERED = "recovered", _("Recovered")
    WRITTEN_OFF = "written_off", _("Written off")


class Recovery(models.Model):
    """An overpayment owed back (追回): found by a batch, established when it is approved.

    The ledger already counts it (the batch's negative recovery lines), so the months stay
    paid exactly what is due whatever happens to the money; this record follows the
    money: who owes it, what came back (repaid, or offset from later payments), or who
    approved writing it off and why.
    """

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="recoveries")
    entitlement = models.ForeignKey(
        "care.Entitlement", on_delete=models.PROTECT, related_name="recoveries"
    )
    person = models.ForeignKey("care.EntitledPerson", on_delete=models.PROTECT, related_name="+")
    first_month = models.IntegerField()
    last_month = models.IntegerField()
    amount_cents = models.BigIntegerField()
    reason = models.CharField(_("reason"), max_length=200)
    debtor = models.CharField(_("to be repaid by"), max_length=100)
    state = models.CharField(
        _("state"), max_length=20, choices=RecoveryState.choices, default=RecoveryState.OPEN
    )
    recovered_cents = models.BigIntegerField(default=0)
    offset_cents = models.BigIntegerField(default=0)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    closed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by every write (bulk ones too): a draft computed before may offset wrongly.
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("recovery")
        verbose_name_plural = _("recoveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "person"])]

    def __str__(self) -> str:
        return f"{self.person} {self.amount}"

    @property
    def amount(self) -> Decimal:
        return (Decimal(self.amount_cents) / 100).quantize(Decimal("0.01"))

    @property
    def outstanding_cents(self) -> int:
        if self.state == RecoveryState.WRITTEN_OFF:
            return 0
        return self.amount_cents - self.recovered_cents - self.offset_cents

    @property
    def outstanding(self) -> Decimal:
        return (Decimal(self.outstanding_cents) / 100).quantize(Decimal("0.01"))

    @property
    def back(self) -> Decimal:
        return (Decimal(self.recovered_cents + self.offset_cents) / 100).quantize(Decimal("0.01"))

    @property
    def reason_label(self) -> str:
        from shuangyong.care.models.registry import EntitlementStatus

        if self.reason == LineKind.FUNERAL_BACK:
            return _("Funeral aid paid for a death since corrected")
        if self.reason in EntitlementStatus.values and self.reason != EntitlementStatus.ACTIVE:
            return _("%(s)s recorded after the months were paid") % {
                "s": EntitlementStatus(self.reason).label
            }
        return _("Amounts lowered after the months were paid")

    @property
    def months_label(self) -> str:
        first, last = months.label(self.first_month), months.label(self.last_month)
        return first if first == last else f"{first}—{last}"
