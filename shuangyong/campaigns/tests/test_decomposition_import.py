"""The task decomposition table: in, out, and every refusal naming its row and column."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from shuangyong.campaigns.imports import HEADERS, DecompositionImporter
from shuangyong.campaigns.models import Indicator, Recurrence, Task
from shuangyong.core.testing import read_xlsx, write_xlsx


def next_year():
    """Read when the test runs, not at import: a run can cross midnight in Beijing."""
    return timezone.localdate().year + 1


def rows():
    return [
        HEADERS,
        [
            "1.1",
            "区委常委会专题研究双拥工作",
            "甲局",
            "乙、东街道",
            "张三",
            f"{next_year()}-06-30",
            "专题会议次数",
            1,
            "次",
            "会议纪要",
        ],
        [
            "1.1",
            "区委常委会专题研究双拥工作",
            "甲局",
            "乙、东街道",
            "张三",
            f"{next_year()}-06-30",
            "纪要印发率",
            100,
            "%",
            "会议纪要",
        ],
        ["2.2", "节日走访慰问", "B", "", "李四", "每年", "走访覆盖率", 100, "%", "走访登记表"],
        ["", "双拥办年度工作总结", "O", "", "", "", "", "", "", ""],
    ]


def run(tmp_path, campaign, table, **kwargs):
    path = write_xlsx(tmp_path / "decomposition.xlsx", table)
    return DecompositionImporter(campaign=campaign.pk).run(path, **kwargs)


def test_the_table_becomes_tasks_with_indicators(tmp_path, campaign, people, district):
    result = run(tmp_path, campaign, rows())
    assert (result.created, result.rejected) == (3, 0), result.errors
    task = Task.objects.get(title="区委常委会专题研究双拥工作")
    assert task.criterion.code == "1.1" and task.lead_unit == district.a
    assert set(task.co_units.all()) == {district.b, district.street}
    assert task.owner == people.liaison_a.person
    assert [i.name for i in task.indicators.all()] == ["专题会议次数", "纪要印发率"]
    visit = Task.objects.get(title="节日走访慰问")
    assert visit.recurrence == Recurrence.YEARLY
    assert visit.deadline == dt.date(timezone.localdate().year, 12, 31)
    assert Task.objects.get(title="双拥办年度工作总结").criterion is None
    assert result.extra == {"campaign": campaign.pk, "tasks": 3, "indicators": 3}


def test_reimport_updates_and_export_round_trips(tmp_path, campaign, people, district):
    run(tmp_path, campaign, rows())
    out = tmp_path / "out.xlsx"
    call_command("export", "decomposition", str(campaign.pk), "-o", str(out))
    exported = read_xlsx(out)
    assert exported[0] == HEADERS and len(exported) == 5
    result = DecompositionImporter(campaign=campaign.pk).run(out)
    assert (result.created, result.updated, result.rejected) == (0, 3, 0), result.errors
    assert Task.objects.count() == 3 and Indicator.objects.count() == 3
    again = tmp_path / "again.xlsx"
    call_command("export", "decomposition", str(campaign.pk), "-o", str(again))
    assert read_xlsx(again) == exported


@pytest.mark.parametrize(
    "column,value,header,fragment",
    [
        (0, "99.9", "考评编号", "not a criterion"),
        (2, "不存在的局", "牵头单位", "unknown unit"),
        (3, "乙、无名单位", "配合单位", "unknown unit"),
        (4, "王不在", "责任人", "no one called"),
        (5, "2020-01-01", "完成时限", "in the past"),
        (5, "尽快", "完成时限", "not a date"),
        (7, "一百", "目标值", "not a number"),
    ],
)
def test_faults_name_row_and_column_and_write_nothing(
    tmp_path, campaign, people, district, english, column, value, header, fragment
):
    table = rows()
    table[3][column] = value
    result = run(tmp_path, campaign, table)
    assert [(e.row, e.column) for e in result.errors] == [(4, header)], result.errors
    assert fragment in result.errors[0].message
    assert not Task.objects.exists()


def test_the_same_task_must_agree_with_itself(tmp_path, campaign, people, district, english):
    table = rows()
    table[2][5] = f"{next_year()}-07-31"
    result = run(tmp_path, campaign, table)
    assert [(e.row, e.column) for e in result.errors] == [(3, "完成时限")]


def test_command_json_and_campaign_option(tmp_path, campaign, people, district, capsys):
    path = write_xlsx(tmp_path / "d.xlsx", rows())
    call_command("import", "decomposition", str(path), "--campaign", str(campaign.pk), "--json")
    payload = json.loads(capsys.readouterr().out)
    assert payload["created"] == 3 and payload["tasks"] == 3 and payload["errors"] == []
    with pytest.raises(SystemExit) as info:
        call_command("import", "decomposition", str(path), "--campaign", "9999", "--json")
    assert info.value.code == 2
