"""A task's life on a moving clock: lights, reminders exactly once, escalation."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from shuangyong.access import Role
from shuangyong.campaigns.lights import of_task
from shuangyong.campaigns.models import LightRules, Task
from shuangyong.messaging import sms
from shuangyong.messaging.models import Delivery, Notification, NotificationPreference
from shuangyong.messaging.outbox import work
from shuangyong.org.models import Person
from shuangyong.supervision.reminders import run_reminders

DEADLINE = dt.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def outbox(settings):
    settings.SMS_BACKEND = "shuangyong.messaging.sms.MemoryBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sms.MemoryBackend.outbox = []


@pytest.fixture
def task(campaign, district, people):
    head = Person.objects.create(name="甲局长", unit=district.a, phone="13911112222")
    district.a.head = head
    district.a.save()
    task = Task.objects.create(
        campaign=campaign,
        title="召开全体会议",
        lead_unit=district.a,
        deadline=DEADLINE,
        progress=20,
    )
    task.co_units.add(district.b)
    people.liaison_a.email = "a@example.cn"
    people.liaison_a.save()
    return task


def on(day: dt.date):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.UTC), tick=False
    )


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_task_through_its_life(task, people):
    rules = LightRules.for_campaign(task.campaign)
    with on(DEADLINE - dt.timedelta(days=20)):
        assert of_task(task, today=DEADLINE - dt.timedelta(days=20), rules=rules).color == "green"
        run_reminders()
        assert Notification.objects.count() == 0
    with on(DEADLINE - dt.timedelta(days=10)):
        assert of_task(task, today=DEADLINE - dt.timedelta(days=10), rules=rules).color == "yellow"
    day = DEADLINE - dt.timedelta(days=3)
    with on(day):
        run_reminders()
        run_reminders()  # twice the same day: nothing new
        work()  # one worker round sends what was queued
        assert kinds(people.liaison_a) == ["due"] and kinds(people.liaison_b) == ["due"]
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a@example.cn"]
    with on(DEADLINE - dt.timedelta(days=1)):
        run_reminders()
        assert kinds(people.liaison_a) == ["due"]  # the due reminder went once
    with on(DEADLINE + dt.timedelta(days=1)):
        assert of_task(task, today=DEADLINE + dt.timedelta(days=1), rules=rules).color == "red"
        run_reminders()
        run_reminders()
        assert kinds(people.liaison_a) == ["due", "overdue"]
    with on(DEADLINE + dt.timedelta(days=2)):
        run_reminders()
        assert kinds(people.liaison_a) == ["due", "overdue", "overdue"]  # one a day
        assert kinds(people.office) == []
    with on(DEADLINE + dt.timedelta(days=3)):
        run_reminders()
        work()
        assert kinds(people.office) == ["escalation"]
        assert [phone for phone, _text in sms.MemoryBackend.outbox].count("13911112222") == 1
    with on(DEADLINE + dt.timedelta(days=4)):
        run_reminders()
        work()
        assert kinds(people.office) == ["escalation"]  # escalated once
        assert [phone for phone, _text in sms.MemoryBackend.outbox].count("13911112222") == 1
        assert Delivery.objects.filter(address="13911112222").count() == 1


def test_a_done_task_is_left_alone(task, people):
    Task.objects.filter(pk=task.pk).update(progress=100)
    with on(DEADLINE + dt.timedelta(days=5)):
        assert run_reminders()["sent"] == 0


def test_email_can_be_muted_but_not_the_centre(task, people):
    NotificationPreference.objects.create(user=people.liaison_a, channels_off=["email"])
    with on(DEADLINE - dt.timedelta(days=2)):
        run_reminders()
        work()
    assert kinds(people.liaison_a) == ["due"] and mail.outbox == []


def test_a_head_with_an_account_gets_it_in_the_app(task, people, district):
    head_account = people.leader
    head_account.person.unit = district.a
    head_account.person.save()
    district.a.head = head_account.person
    district.a.save()
    with on(DEADLINE + dt.timedelta(days=3)):
        run_reminders()
    assert kinds(head_account) == ["escalation"]
    assert people.leader.role == Role.LEADER
