"""One submission of a form, one object: a per-form token for create pages.

Every form rendered through ``includes/form.html`` carries a fresh ``form_token``.
A create view decorated with ``once_per_form`` runs once per token and user: a
double click or a browser retry of the same form is sent where the first one went
(its redirect), and a repeat arriving while the first is still running is told so.
The claim is ``cache.add`` — atomic in the local-memory cache of the embedded
default (one process) and in Redis (several). Forms that failed validation free
their token, so the corrected form can be sent. The progress report keeps its token
on the report itself (campaigns.responsibility.submit_report), which holds on any
number of processes without a shared cache.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect
from django.utils.translation import gettext as _

FIELD = "form_token"
KEEP_SECONDS = 24 * 3600
MAX_TOKEN = 64


def new_token() -> str:
    return secrets.token_urlsafe(24)


def once_per_form(view: Callable) -> Callable:
    """Decorator for a view that creates something and redirects when it did."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not token or len(token) > MAX_TOKEN or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = f"form-once:{request.user.pk}:{token}"
        if not cache.add(key, "", KEEP_SECONDS):
            if done := cache.get(key):
                return redirect(done)
            messages.info(request, _("This form is already being sent; wait a moment."))
            return redirect(request.get_full_path())
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            cache.delete(key)
            raise
        if response.status_code in (301, 302, 303) and response.get("Location"):
            cache.set(key, response["Location"], KEEP_SECONDS)
        else:
            cache.delete(key)
        return response

    return wrapped
