import json

import pytest
from django.core.management import call_command
from django.utils import translation

from shuangyong.core.imports import ImportFileError
from shuangyong.core.testing import read_xlsx, write_xlsx
from shuangyong.org.imports import UnitImporter
from shuangyong.org.models import Unit

HEADER = [
    "编码",
    "名称",
    "简称",
    "类型",
    "上级编码",
    "成员单位",
    "联系人",
    "联系电话",
    "职责",
    "排序",
]
GOOD = [
    HEADER,
    ["X", "新区", "", "区", "", "否", "", "", "", 0],
    ["X-1", "新区教育局", "新教", "部门", "X", "是", "王五", "021-63211234", "教育拥军", 1],
    ["X-2", "新区东街道", "东街", "街道", "X", "是", "赵六", "13800138000", "", 2],
    ["X-2-1", "东街甲社区", "", "社区", "X-2", "否", "", "", "", 1],
]


@pytest.fixture(autouse=True)
def english():
    # Messages are checked in English here; test_messages_are_chinese_by_default checks zh.
    with translation.override("en"):
        yield


def run(tmp_path, rows, **kwargs):
    return UnitImporter().run(write_xlsx(tmp_path / "units.xlsx", rows), **kwargs)


def test_valid_file_builds_the_tree(db, tmp_path):
    result = run(tmp_path, GOOD)
    assert (result.created, result.updated, result.rejected) == (4, 0, 0)
    community = Unit.objects.get(code="X-2-1")
    street = Unit.objects.get(code="X-2")
    root = Unit.objects.get(code="X")
    assert community.parent == street and street.parent == root
    assert community.path.startswith(street.path) and street.path.startswith(root.path)
    assert community.depth == 2
    assert Unit.objects.get(code="X-1").is_member is True
    assert Unit.objects.get(code="X-1").contact_phone == "021-63211234"
    assert "xinjiao" in Unit.objects.get(code="X-1").search_text


def test_title_row_above_header_and_empty_rows_are_tolerated(db, tmp_path):
    rows = [GOOD[0], GOOD[1], ["", "", ""], GOOD[2]]
    result = UnitImporter().run(
        write_xlsx(tmp_path / "u.xlsx", rows, title_rows=[["明川区单位名录（2026年）"], []])
    )
    assert result.rejected == 0 and result.created == 2


def test_reimport_updates_instead_of_duplicating(db, tmp_path):
    run(tmp_path, GOOD)
    changed = [row[:] for row in GOOD]
    changed[2][6] = "钱七"
    result = run(tmp_path, changed)
    assert (result.created, result.updated) == (0, 4)
    assert Unit.objects.get(code="X-1").contact_name == "钱七"
    assert Unit.objects.count() == 4


@pytest.mark.parametrize(
    "row_index,column,value,header,fragment",
    [
        (2, 4, "NOPE", "上级编码", "unknown parent"),
        (4, 0, "X-1", "编码", "duplicate code"),
        (2, 7, "12345", "联系电话", "not a valid phone"),
        (2, 3, "宇宙飞船", "类型", "unknown unit kind"),
        (2, 5, "也许", "成员单位", "是"),
        (2, 1, "", "名称", "required"),
    ],
)
def test_each_fault_names_row_and_column_and_nothing_is_written(
    db, tmp_path, row_index, column, value, header, fragment
):
    rows = [row[:] for row in GOOD]
    rows[row_index][column] = value
    result = run(tmp_path, rows)
    assert result.rejected == 1
    [error] = result.errors
    assert error.row == row_index + 1  # Excel numbering, header is row 1
    assert error.column == header
    assert fragment in error.message
    assert Unit.objects.count() == 0


def test_missing_required_column_is_reported_on_the_header_row(db, tmp_path):
    rows = [[c for c in row[:3]] + row[4:] for row in GOOD]  # drop 类型
    result = run(tmp_path, rows)
    assert result.rejected == 4
    assert [(e.row, e.column) for e in result.errors] == [(1, "类型")]
    assert Unit.objects.count() == 0


def test_parent_cycle_is_rejected(db, tmp_path):
    rows = [HEADER, ["P", "甲", "", "部门", "Q", "否"], ["Q", "乙", "", "部门", "P", "否"]]
    result = run(tmp_path, rows)
    assert result.rejected == 2
    assert all("loops" in e.message for e in result.errors)


def test_name_taken_by_another_existing_unit(db, tmp_path):
    Unit.objects.create(code="OLD", name="新区教育局", kind="department")
    result = run(tmp_path, GOOD)
    assert [(e.row, e.column) for e in result.errors] == [(3, "名称")]


def test_partial_writes_the_valid_rows_and_keeps_the_bad(db, tmp_path):
    rows = [row[:] for row in GOOD]
    rows[2][7] = "abc"
    result = run(tmp_path, rows, partial=True)
    assert (result.created, result.rejected) == (3, 1)
    assert not Unit.objects.filter(code="X-1").exists()
    result.write_error_workbook(tmp_path / "errors.xlsx")
    sheet = read_xlsx(tmp_path / "errors.xlsx")
    assert sheet[0][-1] == "Reasons"
    assert sheet[1][0] == "X-1" and "联系电话" in sheet[1][-1]


def test_unreadable_file(db, tmp_path):
    bad = tmp_path / "units.xlsx"
    bad.write_bytes(b"this is not a spreadsheet")
    with pytest.raises(ImportFileError):
        UnitImporter().run(bad)


def test_export_has_the_import_shape_and_round_trips(db, tmp_path):
    run(tmp_path, GOOD)
    out = tmp_path / "out.xlsx"
    call_command("export", "units", "-o", str(out))
    exported = read_xlsx(out)
    assert exported[0] == HEADER
    assert [r[0] for r in exported[1:]] == ["X", "X-1", "X-2", "X-2-1"]
    result = UnitImporter().run(out)
    assert (result.created, result.updated, result.rejected) == (0, 4, 0)
    again = tmp_path / "again.xlsx"
    call_command("export", "units", "-o", str(again))
    assert read_xlsx(again) == exported


def test_json_result_shape(db, tmp_path, capsys):
    rows = [row[:] for row in GOOD]
    rows[4][7] = "999"
    path = write_xlsx(tmp_path / "units.xlsx", rows)
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "units", str(path), "--json")
    assert exit_info.value.code == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["created"] == 0 and payload["updated"] == 0 and payload["rejected"] == 1
    assert payload["errors"][0]["row"] == 5 and payload["errors"][0]["column"] == "联系电话"
    assert Unit.objects.count() == 0


def test_child_of_a_faulty_row_says_so(db, tmp_path):
    rows = [row[:] for row in GOOD]
    rows[3][7] = "999"  # the street's phone; its community names it as parent
    result = run(tmp_path, rows)
    assert [(e.row, e.column) for e in result.errors] == [(4, "联系电话"), (5, "上级编码")]
    assert "row 4" in result.errors[1].message


def test_messages_are_chinese_by_default(db, tmp_path):
    rows = [row[:] for row in GOOD]
    rows[2][4] = "NOPE"
    with translation.override("zh-hans"):
        result = run(tmp_path, rows)
    assert result.errors[0].message == "上级单位编码“NOPE”不存在"
