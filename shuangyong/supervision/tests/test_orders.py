"""The order loop: issue → sign for → answer → send back → answer → close, each by its side."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shuangyong.campaigns.models import Task
from shuangyong.messaging.models import Notification
from shuangyong.supervision import orders
from shuangyong.supervision.models import OrderStatus


def soon():
    """Read when the test runs, not at import: a run can cross midnight in Beijing."""
    return timezone.localdate() + dt.timedelta(days=10)


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def photo(name="现场.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def task(campaign, district):
    return Task.objects.create(
        campaign=campaign,
        title="建设共建点",
        lead_unit=district.a,
        deadline=dt.date.today() - dt.timedelta(days=9),
        progress=10,
    )


def issue(campaign, district, task, actor):
    return orders.issue(
        campaign=campaign,
        unit=district.a,
        tasks=[task],
        level="key",
        subject="共建点建设滞后",
        requirement="十日内完成并报送",
        deadline=soon(),
        actor=actor,
    )


def test_the_whole_loop(campaign, district, people, task):
    order = issue(campaign, district, task, people.supervisor)
    assert order.reference == f"督办〔{dt.date.today().year}〕1号"
    assert Notification.objects.filter(recipient=people.liaison_a, kind="order").exists()
    orders.acknowledge(order=order, actor=people.liaison_a)
    orders.respond(order=order, text="已完成 12 个共建点", files=[photo()], actor=people.liaison_a)
    orders.send_back(order=order, text="请附共建协议", actor=people.office)
    orders.respond(order=order, text="已补充协议", files=[photo()], actor=people.liaison_a)
    Task.objects.filter(pk=task.pk).update(progress=100)
    closed = orders.close(order=order, text="复核通过", actor=people.supervisor)
    assert closed.status == OrderStatus.CLOSED and closed.closed_at
    assert [s.action for s in closed.steps.all()] == [
        "issue",
        "acknowledge",
        "respond",
        "send_back",
        "respond",
        "close",
    ]
    with pytest.raises(ValidationError):
        orders.respond(order=order, text="再补充", files=[photo()], actor=people.liaison_a)


def test_each_step_by_its_side_only(campaign, district, people, task):
    order = issue(campaign, district, task, people.office)
    for wrong in (people.office, people.liaison_b, people.leader):
        with pytest.raises(PermissionDenied):
            orders.acknowledge(order=order, actor=wrong)
    orders.acknowledge(order=order, actor=people.liaison_a)
    orders.respond(order=order, text="完成", files=[photo()], actor=people.liaison_a)
    with pytest.raises(PermissionDenied):
        orders.close(order=order, text="", actor=people.liaison_a)
    with pytest.raises(PermissionDenied):
        orders.issue(
            campaign=campaign,
            unit=district.a,
            tasks=[task],
            level="general",
            subject="x",
            requirement="x",
            deadline=soon(),
            actor=people.liaison_a,
        )


def test_bad_orders_are_refused(campaign, district, people, task, english):
    done = Task.objects.create(
        campaign=campaign, title="已完成", lead_unit=district.a, progress=100
    )
    with pytest.raises(ValidationError, match="is done"):
        issue(campaign, district, done, people.office)
    other = Task.objects.create(campaign=campaign, title="乙局任务", lead_unit=district.b)
    with pytest.raises(ValidationError, match="not a task of"):
        issue(campaign, district, other, people.office)
    with pytest.raises(ValidationError):
        orders.issue(
            campaign=campaign,
            unit=district.a,
            tasks=[task],
            level="key",
            subject="x",
            requirement="x",
            deadline=dt.date(2020, 1, 1),
            actor=people.office,
        )


def test_numbers_run_per_year(campaign, district, people, task):
    first, second = (issue(campaign, district, task, people.office) for _ in range(2))
    assert (first.number, second.number) == (1, 2)


def test_outsider_does_not_see_it_and_the_page_prints(client, campaign, district, people, task):
    order = issue(campaign, district, task, people.office)
    client.force_login(people.liaison_b)
    assert client.get(reverse("supervision:order_detail", args=[order.pk])).status_code == 404
    client.force_login(people.liaison_a)
    page = client.get(reverse("supervision:order_detail", args=[order.pk]))
    assert order.reference in page.content.decode() and page.context["can_acknowledge"]


def test_proposals_follow_the_rules(client, campaign, district, people, task):
    client.force_login(people.office)
    response = client.get(reverse("supervision:proposals", args=[campaign.pk]))
    [proposal] = response.context["proposals"]
    assert proposal.unit == district.a and task in proposal.tasks
    issue(campaign, district, task, people.office)
    response = client.get(reverse("supervision:proposals", args=[campaign.pk]))
    assert all(task not in p.tasks for p in response.context["proposals"])


def test_an_overlong_proposing_rule_from_the_hidden_field_is_cut(client, campaign, district,
                                                                  people, task):  # fmt: skip
    """The form carries the rule that proposed the order in a hidden field; a tampered,
    overlong one was a PostgreSQL DataError (varchar 200), so a 500."""
    client.force_login(people.supervisor)
    response = client.post(
        reverse("supervision:order_issue", args=[campaign.pk]),
        {"unit": district.a.pk, "tasks": [task.pk], "level": "key", "subject": "滞后",
         "requirement": "尽快", "deadline": soon().isoformat(), "proposed_by": "规" * 3000},
    )  # fmt: skip
    assert response.status_code == 302
    assert task.orders.get().proposed_by == "规" * 200
