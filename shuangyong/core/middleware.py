"""Content-Security-Policy: every script, style, font and image from this app only.

Government intranets are offline and pages must never reach outside; the
policy makes the browser enforce it. No inline scripts are allowed, so htmx
is configured from a meta tag and pages carry no ``<script>`` bodies.
"""

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
    """A NUL character in the query string or a JSON body is answered with 400.

    PostgreSQL cannot hold NUL in text, so a search for one would fail deep in
    the database with a 500; no person types one, so it is refused at the door
    for every page and API call alike, in the query, in form fields and in JSON.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._carries_null(request):
            message = translation.gettext(
                "The request contains a NUL character, which is not allowed."
            )
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _carries_null(request) -> bool:
        fields = [request.GET]
        if request.method == "POST" and request.content_type != "application/json":
            fields.append(request.POST)  # form fields only: uploaded files may hold any byte
        for query in fields:
            for key, values in query.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return True
        if request.content_type == "application/json":
            body = request.body
            return b"\x00" in body or b"\\u0000" in body
        return False
