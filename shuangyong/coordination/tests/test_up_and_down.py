"""Up and down: the city's directives become tasks or notices; the city pack goes up."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuangyong.campaigns.models import Task
from shuangyong.coordination import services
from shuangyong.coordination.imports import DirectivesImporter
from shuangyong.coordination.models import Notice, Receipt
from shuangyong.core.testing import read_xlsx, write_xlsx
from shuangyong.messaging.models import Notification
from shuangyong.supervision.models import SupervisionOrder

HEADERS = ["类型", "来文单位", "文号", "标题", "内容", "承办单位", "完成时限", "考评编号"]
SOON = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def rows():
    return [
        HEADERS,
        [
            "任务",
            "市双拥办",
            "市双拥〔2026〕5号",
            "开展双拥模范城创建宣传月活动",
            "",
            "甲局、乙",
            SOON,
            "1.1",
        ],
        [
            "通知",
            "市双拥办",
            "市双拥〔2026〕6号",
            "报送优抚对象数据",
            "请核对后报送。",
            "东街道、某部",
            SOON,
            "",
        ],
        ["通知", "市退役军人局", "", "转发学习材料", "供学习参考。", "甲局", "", ""],
    ]


def run(tmp_path, campaign, table, actor=None):
    path = write_xlsx(tmp_path / "directives.xlsx", table)
    return DirectivesImporter(campaign=campaign.pk, actor=actor).run(path)


def test_directives_become_tasks_and_notices_and_the_units_are_told(
    tmp_path, campaign, people, district
):
    result = run(tmp_path, campaign, rows(), actor=people.office)
    assert (result.created, result.rejected) == (3, 0), result.errors
    task = Task.objects.get()
    assert (task.lead_unit, task.criterion.code) == (district.a, "1.1")
    assert list(task.co_units.all()) == [district.b]
    assert "市双拥〔2026〕5号" in task.evidence_required
    data, study = Notice.objects.order_by("pk")
    assert data.requires_reply and data.reply_deadline.isoformat() == SOON
    assert sorted(data.receipts.values_list("unit__code", flat=True)) == ["G", "S"]
    assert not study.requires_reply and data.sender_unit == district.office
    told = Notification.objects.values_list("recipient__username", "kind")
    assert set(told) == {
        ("liaison_a", "directive"),
        ("care", "notice"),
        ("military", "notice"),
        ("liaison_a", "notice"),
    }


@pytest.mark.parametrize(
    "row,column,value,header",
    [
        (1, 0, "请示", "类型"),
        (1, 5, "甲局、无名单位", "承办单位"),
        (1, 6, "2020-01-01", "完成时限"),
        (1, 6, "", "完成时限"),  # a task needs a deadline
        (2, 4, "", "内容"),  # a notice needs its text
        (1, 7, "99.9", "考评编号"),
    ],
)
def test_a_bad_row_names_its_place_and_nothing_is_written(
    tmp_path, campaign, people, district, row, column, value, header
):
    table = rows()
    table[row][column] = value
    result = run(tmp_path, campaign, table, actor=people.office)
    assert [(e.row, e.column) for e in result.errors] == [(row + 1, header)], result.errors
    assert (
        not Task.objects.exists() and not Notice.objects.exists() and not Receipt.objects.exists()
    )


def test_the_import_page_takes_the_file_for_a_campaign(
    client, tmp_path, campaign, people, district
):
    path = write_xlsx(tmp_path / "d.xlsx", rows())
    client.force_login(people.office)
    url = reverse("core:import", args=["directives"]) + f"?campaign={campaign.pk}"
    with path.open("rb") as handle:
        upload = SimpleUploadedFile("市级指令.xlsx", handle.read())
    response = client.post(url, {"file": upload})
    assert response.status_code == 200 and response.context["result"].created == 3
    client.force_login(people.liaison_a)
    assert client.get(url).status_code == 403


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


def test_the_city_pack_page_and_workbook_tell_the_same_story(client, troubled, campaign, people):
    client.force_login(people.leader)
    page = client.get(reverse("coordination:city_pack", args=[campaign.pk]))
    pack = page.context["pack"]
    kinds = sorted(r.title for r in pack.risks)
    assert kinds == sorted(["拥军优属政策落实", "督办〔2026〕7号 政策落实滞后", "营区道路维修"])
    assert len(pack.scores) == len(campaign.standard.criteria.all())
    response = client.get(reverse("core:export", args=["citypack"]) + f"?id={campaign.pk}")
    assert response.status_code == 200
    workbook = io.BytesIO(response.content)
    scores, risks, index = (read_xlsx(workbook, sheet) for sheet in range(3))
    assert Decimal(str(scores[1][3])) == pack.total.score
    assert sorted(r[1] for r in risks[1:]) == kinds
    assert len(index) == len(pack.ledger) + 1
    client.force_login(people.liaison_a)
    assert client.get(reverse("coordination:city_pack", args=[campaign.pk])).status_code == 403


def test_the_city_pack_keeps_its_query_count(client, campaign, people, district):
    client.force_login(people.office)
    url = reverse("coordination:city_pack", args=[campaign.pk])
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
