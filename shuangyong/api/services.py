"""Issuing and revoking API tokens."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.access import can
from shuangyong.api.models import ApiToken, binding, hash_key
from shuangyong.core.writes import cached_until_write
from shuangyong.org.models import User

PREFIX = "sy_"


def issue_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; the key is returned once and only its hash is kept.

    Rules: the role may use the API (api.use); a name says which client holds it;
    at most 10 active tokens a user."""
    if not can(user, "api.use"):
        raise PermissionDenied("api.use")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the client that will use the token.")})
    if user.api_tokens.filter(revoked_at=None).count() >= 10:
        raise ValidationError(_("Revoke a token first: at most 10 are active at a time."))
    key = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=key[:10],
        key_hash=hash_key(key),
        bound_to=binding(user),
    )
    return token, key


def revoke_token(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke a token at once. Rules: its owner, or an administrator."""
    if token.user_id != actor.pk and not can(actor, "accounts.manage"):
        raise PermissionDenied("api.revoke")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_for_key(key: str) -> User | None:
    """The active user a key belongs to, or None (the token's last use is noted).

    Rules: a token obeys the login rules, checked on every call, not when someone
    remembers to revoke it —
    - it is not revoked and its user is active;
    - the user's role may still use the API (a holder moved to the auditor's post stops);
    - the holder was not moved: a change of role, person, unit or scope since the token
      was issued revokes it for good;
    - the account is not locked out by failed logins;
    - a role that must log in with a second factor has enrolled one.
    """
    if not key or not key.startswith(PREFIX):
        return None
    # Kept until the next write (a revocation, a lockout, a move of the holder is one) and
    # at most a minute, the step in which the token's last use is noted.
    return cached_until_write(("api-key", hash_key(key)), lambda: _holder(key), timeout=60)


def _holder(key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user__person")
        .filter(key_hash=hash_key(key), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None or not can(token.user, "api.use"):
        return None
    user = token.user
    now = timezone.now()
    if token.bound_to != binding(user):
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        return None
    if _locked_out(user, now) or not _second_factor_ok(user):
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user.without_secrets()


def _locked_out(user: User, now: dt.datetime) -> bool:
    """Locked like the login page: enough failures within the cool-off time."""
    from axes.models import AccessAttempt
    from django.conf import settings

    return AccessAttempt.objects.filter(
        username=user.username,
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=now - settings.AXES_COOLOFF_TIME,
    ).exists()


def _second_factor_ok(user: User) -> bool:
    """A role that must use two factors has a confirmed device (the API cannot ask for a
    code on each call; the enrolment is what the pages insist on first)."""
    from django_otp import user_has_device

    from shuangyong.accounts.middleware import totp_required

    return not totp_required(user) or user_has_device(user, confirmed=True)
