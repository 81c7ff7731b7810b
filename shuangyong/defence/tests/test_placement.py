"""Placement cases: the legal deadlines as the clock moves, the pages, the yearly report.

People: the care officer of 东街道 (the veterans' office there), the office, unit A's
liaison (the outsider: no placement pages).
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from shuangyong.core import idnumber
from shuangyong.defence import placement
from shuangyong.defence.forms import PlacementForm
from shuangyong.defence.models import PlacementCase
from shuangyong.defence.models.placement import add_months

DISCHARGED = dt.date(2026, 1, 10)


def at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(9)), tick=False)


@pytest.fixture
def soldier(district):
    return PlacementCase.objects.create(
        name="赵退役", id_number=idnumber.make("110199", dt.date(2002, 4, 4), 5),
        kind="soldier", method="arranged_job", street=district.street,
        discharged_on=DISCHARGED,
    )  # fmt: skip


def light(case, day):
    deadline = case.next_deadline(day)
    return (deadline.step, deadline.due, deadline.light) if deadline else None


def test_the_deadlines_follow_the_dates_as_the_clock_moves(soldier, people):
    # report within 30 days of discharge: green, yellow in the last week, red after
    assert light(soldier, dt.date(2026, 1, 20)) == ("report", dt.date(2026, 2, 9), "green")
    assert light(soldier, dt.date(2026, 2, 3)) == ("report", dt.date(2026, 2, 9), "yellow")
    assert light(soldier, dt.date(2026, 2, 10)) == ("report", dt.date(2026, 2, 9), "red")
    with at(dt.date(2026, 2, 12)):
        placement.record(case=soldier, step="report", on=dt.date(2026, 2, 12), actor=people.care)
    soldier.refresh_from_db()
    assert soldier.late_steps() == ["report"]
    # an arranged job within six months of reporting
    assert light(soldier, dt.date(2026, 3, 1)) == ("job", dt.date(2026, 8, 12), "green")
    assert light(soldier, dt.date(2026, 8, 13)) == ("job", dt.date(2026, 8, 12), "red")
    with at(dt.date(2026, 7, 1)):
        placement.record(case=soldier, step="job", on=dt.date(2026, 7, 1),
                         receiving_unit="区城管局", actor=people.care)  # fmt: skip
    soldier.refresh_from_db()
    # on post within 30 days of the job
    assert light(soldier, dt.date(2026, 7, 25)) == ("on_post", dt.date(2026, 7, 31), "yellow")
    with at(dt.date(2026, 7, 20)):
        placement.record(case=soldier, step="on_post", on=dt.date(2026, 7, 20), actor=people.care)
        placement.record(case=soldier, step="close", on=dt.date(2026, 7, 20),
                         outcome="已上岗", actor=people.care)  # fmt: skip
    soldier.refresh_from_db()
    assert light(soldier, dt.date(2026, 12, 1)) is None and soldier.late_steps() == ["report"]


def test_cases_without_a_job_end_at_reporting(district):
    case = PlacementCase(kind="soldier", method="self_employment", street=district.street,
                         discharged_on=DISCHARGED, reported_on=dt.date(2026, 1, 20))  # fmt: skip
    assert case.next_deadline(dt.date(2026, 12, 1)) is None


def test_six_months_from_the_end_of_a_month():
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)


def test_dates_out_of_order_or_in_the_future_are_refused(soldier, people):
    with at(dt.date(2026, 3, 1)):
        with pytest.raises(ValidationError):  # before the discharge
            placement.record(case=soldier, step="report", on=dt.date(2026, 1, 1),
                             actor=people.care)  # fmt: skip
        with pytest.raises(ValidationError):  # tomorrow
            placement.record(case=soldier, step="report", on=dt.date(2026, 3, 2),
                             actor=people.care)  # fmt: skip
        with pytest.raises(ValidationError):  # a job without the receiving unit
            placement.record(case=soldier, step="job", on=dt.date(2026, 2, 1), actor=people.care)
    soldier.refresh_from_db()
    assert soldier.reported_on is None


def test_open_a_case_in_the_form(client, people, district):
    client.force_login(people.care)
    data = {
        "name": "钱军嫂", "id_number": idnumber.make("110199", dt.date(1995, 6, 6), 8),
        "kind": "spouse", "street": district.street.pk, "discharged_on": "2026-10-01",
    }  # fmt: skip
    response = client.post(reverse("defence:placement_new"), {**data, "method": "retirement"})
    assert response.status_code == 200 and not PlacementCase.objects.exists()  # no method here
    response = client.post(reverse("defence:placement_new"), data)
    assert response.status_code == 302
    case = PlacementCase.objects.get()
    page = client.get(reverse("defence:placement_list")).content.decode()
    assert "钱军嫂" in page and case.id_number not in page
    assert client.get(reverse("defence:placement_edit", args=[case.pk])).status_code == 200


def test_the_outsider_and_the_reader(client, people, soldier):
    client.force_login(people.liaison_a)
    assert client.get(reverse("defence:placement_list")).status_code == 403
    client.force_login(people.leader)  # reads, does not edit
    assert client.get(reverse("defence:placement_list")).status_code == 200
    assert client.get(reverse("defence:placement_edit", args=[soldier.pk])).status_code == 403


def test_the_yearly_report(client, people, soldier, district):
    PlacementCase.objects.create(
        name="孙转业", id_number=idnumber.make("110199", dt.date(1985, 1, 1), 9), kind="officer",
        street=district.street, discharged_on=dt.date(2025, 6, 1),
        reported_on=dt.date(2025, 6, 20), closed_on=dt.date(2025, 12, 1),
        job_arranged_on=dt.date(2025, 11, 1), on_post_on=dt.date(2025, 11, 20),
    )  # fmt: skip
    client.force_login(people.office)
    with at(dt.date(2026, 3, 1)):
        report = client.get(reverse("defence:placement_list")).context["report"]
    assert [(r["year"], r["cases"], r["closed"], r["overdue"]) for r in report] == [
        (2026, 1, 0, 1),
        (2025, 1, 1, 0),
    ]


def test_the_form_checks_the_id(district):
    form = PlacementForm(
        {"name": "x", "id_number": "110199200001010000", "kind": "child",
         "street": district.street.pk, "discharged_on": "2026-01-01"},
        streets=district.street.__class__.objects.filter(pk=district.street.pk),
    )  # fmt: skip
    assert not form.is_valid() and "id_number" in form.errors


def test_the_list_takes_a_fixed_number_of_queries(client, people, soldier, district):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure():
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("defence:placement_list"), {"state": "all"})
        return len(queries)

    client.force_login(people.office)
    small = measure()
    for i in range(20):
        PlacementCase.objects.create(
            name=f"案{i}", id_number=idnumber.make("110199", dt.date(2000, 1, 1), 100 + i),
            kind="officer", street=district.street, discharged_on=dt.date(2025, 1, 1 + i),
        )  # fmt: skip
    assert measure() == small


def test_the_form_stores_the_id_as_written_normalised(client, people, district):
    """The model's IdNumberField checks and normalises the number (spaces, lower-case x)."""
    number = idnumber.make("110199", dt.date(1995, 6, 6), 9)
    client.force_login(people.care)
    typed = f"{number[:6]} {number[6:14]} {number[14:].lower()}"
    data = {"name": "孙军属", "id_number": typed, "kind": "spouse",
            "street": district.street.pk, "discharged_on": "2026-10-01"}  # fmt: skip
    client.post(reverse("defence:placement_new"), data)
    assert PlacementCase.objects.get().id_number == number


def test_deadlines_by_type_a_transferred_officer_has_no_six_months(district):
    """The 6-month job rule is the arranged-job soldiers'; a transferred officer (军队转业干部)
    is placed through the yearly transfer plan, retirement and state support have no day
    count, a self-employed soldier only reports."""
    base = {"street": district.street, "discharged_on": DISCHARGED}
    officer = PlacementCase(kind="officer", reported_on=dt.date(2026, 1, 20), **base)
    assert officer.next_deadline(dt.date(2026, 12, 1)) is None  # 11 months on: not red
    officer.job_arranged_on = dt.date(2026, 11, 30)
    assert officer.late_steps() == [] and officer.due("job") is None
    for method in ("retirement", "state_support"):
        case = PlacementCase(kind="soldier", method=method, **base)
        assert case.next_deadline(dt.date(2026, 12, 1)) is None
    self_employed = PlacementCase(kind="soldier", method="self_employment", **base)
    assert light(self_employed, dt.date(2026, 2, 10)) == ("report", dt.date(2026, 2, 9), "red")
    arranged = PlacementCase(kind="soldier", method="arranged_job", **base)
    assert [r.step for r in arranged.deadlines] == ["report", "job", "on_post"]
    assert all("退役军人安置条例" in r.source for r in arranged.deadlines)
    for kind in ("spouse", "child"):
        assert PlacementCase(kind=kind, **base).next_deadline(dt.date(2027, 1, 1)) is None


def test_an_officers_case_page_says_no_statutory_day_count(client, people, district):
    case = PlacementCase.objects.create(
        name="孙转业", id_number=idnumber.make("110199", dt.date(1985, 1, 1), 9), kind="officer",
        street=district.street, discharged_on=dt.date(2025, 6, 1),
        reported_on=dt.date(2025, 6, 20),
    )  # fmt: skip
    client.force_login(people.care)
    page = client.get(reverse("defence:placement_edit", args=[case.pk])).content.decode()
    assert "无法定时限" in page
    client.force_login(people.liaison_a)
    assert client.get(reverse("defence:placement_edit", args=[case.pk])).status_code == 403
