"""Webhooks through the API: a system administrator registers, lists and pauses them and
reads each one's delivery log (the page /api/tokens/webhooks/ does the same)."""

import datetime as dt
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.responses import Status

from shuangyong.api.common import Body, Flag, Id, Text, require_permission
from shuangyong.api.webhooks import EVENTS

router = Router()

Event = Literal[EVENTS]  # type: ignore[valid-type]


class WebhookIn(Body):
    name: Text(100)
    url: str = Field(max_length=500, pattern=r"^https?://[^\s\x00]+$")
    secret: str = Field(
        "", max_length=200, pattern=r"^([^\s\x00]{16,})?$",
        description="At least 16 characters; empty: the server generates one.",
    )  # fmt: skip
    events: list[Event] = Field([], max_length=len(EVENTS), description="None: every event.")


class WebhookOut(Schema):
    id: int
    name: str
    url: str
    events: list[str]
    is_active: bool
    created_at: dt.datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="Shown once: sign-checking key for the receiver.")


class ActiveIn(Body):
    active: Flag


class DeliveryOut(Schema):
    id: int
    event: str
    key: str
    status: str
    attempts: int
    last_error: str
    created_at: dt.datetime
    delivered_at: dt.datetime | None


@router.get("/webhooks", response=list[WebhookOut], tags=["webhooks"])
def webhook_list(request):
    """Every registered webhook (system administrators)."""
    require_permission(request, "accounts.manage")
    from shuangyong.api.models import Webhook

    return Webhook.objects.all()


@router.post("/webhooks", response={201: WebhookCreated}, tags=["webhooks"])
def webhook_register(request, body: WebhookIn):
    """Register a webhook: the events wanted are POSTed to ``url``, signed with the secret
    (header ``X-Shuangyong-Signature: t=<unix time>,v1=<HMAC-SHA256 of "t.body">``)."""
    require_permission(request, "accounts.manage")
    from shuangyong.api import webhooks

    hook, secret = webhooks.register(actor=request.user, **body.dict())
    return Status(201, {**WebhookOut.from_orm(hook).dict(), "secret": secret})


@router.post("/webhooks/{pk}/active", response=WebhookOut, tags=["webhooks"])
def webhook_active(request, pk: Id, body: ActiveIn):
    """Pause (``false``) or resume (``true``) a webhook."""
    require_permission(request, "accounts.manage")
    from shuangyong.api import webhooks
    from shuangyong.api.models import Webhook

    hook = get_object_or_404(Webhook, pk=pk)
    return webhooks.set_active(webhook=hook, active=body.active, actor=request.user)


@router.get("/webhooks/{pk}/deliveries", response=list[DeliveryOut], tags=["webhooks"])
def webhook_deliveries(request, pk: Id):
    """The webhook's latest 100 deliveries: each event, its state, tries and last error."""
    require_permission(request, "accounts.manage")
    from shuangyong.api import webhooks
    from shuangyong.api.models import Webhook

    return webhooks.deliveries_of(get_object_or_404(Webhook, pk=pk))[:100]
