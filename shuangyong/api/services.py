"""Issuing and revoking API tokens."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.access import can
from shuangyong.api.models import ApiToken, hash_key

PREFIX = "sy_"


def issue_token(*, user, name: str) -> tuple[ApiToken, str]:
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
        user=user, name=name[:100], prefix=key[:10], key_hash=hash_key(key)
    )
    return token, key


def revoke_token(*, token: ApiToken, actor) -> ApiToken:
    """Revoke a token at once. Rules: its owner, or an administrator."""
    if token.user_id != actor.pk and not can(actor, "accounts.manage"):
        raise PermissionDenied("api.revoke")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_for_key(key: str):
    """The active user a key belongs to, or None (the token's last use is noted).

    Rules: the token is not revoked, its user is active and the user's role may still
    use the API — a token issued before the role changed to one that may not (the
    auditor's) stops working with the change, not when someone remembers to revoke it.
    """
    if not key or not key.startswith(PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user__person")
        .filter(key_hash=hash_key(key), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None or not can(token.user, "api.use"):
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
