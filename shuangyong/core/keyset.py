"""Keyset pages and estimated counts: lists of a million rows that cost the same at any size.

A page is found by where the previous one ended (the last row's sort key and id), not by
an offset, so the database walks an index from there and stops after one page; the cursor
in the link carries that key. A list ordered first by another table's order (persons by
their street's place in the tree) is read partition by partition (``partitioned_page``).
How many rows a list holds is counted exactly while it is small (the count stops after
``EXACT_BELOW`` rows); beyond that PostgreSQL's row estimate for the same query stands in,
shown as "about N".
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet, ValidationError
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
    # A forged number beyond a bigint's range is refused, not a 500 (SQLite overflows).
    if any(isinstance(v, int) and not -(2**63) < v < 2**63 for v in key):
        return None
    return direction, key


def _field(model, name: str):
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def _attname(model, name: str) -> str:
    return _field(model, name).attname


def page(
    queryset: QuerySet, *, order: tuple[str, ...], cursor: str = "", size: int = 50
) -> KeysetPage:
    """The page of ``queryset`` that ``cursor`` points at (or the first) in ``order``
    (ascending, the last column unique): one query, read from an index on ``order``
    where the cursor left it and stopped after ``size`` + 1 rows. The cursor carries the
    ``order`` columns of the row it is after or before."""
    model = queryset.model
    position = decode(cursor, order, model)
    backwards = position is not None and position[0] == "b"
    if position is not None:
        columns = tuple(F(name) for name in order)
        after = position[1]
        queryset = queryset.filter(
            TupleLessThan(columns, after) if backwards else TupleGreaterThan(columns, after)
        )
    direction = "-" if backwards else ""
    rows = list(queryset.order_by(*(direction + name for name in order))[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    return _linked(rows, model, order, backwards=backwards, more=more, moved=position is not None)


def partitioned_page(
    queryset: QuerySet,
    *,
    partition: str,
    values: list,
    order: tuple[str, ...],
    cursor: str = "",
    size: int = 50,
) -> KeysetPage:
    """The page of ``queryset`` that ``cursor`` points at (or the first), in the order of
    ``values`` (the ``partition`` column's, e.g. streets in tree order) and then ``order``
    (ascending, the last column unique) within each: a list ordered by a column of
    another table (a street's place in the tree) that an index still serves.

    One query reads the page's ids: a UNION ALL of one branch per partition from the
    cursor's on, each read from an index on (partition, *order) where the cursor left it
    and stopped after ``size`` + 1 rows; one more reads those rows (with the queryset's
    select_related and prefetches). Rows whose partition is not in ``values`` are not
    listed. The cursor carries (partition, *order) of the row it is after or before."""
    model = queryset.model
    key_names = (partition, *order)
    ranks = {value: rank for rank, value in enumerate(values)}
    position = decode(cursor, key_names, model)
    if position is not None and position[1][0] not in ranks:
        position = None  # a partition the reader may not (or no longer) list
    backwards = position is not None and position[0] == "b"
    if position is None:
        chosen = list(enumerate(values))
    elif backwards:
        chosen = list(enumerate(values))[: ranks[position[1][0]] + 1][::-1]
    else:
        chosen = list(enumerate(values))[ranks[position[1][0]] :]
    columns = tuple(F(name) for name in order)
    direction = "-" if backwards else ""
    parts, params = [], []
    for number, (rank, value) in enumerate(chosen):
        part = queryset.filter(**{partition: value})
        if number == 0 and position is not None:
            after = position[1][1:]
            part = part.filter(
                TupleLessThan(columns, after) if backwards else TupleGreaterThan(columns, after)
            )
        part = part.order_by(*(direction + name for name in order)).values_list(*order)
        try:
            sql, part_params = part[: size + 1].query.sql_with_params()
        except EmptyResultSet:  # a query Django knows to be empty (``none()``): no rows
            continue
        # (the rank is an int of ours, the branch Django's SQL with its params apart)
        parts.append(f"SELECT {rank} AS keyset_rank, b.* FROM ({sql}) b")  # noqa: S608
        params.extend(part_params)
    ids: list = []
    if parts:
        sort = ", ".join(
            f"{position_} {'DESC' if backwards else 'ASC'}"
            for position_ in range(1, len(order) + 2)
        )
        union = " UNION ALL ".join(parts)
        sql = f"SELECT * FROM ({union}) u ORDER BY {sort} LIMIT {size + 1}"  # noqa: S608
        with connections[queryset.db].cursor() as db:
            db.execute(sql, params)
            found = db.fetchall()
        ids = [row[-1] for row in found]
    more = len(ids) > size
    ids = ids[:size]
    if backwards:
        ids.reverse()
    by_id = {row.pk: row for row in queryset.filter(pk__in=ids).order_by()} if ids else {}
    rows = [by_id[pk] for pk in ids if pk in by_id]
    return _linked(
        rows, model, key_names, backwards=backwards, more=more, moved=position is not None
    )


def _linked(
    rows: list, model, names: tuple[str, ...], *, backwards: bool, more: bool, moved: bool
) -> KeysetPage:
    """The page of ``rows`` with the cursors of its neighbours: ``more`` rows lie beyond
    it in the direction read, and the reader ``moved`` from the first page."""
    result = KeysetPage(rows)
    if not rows:
        return result
    first, last = _key(model, names, rows[0]), _key(model, names, rows[-1])
    if backwards:
        result.next = encode("a", last)
        result.previous = encode("b", first) if more else ""
    else:
        result.next = encode("a", last) if more else ""
        result.previous = encode("b", first) if moved else ""
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
    """How many rows ``queryset`` holds, in the same two queries whatever its size (one
    where the database gives no estimate): an exact count that stops after
    ``exact_below`` (EXACT_BELOW) rows, and the planner's estimate for the query (EXPLAIN,
    not run), which stands in past that, never less than what was counted. Elsewhere
    than on PostgreSQL a long list is counted in full (the embedded default's lists are
    small)."""
    limit = EXACT_BELOW if exact_below is None else exact_below
    bare = queryset.order_by().values("pk")
    planned = estimate(bare)  # asked every time: the page's queries do not vary
    counted = bare[: limit + 1].count()
    if counted <= limit:
        return Count(counted)
    if planned is None:
        return Count(bare.count())
    return Count(max(planned, counted), estimated=True)


def estimate(queryset: QuerySet) -> int | None:
    """The planner's row estimate for ``queryset`` (EXPLAIN: planned, not run), or None
    where the database gives none."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    text = queryset.explain(format="json")
    if not text:  # a query Django knows to be empty (``pk__in=[]``) is not sent at all
        return 0
    plan: Any = json.loads(text)
    return int(plan[0]["Plan"]["Plan Rows"])
