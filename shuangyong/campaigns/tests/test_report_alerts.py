"""Work finds people: the office is told when a unit reports, the unit when it is reviewed.

Through the real pages and one worker round, by email (a local SMTP server) and in the app.
"""

import datetime as dt

import pytest
from django.urls import reverse

from shuangyong.campaigns import responsibility
from shuangyong.campaigns.models import ProgressReport, Task, UnitReport
from shuangyong.messaging.models import Delivery, Notification
from shuangyong.messaging.tests.fakes import FakeSmtp
from shuangyong.messaging.worker import run_round


@pytest.fixture
def task(campaign, district):
    return Task.objects.create(
        campaign=campaign,
        title="召开领导小组全体会议",
        lead_unit=district.a,
        deadline=dt.date.today() + dt.timedelta(days=30),
    )


@pytest.fixture
def smtp(settings, people):
    people.office.email = "office@example.cn"
    people.office.save()
    people.liaison_a.email = "a@example.cn"
    people.liaison_a.save()
    with FakeSmtp() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = (
            "127.0.0.1",
            server.port,
            False,
        )
        yield server


def told(user, kind):
    return list(
        Notification.objects.filter(recipient=user, kind=kind).values_list("title", flat=True)
    )


def test_the_office_is_told_within_one_round_and_the_unit_when_returned(client, task, people, smtp):
    client.force_login(people.liaison_a)
    client.post(
        reverse("campaigns:report_submit", args=[task.pk]),
        {"text": "已召开会议", "percent": 50},
    )
    report = ProgressReport.objects.get()
    assert told(people.office, "report_submitted")  # in the app at once
    assert smtp.messages == []  # nothing leaves during the request
    run_round(tasks=False)  # one worker round
    assert [m["to"] for m in smtp.messages] == [["office@example.cn"]]
    assert told(people.liaison_b, "report_submitted") == []  # the outsider hears nothing

    client.force_login(people.office)
    client.post(
        reverse("campaigns:report_review", args=[report.pk]),
        {"decision": "return", "note": "缺少会议纪要"},
    )
    assert told(people.liaison_a, "report_returned")
    run_round(tasks=False)
    assert [m["to"] for m in smtp.messages][-1] == ["a@example.cn"]
    assert told(people.liaison_b, "report_returned") == []
    # Once per event per person, however often the worker runs.
    run_round(tasks=False)
    assert len(smtp.messages) == 2
    assert Delivery.objects.filter(status="sent").count() == 2


def test_accepted_and_unit_reports(task, people, campaign, district):
    report = responsibility.submit_report(
        task=task, user=people.liaison_a, text="完成", percent=100
    )
    responsibility.review_report(report=report, accept=True, note="", reviewer=people.office)
    assert told(people.liaison_a, "report_accepted")
    unit_report = responsibility.submit_unit_report(
        campaign=campaign,
        user=people.liaison_a,
        unit=district.a,
        year=2026,
        kind="plan",
        text="计划",
    )
    assert told(people.office, "unit_report_submitted")
    responsibility.review_unit_report(
        report=unit_report, accept=False, note="请补充", reviewer=people.office
    )
    assert told(people.liaison_a, "unit_report_returned")
    assert UnitReport.objects.get().status == "returned"
