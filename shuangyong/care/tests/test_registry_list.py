"""The registry list: category, grade and status columns, filters by street, category
and status, the officer's streets only, and a fixed number of queries."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuangyong.care import registry
from shuangyong.care.tests.conftest import entitle, person
from shuangyong.org.models import Unit, UnitKind

HOME = "care:home"


def rows(client, **filters):
    response = client.get(reverse(HOME), filters)
    assert response.status_code == 200
    return sorted(p.name for p in response.context["browse"])


def test_columns_and_filters(client, people, officer, district):
    veteran = person(district, name="王老兵")
    entitle(veteran, "disabled_veteran", officer, grade=4, cause="war")
    widow = person(district, name="李烈属")
    martyr = entitle(widow, "martyr_survivor", officer)
    registry.change_status(
        entitlement=martyr,
        status="suspended",
        effective=dt.date(2026, 9, 15),
        reason="服刑",
        actor=officer,
    )
    client.force_login(people.care)
    page = client.get(reverse(HOME)).content.decode()
    for text in ("残疾军人", "4级", "因战", "烈士遗属", 'data-testid="registry-filters"'):
        assert text in page, text
    assert rows(client, category="disabled_veteran") == ["王老兵"]
    assert rows(client, category="martyr_survivor") == ["李烈属"]
    assert rows(client, category="nonsense") == ["李烈属", "王老兵"]  # an unknown filter is none
    assert rows(client, status="active") == ["王老兵"]
    assert rows(client, status="suspended", category="martyr_survivor") == ["李烈属"]
    assert "暂停" in page


def test_only_the_officers_streets(client, people, officer, district):
    west = Unit.objects.create(code="W", name="西街道", kind=UnitKind.STREET, parent=district.root)
    entitle(person(district, name="赵西街", street=west), "war_veteran", officer)
    entitle(person(district, name="钱东街"), "war_veteran", officer)
    client.force_login(people.care)  # 东街道's officer
    assert rows(client) == ["钱东街"]
    assert rows(client, street=west.pk) == []


def test_a_fixed_number_of_queries_with_filters(client, people, officer, district):
    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse(HOME), {"category": "war_veteran", "status": "active"})
        return len(queries)

    client.force_login(people.care)
    entitle(person(district, name="孙一"), "war_veteran", officer)
    small = count()
    for i in range(25):
        who = person(district, name=f"孙{i}号")
        entitle(who, "war_veteran", officer)
        entitle(who, "conscript_family", officer)
    assert count() == small


def test_outsiders(client, people, officer, district):
    entitle(person(district, name="王老兵"), "war_veteran", officer)
    client.force_login(people.liaison_b)
    assert client.get(reverse(HOME)).status_code == 403
    client.force_login(people.office)  # reads the registry by search, does not browse it
    assert client.get(reverse(HOME)).context["browse"] is None
