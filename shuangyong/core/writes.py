"""The data version: one number that moves on whenever a write to the database commits.

Every connection runs its statements through a watch (installed when it connects). A
statement that writes (INSERT, UPDATE, DELETE, TRUNCATE, COPY, MERGE, or a WITH that does
one of these) moves the ``"data"`` version of ``core.cache`` on once its transaction
commits, or at once in autocommit. Whole answers cached under that version
(``core.pagecache``) are therefore never served after any write that might change them,
whoever wrote — a web process, the worker, a management command — and without each
service having to know which pages read what it writes.

Writes that change no page are not counted: the session table (the idle timeout re-saves
a session once a minute). A write that goes round Django's cursor (psycopg's COPY in the
roster import) calls ``written()`` itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.backends.signals import connection_created

from shuangyong.core.cache import advance, cached

DATA_VERSION = "data"
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|TRUNCATE|COPY|MERGE|ALTER|CREATE|DROP)\b", re.I)
_WITH_WRITE = re.compile(r"\b(INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM)\b", re.I)
_UNCOUNTED = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"django_session"', re.I)


def writes(sql: str) -> bool:
    """Whether ``sql`` may change data a page shows."""
    if _WRITE.match(sql):
        return not _UNCOUNTED.match(sql)
    return sql.lstrip()[:4].upper() == "WITH" and bool(_WITH_WRITE.search(sql))


def _bump_data() -> None:
    advance(DATA_VERSION)


def written(using: str = "default") -> None:
    """Records a write on ``using``: the data version moves on when it commits (at once
    outside a transaction), and the connection counts it (``write_count``)."""
    _record(connections[using])


def _record(connection: Any) -> None:
    connection.sy_writes = getattr(connection, "sy_writes", 0) + 1
    if not connection.in_atomic_block:
        _bump_data()
    elif not _hook_registered(connection):
        connection.on_commit(_bump_data)


def _hook_registered(connection: Any) -> bool:
    """Whether this transaction will move the data version at COMMIT. The hook goes in at
    the transaction's first write, so the search stops at the first few entries."""
    return any(func is _bump_data for _, func, _ in connection.run_on_commit)


def write_count(using: str = "default") -> int:
    """Writes made on ``using`` by this thread so far (compare before and after)."""
    return getattr(connections[using], "sy_writes", 0)


def writes_pending(using: str = "default") -> bool:
    """Whether the open transaction on ``using`` has written and not yet committed."""
    connection = connections[using]
    return connection.in_atomic_block and _hook_registered(connection)


def cached_until_write(key_parts: tuple, compute: Callable[[], Any], timeout: int = 300) -> Any:
    """``compute()``, kept until the next committed write anywhere (or ``timeout`` s);
    computed afresh while this connection holds writes of its own not yet committed.

    Kept only where every process's writes reach the cache, which ``PAGE_CACHE`` says
    (on with Redis; the deploy check refuses it otherwise). With the per-process cache of
    the embedded default a management command (a password reset, an account disabled)
    would not end what the web process keeps: there it is computed every time."""
    if not settings.PAGE_CACHE or writes_pending():
        return compute()
    return cached(key_parts, DATA_VERSION, compute, timeout)


class _Watch:
    # Holds the connection itself: some (PostgreSQL's maintenance connection that
    # creates a test database) are not in ``connections``.
    def __init__(self, connection: Any):
        self.connection = connection

    def __call__(self, execute, sql, params, many, context) -> Any:
        result = execute(sql, params, many, context)
        if isinstance(sql, str) and writes(sql):
            _record(self.connection)
        return result


def _install(sender, connection, **kwargs) -> None:
    if not any(isinstance(w, _Watch) for w in connection.execute_wrappers):
        connection.execute_wrappers.append(_Watch(connection))


def install() -> None:
    """Watches every connection opened from now on (called once, at start-up)."""
    connection_created.connect(_install, dispatch_uid="shuangyong.core.writes")
