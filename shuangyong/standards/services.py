"""Writes on standards: publish, archive, start a new version."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.audit.models import Action
from shuangyong.audit.services import record
from shuangyong.standards import engine
from shuangyong.standards.models import Criterion, Standard, Status

if TYPE_CHECKING:
    from shuangyong.org.models import User
    from shuangyong.standards.forms import CriterionForm


def structure_errors(criteria: list[Criterion]) -> list[str]:
    """What keeps a standard from being published: sums, rules, bonus and veto placement."""
    errors: list[str] = []
    children: dict[int | None, list[Criterion]] = {}
    for criterion in criteria:
        children.setdefault(criterion.parent_id, []).append(criterion)
    if not criteria:
        errors.append(_("the standard has no criteria"))
    for criterion in criteria:
        kids = children.get(criterion.pk, [])
        where = f"{criterion.code} {criterion.title}"
        if kids:
            total = sum((k.points for k in kids), Decimal(0))
            if total != criterion.points:
                errors.append(
                    _("%(where)s: %(points)s points, but its items add up to %(total)s")
                    % {"where": where, "points": criterion.points, "total": total}
                )
            if criterion.rule_type:
                errors.append(
                    _("%(where)s: a category is scored by its items, not a rule") % {"where": where}
                )
        elif criterion.is_veto:
            if criterion.points:
                errors.append(_("%(where)s: a veto item carries no points") % {"where": where})
        elif not criterion.rule_type:
            errors.append(_("%(where)s: an item needs a scoring rule") % {"where": where})
        else:
            errors += [
                f"{where}: {e}"
                for e in engine.validate(
                    criterion.rule_type, criterion.rule_params, criterion.points
                )
            ]
    return errors


@transaction.atomic
def publish(*, standard: Standard, actor: User) -> Standard:
    """Publish a draft; from now on it is immutable.

    Rules: only a draft; every category's points equal the sum of its items;
    every item has a valid rule; veto items carry no points.
    """
    standard = Standard.objects.select_for_update().get(pk=standard.pk)
    if standard.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    errors = structure_errors(list(standard.criteria.order_by("sort_key")))
    if errors:
        raise ValidationError(errors)
    standard.status = Status.PUBLISHED
    standard.published_at = timezone.now()
    standard.save(update_fields=["status", "published_at"])
    return standard


@transaction.atomic
def archive(*, standard: Standard, actor: User) -> Standard:
    """Archive a published standard (a newer version replaces it)."""
    standard = Standard.objects.select_for_update().get(pk=standard.pk)
    if standard.status != Status.PUBLISHED:
        raise ValidationError(_("Only a published standard can be archived."))
    standard.status = Status.ARCHIVED
    standard.save(update_fields=["status"])
    return standard


@transaction.atomic
def new_version(*, standard: Standard, version: str, actor: User) -> Standard:
    """A draft copy of ``standard`` under a new version label, criteria and all.

    Rules: the version label is given, fits its column and is new for this standard's
    name.
    """
    version = version.strip()
    if not version:
        raise ValidationError(_("Give the new version a label."))
    longest = cast(int, Standard._meta.get_field("version").max_length)  # a CharField
    if len(version) > longest:
        raise ValidationError(_("A version label has at most %(n)d characters.") % {"n": longest})
    if Standard.objects.filter(name=standard.name, version=version).exists():
        raise ValidationError(
            _("Version “%(v)s” of this standard exists already.") % {"v": version}
        )
    copy = Standard.objects.create(
        name=standard.name,
        issuer=standard.issuer,
        version=version,
        effective_on=standard.effective_on,
        bonus_cap=standard.bonus_cap,
        description=standard.description,
        copied_from=standard,
    )
    originals = list(standard.criteria.order_by("sort_key"))
    clones = [
        Criterion(
            standard=copy,
            code=c.code,
            sort_key=c.sort_key,
            title=c.title,
            description=c.description,
            points=c.points,
            rule_type=c.rule_type,
            rule_params=c.rule_params,
            evidence=c.evidence,
            is_bonus=c.is_bonus,
            is_veto=c.is_veto,
        )
        for c in originals
    ]
    Criterion.objects.bulk_create(clones)
    link_parents(copy)
    record(Action.CREATE, obj=copy, detail={"copied_from": standard.pk, "criteria": len(clones)})
    return copy


def link_parents(standard: Standard) -> None:
    """Set each criterion's parent from its code ("1.2.3" under "1.2"), in one bulk update."""
    criteria = list(standard.criteria.all())
    by_code = {c.code: c for c in criteria}
    for criterion in criteria:
        parent_code = criterion.code.rpartition(".")[0]
        criterion.parent = by_code.get(parent_code)
    Criterion.objects.bulk_update(criteria, ["parent"], batch_size=500)


def plain_number(value: Decimal) -> int | float:
    """15 rather than 15.00 or 15.0; 2.5 stays 2.5."""
    return int(value) if value == value.to_integral_value() else float(value)


def summary(standard: Standard) -> dict:
    """Counts and totals of a standard, as the import command prints them."""
    criteria = list(standard.criteria.all())
    parents = {c.parent_id for c in criteria}
    tops = [c for c in criteria if c.parent_id is None]
    return {
        "standard": standard.pk,
        "criteria": len(criteria),
        "items": sum(1 for c in criteria if c.pk not in parents),
        "total_points": plain_number(sum((c.points for c in tops if not c.is_bonus), Decimal(0))),
        "bonus_points": plain_number(sum((c.points for c in tops if c.is_bonus), Decimal(0))),
        "bonus_cap": plain_number(standard.bonus_cap),
        "veto_items": sum(1 for c in criteria if c.is_veto),
    }


@transaction.atomic
def save_criterion(*, standard: Standard, form: CriterionForm, actor: User) -> Criterion:
    """Add or change one criterion of a draft; its parent follows from its code.

    Rules: only a draft changes (Criterion.save refuses otherwise); the code is
    unique and has its parent; the rule's parameters fit the rule (the form).
    """
    criterion = form.save(commit=False)
    criterion.standard = standard
    parent_code = criterion.code.rpartition(".")[0]
    criterion.parent = standard.criteria.filter(code=parent_code).first() if parent_code else None
    if criterion.parent is not None and criterion.parent.is_bonus:
        criterion.is_bonus = True
    criterion.save()
    return criterion


@transaction.atomic
def delete_criterion(*, criterion: Criterion, actor: User) -> None:
    """Delete a criterion of a draft and everything below it."""
    criterion.delete()
