"""Login, logout, password, second factor, and the administrator's account pages."""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from shuangyong.access import require
from shuangyong.accounts import services
from shuangyong.accounts.forms import (
    AccountForm,
    LoginForm,
    NewAccountForm,
    SetPasswordForm,
    TokenForm,
)
from shuangyong.accounts.middleware import totp_required
from shuangyong.core.pagecache import whole_page
from shuangyong.org.models import User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, gettext_lazy("Your password has been changed."))
        return response


# Anonymous, the same for everyone but its form token: kept whole (core.pagecache).
login_view = whole_page(anonymous=True)(LoginView.as_view())
logout_view = auth_views.LogoutView.as_view()
password_change = require("accounts.self")(PasswordChangeView.as_view())


def _safe_next(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@require("accounts.self")
def otp_verify(request):
    """Second step of login for users who have an authenticator."""
    if request.user.is_verified():
        return redirect(_safe_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request, _("You used a recovery code; %(n)d remain.") % {"n": left}
                )
            return redirect(_safe_next(request))
        form.add_error("token", _("The code is wrong or has expired."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request)})


@require("accounts.self")
def otp_setup(request):
    """Enrol an authenticator app, or see and manage the one enrolled."""
    user = request.user
    enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    required = totp_required(user)
    if enrolled and request.method == "GET" and not request.GET.get("replace"):
        recovery_left = sum(d.token_set.count() for d in StaticDevice.objects.filter(user=user))
        return render(
            request,
            "accounts/otp_status.html",
            {"required": required, "recovery_left": recovery_left},
        )
    device = services.pending_totp_device(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_totp(device=device, token=form.cleaned_data["token"])
        if codes is not None:
            otp_login(request, device)
            return render(request, "accounts/otp_recovery_codes.html", {"codes": codes})
        form.add_error("token", _("The code is wrong; check the time on your phone and retry."))
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "required": required,
            "qr": services.totp_qr_data_uri(device),
            "secret": services.totp_secret_text(device),
        },
    )


@require_POST
@require("accounts.self")
def otp_recovery_codes(request):
    if not request.user.is_verified():
        return redirect("accounts:otp_setup")
    codes = services.new_recovery_codes(user=request.user)
    return render(request, "accounts/otp_recovery_codes.html", {"codes": codes})


@require_POST
@require("accounts.self")
def otp_disable(request):
    if totp_required(request.user):
        messages.error(request, _("Your role requires a second factor; it cannot be turned off."))
        return redirect("accounts:otp_setup")
    services.remove_second_factor(user=request.user, actor=request.user)
    messages.success(request, _("Second factor turned off."))
    return redirect("home")


# --- administrator's pages ---------------------------------------------------------


@require("accounts.manage")
def account_list(request):
    accounts = User.objects.order_by("role", "username")
    locked = set(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).values_list("username", flat=True)
    )
    with_2fa = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    rows = [(a, a.username in locked, a.pk in with_2fa) for a in accounts]
    return render(request, "accounts/account_list.html", {"rows": rows})


@require("accounts.manage")
def account_create(request):
    form = NewAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = services.create_account(form=form, actor=request.user)
        messages.success(request, _("Account %(name)s created.") % {"name": account.username})
        return redirect("accounts:account_detail", pk=account.pk)
    return render(request, "accounts/account_form.html", {"form": form, "account": None})


@require("accounts.manage")
def account_detail(request, pk: int):
    account = get_object_or_404(User, pk=pk)
    form = AccountForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        services.update_account(form=form, actor=request.user)
        messages.success(request, _("Account saved."))
        return redirect("accounts:account_detail", pk=account.pk)
    return render(
        request,
        "accounts/account_form.html",
        {
            "form": form,
            "account": account,
            "password_form": SetPasswordForm(user=account),
            "has_2fa": user_has_device(account, confirmed=True),
            "locked": AccessAttempt.objects.filter(
                username=account.username,
                failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            ).exists(),
        },
    )


@require_POST
@require("accounts.manage")
def account_set_password(request, pk: int):
    account = get_object_or_404(User, pk=pk)
    form = SetPasswordForm(request.POST, user=account)
    if form.is_valid():
        services.set_password(
            user=account, password=form.cleaned_data["password1"], actor=request.user
        )
        if account == request.user:
            update_session_auth_hash(request, account)
        messages.success(request, _("Password set."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("accounts:account_detail", pk=pk)


@require_POST
@require("accounts.manage")
def account_unlock(request, pk: int):
    account = get_object_or_404(User, pk=pk)
    services.unlock(user=account, actor=request.user)
    messages.success(request, _("Account unlocked."))
    return redirect("accounts:account_detail", pk=pk)


@require_POST
@require("accounts.manage")
def account_reset_2fa(request, pk: int):
    account = get_object_or_404(User, pk=pk)
    services.remove_second_factor(user=account, actor=request.user)
    messages.success(request, _("Second factor removed; the user enrols again at next login."))
    return redirect("accounts:account_detail", pk=pk)
