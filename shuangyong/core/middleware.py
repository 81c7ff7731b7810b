"""Middleware: the content security policy, the Chinese-first language, the refusal
of text no database can store, and sessions that a logout ended mid-request.

Content-Security-Policy: every script, style, font and image from this app only.
Government intranets are offline and pages must never reach outside; the
policy makes the browser enforce it. No inline scripts are allowed, so htmx
is configured from a meta tag and pages carry no ``<script>`` bodies.
"""

import json

from django.conf import settings
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

DEFAULT_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class ChineseFirstLocaleMiddleware:
    """Chinese unless the person chose another language with the switcher (its cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and
    office machines often run English-language browsers; the product is
    Chinese first, so only an explicit choice changes the language.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        code = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", code)
        patch_vary_headers(response, ("Cookie",))
        return response


class RejectUnstorableTextMiddleware:
    """Text that no database column can hold is refused before any view runs.

    PostgreSQL cannot store NUL, and no database driver can encode an unpaired
    UTF-16 surrogate (JSON may spell one as ``\\ud800``); either would fail deep
    in the database with a 500. No person types them, so they are refused at the
    door in the query string, form fields and JSON bodies of every page (400) and
    API call (422 naming the fields, as for any other malformed input). Uploaded
    files are not looked at: they may hold any byte.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = unstorable_fields(request)
        if fields:
            message = translation.gettext(
                "The request contains a character that cannot be stored "
                "(NUL or an unpaired surrogate)."
            )
        elif fields := unstorable_fields(request, ok=_short_enough):
            message = translation.gettext(
                "A field is longer than %(n)s characters, the most any text may be."
            ) % {"n": f"{text_max():,}"}
        else:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": {field: [message] for field in fields}}, status=422)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


def text_max() -> int:
    """The most characters any one text value may have (``TEXT_MAX_CHARS``): every form
    field and JSON string; fields with their own lower limit (a report's text) say theirs."""
    from django.conf import settings

    return getattr(settings, "TEXT_MAX_CHARS", 100_000)


def _short_enough(text: str) -> bool:
    return len(text) <= text_max()


def unstorable_fields(request, ok=None) -> list[str]:
    """The names of the query, form and JSON fields (dotted paths) with unstorable text
    (or, with ``ok``, text that ``ok`` refuses).

    Any body that is not a form is read as JSON, whatever its declared type: the API's
    parser does the same (``text/plain`` carrying JSON reaches the view).
    """
    ok = ok or _storable
    found = []
    sources = [request.GET]
    is_form = request.content_type in FORM_TYPES
    if request.method == "POST" and is_form:
        sources.append(request.POST)  # form fields only, never the uploaded files
    for source in sources:
        for key, values in source.lists():
            if not ok(key) or not all(ok(value) for value in values):
                found.append(_shown(key))
    if not is_form and request.method in ("POST", "PUT", "PATCH") and request.body:
        try:
            document = json.loads(request.body)
        except (ValueError, RecursionError):  # not JSON, or nested past what Python parses:
            # the API's own parser says so, unless a raw NUL makes it ours
            return found + (["body"] if b"\x00" in request.body else [])
        found.extend(_json_paths(document, "body", ok))
    return found


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # an unpaired surrogate
        return False
    return True


def _shown(name: str) -> str:
    return "".join(c if _storable(c) else f"\\u{ord(c):04x}" for c in name)


def _json_paths(document, root: str, ok=None) -> list[str]:
    """Walked with a stack, not recursion: JSON nested a thousand deep is valid input."""
    ok = ok or _storable
    found = []
    stack = [(root, document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if not ok(value):
                found.append(path)
        elif isinstance(value, dict):
            for key, item in value.items():
                here = f"{path}.{_shown(key)}"
                if not ok(key):
                    found.append(here)
                stack.append((here, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}", item) for i, item in enumerate(value))
    return sorted(found)


class SessionEndedMeanwhileMiddleware(SessionMiddleware):
    """Django's session middleware, save that a request whose session was deleted while
    it was being answered gets its answer, not a 400.

    A request that saves the session (the idle timeout's activity stamp, once a minute; a
    message) makes Django refuse the whole answer when that row is gone
    (``SessionInterrupted``). The
    usual cause is the user's own logout racing a request the page started: the batch
    page's overpayment check (htmx, loaded after the page shows) still running when the
    user clicks 退出登录. The request was authorised when it began and has done its work;
    the session stays ended (not saved again, no cookie set: a newer login's cookie in
    the same browser must not be overwritten), so the next page asks to log in.
    """

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except SessionInterrupted:
            return response
