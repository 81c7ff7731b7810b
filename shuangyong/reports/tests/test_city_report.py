"""The city pack (向上报送): the district's status for the city, as a page and a workbook."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuangyong.campaigns.models import Task
from shuangyong.coordination import services
from shuangyong.core.testing import read_xlsx
from shuangyong.supervision.models import SupervisionOrder


@pytest.fixture
def troubled(campaign, people, district):
    """A campaign with a red task, an open order and a joint item waiting for one side."""
    late = Task.objects.create(
        campaign=campaign,
        title="拥军优属政策落实",
        lead_unit=district.b,
        deadline=dt.date.today() - dt.timedelta(days=20),
    )
    SupervisionOrder.objects.create(
        campaign=campaign,
        year=2026,
        number=7,
        level="key",
        unit=district.b,
        subject="政策落实滞后",
        requirement="r",
        deadline=dt.date.today() + dt.timedelta(days=5),
    )
    item = services.raise_joint_item(
        campaign=campaign,
        title="营区道路维修",
        description="",
        local_unit=district.a,
        garrison_unit=district.garrison,
        actor=people.military,
    )
    services.sign_off(item=item, side="military", actor=people.military)
    return late


def test_the_page_and_workbook_tell_the_same_story(client, troubled, campaign, people):
    client.force_login(people.leader)
    page = client.get(reverse("reports:city_report", args=[campaign.pk]))
    report = page.context["report"]
    kinds = sorted(r.title for r in report.risks)
    assert kinds == sorted(["拥军优属政策落实", "督办〔2026〕7号 政策落实滞后", "营区道路维修"])
    assert len(report.scores) == len(campaign.standard.criteria.all())
    response = client.get(reverse("core:export", args=["citypack"]) + f"?id={campaign.pk}")
    assert response.status_code == 200
    workbook = io.BytesIO(response.content)
    scores, risks, index = (read_xlsx(workbook, sheet) for sheet in range(3))
    assert Decimal(str(scores[1][3])) == report.total.score
    assert sorted(r[1] for r in risks[1:]) == kinds
    assert len(index) == len(report.ledger) + 1
    client.force_login(people.liaison_a)
    assert client.get(reverse("reports:city_report", args=[campaign.pk])).status_code == 403


def test_the_page_keeps_its_query_count(client, campaign, people, district):
    client.force_login(people.office)
    url = reverse("reports:city_report", args=[campaign.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(40):
        Task.objects.create(
            campaign=campaign,
            title=f"任务{n}",
            lead_unit=district.a,
            deadline=dt.date.today() - dt.timedelta(days=n + 1),
        )
        services.raise_joint_item(
            campaign=campaign,
            title=f"联动{n}",
            description="",
            local_unit=district.a,
            garrison_unit=district.garrison,
            actor=people.office,
        )
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def test_the_old_address_sends_on_to_the_page(client, campaign, people):
    client.force_login(people.office)
    response = client.get(f"/coordination/campaigns/{campaign.pk}/city-pack/")
    assert response.status_code == 301
    assert response.url == reverse("reports:city_report", args=[campaign.pk])
