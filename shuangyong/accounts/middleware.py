"""Second factor: a user with a TOTP device must verify it before working, and
roles listed in TOTP_REQUIRED_ROLES must enrol one first."""

from django.conf import settings
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


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(EXEMPT_PREFIXES):
            verify, enrol, logout = (
                reverse("accounts:otp_verify"),
                reverse("accounts:otp_setup"),
                reverse("accounts:logout"),
            )
            if request.path not in (verify, enrol, logout) and not user.is_verified():
                if user_has_device(user, confirmed=True):
                    return redirect(f"{verify}?{urlencode({'next': request.get_full_path()})}")
                if totp_required(user):
                    return redirect(enrol)
        return self.get_response(request)
