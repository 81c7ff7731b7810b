"""Evaluation standards (考评标准): versioned trees of scored criteria.

A standard is drafted, then published (from then on immutable: its criteria
cannot be saved or deleted), then archived when a newer version replaces it.
A new version starts as a copy of an old one.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuangyong.standards import engine


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Immutable(ValidationError):
    pass


class Standard(models.Model):
    name = models.CharField(_("name"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    version = models.CharField(_("version"), max_length=50)
    effective_on = models.DateField(_("effective date"), null=True, blank=True)
    bonus_cap = models.DecimalField(_("bonus cap"), max_digits=7, decimal_places=2, default=0)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation standard")
        verbose_name_plural = _("evaluation standards")
        ordering = ["name", "-effective_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="standard_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.version}）"

    @property
    def is_editable(self) -> bool:
        return self.status == Status.DRAFT

    def tree(self) -> tuple[engine.Node, ...]:
        """The criteria as engine nodes, in the standard's order (one query)."""
        return build_tree(self.criteria.order_by("sort_key"))


def build_tree(criteria) -> tuple[engine.Node, ...]:
    """Engine nodes from criteria given in tree order (each parent before its children)."""
    children: dict[int | None, list] = {}
    items = list(criteria)
    for criterion in items:
        children.setdefault(criterion.parent_id, []).append(criterion)

    def node(criterion) -> engine.Node:
        kids = tuple(node(c) for c in children.get(criterion.pk, ()))
        rule = (
            engine.Rule(criterion.rule_type, criterion.rule_params) if criterion.rule_type else None
        )
        return engine.Node(
            criterion.code,
            criterion.title,
            criterion.points,
            None if kids else rule,
            criterion.is_bonus,
            criterion.is_veto,
            kids,
        )

    return tuple(node(c) for c in children.get(None, ()))


def sort_key(code: str) -> str:
    """ "1.10.2" → "0001.0010.0002": text order equals the standard's order."""
    return ".".join(f"{int(part):04d}" for part in code.split("."))


class Criterion(models.Model):
    """A node of the standard: a category (with children) or a scored item (a leaf)."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(_("code"), max_length=30)
    sort_key = models.CharField(max_length=120, db_index=True, editable=False)
    title = models.CharField(_("criterion"), max_length=300)
    description = models.TextField(_("scoring standard"), blank=True)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2, default=Decimal(0))
    rule_type = models.CharField(
        _("scoring rule"),
        max_length=30,
        blank=True,
        choices=[(t.value, t.value) for t in engine.RuleType],
    )
    rule_params = models.JSONField(_("rule parameters"), default=dict, blank=True)
    evidence = models.TextField(_("evidence required"), blank=True)
    is_bonus = models.BooleanField(_("bonus item"), default=False)
    is_veto = models.BooleanField(_("veto item"), default=False)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["standard", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="criterion_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        self._refuse_unless_draft()
        self.sort_key = sort_key(self.code)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_unless_draft()
        return super().delete(*args, **kwargs)

    def _refuse_unless_draft(self) -> None:
        # Asked of the database, not of a Standard object that may be stale.
        if not Standard.objects.filter(pk=self.standard_id, status=Status.DRAFT).exists():
            raise Immutable(_("A published standard cannot be changed; start a new version."))

    @property
    def depth(self) -> int:
        return self.code.count(".")

    @property
    def is_leaf(self) -> bool:
        return bool(self.rule_type) or self.is_veto
