"""Unit scope: a unit-scoped role sees its unit and the units below it, nothing else."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

# The queryset handed in comes back (its own class: a UnitQuerySet keeps .search()).
_QS = TypeVar("_QS", bound=QuerySet[Any, Any])
_M = TypeVar("_M", bound=Model)
# ``user`` below is Any: this bottom layer cannot name org.User, and pages pass the
# anonymous user too (it sees nothing).


def _path_field(via: str) -> str:
    return "path" if not via else f"{via}__path"


def scoped(user: Any, queryset: _QS, *, via: str | tuple[str, ...] = "unit") -> _QS:
    """Rows of ``queryset`` whose unit (reached through ``via``) the user may see.

    ``via`` is the lookup from the row to its Unit ("unit", "task__lead_unit"),
    or "" when the queryset is of units themselves; several lookups (a task's
    lead unit or any of its co-units) mean any of them. District-wide roles
    see all.
    """
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if not user.is_unit_scoped:
        return queryset
    root = user.scope_root
    if root is None:
        return queryset.none()
    if isinstance(via, str):
        return queryset.filter(**{f"{_path_field(via)}__startswith": root.path})
    # Several ways to a unit (a task's lead unit or a co-unit): match any of them
    # against the (small) set of units in scope, without joining the rows to units.
    units = type(root)._base_manager.filter(path__startswith=root.path).values("pk")
    condition = Q()
    for lookup in via:
        condition |= Q(**{f"{lookup}__in": units})
    # Through a many-to-many lookup one row can match twice: keep it once.
    return queryset.filter(pk__in=queryset.model._base_manager.filter(condition).values("pk"))


def in_scope(user: Any, unit: Any) -> bool:
    """True when ``unit`` is within what ``user`` may see."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not user.is_unit_scoped:
        return True
    root = user.scope_root
    return root is not None and unit is not None and unit.is_within(root)


def get_in_scope_or_404(
    user: Any, queryset: QuerySet[_M, Any], *, via: str | tuple[str, ...] = "unit", **lookup: Any
) -> _M:
    """One row by ``lookup``, or 404 when it does not exist or lies outside the scope."""
    try:
        return scoped(user, queryset, via=via).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
