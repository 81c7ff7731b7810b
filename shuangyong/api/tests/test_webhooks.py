"""Webhooks: registered by a system administrator (page and API), an event delivered by
the worker's outbox round to a local fake receiver with a valid signature, retried after
the receiver failed once; the outsider may not register one."""

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from shuangyong.api import webhooks
from shuangyong.api.models import Webhook
from shuangyong.api.tests.test_api import bearer
from shuangyong.api.tests.test_workflows import post
from shuangyong.messaging.models import Delivery
from shuangyong.messaging.outbox import work

SECRET = "s3cret-of-the-city-platform"


class Receiver:
    """An HTTP server on 127.0.0.1 that keeps each request's headers and raw body and
    answers 500 to the first ``fail`` of them, 204 after."""

    def __init__(self, fail: int = 0):
        self.fail, self.seen = fail, []

    def __enter__(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.seen.append((dict(self.headers), raw))
                failing = receiver.fail > 0
                receiver.fail -= 1
                self.send_response(500 if failing else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        host, port = self.server.server_address[:2]
        self.url = f"http://{host}:{port}/hooks/shuangyong"
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def verify(headers: dict, raw: bytes, secret: str) -> bool:
    """What a receiver does: recompute the HMAC of "t." + the raw body."""
    parts = dict(p.split("=", 1) for p in headers["X-Shuangyong-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + raw, hashlib.sha256)
    fresh = abs(int(parts["t"]) - int(timezone.now().timestamp())) < 300
    return fresh and hmac.compare_digest(expected.hexdigest(), parts["v1"])


def test_an_event_is_delivered_signed_and_retried_after_a_failure(
    client, people, district, campaign
):
    with Receiver(fail=1) as receiver:
        registered = post(
            client,
            people.admin,
            "/webhooks",
            {"name": "市平台", "url": receiver.url, "secret": SECRET, "events": ["joint"]},
        )
        assert registered.status_code == 201, registered.content
        assert registered.json()["secret"] == SECRET
        # An event the webhook wants (a joint item raised) and one it does not (a notice).
        post(client, people.office, "/joint-items", {
            "campaign": campaign.pk, "title": "训练场地共用", "local_unit": district.a.pk,
            "garrison_unit": district.garrison.pk})  # fmt: skip
        post(client, people.office, "/notices", {"title": "通知", "body": "请阅",
                                                 "units": [district.a.pk]})  # fmt: skip
        queued = Delivery.objects.get(channel="webhook")
        assert queued.event == "joint" and queued.status == "pending"
        work()  # the worker's round: the receiver answers 500
        queued.refresh_from_db()
        assert queued.status == "retry" and queued.attempts == 1 and "500" in queued.last_error
        assert len(receiver.seen) == 1
        work()  # not yet due: nothing sent
        assert len(receiver.seen) == 1
        work(now=timezone.now() + dt.timedelta(minutes=5))  # after the backoff
        queued.refresh_from_db()
        assert queued.status == "sent" and queued.attempts == 2
    assert len(receiver.seen) == 2
    headers, raw = receiver.seen[-1]
    assert verify(headers, raw, SECRET)
    assert not verify(headers, raw, "another-secret-of-16+")
    assert not verify(headers, raw.replace("训练".encode(), "演习".encode()), SECRET)
    body = json.loads(raw)
    assert body["event"] == "joint" and body["title"].endswith("训练场地共用")
    assert headers["X-Shuangyong-Event"] == "joint"
    assert headers["X-Shuangyong-Delivery"] == str(queued.pk)
    log = client.get(f"/api/v1/webhooks/{registered.json()['id']}/deliveries",
                     headers=bearer(people.admin)).json()  # fmt: skip
    assert [(d["event"], d["status"], d["attempts"]) for d in log] == [("joint", "sent", 2)]


def test_a_paused_webhook_is_sent_nothing(people):
    hook, _secret = webhooks.register(name="x", url="http://127.0.0.1:9/h", actor=people.admin)
    webhooks.set_active(webhook=hook, active=False, actor=people.admin)
    webhooks.on_messages([type("M", (), {"kind": "order", "key": "k", "title": "t",
                                         "body": "", "link": "/x"})()])  # fmt: skip
    assert not Delivery.objects.filter(channel="webhook").exists()


def test_only_an_administrator_registers_webhooks(client, people):
    body = {"name": "x", "url": "https://example.invalid/h"}
    for who in (people.office, people.liaison_b):
        assert post(client, who, "/webhooks", body).status_code == 403
    assert post(client, people.admin, "/webhooks", {**body, "url": "ftp://x"}).status_code == 422
    assert post(client, people.admin, "/webhooks", {**body, "events": ["nope"]}).status_code == 422
    assert post(client, people.admin, "/webhooks", {**body, "secret": "short"}).status_code == 422
    with pytest.raises(Exception):  # noqa: B017 - the service refuses the same for pages
        webhooks.register(name="x", url="https://h", actor=people.office)


def test_the_webhook_page(client, people):
    url = reverse("api_tokens:webhook_list")
    client.force_login(people.liaison_b)
    assert client.get(url).status_code == 403
    client.force_login(people.admin)
    offered = client.get(url).content.decode()
    # every kind of notification is offered, as people read it, with its event name
    assert "通知回复逾期" in offered and 'value="notice_overdue"' in offered
    assert offered.count('name="events"') == len(webhooks.EVENTS)
    page = client.post(url, {"name": "省平台", "url": "https://example.invalid/h",
                             "events": ["order", "notice_overdue"]})  # fmt: skip
    hook = Webhook.objects.get()
    assert page.status_code == 200 and hook.events == ["order", "notice_overdue"]
    assert "督办单下发或逾期、通知回复逾期" in page.content.decode()
    secret = page.context["secret"]
    assert len(secret) >= 16 and hook.secret == secret
    assert secret not in client.get(url).content.decode()  # shown once
    client.post(reverse("api_tokens:webhook_toggle", args=[hook.pk]))
    hook.refresh_from_db()
    assert hook.is_active is False


def test_the_token_page_offers_the_openapi_document(client, people):
    client.force_login(people.liaison_a)
    page = client.get(reverse("api_tokens:token_list")).content.decode()
    link = reverse("api_v1:openapi-json")
    assert f'href="{link}" download=' in page and reverse("api_tokens:webhook_list") not in page
    document = client.get(link).json()
    assert document["components"]["schemas"]["Error"]["required"] == ["detail"]
    refusals = document["paths"]["/api/v1/orders/{pk}/close"]["post"]["responses"]
    assert set(refusals) >= {"200", "401", "403", "404", "409", "413", "422"}
    client.force_login(people.admin)
    assert (
        reverse("api_tokens:webhook_list")
        in client.get(reverse("api_tokens:token_list")).content.decode()
    )
