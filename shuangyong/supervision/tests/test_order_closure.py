"""Closing an order (销号) means something: the tasks are done, or their evidence was
accepted since the order, or an override with a reason that the history keeps; the
unit's answer carries files, checked like evidence."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shuangyong.campaigns.models import Evidence, Task
from shuangyong.supervision import orders
from shuangyong.supervision.models import OrderFile, OrderStatus
from shuangyong.supervision.tests.test_orders import issue, photo


@pytest.fixture
def task(campaign, district):
    return Task.objects.create(
        campaign=campaign, title="建设共建点", lead_unit=district.a, progress=0,
        deadline=dt.date.today() - dt.timedelta(days=9),
    )  # fmt: skip


@pytest.fixture
def answered(campaign, district, people, task):
    order = issue(campaign, district, task, people.supervisor)
    orders.acknowledge(order=order, actor=people.liaison_a)
    orders.respond(order=order, text="已着手", files=[photo()], actor=people.liaison_a)
    return order


def test_a_task_at_zero_percent_does_not_close_without_the_override(answered, people):
    with pytest.raises(ValidationError) as refused:
        orders.close(order=answered, text="复核通过", actor=people.supervisor)
    assert refused.value.messages == [
        "“建设共建点”完成 0%，且督办下发后没有审核通过的台账：任务完成或台账审核通过后再销号，"
        "或注明理由强制销号。"
    ]
    with pytest.raises(ValidationError):  # an override needs its reason
        orders.close(order=answered, text="同意", override=True, actor=people.supervisor)
    answered.refresh_from_db()
    assert answered.status == OrderStatus.RESPONDED
    orders.close(
        order=answered, text="任务已调整，经领导小组同意", override=True, actor=people.supervisor
    )
    answered.refresh_from_db()
    last = answered.steps.last()
    assert answered.status == OrderStatus.CLOSED
    assert (last.action, last.by) == ("close_override", people.supervisor)
    assert last.text == "任务已调整，经领导小组同意（建设共建点 完成 0%）"


def test_a_done_task_or_accepted_evidence_since_the_order_closes_it(
    answered, people, task, district, campaign
):
    def evidence(submitted_at):
        item = Evidence.objects.create(
            campaign=campaign, task=task, unit=district.a, year=campaign.start_year,
            title="共建协议", file=ContentFile(b"%PDF-1.4 x", name="x.pdf"),
            original_name="x.pdf", content_type="application/pdf", size=10, sha256="0" * 64,
            status="accepted",
        )  # fmt: skip
        Evidence.objects.filter(pk=item.pk).update(submitted_at=submitted_at)

    evidence(answered.issued_at - dt.timedelta(days=1))  # before the order: does not count
    assert [c["met"] for c in orders.closure_check(answered)] == [False]
    evidence(answered.issued_at + dt.timedelta(hours=1))
    assert orders.closure_check(answered)[0]["evidence"]
    orders.close(order=answered, text="台账已审核", actor=people.supervisor)
    assert answered.steps.last().action == "close"


def test_the_answer_carries_checked_files(campaign, district, people, task):
    order = issue(campaign, district, task, people.supervisor)
    orders.acknowledge(order=order, actor=people.liaison_a)
    with pytest.raises(ValidationError) as none:
        orders.respond(order=order, text="已办", files=[], actor=people.liaison_a)
    assert "files" in none.value.message_dict
    fake = SimpleUploadedFile("协议.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as bad:
        orders.respond(order=order, text="已办", files=[fake], actor=people.liaison_a)
    assert "协议.pdf" in bad.value.messages[0]
    order.refresh_from_db()
    assert order.status == OrderStatus.ACKNOWLEDGED and not OrderFile.objects.exists()


def test_the_files_through_the_pages_and_the_outsider(client, campaign, district, people, task):
    order = issue(campaign, district, task, people.supervisor)
    orders.acknowledge(order=order, actor=people.liaison_a)
    client.force_login(people.liaison_a)
    client.post(
        reverse("supervision:order_step", args=[order.pk, "respond"]),
        {"text": "已建成", "files": [photo("一.png"), photo("二.png")]},
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.RESPONDED
    first = OrderFile.objects.order_by("pk").first()
    assert list(OrderFile.objects.values_list("name", flat=True)) == ["一.png", "二.png"]
    url = reverse("supervision:order_file", args=[first.pk])
    for reader in (people.liaison_a, people.office):
        client.force_login(reader)
        assert client.get(url).status_code == 200
    client.force_login(people.office)
    page = client.get(reverse("supervision:order_detail", args=[order.pk])).content.decode()
    assert "一.png" in page and "督办后无审核通过的台账" in page  # the re-check lists the task
    response = client.post(
        reverse("supervision:order_step", args=[order.pk, "close"]), {"text": "通过"}, follow=True
    )
    assert any("强制销号" in str(m) for m in response.context["messages"])
    client.force_login(people.liaison_b)  # the outsider
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("supervision:order_step", args=[order.pk, "close"])).status_code == 404
    )
