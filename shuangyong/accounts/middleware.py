"""Second factor: a user with a TOTP device must verify it before working, and
roles listed in TOTP_REQUIRED_ROLES must enrol one first. The idle timeout."""

import functools
import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

from shuangyong.access.policy import roles_seeing_personal_data

EXEMPT_PREFIXES = ("/static/", "/i18n/", "/healthz")


def totp_required(user) -> bool:
    """Listed in TOTP_REQUIRED_ROLES, or able to see personal data when that is enforced."""
    if user.role in settings.TOTP_REQUIRED_ROLES:
        return True
    return bool(settings.TOTP_FOR_PERSONAL_DATA) and user.role in roles_seeing_personal_data()


def has_confirmed_device(user) -> bool:
    """``django_otp.user_has_device(confirmed=True)``: as kept with the user by
    ``accounts.backends`` (two queries on every page otherwise), else asked now."""
    # getattr, not __dict__: request.user is a lazy proxy whose own __dict__ is not the user's.
    kept = getattr(user, "has_confirmed_device", None)
    return kept if kept is not None else user_has_device(user)


@functools.cache
def _exempt_paths() -> tuple[str, str, str]:
    return reverse("accounts:otp_verify"), reverse("accounts:otp_setup"), reverse("accounts:logout")


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(EXEMPT_PREFIXES):
            verify, enrol, logout = _exempt_paths()
            if request.path not in (verify, enrol, logout) and not user.is_verified():
                if has_confirmed_device(user):
                    return redirect(f"{verify}?{urlencode({'next': request.get_full_path()})}")
                if totp_required(user):
                    return redirect(enrol)
        return self.get_response(request)


ACTIVITY_KEY = "_last_activity"
# A page that polls by itself (the readiness pack's progress) sends this header: its
# requests are not a person's activity, or a tab left open would never time out.
POLL_HEADER = "X-Sy-Poll"


def stamp_activity(sender, request, user, **kwargs) -> None:
    """At login: the session starts with the time of its last activity."""
    if hasattr(request, "session"):
        request.session[ACTIVITY_KEY] = int(time.time())


class IdleTimeoutMiddleware:
    """Logs out a session idle longer than SESSION_IDLE_SECONDS, without writing the session
    on every request.

    The time of the last activity is kept in the session and re-saved only when it is at
    least SESSION_ACTIVITY_SECONDS old, so a person clicking through pages writes their
    session about once a minute, not once a page. Idleness is counted from that recorded
    time, which is at most one step behind the real last request: a session may end up to
    a minute early, never late. A request after the timeout finds the session flushed and
    the person anonymous (the page then asks them to log in). Requests a page makes by
    itself (``POLL_HEADER``) are checked against the timeout but never count as activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = int(time.time())
        # The session, not request.user: a page kept whole is served without loading the
        # user (core.pagecache). A session whose user is no longer valid is ended by the
        # login check when the user is loaded; stamping it first changes nothing.
        if SESSION_KEY in request.session:
            last = request.session.get(ACTIVITY_KEY)
            if last is not None and now - last > settings.SESSION_IDLE_SECONDS:
                logout(request)
            elif (last is None or now - last >= settings.SESSION_ACTIVITY_SECONDS) and not (
                request.headers.get(POLL_HEADER)
            ):
                request.session[ACTIVITY_KEY] = now
        response = self.get_response(request)
        # A session written anyway (a login, a message) carries the time along for free.
        session = getattr(request, "session", None)
        if session is not None and session.modified and SESSION_KEY in session:
            session[ACTIVITY_KEY] = now
        return response
