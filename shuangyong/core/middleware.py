"""Content-Security-Policy: every script, style, font and image from this app only.

Government intranets are offline and pages must never reach outside; the
policy makes the browser enforce it. No inline scripts are allowed, so htmx
is configured from a meta tag and pages carry no ``<script>`` bodies.
"""

import json

from django.conf import settings
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


class RejectNullCharactersMiddleware:
    """A NUL character in the query string, a form field or a JSON body is refused.

    PostgreSQL cannot hold NUL in text, so a search for one would fail deep in
    the database with a 500; no person types one, so it is refused at the door
    for every page (400) and API call (422 naming the fields, as for any other
    malformed input). Uploaded files are not looked at: they may hold any byte.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = fields_with_null(request)
        if not fields:
            return self.get_response(request)
        message = translation.gettext("The request contains a NUL character, which is not allowed.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": {field: [message] for field in fields}}, status=422)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def fields_with_null(request) -> list[str]:
    """The names of the query, form and JSON fields (dotted paths) holding a NUL."""
    found = []
    sources = [request.GET]
    if request.method == "POST" and request.content_type != "application/json":
        sources.append(request.POST)  # form fields only, never the uploaded files
    for source in sources:
        for key, values in source.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                found.append(key.replace("\x00", "\\0"))
    if request.content_type == "application/json" and (
        b"\x00" in request.body or b"\\u0000" in request.body
    ):
        try:
            found.extend(_json_paths_with_null(json.loads(request.body), "body"))
        except ValueError:
            found.append("body")  # not JSON at all: the API will say so too
    return found


def _json_paths_with_null(value, path: str) -> list[str]:
    if isinstance(value, str):
        return [path] if "\x00" in value else []
    if isinstance(value, dict):
        found = [f"{path}.{key}".replace("\x00", "\\0") for key in value if "\x00" in key]
        for key, item in value.items():
            found.extend(_json_paths_with_null(item, f"{path}.{key}".replace("\x00", "\\0")))
        return found
    if isinstance(value, list):
        return [
            p for i, item in enumerate(value) for p in _json_paths_with_null(item, f"{path}.{i}")
        ]
    return []
