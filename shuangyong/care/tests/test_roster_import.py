"""The roster import: 1,000 rows with 100 planted faults, and what real files look like."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from shuangyong.care.models import EntitledPerson, Entitlement, PayableSpan
from shuangyong.care.roster import HEADERS, RosterImporter
from shuangyong.care.roster_workbook import write_roster
from shuangyong.care.tests.roster import write_faulty_roster
from shuangyong.core.idnumber import make
from shuangyong.core.testing import read_xlsx, write_xlsx


@pytest.fixture
def streets(district, community):
    return [("东街道", ["东街社区"])]


def run_command(capsys, path, *flags):
    with pytest.raises(SystemExit) as info:
        call_command("import", "persons", str(path), "--json", *flags)
    return info.value.code, json.loads(capsys.readouterr().out)


def test_a_thousand_rows_with_a_hundred_faults_rejects_exactly_those_and_writes_nothing(
    tmp_path, streets, capsys
):
    path = tmp_path / "花名册.xlsx"
    planted = write_faulty_roster(path, 1000, streets=streets, faults=100, seed=7)
    assert len(planted) == 100 and len({p.fault for p in planted}) == 7
    code, result = run_command(capsys, path)
    assert code == 1 and result["rejected"] == 100 and result["created"] == 0
    named = {(e["row"], e["column"]) for e in result["errors"]}
    assert named == {(p.row, p.column) for p in planted}
    assert len(result["errors"]) == 100  # one reason each, nothing else
    assert not EntitledPerson.objects.exists() and not Entitlement.objects.exists()
    rejected = read_xlsx(result["error_file"])
    assert len(rejected) == 101  # the header and each rejected row, with its reasons last
    ids = [str(r[1]) for r in rejected[1:]]
    assert all("********" in i or len(i.replace(" ", "")) != 18 for i in ids)  # masked


def test_partial_writes_the_other_nine_hundred(tmp_path, streets, capsys, district):
    path = tmp_path / "花名册.xlsx"
    write_faulty_roster(path, 1000, streets=streets, faults=100, seed=7)
    with pytest.raises(SystemExit) as info:
        call_command("import", "persons", str(path), "--json", "--partial")
    result = json.loads(capsys.readouterr().out)
    assert info.value.code == 1 and result["created"] == 900 and result["rejected"] == 100
    assert EntitledPerson.objects.count() == 900
    assert Entitlement.objects.count() == PayableSpan.objects.count() == 900
    person = EntitledPerson.objects.exclude(community=None).first()
    assert person.street == district.street and person.id_number_masked.count("*") == 8
    assert len(person.id_number) == 18 and person.search_text


def test_a_second_import_reports_persons_already_registered_unless_updating(
    tmp_path, streets, capsys
):
    path = tmp_path / "花名册.xlsx"
    write_roster(path, 20, streets=streets, seed=3)
    call_command("import", "persons", str(path), "--json")
    capsys.readouterr()
    code, result = run_command(capsys, path)
    assert code == 1 and result["rejected"] == 20
    assert all("--update" in e["message"] for e in result["errors"])
    call_command("import", "persons", str(path), "--json", "--update")
    result = json.loads(capsys.readouterr().out)
    # The same file again changes nobody: 20 persons found, none updated.
    assert (result["created"], result["updated"], result["rejected"]) == (0, 0, 0)
    assert (result["persons"], result["unchanged"]) == (20, 20)
    assert EntitledPerson.objects.count() == 20 and Entitlement.objects.count() == 20


def row(**changes):
    values = dict(zip(HEADERS, [
        "王建国", "110199195003010011", "男", "1950.3.1", "13800000001", "东街道", "东街社区",
        "东街1号", "农村", "残疾军人（因战）", "四级", "", "1968.03", "1972年12月1日",
        "", "", "", "",
    ], strict=True))  # fmt: skip
    values.update(changes)
    return [values[h] for h in HEADERS]


def import_rows(tmp_path, *rows, title=True):
    path = write_xlsx(
        tmp_path / "r.xlsx", [HEADERS, *rows], title_rows=[["优抚对象花名册"]] if title else None
    )
    return RosterImporter().run(path)


def test_what_real_files_contain_is_read(tmp_path, streets):
    number = make("110199", dt.date(1950, 3, 1), 1)
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    result = import_rows(
        tmp_path,
        row(**{"公民身份号码": f" {full_width[:6]} {full_width[6:]} ", "出生日期": 18323}),
        ["", "", ""],
        row(
            **{
                "公民身份号码": make("110199", dt.date(1951, 5, 6), 2),
                "性别": "女",
                "出生日期": "1951年5月6日",
                "优抚类别": "烈属",
                "伤残等级": "",
                "联系电话": "021-63211234",
            }
        ),
    )
    assert result.rejected == 0, result.errors
    first = Entitlement.objects.get(category="disabled_veteran")
    assert (first.grade, first.cause) == (4, "war")
    assert Entitlement.objects.filter(category="martyr_survivor").exists()


@pytest.mark.parametrize(
    "changes,column,fragment",
    [
        ({"性别": "女"}, "性别", "does not agree"),
        ({"出生日期": "1950-03-02"}, "出生日期", "does not agree"),
        ({"公民身份号码": "110199195003010012"}, "公民身份号码", "check digit"),
        ({"公民身份号码": "11019919500231001X"}, "公民身份号码", "does not exist"),
        ({"优抚类别": "五保户"}, "优抚类别", "unknown category"),
        ({"伤残等级": ""}, "伤残等级", "grade"),
        ({"伤残等级": "十一级"}, "伤残等级", "1–10"),
        ({"优抚类别": "残疾军人", "伤残性质": "因病", "伤残等级": "8"}, "伤残等级", "1 to 6"),
        ({"联系电话": "12345"}, "联系电话", "phone"),
        ({"所属街道": "西街道"}, "所属街道", "unknown street"),
        ({"所属社区": "西街社区"}, "所属社区", "not a community"),
        ({"入伍时间": "去年"}, "入伍时间", "not a date"),
    ],
)
def test_each_fault_names_its_row_column_and_reason(
    tmp_path, streets, english, changes, column, fragment
):
    base = {"公民身份号码": make("110199", dt.date(1950, 3, 1), 1)}
    result = import_rows(tmp_path, row(**{**base, **changes}))
    assert [(e.row, e.column) for e in result.errors] == [(3, column)], result.errors
    assert fragment in result.errors[0].message
    assert not EntitledPerson.objects.exists()


def test_an_update_marks_only_the_persons_whose_record_changed(tmp_path, streets):
    """The API's "changed since" reads updated_at: a re-import must move it for the
    changed rows and leave the rest alone."""
    long_ago = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    first = make("110199", dt.date(1950, 3, 1), 11)
    second = make("110199", dt.date(1950, 3, 1), 13)
    rows = [row(**{"公民身份号码": first}), row(**{"公民身份号码": second, "姓名": "李卫国"})]
    assert import_rows(tmp_path, *rows).created == 2
    EntitledPerson.objects.update(updated_at=long_ago)
    rows[1] = row(**{"公民身份号码": second, "姓名": "李卫国", "联系电话": "13900000002"})
    path = write_xlsx(tmp_path / "again.xlsx", [HEADERS, *rows])
    result = RosterImporter(update=True).run(path)
    assert (result.created, result.updated, result.rejected) == (0, 1, 0)  # 李卫国 only
    moved = dict(EntitledPerson.objects.values_list("name", "updated_at"))
    assert moved["王建国"] == long_ago
    assert moved["李卫国"] > long_ago
    assert EntitledPerson.objects.get(name="李卫国").phone == "13900000002"


def test_a_new_entitlement_of_a_registered_person_keeps_the_registrys_hukou(tmp_path, streets):
    """An empty 户籍类型 cell means "as registered": the new entitlement's payable span
    must carry the person's hukou, which the rural/urban standards match on."""
    from shuangyong.care.models import PayableSpan

    number = make("110199", dt.date(1950, 3, 1), 21)
    assert import_rows(tmp_path, row(**{"公民身份号码": number})).created == 1
    later = row(**{"公民身份号码": number, "户籍类型": "", "优抚类别": "参战退役军人",
                   "伤残等级": "", "伤残性质": ""})  # fmt: skip
    path = write_xlsx(tmp_path / "again.xlsx", [HEADERS, later])
    result = RosterImporter(update=True).run(path)
    assert (result.rejected, result.updated) == (0, 1), result.errors
    span = PayableSpan.objects.get(entitlement__category="war_veteran")
    assert span.hukou == "rural"


def test_rows_of_one_person_must_agree_on_street_and_hukou(tmp_path, streets):
    number = make("110199", dt.date(1950, 3, 1), 23)
    result = import_rows(
        tmp_path,
        row(**{"公民身份号码": number}),
        row(**{"公民身份号码": number, "户籍类型": "城镇", "优抚类别": "参战退役军人",
               "伤残等级": "", "伤残性质": ""}),
    )  # fmt: skip
    assert result.rejected == 1
    assert [(e.row, e.column) for e in result.errors] == [(4, "户籍类型")]
    assert result.errors[0].message == "与同一人的第 3 行不一致"


def test_a_street_name_two_streets_answer_to_asks_for_the_code(tmp_path, streets, district):
    """It said "unknown street" before, which sent people looking for a typo."""
    from shuangyong.org.models import Unit, UnitKind

    Unit.objects.create(code="S2", name="东街道办事处", short_name="东街道", kind=UnitKind.STREET,
                        parent=district.root)  # fmt: skip
    result = import_rows(tmp_path, row(**{"公民身份号码": make("110199", dt.date(1950, 3, 1), 31)}))
    [error] = result.errors
    assert error.column == "所属街道" and "编码" in error.message


def test_an_undated_entitlement_starts_its_history_undated_on_every_database(tmp_path, streets):
    """PostgreSQL's COPY path dated it today, so a later stop could not be dated before
    today there while SQLite and the person page allowed it."""
    from shuangyong.care.models import StatusChange

    number = make("110199", dt.date(1950, 3, 1), 41)
    assert import_rows(tmp_path, row(**{"公民身份号码": number, "批准时间": ""})).created == 1
    assert StatusChange.objects.get().effective is None


@pytest.mark.parametrize("cells", [("农村", ""), ("", "农村")], ids=["first", "second"])
def test_a_new_persons_hukou_given_on_one_row_reaches_every_entitlement(tmp_path, streets,
                                                                      cells):  # fmt: skip
    """An empty cell on one of a new person's rows took the spans of every entitlement
    to an empty hukou (the rural standards then paid nothing) while the person kept it."""
    number = make("110199", dt.date(1950, 3, 1), 25)
    result = import_rows(
        tmp_path,
        row(**{"公民身份号码": number, "户籍类型": cells[0]}),
        row(**{"公民身份号码": number, "户籍类型": cells[1], "优抚类别": "参战退役军人",
               "伤残等级": "", "伤残性质": ""}),
    )  # fmt: skip
    assert result.rejected == 0, result.errors
    assert EntitledPerson.objects.get().hukou == "rural"
    spans = PayableSpan.objects.values_list("hukou", flat=True)
    assert len(spans) == 2 and set(spans) == {"rural"}
