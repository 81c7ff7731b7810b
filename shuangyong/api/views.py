"""A user's API tokens: issue one (the key is shown once), revoke one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuangyong.access import can, require
from shuangyong.api import services
from shuangyong.api.models import ApiToken
from shuangyong.core.feedback import flash_errors


@require("api.use")
def token_list(request):
    key = None
    if request.method == "POST":
        try:
            _token, key = services.issue_token(user=request.user, name=request.POST.get("name", ""))
        except ValidationError as exc:
            flash_errors(request, exc)
    return render(
        request,
        "api/token_list.html",
        {
            "tokens": request.user.api_tokens.all(),
            "key": key,
            "perms_admin": can(request.user, "accounts.manage"),
        },
    )


@require_POST
@require("api.use")
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_token(token=token, actor=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("api_tokens:token_list")


@require("accounts.manage")
def webhook_list(request):
    """The administrator's webhooks: register one (the secret is shown once), pause or
    resume one, and each one's latest deliveries."""
    from shuangyong.api import webhooks
    from shuangyong.api.models import Webhook
    from shuangyong.messaging.kinds import Kind

    secret = None
    if request.method == "POST":
        try:
            _hook, secret = webhooks.register(
                name=request.POST.get("name", ""),
                url=request.POST.get("url", ""),
                secret=request.POST.get("secret", ""),
                events=request.POST.getlist("events"),
                actor=request.user,
            )
        except ValidationError as exc:
            flash_errors(request, exc)
    hooks = list(Webhook.objects.all())
    recent = webhooks.recent_deliveries(hooks)
    rows = [(hook, recent.get(str(hook.pk), [])) for hook in hooks]
    return render(
        request,
        "api/webhook_list.html",
        {"rows": rows, "secret": secret, "events": Kind.choices,
         "header": webhooks.SIGNATURE_HEADER},
    )  # fmt: skip


@require_POST
@require("accounts.manage")
def webhook_toggle(request, pk: int):
    from shuangyong.api import webhooks
    from shuangyong.api.models import Webhook

    hook = get_object_or_404(Webhook, pk=pk)
    webhooks.set_active(webhook=hook, active=not hook.is_active, actor=request.user)
    messages.success(request, _("Saved."))
    return redirect("api_tokens:webhook_list")
