"""Registry plausibility: enlistment not before the 16th birthday, discharge after
enlistment, death after birth, approvals not before what they approve; in the roster
import (row and column named) and in the registry's forms (field named)."""

import datetime as dt

import pytest
from django.urls import reverse

from shuangyong.care import plausibility
from shuangyong.care.models import EntitledPerson, Entitlement
from shuangyong.care.tests.conftest import entitle, person
from shuangyong.care.tests.test_roster_import import import_rows, row
from shuangyong.core.idnumber import make


@pytest.fixture
def streets(district, community):
    return [("东街道", ["东街社区"])]


BORN_1980 = make("110199", dt.date(1980, 5, 1), 1)
BASE = {"公民身份号码": make("110199", dt.date(1950, 3, 1), 1)}


@pytest.mark.parametrize(
    "changes,column,message",
    [
        # The case: born 1980, enlisted 1995, aged 15.
        (
            {
                "公民身份号码": BORN_1980,
                "出生日期": "",
                "入伍时间": "1995.09",
                "退役时间": "1999.12",
            },  # fmt: skip
            "入伍时间",
            "1995-09-01 早于年满16周岁之日（1996-05-01），不可能入伍。",
        ),
        ({"退役时间": "1968.01"}, "退役时间", "1968-01-01 不晚于入伍时间（1968-03-01）。"),
        ({"退役时间": "1968.03"}, "退役时间", "1968-03-01 不晚于入伍时间（1968-03-01）。"),
        (
            {"优抚类别": "参战退役军人", "伤残等级": "", "批准时间": "1970-01-01"},
            "批准时间",
            "批准时间（1970-01-01）早于其所依据的退役（1972-12-01）。",
        ),
        (
            {"优抚类别": "农村籍退役士兵", "伤残等级": "", "批准时间": "2009-12-31"},
            "批准时间",
            "批准时间（2009-12-31）早于其所依据的年满60周岁（2010-03-01）。",
        ),
        (
            {"优抚类别": "残疾军人（因战）", "批准时间": "1967-05-01"},
            "批准时间",
            "批准时间（1967-05-01）早于其所依据的入伍（1968-03-01）。",
        ),
    ],
)
def test_the_roster_refuses_impossible_dates_naming_row_and_column(
    tmp_path, streets, changes, column, message
):
    result = import_rows(tmp_path, row(**{**BASE, **changes}))
    assert [(e.row, e.column, e.message) for e in result.errors] == [(3, column, message)]
    assert not EntitledPerson.objects.exists()


def test_plausible_dates_pass(tmp_path, streets):
    result = import_rows(
        tmp_path,
        row(**{**BASE, "优抚类别": "农村籍退役士兵", "伤残等级": "", "批准时间": "2010-03-01"}),
    )
    assert result.rejected == 0, result.errors
    assert plausibility.birthday(dt.date(1952, 2, 29), 17) == dt.date(1969, 2, 28)
    assert plausibility.birthday(dt.date(1952, 2, 29), 16) == dt.date(1968, 2, 29)


def test_the_person_form_names_the_enlistment(client, people, district):
    who = person(district, name="少年兵", born=dt.date(1980, 5, 1))
    client.force_login(people.care)
    response = client.post(
        reverse("care:person_edit", args=[who.pk]),
        {"name": who.name, "street": district.street.pk, "enlisted_on": "1995-09-01",
         "discharged_on": "1999-12-01"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["enlisted_on"] == [
        "1995-09-01 早于年满16周岁之日（1996-05-01），不可能入伍。"
    ]
    who.refresh_from_db()
    assert who.enlisted_on is None
    client.force_login(people.liaison_b)  # the outsider
    assert client.post(reverse("care:person_edit", args=[who.pk]), {}).status_code == 403


def test_an_approval_before_birth_and_a_death_before_birth_are_refused(client, people, district):
    who = person(district, name="周烈属", born=dt.date(1950, 3, 1))
    client.force_login(people.care)
    response = client.post(
        reverse("care:entitlement_add", args=[who.pk]),
        {"category": "martyr_survivor", "approved_on": "1949-10-01"},
        follow=True,
    )
    assert not Entitlement.objects.filter(person=who).exists()
    assert any("早于其所依据的出生（1950-03-01）" in str(m) for m in response.context["messages"])
    entitlement = entitle(who, "martyr_survivor", people.care, approved_on=dt.date(2000, 1, 5))
    url = reverse("care:entitlement_status", args=[entitlement.pk])
    response = client.post(
        url, {"status": "deceased", "effective": "1940-01-01", "reason": "病故"}, follow=True
    )
    entitlement.refresh_from_db()
    assert entitlement.status == "active"
    assert any("早于出生" in str(m) for m in response.context["messages"])
    client.force_login(people.liaison_b)  # the outsider
    assert client.post(url, {"status": "deceased", "effective": "2026-01-01"}).status_code == 403
