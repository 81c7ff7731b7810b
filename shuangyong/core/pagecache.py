"""Whole answers kept for the session that asked, until what they read in the database changes.

``@whole_page`` marks a read-only page (``whole_answer`` wraps an API list) whose 200
answer is kept in the shared cache under a key made of:

- today's date, so lights and deadlines that turn with the day turn;
- who asks: the session (its key; what it holds is checked against what it held when
  the answer was made: the user, the second factor) or the API token; for a page of people
  not logged in (``anonymous=True``: the login page) without a session, one answer for all;
- the request: its full path, the language and the htmx headers that choose a fragment;

and is served only while no table it read has been written since it was made: each
committed write, in any process, moves the data version and then its table's version on
(``core.writes``), and the answer is kept with the data version read before it was made
and the versions of the tables its making read, through its statements or through the
cached values it took (``core.cache.reading``; see ``_made_under``). While the data
version has not moved, that is the whole check; after a write, the tables' versions are
read and compared. An answer is never served after a write that might change it, and a
write that cannot change it (a person saved, for the campaign's pages) leaves it.

A page marked ``shared`` (it reads nothing of who asks but their role and units) is
also kept once for everyone with the same view, with the layout's personal parts as
holes filled for each answer (the section "pages shared by everyone with the same view"
below).

Pages are looked up and kept by two middlewares (``KeptPageLookupMiddleware`` before the
idle timeout, ``KeptPageMiddleware`` after it). The lookup reads the kept answer and the
data version in the same round trip as the session (``core.sessions``). A hit is served
after the session, language, form-token and idle-timeout middleware have run, and
without loading the user or running the middleware, decorators and view below it:
every decision those make (the user still active with this password, the second
factor, the page's role and scope checks) reads only the session, which is the same as
when the answer was made, and the database, a change to which is a write. What depends
on time is decided before: the idle timeout, the session's expiry, the day. The
answer is kept with the headers the inner middleware added (``X-Frame-Options``), and
the outer middleware handles it as any answer (cookies, ``Vary``, the security headers).

The page's form token is kept as a placeholder and replaced, on every answer, by a token
of the asker's own CSRF cookie (a new cookie when there is none), exactly as rendering
would; an answer with a token where this does not find it is not kept.

What it does not vary on is time within the day: an answer is kept at most
``PAGE_CACHE_SECONDS`` (60 s), which bounds how late an hour-based label may be.

Not kept: answers other than 200, answers during whose making anything was written (the
page wrote, so serving it again would skip the write: an audit entry, say) or the session
changed, requests with flash messages waiting (they are shown once), and anything while
the connection holds uncommitted writes. Only pages that show masked ID numbers are
cached; a reveal is its own request and is never kept. A page that shows what the
database keeps encrypted (a person's phone) is kept sealed with the same key
(``sealed=True``), so the cache never holds in clear what the database does not.

The cache must be shared (Redis) when several processes serve: with the per-process
local-memory cache a write in one process would not reach another's answers, so
``PAGE_CACHE`` defaults to on only with Redis.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
import time
import zlib
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from shuangyong.core import crypto
from shuangyong.core.cache import VERSION_PREFIX, noted, read_so_far, reading, version
from shuangyong.core.writes import (
    ANY_TABLE,
    DATA_VERSION,
    table_version,
    write_count,
    writes_pending,
)

# Session entries that change without changing any page: the idle timeout's stamp.
_SESSION_NOISE = frozenset({"_last_activity"})
HIT_HEADER = "X-Sy-Page-Cache"  # on answers served from the cache (for operators, tests)
SEAL_CONTEXT = "pagecache"  # bound into each sealed page as associated data
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "HX-Trigger", "Cache-Control")
# Set by the outer middleware on every answer (hit or not), or by the shared path for
# this answer alone: not kept.
_UNKEPT_HEADERS = frozenset({"content-length", HIT_HEADER.lower()})


def enabled() -> bool:
    return bool(getattr(settings, "PAGE_CACHE", False))


DATA_KEY = VERSION_PREFIX + DATA_VERSION


@functools.cache
def _table_keys() -> dict[str, str]:
    """The version key of every table the models have (with the many-to-many ones)."""
    from django.apps import apps

    tables = {m._meta.db_table.lower() for m in apps.get_models(include_auto_created=True)}
    return {t: VERSION_PREFIX + table_version(t) for t in sorted(tables)}


def _version_keys(tables: Iterable[str]) -> dict[str, str]:
    """The version keys of those of ``tables`` that are tables (and of ``ANY_TABLE``,
    which every answer waits on): a name read that is not a table is let go."""
    known = _table_keys()
    keys = {t: known[t] for t in tables if t in known}
    keys[ANY_TABLE] = VERSION_PREFIX + table_version(ANY_TABLE)
    return keys


# Beside a session's kept page: the data version it was last found current at, by its
# tables' versions. Read with the page, it spares every later answer under that data
# version the read of the tables' versions (at a write a second, every answer).
_CHECKED = ":checked"


def _current(
    entry: dict[str, Any] | None,
    data_version: int,
    checked: tuple | None = None,
    key: str | None = None,
) -> bool:
    """Whether a kept entry still holds: made under this data version (nothing written
    since: one comparison) or found current at it before (``checked``, which names the
    entry it was found for: another kept since under the key is checked afresh), or else
    under the versions its tables still have (one more read of those; then noted beside
    the entry under ``key``, for the next answers)."""
    if entry is None or "tables" not in entry:
        return False
    if entry["data"] == data_version or checked == _checked(entry, data_version):
        return True
    tables = entry["tables"]
    keys = _version_keys(tables)
    found = cache.get_many(list(keys.values()))
    current = all(found.get(k) == tables.get(t) for t, k in keys.items())
    if current and key is not None:
        # Sound as the entry itself: versions only move on, and a write moves the data
        # version before its tables', so these versions held at the data version read
        # before them.
        cache.set(key + _CHECKED, _checked(entry, data_version), settings.PAGE_CACHE_SECONDS)
    return current


def _checked(entry: dict[str, Any], data_version: int) -> tuple:
    return (entry["data"], entry.get("made"), data_version)


def _made_under(read: set[str], data_version: int) -> dict[str, int] | None:
    """The versions of the tables a making read, or None when they cannot be vouched for.
    Read after the making, they are those it was made under only if nothing was written
    since before it: the data version, which every write moves before its tables'
    (``core.writes``), is still the one read before. A table with no version yet is
    given one, and the data version read again."""
    keys = _version_keys(read)
    found = cache.get_many([DATA_KEY, *keys.values()])
    if found.get(DATA_KEY) != data_version:
        return None
    missing = [t for t, key in keys.items() if found.get(key) is None]
    if missing:
        for table in missing:
            found[keys[table]] = version(table_version(table))
        if cache.get(DATA_KEY) != data_version:
            return None
    return {t: found[key] for t, key in keys.items()}


def _data_version(found: dict[str, Any]) -> int:
    current = found.get(DATA_KEY)
    return current if current is not None else version(DATA_VERSION)


@dataclasses.dataclass(frozen=True)
class KeptWhole:
    """How a page is kept: ``sealed`` (encrypted in the cache), ``anonymous`` (also for
    people not logged in), ``shared`` (made once for everyone with the same view)."""

    sealed: bool = False
    anonymous: bool = False
    shared: bool = False
    by_session: tuple[str, ...] = ()  # what a shared page reads of the session
    # Whom a shared page shows their own work (a to-do that leaves out what they did):
    # theirs is made and kept for them alone.
    personal: Callable[[Any], bool] | None = None


@dataclasses.dataclass
class _Lookup:
    kind: KeptWhole
    key: str
    session_key: str | None
    data_version: int
    entry: dict[str, Any] | None
    checked: tuple | None = None  # the data version the entry was last found current at
    keep: bool = False  # set by the view when it ran for someone it may be kept for


def _held(session: Any) -> str:
    """A digest of what a session holds that may change a page (all but the idle
    timeout's stamp): the user and their password's hash, the second factor, messages."""
    items = sorted((k, repr(v)) for k, v in session.items() if k not in _SESSION_NOISE)
    return hashlib.sha256(repr(items).encode()).hexdigest()


# Settings that change who may see a page. A session's password hash is checked under the
# keys: a rotation ends every session, so it must end every kept page too. A second factor
# newly required sends its roles to enrol first, which a kept page would skip: the
# middleware that asks for it runs after kept pages are served.
_DEPLOYMENT_SETTINGS = (
    "SECRET_KEY",
    "SECRET_KEY_FALLBACKS",
    "TOTP_REQUIRED_ROLES",
    "TOTP_FOR_PERSONAL_DATA",
)


def _deployment() -> str:
    values = repr([getattr(settings, name, None) for name in _DEPLOYMENT_SETTINGS])
    return _digest_of(values)


@functools.lru_cache(maxsize=4)
def _digest_of(values: str) -> str:
    return hashlib.sha256(values.encode()).hexdigest()[:16]


def _key(request: HttpRequest, who: str) -> str:
    headers = sorted((k, v) for k, v in request.headers.items() if k.lower().startswith("hx-"))
    basis = repr(
        (
            _deployment(),
            who,
            translation.get_language(),
            request.method,
            request.get_full_path(),
            headers,
        )
    )
    digest = hashlib.sha256(basis.encode()).hexdigest()
    return f"page:{timezone.localdate().isoformat()}:{digest}"


def _messages_waiting(request: HttpRequest) -> bool:
    """Flash messages left for this request, in the cookie or the session (read before the
    message middleware runs, or by counting its storage, which does not mark them shown)."""
    storage = getattr(request, "_messages", None)
    if storage is not None:
        return len(storage) > 0
    session = getattr(request, "session", None)
    return CookieStorage.cookie_name in request.COOKIES or (
        session is not None and SessionStorage.session_key in session
    )


# The page's form token (one per rendering: the template context makes it once), kept as
# this placeholder and replaced on every answer by a token of the asker's own cookie.
_TOKEN = re.compile(rb'(?:name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]{64})"')
_TOKEN_PLACEHOLDER = b"\x00sy-form-token\x00"


def _entry(
    request: HttpRequest,
    response: HttpResponse,
    data_version: int,
    tables: dict[str, int],
    sealed: bool,
    headers: dict[str, str],
    held: str | None = None,
) -> dict[str, Any] | None:
    """What is kept of ``response``, or None when it cannot be kept safely."""
    content = response.content
    found = _TOKEN.search(content)
    if found:
        content = content.replace(found.group(1), _TOKEN_PLACEHOLDER)
    elif request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or response.cookies:
        return None  # a token went somewhere this does not recognise: not shareable
    kept: bytes | str = content
    if sealed:
        # Compressed first: SM4 in software is the cost of a hit, and pages shrink 4–5×.
        kept = crypto.encrypt_bytes(zlib.compress(content, 1), context=SEAL_CONTEXT)
    return {
        "content": kept,
        "headers": headers,
        "data": data_version,
        "tables": tables,
        "held": held,
        "made": time.time(),
    }


def _answer(
    request: HttpRequest,
    entry: dict[str, Any],
    *,
    headers: dict[str, str] | None = None,
    fills: dict[str, str] | None = None,
) -> HttpResponse | None:
    """The kept answer with the asker's own form token, or None if it no longer opens.
    For a shared page, ``fills`` are the asker's own parts and ``headers`` those their
    session's answer was kept with."""
    content = entry["content"]
    if isinstance(content, str):  # sealed
        try:
            content = zlib.decompress(crypto.decrypt_bytes(content, context=SEAL_CONTEXT))
        except (crypto.DecryptionError, zlib.error):  # a key since retired: make it again
            return None
    if fills is not None:
        content = _with_fills(content, fills)
        if _HOLE_MARK in content:  # a part this asker's fills do not have: make it
            return None
    if _TOKEN_PLACEHOLDER in content:
        # As rendering would: a token of the cookie's secret (a new cookie if none).
        content = content.replace(_TOKEN_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content)
    for name, value in (entry["headers"] if headers is None else headers).items():
        response[name] = value
    response[HIT_HEADER] = "hit"
    return response


def _keepable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        # The CSRF cookie (set by a view's own csrf_protect) is set again on every answer.
        and set(response.cookies) <= {settings.CSRF_COOKIE_NAME}
    )


# --- pages: the two middlewares and the decorator that marks a page ----------------------


def _kind(request: HttpRequest) -> KeptWhole | None:
    """How the page at this address is kept, or None if it is not (resolved as the handler
    will resolve it; on a hit the handler never runs)."""
    return _kind_at(getattr(request, "urlconf", None) or settings.ROOT_URLCONF, request.path_info)


@functools.lru_cache(maxsize=4096)
def _kind_at(urlconf: str, path: str) -> KeptWhole | None:
    try:
        match = resolve(path, urlconf=urlconf)
    except Resolver404:
        return None
    return getattr(match.func, "kept_whole", None)


class KeptPageLookupMiddleware:
    """Reads the kept answer for a GET of a page marked ``@whole_page``, with the session
    and the data version in one round trip. Goes before anything reads the session (the
    idle timeout), after the session and language middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if enabled() and request.method in ("GET", "HEAD") and not writes_pending():
            kind = _kind(request)
            # Without a session only a page for people not logged in can have been kept.
            has_session = request.session.session_key is not None  # type: ignore[attr-defined]
            if kind is not None and (has_session or kind.anonymous):
                request._kept_page = _look_up(request, kind)  # type: ignore[attr-defined]
        return self.get_response(request)


def _look_up(request: HttpRequest, kind: KeptWhole) -> _Lookup:
    session = request.session  # type: ignore[attr-defined]
    session_key = session.session_key
    key = _key(request, f"session:{session_key}" if session_key else "anonymous")
    load_along = getattr(session, "load_along", None)
    keys = [DATA_KEY, key, key + _CHECKED]
    if session_key and load_along is not None and settings.SESSION_CACHE_ALIAS == "default":
        found = load_along(keys)
    else:
        found = cache.get_many(keys)
    return _Lookup(
        kind, key, session_key, _data_version(found), found.get(key), found.get(key + _CHECKED)
    )


class KeptPageMiddleware:
    """Serves the kept answer the lookup found, if it is still current and the session
    holds what it held when the answer was made; otherwise lets the page answer and keeps
    that answer if the page marked it keepable. Goes right after the idle timeout."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lookup: _Lookup | None = getattr(request, "_kept_page", None)
        if lookup is None or _messages_waiting(request):
            return self.get_response(request)
        session = request.session  # type: ignore[attr-defined]
        held = _held(session)
        entry = lookup.entry
        # The session first: an answer kept for what it no longer holds is not looked at.
        if (
            entry is not None
            and entry["held"] == held
            and session.session_key == lookup.session_key
        ):
            answer = None
            if _current(entry, lookup.data_version, lookup.checked, lookup.key):
                answer = _answer(request, entry, fills=entry.get("fills"))
            elif "shared" in entry:
                answer = _referenced(request, lookup.key, entry, lookup.data_version)
            if answer is not None:
                return answer
        before = write_count()
        with reading() as read:
            response = self.get_response(request)
        if (
            lookup.keep
            and _keepable(response)
            and write_count() == before
            and not writes_pending()
            and session.session_key == lookup.session_key
            and _held(session) == held
        ):
            headers = {
                name: value
                for name, value in response.items()
                if name.lower() not in _UNKEPT_HEADERS
            }
            tables = _made_under(read, lookup.data_version)
            shared_from = getattr(request, "_shared_from", None)
            kept = None
            if tables is not None and shared_from is not None:
                kept = _copy_of_shared(shared_from, lookup.data_version, tables, headers, held)
            elif tables is not None:
                kept = _entry(
                    request,
                    response,
                    lookup.data_version,
                    tables,
                    lookup.kind.sealed,
                    headers,
                    held,
                )
            if kept is not None:
                cache.set(lookup.key, kept, _left(kept))
        return response


def whole_page(
    view: Callable[..., HttpResponse] | None = None,
    *,
    sealed: bool = False,
    anonymous: bool = False,
    shared: bool = False,
    by_session: tuple[str, ...] = (),
    personal: Callable[[Any], bool] | None = None,
) -> Any:
    """Marks a read-only page whose answer is kept per session until the next write
    (module docstring): the middlewares look it up and keep it.

    Put it innermost, under the view's login and permission decorators: the answer is kept
    only if the view ran (they let it through) for a person logged in with this session,
    or, with ``anonymous=True``, for anyone not logged in (the login page). ``sealed=True``
    for a page that shows what the database encrypts (a person's phone): it is kept
    encrypted with the data key (SM4-GCM), as the column is. ``shared=True`` for a page
    that depends on who asks only through their role and units (``viewer``) and the
    session entries named in ``by_session`` (the campaign chosen): it is made once for
    all of them, with the layout's personal parts left as holes (below). ``personal``
    names whom it shows their own work (``personal(user)`` true): theirs is not shared."""
    kind = KeptWhole(
        sealed=sealed, anonymous=anonymous, shared=shared, by_session=by_session, personal=personal
    )

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            lookup: _Lookup | None = getattr(request, "_kept_page", None)
            if lookup is not None:
                # Someone logged in only under their session's key (never "anonymous");
                # the middleware checks that the key did not change during the request.
                authenticated = request.user.is_authenticated
                lookup.keep = lookup.session_key is not None if authenticated else anonymous
                if shared and lookup.keep and authenticated:
                    return _shared(request, kind, lambda: view(request, *args, **kwargs))
            return view(request, *args, **kwargs)

        # Copied onto the decorators outside this one by their functools.wraps.
        wrapper.kept_whole = kind  # type: ignore[attr-defined]
        return wrapper

    return decorate if view is None else decorate(view)


# --- pages shared by everyone with the same view -------------------------------------------
#
# Fifty people of the district office opening the task list see the same page but for
# their name and their unread notifications in the top bar. A page marked ``shared`` is
# made once for all who share its ``viewer`` (role, scope, own unit: everything the
# access rules and the page read of who asks) and kept like a session's page, with the
# layout's personal parts as holes that each answer fills for its asker. The shared
# path runs inside the view's decorators, after the login, the second factor and the
# role check have passed for this request; the answer then goes out through the
# session's own keeping, which holds the shared page with the asker's parts beside it.
# After a write to what the shared page read, the session's copy is answered from the
# shared page made again since, while what else the copy read (its own tables) holds
# (``_referenced``): a write costs one making per view, not one per session. Making it
# is single-flight: after a write, one request makes the page and the others wait for
# it (without using a core) rather than all making it at once.

_HOLES: dict[str, Callable[[HttpRequest], str]] = {}
_MAKING_WAIT = 2.0  # seconds others wait for the one making a shared page
_MAKING_POLL = 0.01


_HOLE_MARK = b"\x00sy-hole:"


def _hole(name: str) -> bytes:
    return _HOLE_MARK + f"{name}\x00".encode()


def hole(name: str, fill: Callable[[HttpRequest], str]) -> None:
    """Registers a personal part of the layout: ``fill(request)`` gives the HTML each
    answer of a shared page puts in its place (the asker's name, their bell)."""
    _HOLES[name] = fill


def holes(request: HttpRequest) -> dict[str, SafeString] | None:
    """The placeholders the layout shows instead of its personal parts while a shared page
    is being made for ``request``; None otherwise (the layout shows them as they are)."""
    if not getattr(request, "_making_shared", False):
        return None
    # Our own constant markers (a NUL no stored text holds), not text anyone typed.
    return {name: SafeString(_hole(name).decode()) for name in _HOLES}


def viewer(user: Any, kind: KeptWhole | None = None) -> str:
    """What a shared page may depend on of who asks: the role and the units the access
    rules read (the scope's root and one's own unit); the person too where the page shows
    them their own work (``KeptWhole.personal``)."""
    unit = user.unit
    view = f"viewer:{user.role}:{user.scope_unit_id or ''}:{unit.pk if unit else ''}"
    if kind is not None and kind.personal is not None and kind.personal(user):
        view += f":person:{user.pk}"
    return view


def _with_fills(content: bytes, fills: dict[str, str]) -> bytes:
    for name, value in fills.items():
        content = content.replace(_hole(name), value.encode())
    return content


def _filled(
    request: HttpRequest,
    response: HttpResponse,
    key: str,
    shared: dict[str, Any] | None,
    asker: set[str],
) -> HttpResponse:
    """``response`` with the asker's own parts in its holes. When it came from (or was
    kept as) the shared page ``shared`` under ``key``, the session keeps that page with
    these parts (``_copy_of_shared``), and what the asker's request read before the view
    (``asker``: the account, its units, the second factor) and for the parts as its own."""
    if response.streaming or _HOLE_MARK not in response.content:
        return response
    with reading() as read:
        fills = {
            name: fill(request) for name, fill in _HOLES.items() if _hole(name) in response.content
        }
    response.content = _with_fills(response.content, fills)
    if shared is not None:
        request._shared_from = (key, shared, fills, asker | read)  # type: ignore[attr-defined]
    return response


def _shared_answer(request: HttpRequest, key: str, asker: set[str]) -> HttpResponse | None:
    found = cache.get_many([DATA_KEY, key])
    entry = found.get(key)
    if not _current(entry, _data_version(found)):
        return None
    answer = _answer(request, entry)  # type: ignore[arg-type]
    if answer is None:
        return None
    # The session's page made from this one waits on what this one was made from.
    noted(entry["tables"])  # type: ignore[index]
    answer[HIT_HEADER] = "shared"
    return _filled(request, answer, key, entry, asker)


def _copy_of_shared(
    shared_from: tuple[str, dict[str, Any], dict[str, str], set[str]],
    data_version: int,
    tables: dict[str, int],
    headers: dict[str, str],
    held: str,
) -> dict[str, Any]:
    """What a session keeps of a shared page answered to it: the shared page as kept (its
    holes, its seal), the asker's own parts, and which of the tables the answer read are
    its own rather than the shared page's (``_referenced``): all it read but through the
    shared page, and whatever the asker's account and parts read, even if the shared page
    read it too (a role changed must end the copy, whoever makes the shared page again)."""
    key, shared, fills, asker = shared_from
    own = frozenset(t for t in tables if t not in shared["tables"] or t in asker)
    own |= {ANY_TABLE}
    return {
        "content": shared["content"],
        "headers": headers,
        "data": data_version,
        "tables": tables,
        "held": held,
        "made": shared.get("made"),
        "shared": key,
        "fills": fills,
        "own": own,
    }


def _referenced(
    request: HttpRequest, key: str, entry: dict[str, Any], data_version: int
) -> HttpResponse | None:
    """A session's copy of a shared page made stale by a write to what the shared page
    read: the shared page as it is now (made again since by anyone with this view), with
    the asker's own parts, if what else the copy read (its own tables) is current. The
    copy is then renewed from it, so the next answer is one read again."""
    shared = cache.get(entry["shared"])
    own = {t: entry["tables"][t] for t in entry["own"]}
    if not _current(shared, data_version) or not _current(
        {"data": entry["data"], "tables": own}, data_version
    ):
        return None
    answer = _answer(request, shared, headers=entry["headers"], fills=entry["fills"])  # type: ignore[arg-type]
    if answer is not None:
        # Both parts' versions were just found current at this data version (as a
        # checked entry is: ``_current``).
        renewed = {
            **entry,
            "content": shared["content"],  # type: ignore[index]
            "data": data_version,
            "tables": {**own, **shared["tables"]},  # type: ignore[index]
            "made": shared.get("made"),  # type: ignore[union-attr]
        }
        cache.set(key, renewed, _left(renewed))
    return answer


def _left(entry: dict[str, Any]) -> int:
    """How long more an entry may be kept: ``PAGE_CACHE_SECONDS`` from its making (the
    bound on an hour-based label), however many copies were made of it since."""
    made = entry.get("made") or time.time()  # (kept by a version without "made": from now)
    return max(1, round(made + settings.PAGE_CACHE_SECONDS - time.time()))


def _shared(
    request: HttpRequest, kind: KeptWhole, make: Callable[[], HttpResponse]
) -> HttpResponse:
    """The page for everyone with the asker's view: kept, or made once and kept."""
    if _messages_waiting(request) or writes_pending():
        return make()  # the layout shows the messages: this answer is the asker's own
    session = request.session  # type: ignore[attr-defined]
    chosen = [(name, session.get(name)) for name in kind.by_session]
    key = _key(request, f"{viewer(request.user, kind)}:{chosen!r}")
    asker = read_so_far()  # the account, its units, its second factor: the asker's own
    answer = _shared_answer(request, key, asker)
    if answer is not None:
        return answer
    making = f"{key}:making"
    mine = cache.add(making, 1, timeout=int(_MAKING_WAIT * 5))
    if not mine:
        deadline = time.monotonic() + _MAKING_WAIT
        while time.monotonic() < deadline:
            time.sleep(_MAKING_POLL)
            answer = _shared_answer(request, key, asker)
            if answer is not None:
                return answer
            if cache.get(making) is None:  # made but not keepable, or failed: make it here
                break
    kept = None
    # The version read before the asker's account was loaded: a write committed since,
    # while the account was read or another request made the page, is not in what this
    # making counts as read before the view.
    data_version = request._kept_page.data_version  # type: ignore[attr-defined]
    try:
        before, held = write_count(), _held(session)
        request._making_shared = True  # type: ignore[attr-defined]
        try:
            # What was read before the view (the user and their unit, in the layout) counts.
            with reading(with_outer=True) as read:
                response = make()
        finally:
            request._making_shared = False  # type: ignore[attr-defined]
        # A making that changed the session (a campaign chosen) is this asker's alone: an
        # answer from the kept page would not change theirs.
        if (
            _keepable(response)
            and write_count() == before
            and not writes_pending()
            and _held(session) == held
        ):
            tables = _made_under(read, data_version)
            if tables is not None:
                headers = {
                    name: value
                    for name, value in response.items()
                    if name.lower() not in _UNKEPT_HEADERS
                }
                kept = _entry(request, response, data_version, tables, kind.sealed, headers)
                if kept is not None:
                    cache.set(key, kept, settings.PAGE_CACHE_SECONDS)
    finally:
        if mine:
            cache.delete(making)
    return _filled(request, response, key, kept, asker)


# --- API lists ----------------------------------------------------------------------------


def _serve(request: HttpRequest, who: str, make: Callable[[], HttpResponse]) -> HttpResponse:
    if request.method not in ("GET", "HEAD") or writes_pending() or _messages_waiting(request):
        return make()
    key = _key(request, who)
    # The data version and the kept answer in one round trip (``_current`` reads the
    # answer's tables' versions only after a write).
    found = cache.get_many([DATA_KEY, key, key + _CHECKED])
    data_version = _data_version(found)
    entry = found.get(key)
    if _current(entry, data_version, found.get(key + _CHECKED), key):
        answer = _answer(request, entry)  # type: ignore[arg-type]
        if answer is not None:
            return answer
    before = write_count()
    with reading() as read:
        response = make()
    if _keepable(response) and write_count() == before and not writes_pending():
        headers = {name: response[name] for name in _KEPT_HEADERS if name in response}
        tables = _made_under(read, data_version)
        if tables is not None:
            entry = _entry(request, response, data_version, tables, False, headers)
            if entry is not None:
                cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
    return response


def whole_answer(
    run: Callable[..., HttpResponse], *, who: Callable[[HttpRequest], str | None]
) -> Callable[..., HttpResponse]:
    """Keeps an API operation's answer per caller until the next write, as ``whole_page``
    keeps a page: ``who(request)`` names the caller from its credentials, or None to let
    the API answer. ``run`` must check those credentials itself (ninja's operation does):
    only its 200 answers are kept, and only under the data version they were made in."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        caller = who(request) if enabled() else None
        if caller is None:
            return run(request, *args, **kwargs)
        return _serve(request, caller, lambda: run(request, *args, **kwargs))

    return wrapper
