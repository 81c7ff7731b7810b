"""Down: the city's directives become tasks or notices (the city pack going up is tested in
reports/tests/test_city_report.py)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shuangyong.campaigns.models import Task
from shuangyong.coordination.imports import DirectivesImporter
from shuangyong.coordination.models import Notice, Receipt
from shuangyong.core.testing import write_xlsx
from shuangyong.messaging.models import Notification

HEADERS = ["类型", "来文单位", "文号", "标题", "内容", "承办单位", "完成时限", "考评编号"]


def soon():
    """Read when the test runs, not at import: a run can cross midnight in Beijing."""
    return (timezone.localdate() + dt.timedelta(days=30)).isoformat()


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
            soon(),
            "1.1",
        ],
        [
            "通知",
            "市双拥办",
            "市双拥〔2026〕6号",
            "报送优抚对象数据",
            "请核对后报送。",
            "东街道、某部",
            soon(),
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
    assert data.requires_reply and data.reply_deadline.isoformat() == soon()
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
