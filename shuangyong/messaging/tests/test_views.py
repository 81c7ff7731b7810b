"""The notification centre, a person's channels, the delivery log and the group robots."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from shuangyong.audit.models import AuditEvent
from shuangyong.messaging import notify
from shuangyong.messaging.models import Delivery, DeliveryStatus, NotificationPreference, Robot
from shuangyong.messaging.services import preference_of, set_preferences


def message(n: int) -> notify.Message:
    return notify.Message("due", f"第{n}条", "", "/", f"m:{n}")


def test_a_person_chooses_their_channels(client, people):
    client.force_login(people.liaison_a)
    page = client.get(reverse("messaging:preferences"))
    assert "ch_email" in page.context["form"].fields and "ch_sms" in page.context["form"].fields
    assert "wecom_userid" not in page.context["form"].fields  # WeCom not set up here
    answer = client.post(reverse("messaging:preferences"), {"ch_email": "on"})
    assert answer.status_code == 302
    assert preference_of(people.liaison_a).channels_off == ["sms"]
    assert AuditEvent.objects.filter(object_type__icontains="notificationpreference").exists()
    # Nobody else's changed.
    assert not NotificationPreference.objects.filter(user=people.liaison_b).exists()


def test_wecom_id_is_asked_once_wecom_is_set_up(client, people, settings):
    settings.WECOM_CORP_ID, settings.WECOM_SECRET = "ww1", "s"
    client.force_login(people.liaison_a)
    client.post(
        reverse("messaging:preferences"),
        {"ch_email": "on", "ch_sms": "on", "ch_wecom": "on", "wecom_userid": " ZhangSan "},
    )
    assert preference_of(people.liaison_a).wecom_userid == "ZhangSan"


@pytest.mark.parametrize("address", ["@all", "ZhangSan|LiSi", "张三", "a" * 65])
def test_a_wecom_id_names_one_person_only(client, people, settings, address):
    """ "@all" or "a|b" would send unit A's liaison's notifications to the whole company."""
    settings.WECOM_CORP_ID, settings.WECOM_SECRET = "ww1", "s"
    client.force_login(people.liaison_a)
    page = client.post(
        reverse("messaging:preferences"), {"ch_wecom": "on", "wecom_userid": address}
    )
    assert page.status_code == 200 and page.context["form"].errors
    assert preference_of(people.liaison_a).wecom_userid == ""
    with pytest.raises(ValidationError):
        set_preferences(user=people.liaison_a, channels_off=[], wecom_userid=address)


def test_the_notification_centre_in_fixed_queries(client, people, django_assert_num_queries):
    client.force_login(people.liaison_a)
    notify.send([(people.liaison_a, message(1))])
    client.get(reverse("messaging:notifications"))
    with django_assert_num_queries(7) as few:
        client.get(reverse("messaging:notifications"))
    notify.send([(people.liaison_a, message(n)) for n in range(2, 30)])
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("messaging:notifications"))
    assert "第29条" in page.content.decode()
    client.force_login(people.liaison_b)  # the outsider sees none of them
    assert "第29条" not in client.get(reverse("messaging:notifications")).content.decode()


def test_the_delivery_log_for_the_office(client, people, district, django_assert_num_queries):
    people.liaison_a.email = "a@example.cn"
    people.liaison_a.save()
    notify.send([(people.liaison_a, message(1))])
    client.force_login(people.office)
    client.get(reverse("messaging:delivery_log"))
    with django_assert_num_queries(9) as few:
        page = client.get(reverse("messaging:delivery_log"))
    assert "第1条" in page.content.decode()
    notify.send([(people.liaison_a, message(n)) for n in range(2, 20)])
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("messaging:delivery_log"), {"status": "pending", "channel": "email"})
    client.force_login(people.liaison_b)
    assert client.get(reverse("messaging:delivery_log")).status_code == 403


def test_a_given_up_delivery_is_sent_again(client, people):
    delivery = Delivery.objects.create(
        event="due", key="k", channel="sms", address="1", status=DeliveryStatus.GAVE_UP, attempts=6
    )
    client.force_login(people.liaison_a)
    assert client.post(reverse("messaging:delivery_retry", args=[delivery.pk])).status_code == 403
    client.force_login(people.office)
    client.post(reverse("messaging:delivery_retry", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRY and delivery.attempts == 0


def test_robots_are_added_and_turned_off_by_the_office(client, people, district):
    # A token no form token can contain by chance (they are 64 letters and digits).
    token = "robot-token-7391"
    data = {"name": "甲局群", "kind": "dingtalk_robot", "unit": district.a.pk, "token": token}
    client.force_login(people.liaison_a)
    assert client.post(reverse("messaging:robot_add"), data).status_code == 403
    client.force_login(people.office)
    client.post(reverse("messaging:robot_add"), {**data, "secret": "SEC"})
    robot = Robot.objects.get()
    assert (robot.unit, robot.secret) == (district.a, "SEC")
    with connection.cursor() as cursor:  # the keys are encrypted at rest
        cursor.execute("SELECT token, secret FROM messaging_robot")
        assert token not in cursor.fetchone()[0]
    assert (
        token
        not in client.get(reverse("messaging:delivery_log"))
        .content.decode()
        .split('data-testid="robots"')[1]
        .split("</ul>")[0]
    )
    client.post(reverse("messaging:robot_remove", args=[robot.pk]))
    robot.refresh_from_db()
    assert not robot.is_active
