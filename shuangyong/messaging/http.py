"""A small JSON-over-HTTP helper for the channels (standard library only, no network in tests)."""

from __future__ import annotations

import json
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings


class DeliveryFailed(Exception):
    """Sending failed in a way that may pass later (network, server error): retry."""


class Undeliverable(Exception):
    """Sending can never succeed as it stands (no such recipient, bad settings): no retry."""


def call(method: str, url: str, *, params: dict | None = None, body=None) -> dict:
    """Send a request and return the JSON answer; network and HTTP errors raise DeliveryFailed."""
    if params:
        url += ("&" if "?" in url else "?") + urlencode(params)
    data = None
    headers = {"Accept": "application/json"}
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json; charset=utf-8"
    if not url.startswith(("https://", "http://")):
        raise Undeliverable("only http(s) addresses")
    request = Request(url, data=data, method=method, headers=headers)  # noqa: S310 (checked above)
    timeout = getattr(settings, "MESSAGING_HTTP_TIMEOUT", 10)
    try:
        with urlopen(request, timeout=timeout) as response:  # noqa: S310
            raw = response.read()
    except HTTPError as error:
        raise DeliveryFailed(f"HTTP {error.code}") from error
    except (URLError, TimeoutError, OSError) as error:
        raise DeliveryFailed(str(getattr(error, "reason", error))[:200]) from error
    try:
        return json.loads(raw or b"{}")
    except ValueError as error:
        raise DeliveryFailed("not JSON") from error
