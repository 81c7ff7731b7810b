"""``Idempotency-Key`` on the API's POSTs: a retried request gets the first one's answer.

A client that may send a POST twice (a timeout, a retry, two workers) names the
request with a key of its choosing. The first request with that key from that user
is answered and its answer kept for ``IDEMPOTENCY_HOURS``; a repeat gets the same
status and body (with ``Idempotent-Replayed: true``); a repeat arriving while the
first is still being answered gets 409; the same key with a different request
(another path or body) gets 422. A 5xx answer is not kept, so a retry runs again.
Requests without the header are not affected.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.api.models import IdempotentRequest

HEADER = "Idempotency-Key"
IDEMPOTENCY_HOURS = 24
MAX_KEY_LENGTH = 100
MAX_KEPT_BODY = 64 * 1024  # larger answers are not kept (their keys are released)
API_PREFIX = "/api/"


class IdempotencyKeyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if not (0 < len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable()):
            return _problem(
                _("At most %(n)d printable ASCII characters.") % {"n": MAX_KEY_LENGTH}, 422
            )
        user = _user(request)
        if user is None:  # the API answers 401 itself
            return self.get_response(request)
        try:
            fingerprint = _fingerprint(request)
        except RequestDataTooBig:  # the API refuses it itself
            return self.get_response(request)
        now = timezone.now()
        try:
            with transaction.atomic():
                entry = IdempotentRequest.objects.create(
                    user=user, key=key, fingerprint=fingerprint
                )
        except IntegrityError:
            return _repeat(user, key, fingerprint)
        IdempotentRequest.objects.filter(
            created_at__lt=now - dt.timedelta(hours=IDEMPOTENCY_HOURS)
        ).delete()
        try:
            response = self.get_response(request)
        except BaseException:
            entry.delete()
            raise
        body = getattr(response, "content", None) if not response.streaming else None
        if response.status_code >= 500 or body is None or len(body) > MAX_KEPT_BODY:
            entry.delete()
            return response
        IdempotentRequest.objects.filter(pk=entry.pk).update(
            status_code=response.status_code,
            content_type=response.get("Content-Type", "")[:100],
            body=body,
        )
        return response


def _user(request):
    from shuangyong.api.services import user_for_key

    auth = request.headers.get("Authorization", "")
    scheme, _sep, token = auth.partition(" ")
    return user_for_key(token.strip()) if scheme.lower() == "bearer" else None


def _fingerprint(request) -> str:
    """The request's path and body (an upload's size and type: it is not read twice)."""
    digest = hashlib.sha256(request.path.encode())
    content_type = request.headers.get("Content-Type", "")
    if content_type.startswith("multipart/"):
        digest.update(f"|{content_type}|{request.headers.get('Content-Length', '')}".encode())
    else:
        digest.update(b"|" + request.body)
    return digest.hexdigest()


def _repeat(user, key: str, fingerprint: str):
    found = IdempotentRequest.objects.filter(user=user, key=key).first()
    if found is None:  # released between the two statements: the first run failed
        return _problem(_("The first request with this key failed; send it again."), 409)
    if found.fingerprint != fingerprint:
        return _problem(_("This key was used for a different request."), 422)
    if found.status_code is None:
        return _problem(_("The same request is still being answered."), 409)
    from django.http import HttpResponse

    response = HttpResponse(
        bytes(found.body), status=found.status_code, content_type=found.content_type or None
    )
    response["Idempotent-Replayed"] = "true"
    return response


def _problem(message: str, status: int):
    return JsonResponse({"detail": {HEADER: [message]}}, status=status)
