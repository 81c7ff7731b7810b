"""Writes on units, people and the leading group."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from shuangyong.org.models import POSITION_ORDER, GroupPosition, LeadingGroup, Person, Unit, User

if TYPE_CHECKING:
    from shuangyong.org.forms import GroupPositionForm, LeadingGroupForm, PersonForm, UnitForm


@transaction.atomic
def save_unit(*, form: UnitForm, actor: User) -> Unit:
    """Save a validated unit form; moving a unit moves its whole subtree.

    Rules: codes and names are unique (the form checks); a unit cannot be moved
    under itself (Unit.clean); paths below it are rebuilt on a move.
    """
    return form.save()


@transaction.atomic
def save_person(*, form: PersonForm, actor: User) -> Person:
    """Save a validated person form; the unit must be within the actor's scope (form queryset)."""
    return form.save()


@transaction.atomic
def save_group(*, form: LeadingGroupForm, actor: User) -> LeadingGroup:
    """Save a leading-group term; a term cannot end before it starts (model clean)."""
    return form.save()


@transaction.atomic
def add_position(*, group: LeadingGroup, form: GroupPositionForm, actor: User) -> GroupPosition:
    """Give a person a position in ``group``; one position per person per term.

    Without an explicit order, leaders come first, then deputies, the office
    director and members, each in the order they were added.
    """
    position = form.save(commit=False)
    position.group = group
    if not position.order:
        rank = POSITION_ORDER[position.position]
        same_rank = group.positions.filter(position=position.position).count()
        position.order = rank * 100 + same_rank + 1
    position.save()
    return position


@transaction.atomic
def remove_position(*, position: GroupPosition, actor: User) -> None:
    """Take a person off the group for this term."""
    position.delete()
