"""Each channel against a local fake server (127.0.0.1): what leaves, signed as required."""

import base64
import datetime as dt
import hashlib
import hmac
import time

import pytest
from django.utils import timezone

from conftest import make_user
from shuangyong.access import Role
from shuangyong.messaging import channels, notify, sms
from shuangyong.messaging.models import Delivery, DeliveryStatus, Notification, Robot
from shuangyong.messaging.outbox import work
from shuangyong.messaging.services import set_preferences
from shuangyong.messaging.tests.fakes import FakeServer, FakeSmtp

MESSAGE = notify.Message(
    "report_submitted", "甲局报送了进展", "请审核", "/campaigns/tasks/1/", "k:1"
)


@pytest.fixture(autouse=True)
def _clean(settings):
    channels._tokens.clear()
    settings.SITE_URL = "https://sy.example.cn"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "shuangyong.messaging.sms.MemoryBackend"
    sms.MemoryBackend.outbox = []


def only_channel(name):
    return list(Delivery.objects.filter(channel=name))


def test_wecom_application_message(settings, people):
    def wecom(seen):
        if seen.path == "/cgi-bin/gettoken":
            assert seen.query == {"corpid": "ww1", "corpsecret": "s3cret"}
            return 200, {"errcode": 0, "access_token": "TOKEN", "expires_in": 7200}
        assert seen.path == "/cgi-bin/message/send" and seen.query["access_token"] == "TOKEN"
        return 200, {"errcode": 0, "errmsg": "ok"}

    with FakeServer(wecom) as server:
        settings.WECOM_BASE_URL = server.url
        settings.WECOM_CORP_ID, settings.WECOM_SECRET = "ww1", "s3cret"
        settings.WECOM_AGENT_ID = "7"
        set_preferences(user=people.liaison_a, channels_off=[], wecom_userid="ZhangSan")
        notify.send([(people.liaison_a, MESSAGE)])
        assert work()["sent"] >= 1
        sent = [r for r in server.requests if r.path == "/cgi-bin/message/send"]
        assert len(sent) == 1
        assert sent[0].body["touser"] == "ZhangSan" and sent[0].body["agentid"] == 7
        assert "https://sy.example.cn/campaigns/tasks/1/" in sent[0].body["text"]["content"]
        # The token is reused; an expired one is fetched again once.
        notify.send([(people.liaison_a, notify.Message("due", "二", "", "", "k:2"))])
        work()
        assert [r.path for r in server.requests].count("/cgi-bin/gettoken") == 1
    [delivery] = [d for d in only_channel("wecom") if d.key == "k:1"]
    assert delivery.status == DeliveryStatus.SENT and delivery.delivered_at


def test_wecom_expired_token_is_fetched_again(settings, people):
    tokens = iter(["OLD", "NEW"])

    def wecom(seen):
        if seen.path == "/cgi-bin/gettoken":
            return 200, {"errcode": 0, "access_token": next(tokens), "expires_in": 7200}
        if seen.query["access_token"] == "OLD":
            return 200, {"errcode": 42001, "errmsg": "access_token expired"}
        return 200, {"errcode": 0}

    with FakeServer(wecom) as server:
        settings.WECOM_BASE_URL = server.url
        settings.WECOM_CORP_ID, settings.WECOM_SECRET = "ww1", "s3cret"
        set_preferences(user=people.liaison_a, channels_off=["sms"], wecom_userid="ZhangSan")
        notify.send([(people.liaison_a, MESSAGE)])
        work()
    assert only_channel("wecom")[0].status == DeliveryStatus.SENT


def test_wecom_group_robot(settings, people, district):
    with FakeServer(lambda seen: (200, {"errcode": 0})) as server:
        settings.WECOM_BASE_URL = server.url
        Robot.objects.create(name="甲局群", kind="wecom_robot", unit=district.a, token="KEY-A")
        Robot.objects.create(name="乙局群", kind="wecom_robot", unit=district.b, token="KEY-B")
        notify.send([(people.liaison_a, MESSAGE)])
        work()
    assert [(r.path, r.query) for r in server.requests] == [
        ("/cgi-bin/webhook/send", {"key": "KEY-A"})
    ]
    assert server.requests[0].body["msgtype"] == "text"
    assert "甲局报送了进展" in server.requests[0].body["text"]["content"]


def dingtalk_checker(secret):
    """A fake DingTalk that checks the signature the way DingTalk does."""

    def answer(seen):
        timestamp = int(seen.query.get("timestamp", 0))
        if abs(time.time() * 1000 - timestamp) > 3600 * 1000:
            return 200, {"errcode": 310000, "errmsg": "timestamp too old"}
        expected = base64.b64encode(
            hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
        ).decode()
        if seen.query.get("sign") != expected:
            return 200, {"errcode": 310000, "errmsg": "sign not match"}
        return 200, {"errcode": 0, "errmsg": "ok"}

    return answer


def test_dingtalk_robot_signs_its_requests(settings, people, district):
    with FakeServer(dingtalk_checker("SECgood")) as server:
        settings.DINGTALK_BASE_URL = server.url
        good = Robot.objects.create(
            name="钉钉群", kind="dingtalk_robot", unit=district.a, token="AT", secret="SECgood"
        )
        bad = Robot.objects.create(
            name="错密钥", kind="dingtalk_robot", unit=district.a, token="AT2", secret="SECbad"
        )
        notify.send([(people.liaison_a, MESSAGE)])
        work()
    assert {r.query["access_token"] for r in server.requests} == {"AT", "AT2"}
    assert all(r.path == "/robot/send" for r in server.requests)
    by_robot = {d.address: d for d in only_channel("dingtalk_robot")}
    assert by_robot[str(good.pk)].status == DeliveryStatus.SENT
    assert by_robot[str(bad.pk)].status == DeliveryStatus.RETRY
    assert "sign not match" in by_robot[str(bad.pk)].last_error


def aliyun_checker(secret):
    """A fake dysmsapi that recomputes the request signature with the account's secret."""

    def answer(seen):
        params = dict(seen.query)
        signature = params.pop("Signature")
        if signature != sms.aliyun_signature(params, secret):
            return 400, {"Code": "SignatureDoesNotMatch", "Message": "bad signature"}
        assert params["Action"] == "SendSms" and params["SignName"] == "明川双拥"
        return 200, {"Code": "OK", "Message": "OK", "BizId": "1"}

    return answer


@pytest.fixture
def aliyun(settings):
    settings.SMS_BACKEND = "shuangyong.messaging.sms.AliyunBackend"
    settings.ALIYUN_SMS_ACCESS_KEY_ID = "LTAIkey"
    settings.ALIYUN_SMS_ACCESS_KEY_SECRET = "topsecret"
    settings.ALIYUN_SMS_SIGN_NAME = "明川双拥"
    settings.ALIYUN_SMS_TEMPLATE_CODE = "SMS_1"
    return settings


def test_sms_through_aliyun_with_its_signature(aliyun, people):
    people.liaison_a.person.phone = "13800001111"
    people.liaison_a.person.save()
    with FakeServer(aliyun_checker("topsecret")) as server:
        aliyun.ALIYUN_SMS_BASE_URL = server.url
        notify.send([(people.liaison_a, MESSAGE)])
        assert work()["sent"] == 1
    [request] = server.requests
    assert request.query["PhoneNumbers"] == "13800001111"
    assert "甲局报送了进展" in request.query["TemplateParam"]
    assert only_channel("sms")[0].status == DeliveryStatus.SENT


def test_sms_with_a_wrong_secret_is_refused_by_the_provider(aliyun, people):
    people.liaison_a.person.phone = "13800001111"
    people.liaison_a.person.save()
    with FakeServer(aliyun_checker("the-real-one")) as server:
        aliyun.ALIYUN_SMS_BASE_URL = server.url
        notify.send([(people.liaison_a, MESSAGE)])
        assert work()["retry"] == 1
    assert "HTTP 400" in only_channel("sms")[0].last_error


def test_a_delivery_is_retried_after_the_server_fails_once(aliyun, people):
    people.liaison_a.person.phone = "13800001111"
    people.liaison_a.person.save()
    with FakeServer(aliyun_checker("topsecret"), fail_next=1) as server:
        aliyun.ALIYUN_SMS_BASE_URL = server.url
        notify.send([(people.liaison_a, MESSAGE)])
        assert work() == {"sent": 0, "retry": 1, "gave_up": 0}
        delivery = only_channel("sms")[0]
        assert delivery.attempts == 1 and delivery.last_error == "HTTP 500"
        assert work() == {"sent": 0, "retry": 0, "gave_up": 0}  # not due before its backoff
        later = timezone.now() + dt.timedelta(minutes=1, seconds=5)
        assert work(now=later) == {"sent": 1, "retry": 0, "gave_up": 0}
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    assert delivery.last_error == "" and len(server.requests) == 2


def test_a_delivery_gives_up_after_its_attempts(aliyun, people):
    people.liaison_a.person.phone = "13800001111"
    people.liaison_a.person.save()
    with FakeServer(aliyun_checker("topsecret"), fail_next=100) as server:
        aliyun.ALIYUN_SMS_BASE_URL = server.url
        notify.send([(people.liaison_a, MESSAGE)])
        now = timezone.now()
        for _ in range(6):
            work(now=now)
            now += dt.timedelta(hours=7)
    delivery = only_channel("sms")[0]
    assert delivery.status == DeliveryStatus.GAVE_UP and delivery.attempts == 6
    assert len(server.requests) == 6


def test_email_through_smtp(settings, people):
    people.liaison_a.email = "zhangsan@example.cn"
    people.liaison_a.save()
    with FakeSmtp() as smtp:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
        settings.EMAIL_USE_TLS = False
        settings.DEFAULT_FROM_EMAIL = "sy@example.cn"
        notify.send([(people.liaison_a, MESSAGE)])
        assert work()["sent"] >= 1
    [message] = smtp.messages
    assert message["to"] == ["zhangsan@example.cn"] and message["from"] == "sy@example.cn"
    assert only_channel("email")[0].status == DeliveryStatus.SENT


def test_email_server_down_is_retried(settings, people):
    people.liaison_a.email = "zhangsan@example.cn"
    people.liaison_a.save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    notify.send([(people.liaison_a, MESSAGE)])
    work()
    assert only_channel("email")[0].status == DeliveryStatus.RETRY


def test_one_notification_per_event_per_person(people, district):
    people.liaison_a.email = "zhangsan@example.cn"
    people.liaison_a.save()
    people.liaison_a.person.phone = "13800001111"
    people.liaison_a.person.save()
    colleague = make_user("liaison_a2", Role.UNIT_LIAISON, district.a, name="王五")
    Robot.objects.create(name="甲局群", kind="wecom_robot", unit=district.a, token="K")
    pairs = [(people.liaison_a, MESSAGE), (people.liaison_a, MESSAGE), (colleague, MESSAGE)]
    assert notify.send(pairs) == 2
    assert notify.send(pairs) == 0  # the same event again: nothing new
    assert Notification.objects.filter(key="k:1").count() == 2
    assert sorted(Delivery.objects.values_list("channel", "user__username")) == [
        ("email", "liaison_a"),
        ("sms", "liaison_a"),
        ("wecom_robot", None),  # the unit's group once, not once per person
    ]
    work()
    work()
    assert len(sms.MemoryBackend.outbox) == 1


def test_channels_a_person_turned_off_are_not_used(people):
    people.liaison_a.email = "zhangsan@example.cn"
    people.liaison_a.save()
    people.liaison_a.person.phone = "13800001111"
    people.liaison_a.person.save()
    set_preferences(user=people.liaison_a, channels_off=["sms"])
    notify.send([(people.liaison_a, MESSAGE)])
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["email"]
    assert Notification.objects.filter(recipient=people.liaison_a).count() == 1


def test_enqueue_is_once_per_channel_address_and_key(people):
    from shuangyong.messaging import outbox

    assert outbox.enqueue(channel="sms", address="1", key="e:1", event="e", payload={})
    assert not outbox.enqueue(channel="sms", address="1", key="e:1", event="e", payload={})
    with pytest.raises(ValueError):
        outbox.enqueue(channel="pigeon", address="1", key="e:1", event="e", payload={})


def test_a_batch_of_robot_deliveries_loads_its_robots_in_one_query(
    district, django_assert_num_queries
):
    from shuangyong.messaging.channels import get

    robots = [
        Robot.objects.create(name=f"群{n}", kind="wecom_robot", unit=district.a, token=f"K{n}")
        for n in range(5)
    ]
    robots[4].is_active = False
    robots[4].save()
    deliveries = [Delivery(channel="wecom_robot", address=str(r.pk)) for r in robots]
    deliveries.append(Delivery(channel="wecom_robot", address="999999"))
    with django_assert_num_queries(1):
        get("wecom_robot").prepare(deliveries)
    assert [d.robot for d in deliveries] == [*robots[:4], None, None]
