"""Reads for the organisation pages; every one is scoped to what the user may see."""

from __future__ import annotations

from django.db.models import Count, Q

from shuangyong.access import scoped
from shuangyong.core.validators import parse_id
from shuangyong.org.models import Person, Unit, UnitKind, UnitQuerySet, User


def units_for(*, user: User, query: str = "") -> UnitQuerySet:
    """The units the user may see, in tree order, with their head count; one query."""
    units: UnitQuerySet = Unit.objects.annotate(
        n_people=Count("people", filter=Q(people__is_active=True))
    )
    units = scoped(user, units, via="").order_by("path")
    if query:
        units = units.search(query)
    return units


def streets_for(*, user: User) -> UnitQuerySet:
    """The active streets within the user's units, in tree order (all for district staff)."""
    streets = Unit.objects.filter(kind=UnitKind.STREET, is_active=True)
    return scoped(user, streets, via="").order_by("path")


def garrison_units() -> UnitQuerySet:
    """The active garrison units, in tree order."""
    return Unit.objects.filter(kind=UnitKind.GARRISON, is_active=True).order_by("path")


def people_for(
    *, user: User, query: str = "", unit_id: str = "", limit: int = 50
) -> tuple[list[Person], int]:
    """Up to ``limit`` people the user may see matching ``query``, and how many match."""
    people = scoped(user, Person.objects.filter(is_active=True))
    if query:
        people = people.search(query)
    if (unit := parse_id(unit_id)) is not None:
        people = people.filter(unit_id=unit)
    total = people.count()
    return list(people.select_related("unit").order_by("unit__path", "id")[:limit]), total
