"""Writes on accounts: creation, passwords, lockouts and second factors."""

from __future__ import annotations

import base64
import secrets
from typing import TYPE_CHECKING

import segno
from axes.utils import reset as axes_reset
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from shuangyong.org.models import User

if TYPE_CHECKING:
    from shuangyong.accounts.forms import AccountForm, NewAccountForm

RECOVERY_CODE_COUNT = 10


@transaction.atomic
def create_account(*, form: NewAccountForm, actor: User) -> User:
    """Create a login from a validated NewAccountForm; the password passed the policy."""
    user = form.save(commit=False)
    user.set_password(form.cleaned_data["password1"])
    user.save()
    return user


@transaction.atomic
def update_account(*, form: AccountForm, actor: User) -> User:
    """Change role, person, scope or active flag of an account."""
    return form.save()


def set_password(*, user: User, password: str, actor: User) -> None:
    """Set a new password (already checked against the policy) and lift any lockout."""
    user.set_password(password)
    user.save(update_fields=["password", "password_changed_at"])
    axes_reset(username=user.username)


def unlock(*, user: User, actor: User) -> int:
    """Clear the failed-login record of ``user``; returns how many records were removed."""
    return axes_reset(username=user.username)


def pending_totp_device(*, user: User) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled, created on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def totp_qr_data_uri(device: TOTPDevice) -> str:
    """The provisioning URI as an inline SVG data URI: no request leaves the machine."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret in base32 groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def confirm_totp(*, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm enrolment when ``token`` is right; return fresh recovery codes, else None.

    Confirming removes any older TOTP device of the user: one authenticator each.
    """
    if not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(user=device.user)


@transaction.atomic
def new_recovery_codes(*, user: User) -> list[str]:
    """Replace the user's recovery codes with ten new single-use ones."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def remove_second_factor(*, user: User, actor: User) -> None:
    """Remove every TOTP device and recovery code of ``user`` (a lost phone)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
