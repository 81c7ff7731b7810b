"""Keyset pages and estimated counts: lists of a million rows that cost the same at any size.

A page is found by where the previous one ended (the last row's sort key and id), not by an
offset, so the database walks an index from there and stops after one page; the cursor in
the link carries that key. How many rows a list holds is counted exactly while it is small
(the count stops after ``EXACT_BELOW`` rows); beyond that PostgreSQL's row estimate for the
same query stands in, shown as "about N".
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import TupleGreaterThan, TupleLessThan

EXACT_BELOW = 10_000


@dataclass
class Count:
    """How many rows a list holds: exact, or (``estimated``) at least EXACT_BELOW and about
    ``value``."""

    value: int
    estimated: bool = False


@dataclass
class KeysetPage:
    """One page of rows and the cursors of its neighbours (empty when there is none)."""

    rows: list = field(default_factory=list)
    next: str = ""
    previous: str = ""

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next or self.previous)


def encode(direction: str, key: tuple) -> str:
    """The cursor of a position: "a" (rows after ``key``) or "b" (rows before it)."""
    raw = json.dumps([direction, *key], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str, order: tuple[str, ...], model) -> tuple[str, tuple] | None:
    """The direction and key a cursor carries, or None for anything this list did not
    write (a stale or tampered cursor starts at the first page; it can only ever position
    the reader within the rows the query already allows)."""
    if not cursor or len(cursor) > 1000:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, *key = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        return None
    if direction not in ("a", "b") or len(key) != len(order):
        return None
    try:
        key = tuple(
            _field(model, name).to_python(value) for name, value in zip(order, key, strict=True)
        )
    except (ValidationError, TypeError, ValueError):  # a value the field refuses
        return None
    if any(value is None for value in key):
        return None
    return direction, key


def _field(model, name: str):
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def _attname(model, name: str) -> str:
    return _field(model, name).attname


def page(queryset: QuerySet, *, order: tuple[str, ...], cursor: str = "", size: int = 50):
    """The page of ``queryset`` (in ``order``, ascending, the last column unique) that
    ``cursor`` points at, or the first page: one query of ``size`` + 1 rows (plus the
    queryset's prefetches), whatever the page's position.

    ``order`` should be served by an index whose columns are those, in that order."""
    model = queryset.model
    position = decode(cursor, order, model)
    columns = tuple(F(name) for name in order)
    backwards = position is not None and position[0] == "b"
    if position is None:
        chosen = queryset.order_by(*order)
    elif backwards:
        chosen = queryset.filter(TupleLessThan(columns, position[1]))
        chosen = chosen.order_by(*(f"-{name}" for name in order))
    else:
        chosen = queryset.filter(TupleGreaterThan(columns, position[1])).order_by(*order)
    rows = list(chosen[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    result = KeysetPage(rows)
    if not rows:  # past either end (rows deleted since): the page offers the first page
        return result
    first, last = _key(model, order, rows[0]), _key(model, order, rows[-1])
    if backwards:
        result.next = encode("a", last)
        result.previous = encode("b", first) if more else ""
    else:
        result.next = encode("a", last) if more else ""
        result.previous = encode("b", first) if position is not None else ""
    return result


def offset_page(queryset: QuerySet, *, order: tuple[str, ...], offset: int, size: int = 50):
    """The page ``offset`` rows into ``queryset`` (in ``order``), for callers that still
    number their pages; its cursors lead on by key. Costs grow with the offset."""
    model = queryset.model
    rows = list(queryset.order_by(*order)[offset : offset + size + 1])
    more = len(rows) > size
    rows = rows[:size]
    result = KeysetPage(rows)
    if rows:
        result.next = encode("a", _key(model, order, rows[-1])) if more else ""
        result.previous = encode("b", _key(model, order, rows[0])) if offset else ""
    return result


def _key(model, order: tuple[str, ...], row) -> tuple:
    return tuple(getattr(row, _attname(model, name)) for name in order)


def count(queryset: QuerySet, *, exact_below: int | None = None) -> Count:
    """How many rows ``queryset`` holds, in two queries at most whatever its size: an
    exact count that stops after ``exact_below`` (EXACT_BELOW) rows, and past that the
    planner's estimate for the query (PostgreSQL; elsewhere the rows are counted), never
    less than what was counted."""
    limit = EXACT_BELOW if exact_below is None else exact_below
    bare = queryset.order_by().values("pk")
    counted = bare[: limit + 1].count()
    if counted <= limit:
        return Count(counted)
    estimate = _estimate(bare)
    if estimate is None:
        return Count(bare.count())
    return Count(max(estimate, counted), estimated=True)


def _estimate(queryset: QuerySet) -> int | None:
    """The planner's row estimate for ``queryset`` (EXPLAIN: planned, not run), or None
    where the database gives none."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    plan: Any = json.loads(queryset.explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])
