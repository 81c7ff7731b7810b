"""Supervision (检查监督): supervision orders, inspections, snapshots."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuangyong.campaigns.models import Campaign, Task
from shuangyong.org.models import Unit
from shuangyong.standards.models import Criterion

# --- supervision orders (督办单) -----------------------------------------------------


class OrderLevel(models.TextChoices):
    GENERAL = "general", _("General")
    KEY = "key", _("Key")
    LISTED = "listed", _("Listed (挂牌)")


class OrderStatus(models.TextChoices):
    ISSUED = "issued", _("Issued, waiting to be signed for")
    ACKNOWLEDGED = "acknowledged", _("Signed for, being handled")
    RESPONDED = "responded", _("Answered, waiting for the re-check")
    CLOSED = "closed", _("Closed (销号)")


class SupervisionOrder(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="orders")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    level = models.CharField(_("level"), max_length=20, choices=OrderLevel.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit supervised"), on_delete=models.PROTECT, related_name="orders"
    )
    tasks = models.ManyToManyField(Task, verbose_name=_("tasks"), related_name="orders")
    subject = models.CharField(_("subject"), max_length=200)
    requirement = models.TextField(_("what must be done"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.ISSUED
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    proposed_by = models.CharField(_("proposed by rule"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="order_number_per_year")
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"督办〔{self.year}〕{self.number}号"

    @property
    def is_open(self) -> bool:
        return self.status != OrderStatus.CLOSED


class OrderStep(models.Model):
    """The order's history: every action, who took it, when, with what words."""

    class Action(models.TextChoices):
        ISSUE = "issue", _("Issued")
        ACKNOWLEDGE = "acknowledge", _("Signed for")
        RESPOND = "respond", _("Answered")
        SEND_BACK = "send_back", _("Sent back")
        CLOSE = "close", _("Closed")
        # Closed although a task was neither done nor backed by accepted evidence: the
        # step's text is the reason the closer gave.
        CLOSE_OVERRIDE = "close_override", _("Closed by override")

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=20, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order} {self.action}"


def order_file_path(instance, filename: str) -> str:
    """Under the order, named by content hash: no two uploads collide."""
    return f"orders/{instance.step.order_id}/{instance.sha256[:16]}-{filename}"


class OrderFile(models.Model):
    """A file the unit's answer carries (photos, agreements, ledgers), checked like evidence."""

    step = models.ForeignKey(OrderStep, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=order_file_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


# --- inspections (督查) and their findings ---------------------------------------------


class Inspection(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="inspections")
    held_on = models.DateField(_("date"))
    team = models.CharField(_("team"), max_length=300)
    units = models.ManyToManyField(Unit, verbose_name=_("units inspected"), related_name="+")
    criteria = models.ManyToManyField(
        Criterion, verbose_name=_("criteria inspected"), blank=True, related_name="+"
    )
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.team}"


class Finding(models.Model):
    """A problem an inspection found; its rectification (整改) is a task with a light."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("criterion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("finding"))
    rectification = models.OneToOneField(
        Task, null=True, on_delete=models.SET_NULL, related_name="finding"
    )

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return self.text[:50]


# --- dynamic evaluation snapshots -----------------------------------------------------


class Snapshot(models.Model):
    """The campaign's state on one day: score, categories, lights and the units' index."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="snapshots")
    taken_on = models.DateField(_("date"))
    score = models.DecimalField(max_digits=7, decimal_places=2)
    ineligible = models.BooleanField(default=False)
    categories = models.JSONField(default=dict)
    lights = models.JSONField(default=dict)
    units = models.JSONField(default=dict)

    class Meta:
        ordering = ["taken_on"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "taken_on"], name="one_snapshot_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.taken_on}"
