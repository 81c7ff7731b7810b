"""A user's API tokens: issue one (the key is shown once), revoke one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuangyong.access import require
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
        {"tokens": request.user.api_tokens.all(), "key": key},
    )


@require_POST
@require("api.use")
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_token(token=token, actor=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("api_tokens:token_list")
