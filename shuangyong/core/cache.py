"""Cached values that the writes invalidate: keys carrying the version of what they derive from.

``cached(key_parts, version_key, compute, timeout)`` returns ``compute()``, stored under a
key built from ``version_key``'s current version and ``key_parts``; ``bump(version_key)``
moves that version on (at once, and again when the writing transaction commits), so
every value built on the old version is never read again (it expires by itself). A
write therefore invalidates with one cache operation, however many values (per
campaign, per unit, per page) were derived from what it changed.

Rules: name the version after the data, not the page (``"lights:campaign:7"``), and bump
it in the service that writes that data. Versions start from the clock, so a version lost
from the cache (evicted, or Redis restarted) comes back as a new one, never as an old
one whose values might still be stored. A value is kept with the tables it was made from,
and a block that takes it counts them as read (``reading``): a page made from cached
values is checked against the tables behind them (``core.pagecache``). The cache is
shared by all processes only when
it is Redis (``REDIS_URL``); with the local-memory default each process keeps its own
values and a bump reaches only the process that wrote, which is right only for the
embedded one-process server: a multi-process deployment must configure Redis.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction

VERSION_PREFIX = "version:"


def version(version_key: str) -> int:
    """The current version of ``version_key`` (started from the clock when there is none)."""
    key = VERSION_PREFIX + version_key
    current = cache.get(key)
    if current is None:
        cache.add(key, time.time_ns() // 1000, None)
        current = cache.get(key)
    return current


def cached(
    key_parts: Iterable[Any],
    version_key: str | tuple[str, ...],
    compute: Callable[[], Any],
    timeout: int | None = 300,
) -> Any:
    """``compute()``'s value for ``key_parts`` under the current version of ``version_key``
    (or of each of several: a bump of any one invalidates), computed on a miss and kept
    ``timeout`` seconds (None: until evicted).

    The value is kept beside the versions it was computed under, and read with them in
    one round trip: a hit costs one cache read however many versions it depends on."""
    keys = (version_key,) if isinstance(version_key, str) else version_key
    version_keys = [VERSION_PREFIX + k for k in keys]
    key = ":".join(["cached", *keys, *map(str, key_parts)])
    found = cache.get_many([*version_keys, key])
    versions = tuple(
        found[vk] if found.get(vk) is not None else version(k)
        for vk, k in zip(version_keys, keys, strict=True)
    )
    held = found.get(key)
    if held is not None and held[0] == versions and len(held) == 3:
        noted(held[2])  # a page made from this value read what the value was made from
        return held[1]
    with reading() as read:
        value = compute()
    cache.set(key, (versions, value, frozenset(read)), timeout)
    return value


@contextlib.contextmanager
def reading(using: str = DEFAULT_DB_ALIAS, *, with_outer: bool = False) -> Iterator[set[str]]:
    """Collects, into the set it yields, the tables the block reads on ``using``: those its
    statements name (``core.writes`` watches every statement) and those the cached values
    it takes were made from (``noted``). Blocks nest: an inner one's reads are the outer's
    too; ``with_outer`` starts the set with what the enclosing blocks have read so far."""
    connection = connections[using]
    readers = connection.__dict__.setdefault("sy_reading", [])
    found: set[str] = set().union(*readers) if with_outer else set()
    readers.append(found)
    try:
        yield found
    finally:
        # By identity: an inner block's set may equal the outer's.
        readers[:] = [other for other in readers if other is not found]


def read_so_far(using: str = DEFAULT_DB_ALIAS) -> set[str]:
    """The tables the enclosing ``reading`` blocks have collected so far."""
    return set().union(*connections[using].__dict__.get("sy_reading", ()))


def noted(tables: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> None:
    """Counts ``tables`` as read by every block collecting reads (``reading``)."""
    for found in connections[using].__dict__.get("sy_reading", ()):
        found.update(tables)


def bump(version_key: str) -> None:
    """Invalidates every value cached under ``version_key``: at once (so the writer, and a
    test inside its transaction, reads afresh) and again when the transaction commits
    (a reader in between may have cached what it read before the commit)."""
    advance(version_key)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: advance(version_key))


def advance(version_key: str) -> None:
    """Moves ``version_key`` on now, whatever transaction is open (``bump`` is the one
    services call; this is for a caller that itself runs at commit)."""
    key = VERSION_PREFIX + version_key
    try:
        cache.incr(key)
    except ValueError:  # no version yet, or evicted: any new one differs from the old
        cache.add(key, time.time_ns() // 1000, None)
