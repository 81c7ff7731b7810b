"""China's working-day calendar: the library's years, the office's imported years, and a
year neither knows refused rather than counted Monday to Friday."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shuangyong.core import workdays
from shuangyong.core.models import WorkdayArrangement
from shuangyong.core.testing import library_up_to, write_xlsx

D = dt.date
IMPORT = reverse("core:import", args=["workdays"])
PAGE = reverse("core:workdays")


@pytest.fixture(autouse=True)
def library_of_2026(monkeypatch):
    """The library as the tests were written against it (up to 2026): 2027 is unknown
    here even after a release that carries it."""
    library_up_to(monkeypatch, 2026)


def test_holidays_and_make_up_days_of_2026(db):
    assert not workdays.is_working_day(D(2026, 10, 1))  # National Day, a Thursday
    assert not workdays.is_working_day(D(2026, 10, 7))  # still the holiday, a Wednesday
    assert workdays.is_working_day(D(2026, 10, 10))  # a Saturday worked (调休)
    assert workdays.is_working_day(D(2026, 5, 9))  # Labour Day's make-up Saturday
    assert not workdays.is_working_day(D(2026, 5, 10))  # an ordinary Sunday
    # Tue 29 Sep + 5 working days: Wed 30 Sep, Thu 8, Fri 9, Sat 10, Mon 12 Oct.
    assert workdays.add_working_days(D(2026, 9, 29), 5) == D(2026, 10, 12)
    assert workdays.working_days_between(D(2026, 9, 28), D(2026, 10, 13)) == 7
    assert workdays.working_days_between(D(2026, 10, 13), D(2026, 10, 13)) == 0
    assert workdays.add_working_days(D(2026, 10, 13), 0) == D(2026, 10, 13)


def test_a_year_nobody_knows_is_refused_not_counted_monday_to_friday(db):
    with pytest.raises(workdays.UnknownCalendar) as refused:
        workdays.is_working_day(D(2027, 3, 3))
    assert "2027 年的节假日安排尚未掌握" in refused.value.messages[0]
    with pytest.raises(workdays.UnknownCalendar):
        workdays.working_days_between(D(2026, 12, 28), D(2027, 1, 5))
    with pytest.raises(workdays.UnknownCalendar):
        workdays.add_working_days(D(2026, 12, 28), 5)


def upload(tmp_path, rows):
    path = write_xlsx(tmp_path / "2027.xlsx", rows)
    return SimpleUploadedFile("2027.xlsx", path.read_bytes())


def test_the_office_imports_next_years_arrangement(client, people, tmp_path):
    rows = [
        ["日期", "类型", "节日"],
        ["2027-01-01", "放假", "元旦"],
        ["2027-02-06", "放假", "春节"],
        ["2027-02-07", "上班", "春节"],  # a Sunday worked
    ]
    client.force_login(people.office)
    response = client.post(IMPORT, {"file": upload(tmp_path, rows)})
    assert response.context["result"].created == 3
    assert not workdays.is_working_day(D(2027, 1, 1))  # Friday off
    assert workdays.is_working_day(D(2027, 2, 7))  # Sunday worked
    assert workdays.is_working_day(D(2027, 3, 3))  # an ordinary Wednesday
    assert WorkdayArrangement.objects.get(day=D(2027, 1, 1)).by == people.office
    page = client.get(PAGE, {"year": 2027}).content.decode()
    assert "2027-02-07" in page and "调休上班" in page and "元旦" in page
    # Importing the year again replaces it whole.
    client.post(IMPORT, {"file": upload(tmp_path, [rows[0], ["2027-01-01", "放假", "元旦"]])})
    assert WorkdayArrangement.objects.count() == 1


def test_a_faulty_arrangement_is_refused_whole_with_row_and_column(client, people, tmp_path):
    rows = [
        ["日期", "类型", "节日"],
        ["2027-01-01", "放假", "元旦"],
        ["2027-01-01", "放假", "元旦"],
        ["2027-13-01", "休假", ""],
    ]
    client.force_login(people.office)
    result = client.post(IMPORT, {"file": upload(tmp_path, rows)}).context["result"]
    assert not WorkdayArrangement.objects.exists()
    assert [(e.row, e.column) for e in result.errors] == [(3, "日期"), (4, "日期"), (4, "类型")]
    assert "与第 2 行日期重复" in result.errors[0].message


def test_the_calendar_page_is_the_offices(client, people, tmp_path):
    client.force_login(people.office)
    page = client.get(PAGE, {"year": 2026}).content.decode()
    assert "2026-10-10" in page and "国庆节" in page and "chinesecalendar" in page
    unknown = client.get(PAGE, {"year": 2030}).content.decode()
    assert "2030 年的节假日安排尚未掌握" in unknown
    for garbage in ("abc", "٣", "9" * 30, "1066"):
        assert client.get(PAGE, {"year": garbage}).status_code == 404
    for outsider in (people.liaison_b, people.care):
        client.force_login(outsider)
        assert client.get(PAGE).status_code == 403
        rows = [["日期", "类型"], ["2027-01-01", "放假"]]
        assert client.post(IMPORT, {"file": upload(tmp_path, rows)}).status_code == 403
    assert not WorkdayArrangement.objects.exists()


def test_the_command_line_imports_a_year_too(db, tmp_path, capsys):
    import json

    from django.core.management import call_command

    path = write_xlsx(tmp_path / "2028.xlsx", [["日期", "类型"], ["2028-10-02", "放假"]])
    call_command("import", "workdays", str(path), "--json")  # exits only on a fault
    assert json.loads(capsys.readouterr().out)["created"] == 1
    assert not workdays.is_working_day(D(2028, 10, 2))  # a Monday off
    assert workdays.is_working_day(D(2028, 10, 3))
