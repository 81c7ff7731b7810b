"""我的待办: each role sees what waits for it, only in its units, in a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shuangyong.campaigns import responsibility
from shuangyong.campaigns.models import Campaign, Task
from shuangyong.coordination.models import JointItem, Notice, Receipt
from shuangyong.supervision.models import SupervisionOrder

URL = reverse("home")


def work_for(unit, campaign, people, district, n=1):
    """n of each kind of work for ``unit``."""
    today = timezone.localdate()
    for i in range(n):
        task = Task.objects.create(
            campaign=campaign,
            title=f"任务{unit.code}{i}",
            lead_unit=unit,
            deadline=today + dt.timedelta(days=3 - i),
        )
        SupervisionOrder.objects.create(
            campaign=campaign,
            year=2026,
            number=SupervisionOrder.objects.count() + 1,
            level="general",
            unit=unit,
            subject=f"督办{unit.code}{i}",
            requirement="办",
            deadline=today + dt.timedelta(days=5),
        )
        notice = Notice.objects.create(
            sender_unit=district.office,
            title=f"通知{unit.code}{i}",
            body="请报送",
            requires_reply=True,
            reply_deadline=today + dt.timedelta(days=2),
        )
        Receipt.objects.create(notice=notice, unit=unit)
        JointItem.objects.create(
            campaign=campaign, title=f"共建{unit.code}{i}", local_unit=unit,
            garrison_unit=district.garrison,
        )  # fmt: skip
        liaison = people.liaison_a if unit == district.a else people.liaison_b
        responsibility.submit_report(task=task, user=liaison, text="进展", percent=30)


def groups(response):
    return {g.key: (g.count, [i.title for i in g.items]) for g in response.context["todo"]}


@pytest.fixture
def world(campaign, people, district):
    work_for(district.a, campaign, people, district)
    work_for(district.b, campaign, people, district)


def test_a_liaison_sees_its_units_work_only(client, people, world):
    client.force_login(people.liaison_a)
    seen = groups(client.get(URL))
    assert seen["orders_sign"][0] == 1 and seen["orders_sign"][1][0].endswith("督办A0")
    assert seen["notice_replies"] == (1, ["通知A0"])
    assert seen["tasks_due"] == (1, ["任务A0"])
    assert seen["joint_local"] == (1, ["共建A0"])
    assert "reports_review" not in seen
    body = client.get(URL).content.decode()
    assert "任务B0" not in body and "通知B0" not in body  # the outsider's units


def test_the_office_sees_reports_to_review_oldest_first(client, people, world):
    client.force_login(people.office)
    seen = groups(client.get(URL))
    assert seen["reports_review"] == (2, ["任务A0", "任务B0"])
    assert seen["joint_local"][0] == 2


def test_a_returned_report_waits_until_reported_again(client, people, world, district):
    report = Task.objects.get(title="任务A0").reports.get()
    responsibility.review_report(report=report, accept=False, note="缺附件", reviewer=people.office)
    client.force_login(people.liaison_a)
    assert groups(client.get(URL))["reports_returned"] == (1, ["任务A0"])
    responsibility.submit_report(task=report.task, user=people.liaison_a, text="补", percent=40)
    assert "reports_returned" not in groups(client.get(URL))


def test_one_click_reaches_each_item(client, people, world):
    client.force_login(people.liaison_a)
    for group in client.get(URL).context["todo"]:
        for item in group.items:
            assert client.get(item.url).status_code == 200, item.url


def test_the_leader_lands_on_the_dashboard(client, people, campaign):
    client.force_login(people.leader)
    assert client.get(URL).url == reverse("supervision:dashboard_latest")


def test_nothing_waiting_says_so(client, people, district):
    client.force_login(people.auditor)
    response = client.get(URL)
    assert (
        response.context["todo"] == [] and 'data-testid="todo-empty"' in response.content.decode()
    )


def test_campaign_switcher(client, people, world, campaign, standard, district):
    older = Campaign.objects.create(
        name="上一周期", standard=standard, district=district.root, start_year=2021,
        end_year=2024, target_score=90,
    )  # fmt: skip
    Task.objects.create(
        campaign=older, title="旧任务", lead_unit=district.a,
        deadline=timezone.localdate() + dt.timedelta(days=1),
    )  # fmt: skip
    client.force_login(people.liaison_b)  # B has no task in the older campaign: no switcher
    assert 'data-testid="campaign-switcher"' not in client.get(URL).content.decode()
    client.force_login(people.liaison_a)
    response = client.get(URL)
    assert response.context["campaign"] == campaign
    assert 'data-testid="campaign-switcher"' in response.content.decode()
    response = client.get(URL, {"campaign": older.pk})
    assert groups(response)["tasks_due"] == (1, ["旧任务"])
    assert client.get(URL).context["campaign"] == older  # remembered
    assert client.get(reverse("campaigns:my_tasks")).url == reverse(
        "campaigns:task_list", args=[older.pk]
    )
    client.force_login(people.liaison_b)  # a campaign outside B's work is not taken
    assert client.get(URL, {"campaign": older.pk}).context["campaign"] == campaign


# The home page's queries per role (session, user, menu badge, one per kind of work…),
# the district's facts cached (portal.views.district_facts).
QUERIES = {"office": 13, "liaison_a": 15, "military": 14, "care": 13, "supervisor": 7}


@pytest.mark.parametrize("who", sorted(QUERIES))
def test_the_home_page_runs_a_fixed_number_of_queries(
    client, people, campaign, district, who, django_assert_num_queries
):
    work_for(district.a, campaign, people, district)
    client.force_login(getattr(people, who))
    client.get(URL)
    with CaptureQueriesContext(connection) as first:
        client.get(URL)
    work_for(district.a, campaign, people, district, n=4)
    work_for(district.b, campaign, people, district, n=3)
    assert len(first.captured_queries) == QUERIES[who]
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(URL)
