"""The pieces of a search by which PostgreSQL finds its persons in an index (migration
0008) instead of reading them all, and which of them to ask the index for.

Each person's name and pinyin key are indexed by every two and every three adjacent
characters (``sy_grams``). A query asks for the persons holding some of its own pieces;
the match itself (``icontains``) still decides, so any of the query's pieces will do, and
the fewer persons hold the ones asked for, the less the index reads. Measured on a
million persons (bench/README.md, "Pieces of three"), in the index alone: one rare piece
2.5 ms; the same with a piece every person holds (the "mou" the bench's 某 gives every
name) 8.4 ms; the query's three rarest pieces 1.4 ms. Which pieces are common is what
``ANALYZE`` already counted for the index (``pg_stats.most_common_elems``), read once per
``STATS_SECONDS`` through the cache.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connections

# The indexes of migration 0008, by what they hold.
NAME_INDEX = "care_person_name_grams"
PINYIN_INDEX = "care_person_pinyin_grams"
SHORTEST = {NAME_INDEX: 1, PINYIN_INDEX: 2}  # sy_grams' second argument in each index
# Characters the pinyin search key spells out (core.pinyin.PIECES): never in the key itself.
CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")

ASKED = 3  # pieces asked for at most: each further one narrows less than it costs
COMMON = 0.1  # a piece held by more than this share is asked for only if none is rarer
PAGE = 50  # persons a search shows (care.selectors.search)
STATS_SECONDS = 600


@dataclass(frozen=True)
class Statistics:
    """What the last ``ANALYZE`` counted: the share of persons holding each of the
    index's commonest pieces, and how many persons there were (empty and 0 before)."""

    shares: dict[str, float]
    persons: float


def index_for(query: str) -> str | None:
    """The index that holds a (normalized) query's pieces: the name's for a query with a
    Chinese character, the pinyin key's (which also holds every run of letters and digits
    of the name) for one of letters and digits; none for anything else."""
    if CHINESE.search(query):
        return NAME_INDEX
    return PINYIN_INDEX if query.isascii() else None


def of(query: str, *, index: str) -> list[str]:
    """The pieces of a (normalized, space-free) query as ``sy_grams`` cuts what ``index``
    holds: the query itself if it is shorter than three characters (one only in the
    name's index), else every three adjacent characters (held by far fewer persons than
    pieces of two). None for a query the index holds no piece of that length of."""
    if len(query) < 3:
        return [query] if len(query) >= SHORTEST[index] else []
    return list(dict.fromkeys(query[i : i + 3] for i in range(len(query) - 2)))


def rarest(pieces: list[str], *, index: str, using: str) -> list[str]:
    """The few of ``pieces`` the fewest persons hold, by the index's statistics: up to
    ``ASKED``, none held by more than ``COMMON`` of the registry unless it is the rarest.
    A piece the statistics do not list is rarer than every piece they do."""
    shares = statistics(index=index, using=using).shares
    ranked = sorted(pieces, key=lambda piece: shares.get(piece, 0.0))
    return [ranked[0]] + [p for p in ranked[1:ASKED] if shares.get(p, 0.0) <= COMMON]


def finds_many(query: str, *, using: str) -> bool:
    """Whether a (normalized) query is expected to find so many persons that reading them
    one by one until ``PAGE`` are found is cheaper than finding them all through the index
    and sorting: the first reads about PAGE / share persons, the second share × persons,
    so many is a share above √(PAGE / persons) (0.7 % of a million, 7 % of ten thousand).
    A query with no pieces (one letter or digit, or one of neither Chinese nor letters
    and digits) is taken to find many: no index narrows it, and a page fills soonest so."""
    expected = expected_share(query, using=using)
    if expected is None:
        return True
    persons = statistics(index=index_for(query) or NAME_INDEX, using=using).persons
    return expected * expected * persons > PAGE


def expected_share(query: str, *, using: str) -> float | None:
    """The share of persons a (normalized) query is expected to find (``share``, by its
    index's statistics), or None for a query with no pieces (nothing to expect by)."""
    index = index_for(query)
    wanted = of(query, index=index) if index else []
    if not wanted:
        return None
    return share(wanted, statistics(index=index, using=using).shares)


def share(wanted: list[str], shares: dict[str, float]) -> float:
    """The share of persons expected to hold a query of these pieces (``of``), by its
    index's statistics: the first piece's share, then for each next piece of three the
    chance that it follows its first two characters (its share over theirs), never more
    than the rarest piece's. A piece the statistics do not list is taken to be held by
    half the least common share they list, at most 0.5 %: PostgreSQL's own guess for an
    array element its statistics do not list (``array_selfuncs.c``)."""
    floor = min(min(shares.values(), default=0.0) / 2, 0.005)

    def held(piece: str) -> float:
        return shares.get(piece, floor)

    expected = held(wanted[0])
    for piece in wanted[1:]:
        expected *= min(held(piece) / held(piece[:2]), 1.0) if held(piece[:2]) else 0.0
    return min(expected, *(held(piece) for piece in wanted))


def statistics(*, index: str, using: str) -> Statistics:
    """The index's statistics (``pg_stats.most_common_elems``) and the registry's size
    (``pg_class.reltuples``) as the last ``ANALYZE`` left them: one query, then the cache
    for ``STATS_SECONDS``. Only steers how a search is read, never what it finds."""
    key = f"care:pieces:{using}:{index}"
    known = cache.get(key)
    if known is None:
        with connections[using].cursor() as cursor:
            # An expression index's statistics are kept under the index's own name.
            cursor.execute(
                "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs,"
                " c.reltuples FROM pg_class c LEFT JOIN pg_stats s"
                " ON s.schemaname = current_schema() AND s.tablename = %s"
                " WHERE c.oid = 'care_entitledperson'::regclass",
                [index],
            )
            row = cursor.fetchone()
        shares = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
        known = Statistics(shares, max(float(row[2] or 0), 0.0) if row else 0.0)
        cache.set(key, known, STATS_SECONDS)
    return known
