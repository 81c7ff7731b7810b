"""Annual figures: each section counts what happened in the year, the same on the page
and in Excel; the page runs a fixed number of queries; only district staff see it."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuangyong.campaigns.models import Task
from shuangyong.care import payments
from shuangyong.care.tests.conftest import entitle, person, standard
from shuangyong.core import idnumber
from shuangyong.core.testing import read_xlsx
from shuangyong.defence.models import PlacementCase
from shuangyong.reports.selectors import annual_figures


@pytest.fixture
def year_of_work(campaign, district, people, db):
    from conftest import make_user
    from shuangyong.access import Role

    officer = make_user(
        "care_district", Role.CARE_OFFICER, district.office, scope_unit=district.root
    )
    deadline = dt.date(2026, 6, 30)
    done = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    late = dt.datetime(2026, 7, 5, tzinfo=dt.UTC)
    for title, done_at in (("按时", done), ("逾期", late), ("未完成", None)):
        Task.objects.create(campaign=campaign, title=title, lead_unit=district.a,
                            deadline=deadline, done_at=done_at)  # fmt: skip
    Task.objects.create(campaign=campaign, title="明年", lead_unit=district.a,
                        deadline=dt.date(2027, 1, 31))  # fmt: skip
    # a need's task: counted under needs, not again under tasks
    Task.objects.create(campaign=campaign, title="诉求", lead_unit=district.a, kind="need",
                        deadline=deadline)  # fmt: skip
    standard("war_veteran", "1000", per="month")
    for name in ("甲", "乙"):
        entitle(person(district, name=name), "war_veteran", officer)
    batch = payments.compute(programme="living", period="2026-10", actor=officer)
    payments.approve(batch=batch, actor=people.office)
    payments.compute(programme="living", period="2026-11", actor=officer)  # a draft: not paid
    PlacementCase.objects.create(
        name="案", id_number=idnumber.make("110199", dt.date(2000, 1, 1), 3), kind="officer",
        street=district.street, discharged_on=dt.date(2026, 3, 1),
        on_post_on=dt.date(2026, 9, 1),
    )  # fmt: skip


def figures(year):
    sections, paid = annual_figures(year)
    return {label: value for s in sections for label, value in s.rows}, paid


def test_each_section_counts_the_year(year_of_work, english):
    found, paid = figures(2026)
    assert (found["Tasks due this year"], found["Done on time"]) == (3, 1)
    assert (found["Done late"], found["Not done"]) == (1, 1)
    assert found["Persons paid"] == 2 and str(found["Amount paid (yuan)"]) == "2000.00"
    assert [(r.category, r.persons, str(r.amount)) for r in paid] == [
        ("参战退役军人", 2, "2000.00")
    ]
    assert (found["Cases opened"], found["On post"], found["Closed"]) == (1, 1, 0)
    empty, nothing = figures(2025)
    assert empty["Tasks due this year"] == 0 and nothing == []


def test_the_page_and_the_excel(client, people, year_of_work):
    client.force_login(people.office)
    page = client.get(reverse("reports:annual"), {"year": 2026})
    assert page.status_code == 200 and page.context["year"] == 2026
    assert "参战退役军人" in page.content.decode()
    response = client.get(reverse("core:export", args=["annual_figures"]), {"id": 2026})
    rows = read_xlsx(io.BytesIO(response.content))
    assert rows[0] == ["类别", "项目", "数值"] and len(rows) > 20
    client.force_login(people.liaison_a)
    assert client.get(reverse("reports:annual")).status_code == 403
    export = client.get(reverse("core:export", args=["annual_figures"]), {"id": 2026})
    assert export.status_code == 403


def test_the_page_takes_a_fixed_number_of_queries(client, people, year_of_work, campaign, district):
    def measure():
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("reports:annual"), {"year": 2026})
        return len(queries)

    client.force_login(people.leader)
    small = measure()
    Task.objects.bulk_create(
        [
            Task(campaign=campaign, title=f"任务{i}", lead_unit=district.b,
                 deadline=dt.date(2026, 5, 1))
            for i in range(50)
        ]
    )  # fmt: skip
    assert measure() == small
