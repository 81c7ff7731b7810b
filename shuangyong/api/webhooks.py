"""Webhooks: the platform's events POSTed to other systems, signed, through the outbox.

An administrator registers an address (URL, secret, the events wanted). Every event the
services tell people about (``messaging.notify``) is queued once per subscribed webhook
in the same outbox as the notification channels (``messaging.outbox``, channel
``webhook``), in the same transaction as the change; the task worker sends it, retries
it with backoff after a failure (at most ``MAX_ATTEMPTS`` tries) and keeps the delivery
log (/notifications/deliveries/, and each webhook's own on its page).

Each POST carries the JSON body ``{"event", "key", "title", "body", "link", "sent_at"}``
and the headers

- ``X-Shuangyong-Event``: the event's kind;
- ``X-Shuangyong-Delivery``: the delivery's id (the same on every retry of it);
- ``X-Shuangyong-Signature``: ``t=<unix time>,v1=<hex>``, where ``v1`` is the
  HMAC-SHA256, keyed with the webhook's secret, of ``"<t>." + the raw body``.

A receiver recomputes ``v1`` from the raw body, compares in constant time and refuses a
``t`` far from its clock (a replay). Any 2xx answer is a delivery; anything else, or no
answer within ``MESSAGING_HTTP_TIMEOUT`` seconds, is retried.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuangyong.access import can
from shuangyong.api.models import Webhook
from shuangyong.messaging import channels, outbox
from shuangyong.messaging.http import DeliveryFailed, Undeliverable
from shuangyong.messaging.kinds import Kind
from shuangyong.messaging.models import Delivery

CHANNEL = "webhook"
MAX_ATTEMPTS = 8
SIGNATURE_HEADER = "X-Shuangyong-Signature"
EVENTS = tuple(Kind.values)  # every kind of notification (messaging.kinds)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def _check(actor) -> None:
    if not can(actor, "accounts.manage"):
        raise PermissionDenied("accounts.manage")


@transaction.atomic
def register(*, name: str, url: str, secret: str = "", events=(), actor) -> tuple[Webhook, str]:
    """Register a webhook; returns it and its secret (generated when none is given).

    Rules: a system administrator (accounts.manage); an http(s) URL; a secret of at least
    16 characters when given; only known events (none: every event)."""
    _check(actor)
    name, url = (name or "").strip(), (url or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the system that receives the events.")})
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError({"url": _("Enter an http:// or https:// address.")}) from None
    secret = (secret or "").strip() or secrets.token_urlsafe(32)
    if len(secret) < 16:
        raise ValidationError({"secret": _("At least 16 characters.")})
    events = list(dict.fromkeys(events or ()))
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise ValidationError({"events": _("Unknown events: %(e)s") % {"e": ", ".join(unknown)}})
    webhook = Webhook.objects.create(
        name=name[:100], url=url, secret=secret, events=events, created_by=actor
    )
    return webhook, secret


def set_active(*, webhook: Webhook, active: bool, actor) -> Webhook:
    """Pause or resume a webhook (a paused one is sent nothing new). Rules: an administrator."""
    _check(actor)
    if webhook.is_active != active:
        webhook.is_active = active
        webhook.save(update_fields=["is_active"])
    return webhook


def deliveries_of(webhook: Webhook):
    """The webhook's delivery log, newest first."""
    return Delivery.objects.filter(channel=CHANNEL, address=str(webhook.pk)).order_by(
        "-created_at", "-id"
    )


def recent_deliveries(hooks, n: int = 5) -> dict[str, list]:
    """Each webhook's ``n`` latest deliveries, by address (one query)."""
    found: dict[str, list] = {}
    rows = Delivery.objects.filter(channel=CHANNEL, address__in=[str(h.pk) for h in hooks])
    for row in rows.order_by("-created_at", "-id")[: n * max(len(hooks), 1) * 4]:
        if len(found.setdefault(row.address, [])) < n:
            found[row.address].append(row)
    return found


def on_messages(messages) -> None:
    """Queue each new event once for every active webhook that wants it (one query and one
    insert, whatever the number of events and webhooks)."""
    hooks = list(Webhook.objects.filter(is_active=True).only("pk", "events", "is_active"))
    if not hooks:
        return
    now = timezone.now().isoformat()
    outbox.enqueue_many(
        [
            Delivery(
                channel=CHANNEL,
                address=str(hook.pk),
                key=message.key,
                event=message.kind,
                payload={
                    "event": message.kind,
                    "key": message.key,
                    "title": str(message.title),
                    "body": str(message.body),
                    "link": getattr(settings, "SITE_URL", "").rstrip("/") + message.link,
                    "sent_at": now,
                },
            )
            for message in messages
            for hook in hooks
            if hook.wants(message.kind)
        ]
    )


class WebhookChannel(channels.Channel):
    name = CHANNEL
    label = gettext_lazy("API webhook")
    personal = False
    max_attempts = MAX_ATTEMPTS

    def prepare(self, deliveries: list) -> None:
        """Each delivery's active webhook, in one query for the batch."""
        ids = {int(d.address) for d in deliveries}
        hooks = {h.pk: h for h in Webhook.objects.filter(pk__in=ids, is_active=True)}
        for delivery in deliveries:
            delivery.webhook = hooks.get(int(delivery.address))

    def send(self, delivery) -> None:
        if not hasattr(delivery, "webhook"):  # sent on its own, not through send_batch
            self.prepare([delivery])
        hook = delivery.webhook
        if hook is None:
            raise Undeliverable("webhook removed or paused")
        body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Shuangyong-Webhook/1",
            "X-Shuangyong-Event": delivery.event,
            "X-Shuangyong-Delivery": str(delivery.pk),
            SIGNATURE_HEADER: signature(hook.secret, int(time.time()), body),
        }
        if not hook.url.startswith(("https://", "http://")):
            raise Undeliverable("only http(s) addresses")
        request = Request(hook.url, data=body, method="POST", headers=headers)  # noqa: S310
        timeout = getattr(settings, "MESSAGING_HTTP_TIMEOUT", 10)
        try:
            with urlopen(request, timeout=timeout) as response:  # noqa: S310 (checked above)
                response.read()
        except HTTPError as error:
            raise DeliveryFailed(f"HTTP {error.code}") from error
        except (URLError, TimeoutError, OSError) as error:
            raise DeliveryFailed(str(getattr(error, "reason", error))[:200]) from error
