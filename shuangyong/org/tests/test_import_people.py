import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import translation

from shuangyong.core.idnumber import make, mask
from shuangyong.core.testing import read_xlsx, write_xlsx
from shuangyong.org.imports import PersonImporter
from shuangyong.org.models import Person, Unit

HEADER = ["姓名", "单位", "职务", "联系电话", "电子邮箱", "公民身份号码"]
ID_A = make("110105", dt.date(1980, 5, 17), 123)
ID_B = make("310101", dt.date(1975, 1, 2), 42)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run(tmp_path, rows, **kwargs):
    return PersonImporter().run(write_xlsx(tmp_path / "people.xlsx", rows), **kwargs)


def test_units_match_by_code_full_name_or_short_name(district, tmp_path):
    rows = [
        HEADER,
        ["张三", "A", "科长", "13800138000", "zs@example.cn"],
        ["李四", "乙局", "科员", "１３９ ００１３ ９０００", ""],  # full-width, spaces
        ["王五", "甲", "", "021-63211234", ""],
    ]
    result = run(tmp_path, rows)
    assert (result.created, result.rejected) == (3, 0)
    assert Person.objects.get(name="李四").unit == district.b
    assert Person.objects.get(name="李四").phone == "13900139000"
    assert Person.objects.get(name="王五").unit == district.a
    assert "zs" in Person.objects.get(name="张三").search_text


@pytest.mark.parametrize(
    "row,column,fragment",
    [
        (["赵六", "不存在局", "", "", ""], "单位", "unknown unit"),
        (["赵六", "A", "", "1380013800", ""], "联系电话", "not a valid phone"),
        (["赵六", "A", "", "", "not-an-email"], "电子邮箱", "not an email"),
        # a valid address past the column's 254 (a DataError on PostgreSQL before)
        (
            ["赵六", "A", "", "", "a" * 60 + "@" + ("b" * 60 + ".") * 4 + "cn"],
            "电子邮箱",
            "at most 254",
        ),
        (["", "A", "", "", ""], "姓名", "required"),
    ],
)
def test_faults_are_named_and_nothing_written(district, tmp_path, row, column, fragment):
    result = run(tmp_path, [HEADER, ["张三", "A", "", "", ""], row])
    [error] = result.errors
    assert (error.row, error.column) == (3, column)
    assert fragment in error.message
    assert Person.objects.count() == 0


def test_same_person_twice_in_a_unit(district, tmp_path):
    result = run(tmp_path, [HEADER, ["张三", "A", "", "", ""], ["张三", "甲局", "", "", ""]])
    assert [(e.row, e.column) for e in result.errors] == [(3, "姓名")]


def test_ambiguous_unit_key_is_refused(district, tmp_path):
    # A unit whose code equals another unit's short name.
    Unit.objects.create(code="甲", name="另一个甲", kind="other", parent=district.root)
    result = run(tmp_path, [HEADER, ["张三", "甲", "", "", ""]])
    assert "more than one unit" in result.errors[0].message


def test_reimport_updates_by_unit_and_name(district, tmp_path):
    run(tmp_path, [HEADER, ["张三", "A", "科长", "", ""]])
    result = run(tmp_path, [HEADER, ["张三", "A", "处长", "13800138000", ""]])
    assert (result.created, result.updated) == (0, 1)
    assert Person.objects.get(name="张三").position == "处长"


def test_export_round_trip_with_masked_id_numbers(district, tmp_path):
    run(
        tmp_path,
        [HEADER, ["张三", "A", "科长", "13800138000", "", ID_A], ["李四", "B", "", "", ""]],
    )
    out = tmp_path / "out.xlsx"
    call_command("export", "people", "-o", str(out))
    rows = read_xlsx(out)
    assert rows == [
        HEADER,
        ["张三", "A", "科长", "13800138000", "", mask(ID_A)],
        ["李四", "B", "", "", "", ""],
    ]
    result = PersonImporter().run(out)
    assert (result.created, result.updated, result.rejected) == (0, 2, 0)
    assert Person.objects.get(name="张三").id_number == ID_A  # the masked cell kept it


def test_full_id_export_needs_a_reason_and_is_audited(district, tmp_path):
    from shuangyong.audit.models import AuditEvent

    run(tmp_path, [HEADER, ["张三", "A", "", "", "", ID_A]])
    out = tmp_path / "full.xlsx"
    call_command("export", "people", "-o", str(out), "--full-id-numbers", "--reason", "核对名单")
    assert read_xlsx(out)[1][5] == ID_A
    event = AuditEvent.objects.filter(object_type="export:people").latest("seq")
    assert event.detail == {"full": True, "reason": "核对名单"}


@pytest.mark.parametrize(
    "value,fragment",
    [
        (ID_A[:-1] + ("0" if ID_A[-1] != "0" else "1"), "check digit"),
        ("110105198002301234", "does not exist"),
        ("11010519800517", "18 characters"),
    ],
)
def test_bad_id_numbers_are_named(district, tmp_path, value, fragment):
    result = run(tmp_path, [HEADER, ["张三", "A", "", "", "", value]])
    [error] = result.errors
    assert (error.row, error.column) == (2, "公民身份号码") and fragment in error.message


def test_id_number_already_held_by_someone_else(district, tmp_path):
    run(tmp_path, [HEADER, ["张三", "A", "", "", "", ID_A]])
    result = run(tmp_path, [HEADER, ["王五", "B", "", "", "", ID_A.lower()]])
    assert "another person" in result.errors[0].message
    result = run(
        tmp_path, [HEADER, ["赵六", "A", "", "", "", ID_B], ["钱七", "B", "", "", "", ID_B]]
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "公民身份号码")]


def test_lookup_by_id_number_through_the_blind_index(district, tmp_path):
    run(tmp_path, [HEADER, ["张三", "A", "", "", "", ID_A], ["李四", "B", "", "", "", ID_B]])
    assert [p.name for p in Person.objects.with_id_number(ID_B.lower())] == ["李四"]
    assert not Person.objects.with_id_number(make("110105", dt.date(1990, 1, 1), 1)).exists()


def test_import_command_exit_codes(district, tmp_path, capsys):
    good = write_xlsx(tmp_path / "good.xlsx", [HEADER, ["张三", "A", "", "", "", ""]])
    call_command("import", "people", str(good), "--json")  # exit 0: no SystemExit
    assert '"created": 1' in capsys.readouterr().out
    unreadable = tmp_path / "broken.xlsx"
    unreadable.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "people", str(unreadable), "--json")
    assert exit_info.value.code == 2
    bad = write_xlsx(
        tmp_path / "bad.xlsx", [HEADER, ["李四", "A", "", "1", ""], ["王五", "B", "", "", ""]]
    )
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "people", str(bad), "--partial", "--json")
    assert exit_info.value.code == 1
    assert (
        Person.objects.filter(name="王五").exists()
        and not Person.objects.filter(name="李四").exists()
    )
    assert (tmp_path / "bad.errors.xlsx").exists()


def test_error_workbook_masks_id_numbers(district, tmp_path):
    result = run(tmp_path, [HEADER, ["张三", "无此单位", "", "", "", ID_A]], partial=True)
    result.write_error_workbook(tmp_path / "errors.xlsx")
    row = read_xlsx(tmp_path / "errors.xlsx")[1]
    assert row[5] == mask(ID_A) and ID_A not in str(row)


def test_a_key_shared_by_three_units_stays_ambiguous(district, tmp_path):
    """The third unit sharing a name used to win it back silently."""
    # as one's code, another's short name and a third's full name
    Unit.objects.create(code="西城", name="西一", kind="street", parent=district.root)
    Unit.objects.create(code="X2", name="西二", short_name="西城", kind="street",
                        parent=district.root)  # fmt: skip
    Unit.objects.create(code="X3", name="西城", kind="street", parent=district.root)
    result = run(tmp_path, [HEADER, ["张三", "西城", "", "", ""]])
    assert "more than one unit" in result.errors[0].message
    assert Person.objects.count() == 0
