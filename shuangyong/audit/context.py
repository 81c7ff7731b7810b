"""Who is acting and from where, for events recorded deep inside services."""

import contextvars
import getpass
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    unit_id: int | None
    unit_name: str
    ip: str


_current: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)


def client_ip(request) -> str:
    if getattr(settings, "AUDIT_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


def actor_from(user, ip: str = "") -> Actor:
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(None, "", None, "", ip)
    unit = getattr(user, "unit", None)
    name = (
        f"{user.display_name}（{user.username}）"
        if hasattr(user, "display_name")
        else user.username
    )
    return Actor(user.pk, name[:150], unit.pk if unit else None, unit.name if unit else "", ip)


def current_actor() -> Actor:
    request = _current.get()
    if request is not None:
        return actor_from(getattr(request, "user", None), client_ip(request))
    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001 - no passwd entry in some containers
        who = "?"
    return Actor(None, f"system:{who}", None, "", "")


class AuditContextMiddleware:
    """Remember the request so that services can say who did what, from where."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(request)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
