"""Importing and exporting standards: the example, exact round trips, and every refusal."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from shuangyong.core.imports import ImportFileError
from shuangyong.core.testing import read_xlsx
from shuangyong.standards.imports import HEADERS, StandardImporter
from shuangyong.standards.models import Criterion, Standard

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "example_standard.yaml"
META = [["项目", "内容"], ["名称", "测试标准"], ["版本", "v1"], ["加分上限", 2]]


def workbook(path, rows, meta=META):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "考评标准"
    for row in [HEADERS, *rows]:
        sheet.append(row)
    info = book.create_sheet("标准信息")
    for row in meta:
        info.append(row)
    book.save(path)
    return path


GOOD = [
    ["1", "组织领导", 3, "", "", "", "", "否", "否"],
    [
        "1.1",
        "研究双拥工作",
        2,
        "按要素计分",
        '{"elements": ["常委会", "常务会"]}',
        "",
        "纪要",
        "否",
        "否",
    ],
    [
        "1.2",
        "经费",
        1,
        "凭台账计分",
        '{"inner": {"type": "all_or_nothing"}}',
        "",
        "凭证",
        "否",
        "否",
    ],
    ["2", "一票否决", 0, "", "", "", "", "否", "否"],
    ["2.1", "重大事件", 0, "", "", "", "", "否", "是"],
]


def test_the_example_standard_imports_with_its_figures(db, capsys):
    call_command("import", "standard", str(EXAMPLE), "--json")
    payload = json.loads(capsys.readouterr().out)
    assert payload["criteria"] == 64 and payload["total_points"] == 100
    assert payload["bonus_points"] == 7 and payload["veto_items"] == 5 and payload["rejected"] == 0
    standard = Standard.objects.get()
    items = standard.criteria.exclude(rule_type="").exclude(is_bonus=True)
    assert items.count() >= 40
    assert set(standard.criteria.values_list("rule_type", flat=True)) - {""} == {
        "all_or_nothing",
        "per_element",
        "proportional",
        "tiered",
        "deduction",
        "evidence_gated",
        "manual",
    }
    assert standard.criteria.filter(parent=None, is_bonus=False).exclude(code="10").count() == 8


@pytest.mark.parametrize("suffix", ["xlsx", "yaml"])
def test_export_import_export_is_byte_stable(db, tmp_path, suffix):
    StandardImporter().run(EXAMPLE)
    first = tmp_path / f"first.{suffix}"
    call_command("export", "standard", str(Standard.objects.get().pk), "-o", str(first))
    Standard.objects.all().delete()
    result = StandardImporter().run(first)
    assert result.rejected == 0, result.errors
    second = tmp_path / f"second.{suffix}"
    call_command("export", "standard", str(Standard.objects.get().pk), "-o", str(second))
    assert first.read_bytes() == second.read_bytes()


def test_excel_and_yaml_describe_the_same_standard(db, tmp_path):
    StandardImporter().run(EXAMPLE)
    pk = str(Standard.objects.get().pk)
    call_command("export", "standard", pk, "-o", str(tmp_path / "s.xlsx"))
    Standard.objects.all().delete()
    StandardImporter().run(tmp_path / "s.xlsx")
    call_command(
        "export", "standard", str(Standard.objects.get().pk), "-o", str(tmp_path / "s.yaml")
    )
    assert (tmp_path / "s.yaml").read_text(encoding="utf-8").count("- code:") == 64


def test_a_good_workbook(db, tmp_path):
    result = StandardImporter().run(workbook(tmp_path / "s.xlsx", GOOD))
    assert result.rejected == 0, result.errors
    standard = Standard.objects.get(name="测试标准", version="v1")
    assert standard.status == "draft" and standard.bonus_cap == 2
    assert Criterion.objects.get(code="1.1").parent.code == "1"


def one_error(tmp_path, rows, **kwargs):
    result = StandardImporter(**kwargs).run(workbook(tmp_path / "s.xlsx", rows))
    assert Standard.objects.count() == 0, "a faulty file must write nothing"
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


@pytest.mark.parametrize(
    "row_index,column,value,header",
    [
        (1, 4, '{"elements": [{"name": "a", "points": 5}]}', "评分参数"),  # params do not fit
        (1, 4, "{not json", "评分参数"),
        (1, 3, "掷骰子", "评分方式"),
        (1, 2, "两分", "分值"),
        (2, 0, "1.1", "编号"),  # duplicate
        (2, 0, "7.1", "编号"),  # orphan
        (2, 0, "1..2", "编号"),
    ],
)
def test_each_fault_names_row_and_column(db, tmp_path, english, row_index, column, value, header):
    rows = [row[:] for row in GOOD]
    rows[row_index][column] = value
    error = one_error(tmp_path, rows)
    assert (error.row, error.column) == (row_index + 2, header)


def test_a_veto_item_carries_no_points(db, tmp_path, english):
    rows = [row[:] for row in GOOD]
    rows[3][2] = rows[4][2] = 1
    error = one_error(tmp_path, rows)
    assert (error.row, error.column) == (6, "分值") and "veto" in error.message


def test_children_exceeding_their_parent(db, tmp_path, english):
    rows = [row[:] for row in GOOD]
    rows[0][2] = 2  # the items add up to 3
    error = one_error(tmp_path, rows)
    assert (error.row, error.column) == (2, "分值") and "more than" in error.message


def test_an_existing_version_is_refused(db, tmp_path):
    StandardImporter().run(workbook(tmp_path / "a.xlsx", GOOD))
    result = StandardImporter().run(workbook(tmp_path / "b.xlsx", GOOD))
    assert result.rejected == len(GOOD) and result.errors[0].column == "标准信息/版本"
    assert Standard.objects.count() == 1


def test_partial_does_not_apply(db, tmp_path):
    with pytest.raises(ImportFileError):
        StandardImporter().run(workbook(tmp_path / "s.xlsx", GOOD), partial=True)


def test_malformed_yaml(db, tmp_path):
    bad = tmp_path / "s.yaml"
    bad.write_text("criteria: [unclosed", encoding="utf-8")
    with pytest.raises(ImportFileError):
        StandardImporter().run(bad)


def test_template_from_the_example(client, people):
    client.force_login(people.office)
    import io

    response = client.get("/standards/example.xlsx")
    rows = read_xlsx(io.BytesIO(response.content))
    assert rows[0] == HEADERS and len(rows) == 65
