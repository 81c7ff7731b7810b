"""Whole answers kept for the session that asked, until anything in the database changes.

``@whole_page`` on a read-only page (or ``whole_answer`` on an API list) keeps its 200
answer in the shared cache under a key made of:

- the data version (``core.writes``), which moves on when any write commits, from any
  process: an answer is never served after a write that might change it;
- today's date, so lights and deadlines that turn with the day turn;
- who asks: the session (its key and what it holds: the second factor, the language) or
  the API token; for a page of people not logged in (``anonymous=True``: the login
  page), one answer for all of them;
- the request: its full path, the language and the htmx headers that choose a fragment.

The page's form token is kept as a placeholder and replaced, on every answer, by a token
of the asker's own CSRF cookie (a new cookie when there is none), exactly as rendering
would; an answer with a token where this does not find it is not kept.

What it does not vary on is time within the day: an answer is kept at most
``PAGE_CACHE_SECONDS`` (60 s), which bounds how late an hour-based label may be.

A hit runs every middleware first (login, idle timeout, second factor), so a session that
ended, timed out or lost its factor is refused as before; the page's own permission
checks are not run again, which is safe because they read only the user and the
database, and a change to either is a write. Not kept: answers other than 200, answers
during whose making anything was written (the page wrote, so serving it again would skip
the write: an audit entry, say), requests with flash messages waiting (they are shown
once), and anything while the connection holds uncommitted writes. Only pages that show
masked ID numbers are cached; a reveal is its own request and is never kept. A page that
shows what the database keeps encrypted (a person's phone) is kept sealed with the same
key (``sealed=True``), so the cache never holds in clear what the database does not.

The cache must be shared (Redis) when several processes serve: with the per-process
local-memory cache a write in one process would not reach another's answers, so
``PAGE_CACHE`` defaults to on only with Redis.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from shuangyong.core import crypto
from shuangyong.core.cache import VERSION_PREFIX, version
from shuangyong.core.writes import DATA_VERSION, write_count, writes_pending

# Session entries that change without changing any page: the idle timeout's stamp.
_SESSION_NOISE = frozenset({"_last_activity"})
VERSION_KEY = VERSION_PREFIX + DATA_VERSION
HIT_HEADER = "X-Sy-Page-Cache"  # on answers served from the cache (for operators, tests)
SEAL_CONTEXT = "pagecache"  # bound into each sealed page as associated data
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "HX-Trigger", "Cache-Control")


def enabled() -> bool:
    return bool(getattr(settings, "PAGE_CACHE", False))


def _session_part(request: HttpRequest) -> str | None:
    session = getattr(request, "session", None)
    if session is None or session.session_key is None:
        return None
    return f"{session.session_key}:{_held(session)!r}"


def _held(session: Any) -> list[tuple[str, str]]:
    """What a session holds that may change a page (all but the idle timeout's stamp)."""
    return sorted((k, repr(v)) for k, v in session.items() if k not in _SESSION_NOISE)


def _key(request: HttpRequest, who: str) -> str:
    headers = sorted((k, v) for k, v in request.headers.items() if k.lower().startswith("hx-"))
    basis = repr(
        (who, translation.get_language(), request.method, request.get_full_path(), headers)
    )
    digest = hashlib.sha256(basis.encode()).hexdigest()
    return f"page:{timezone.localdate().isoformat()}:{digest}"


def _messages_waiting(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0  # counting does not mark them shown


# The page's form token (one per rendering: the template context makes it once), kept as
# this placeholder and replaced on every answer by a token of the asker's own cookie.
_TOKEN = re.compile(rb'(?:name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]{64})"')
_TOKEN_PLACEHOLDER = b"\x00sy-form-token\x00"


def _entry(
    request: HttpRequest, response: HttpResponse, data_version: int, sealed: bool
) -> dict[str, Any] | None:
    """What is kept of ``response``, or None when it cannot be kept safely."""
    content = response.content
    found = _TOKEN.search(content)
    if found:
        content = content.replace(found.group(1), _TOKEN_PLACEHOLDER)
    elif request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or response.cookies:
        return None  # a token went somewhere this does not recognise: not shareable
    headers = {name: response[name] for name in _KEPT_HEADERS if name in response}
    kept: bytes | str = content
    if sealed:
        kept = crypto.encrypt(content.decode(), context=SEAL_CONTEXT)
    return {"content": kept, "headers": headers, "version": data_version}


def _answer(request: HttpRequest, entry: dict[str, Any]) -> HttpResponse | None:
    """The kept answer with the asker's own form token, or None if it no longer opens."""
    content = entry["content"]
    if isinstance(content, str):  # sealed
        try:
            content = crypto.decrypt(content, context=SEAL_CONTEXT).encode()
        except crypto.DecryptionError:  # sealed under a key since retired: make it again
            return None
    if _TOKEN_PLACEHOLDER in content:
        # As rendering would: a token of the cookie's secret (a new cookie if none).
        content = content.replace(_TOKEN_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content)
    for name, value in entry["headers"].items():
        response[name] = value
    response[HIT_HEADER] = "hit"
    return response


def _serve(
    request: HttpRequest, who: str, make: Callable[[], HttpResponse], sealed: bool = False
) -> HttpResponse:
    if request.method not in ("GET", "HEAD") or writes_pending() or _messages_waiting(request):
        return make()
    key = _key(request, who)
    # The data version and the kept answer in one round trip; the answer is current only
    # if it was made under this version (read before it was made: see core.writes).
    found = cache.get_many([VERSION_KEY, key])
    current = found.get(VERSION_KEY)
    if current is None:
        current = version(DATA_VERSION)
    entry = found.get(key)
    if entry is not None and entry["version"] == current:
        answer = _answer(request, entry)
        if answer is not None:
            return answer
    before = write_count()
    response = make()
    render = getattr(response, "render", None)
    if render is not None and not getattr(response, "is_rendered", True):
        response = render()
    if (
        response.status_code == 200
        and not response.streaming
        # The CSRF cookie (set by a view's own csrf_protect) is set again on every answer.
        and set(response.cookies) <= {settings.CSRF_COOKIE_NAME}
        and write_count() == before
        and not writes_pending()
    ):
        entry = _entry(request, response, current, sealed)
        if entry is not None:
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
    return response


def whole_page(
    view: Callable[..., HttpResponse] | None = None,
    *,
    sealed: bool = False,
    anonymous: bool = False,
) -> Any:
    """Keeps a read-only page's answer per session until the next write (module docstring).

    Put it innermost, under the view's login and permission decorators. ``sealed=True``
    for a page that shows what the database encrypts (a person's phone): it is kept
    encrypted with the data key (SM4-GCM), as the column is. ``anonymous=True`` for a
    page that people not logged in see (the login page): one answer for all of them."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            who = _asker(request, anonymous) if enabled() else None
            if who is None:
                return view(request, *args, **kwargs)
            return _serve(request, who, lambda: view(request, *args, **kwargs), sealed)

        return wrapper

    return decorate if view is None else decorate(view)


def _asker(request: HttpRequest, anonymous: bool) -> str | None:
    if request.user.is_authenticated:
        return _session_part(request)
    if not anonymous:
        return None
    session = getattr(request, "session", None)
    return f"anonymous:{_held(session) if session is not None else []!r}"


def whole_answer(
    run: Callable[..., HttpResponse], *, who: Callable[[HttpRequest], str | None]
) -> Callable[..., HttpResponse]:
    """``whole_page`` for an API operation: ``who(request)`` names the caller from its
    credentials (checked as the API checks them) or None to let the API answer."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        caller = who(request) if enabled() else None
        if caller is None:
            return run(request, *args, **kwargs)
        return _serve(request, caller, lambda: run(request, *args, **kwargs))

    return wrapper
