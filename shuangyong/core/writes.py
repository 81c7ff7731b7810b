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

Each write also moves the version of the table it writes (``table_version``), or, when
the statement does not say plainly which (a WITH that writes, ALTER…), of ``ANY_TABLE``:
kept pages are checked against the tables they read (``core.pagecache``), so a login
does not end the registry's kept pages. What a block of code read is collected by
``core.cache.reading``, from the statements this watch sees.
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
ANY_TABLE = "*"  # the table of a write that does not name one plainly: every page read it
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|TRUNCATE|COPY|MERGE|ALTER|CREATE|DROP)\b", re.I)
_WITH_WRITE = re.compile(r"\b(INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM)\b", re.I)
_UNCOUNTED = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"django_session"', re.I)
_NAME = r'"?([A-Za-z_][A-Za-z0-9_]*)"?'
_WRITTEN = re.compile(
    r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|COPY)\s+"
    + _NAME
    + r"\s*(?:[(;,]|\s|$)",
    re.I,
)
# Every name after FROM or JOIN (or written to), and every quoted name a column is
# qualified with (Django's SQL: "care_visit"."date"): the tables, and now and then
# something that is not one (a function, an alias), which only makes a page wait on more.
# Raw SQL must name each table after FROM or JOIN: a list after FROM ("FROM a, b") would
# hide all but the first.
_NAMED = re.compile(
    r"\b(?:FROM|JOIN|INTO|UPDATE)\s+" + _NAME + r'|"([A-Za-z_][A-Za-z0-9_]*)"\.', re.I
)


def writes(sql: str) -> bool:
    """Whether ``sql`` may change data a page shows."""
    if _WRITE.match(sql):
        return not _UNCOUNTED.match(sql)
    return sql.lstrip()[:4].upper() == "WITH" and bool(_WITH_WRITE.search(sql))


# Updates of columns no kept page shows, only these: a login's last_login, an API token's
# last use. Counted as writes to a table of their own, which no page reads, so a
# colleague's login does not end every kept page (every page reads the accounts).
_UNSHOWN = re.compile(
    r'^\s*UPDATE\s+"(org_user)"\s+SET\s+"last_login"\s*=\s*%s\s+WHERE\s'
    r'|^\s*UPDATE\s+"(api_apitoken)"\s+SET\s+"last_used_at"\s*=\s*%s\s+WHERE\s',
    re.I,
)


def written_table(sql: str) -> str:
    """The table a writing statement writes, lower-cased, or ``ANY_TABLE`` when it does
    not say plainly (a WITH that writes, ALTER, CREATE…); an update of only a column no
    page shows (``_UNSHOWN``) writes the table's ``<table>:unshown``."""
    unshown = _UNSHOWN.match(sql)
    if unshown:
        return f"{(unshown.group(1) or unshown.group(2)).lower()}:unshown"
    found = _WRITTEN.match(sql)
    return found.group(1).lower() if found else ANY_TABLE


def tables_named(sql: str) -> set[str]:
    """The names a statement reads from or writes to, lower-cased (a superset of its
    tables: see ``_NAMED``)."""
    return {(after or qualifier).lower() for after, qualifier in _NAMED.findall(sql)}


def table_version(table: str) -> str:
    """The version key of a table's writes (``core.cache.version``)."""
    return f"table:{table}"


def written(using: str = "default", table: str = ANY_TABLE) -> None:
    """Records a write on ``using`` to ``table`` (not named: any): the data version and the
    table's move on when it commits (at once outside a transaction), and the connection
    counts it (``write_count``)."""
    _record(connections[using], table)


def _record(connection: Any, table: str) -> None:
    connection.sy_writes = getattr(connection, "sy_writes", 0) + 1
    if not connection.in_atomic_block:
        _bump({table})
        return
    hook = _hook(connection)
    if not _hook_registered(connection):
        hook.tables.clear()  # what an earlier, rolled-back transaction wrote
        connection.on_commit(hook)
    hook.tables.add(table)


def _bump(tables: set[str]) -> None:
    advance(DATA_VERSION)
    for table in sorted(tables):
        advance(table_version(table))


class _CommitHook:
    """Moves the versions on at COMMIT: the data's and those of the tables written."""

    def __init__(self):
        self.tables: set[str] = set()

    def __call__(self) -> None:
        tables, self.tables = self.tables, set()
        _bump(tables)


def _hook(connection: Any) -> _CommitHook:
    hook = getattr(connection, "sy_commit_hook", None)
    if hook is None:
        hook = connection.sy_commit_hook = _CommitHook()
    return hook


def _hook_registered(connection: Any) -> bool:
    """Whether this transaction will move the versions at COMMIT. The hook goes in at the
    transaction's first write, so the search stops at the first few entries."""
    hook = getattr(connection, "sy_commit_hook", None)
    return hook is not None and any(func is hook for _, func, _ in connection.run_on_commit)


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
        if isinstance(sql, str):
            readers = getattr(self.connection, "sy_reading", None)
            if readers:  # a block collects what it reads (core.cache.reading)
                named = tables_named(sql)
                for found in readers:
                    found.update(named)
            if writes(sql):
                _record(self.connection, written_table(sql))
        return result


def _install(sender, connection, **kwargs) -> None:
    if not any(isinstance(w, _Watch) for w in connection.execute_wrappers):
        connection.execute_wrappers.append(_Watch(connection))


def install() -> None:
    """Watches every connection opened from now on (called once, at start-up)."""
    connection_created.connect(_install, dispatch_uid="shuangyong.core.writes")
