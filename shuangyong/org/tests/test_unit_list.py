from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuangyong.org.models import Person, Unit, UnitKind

URL = reverse("org:unit_list")


def test_office_sees_every_unit(client, people, district):
    client.force_login(people.office)
    response = client.get(URL)
    assert response.status_code == 200
    assert {u.code for u in response.context["units"]} == set(
        Unit.objects.values_list("code", flat=True)
    )


def test_unit_liaison_sees_only_their_subtree(client, people, district):
    client.force_login(people.liaison_a)
    response = client.get(URL)
    assert [u.code for u in response.context["units"]] == ["A", "A1"]
    assert "乙局" not in response.content.decode()


def test_outsider_cannot_find_unit_a_by_search(client, people, district):
    client.force_login(people.liaison_b)
    response = client.get(URL, {"q": "甲"})
    assert list(response.context["units"]) == []


def test_htmx_search_returns_only_the_results_partial(client, people, district):
    client.force_login(people.office)
    response = client.get(URL, {"q": "yiju"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and "乙局" in body and "甲局" not in body


def _add_units(parent, count, start=0):
    for i in range(count):
        unit = Unit.objects.create(
            code=f"N{start + i}", name=f"单位{start + i}", kind=UnitKind.OTHER, parent=parent
        )
        Person.objects.create(name=f"人员{i}", unit=unit)


def test_query_count_does_not_grow_with_the_tree(client, people, district):
    client.force_login(people.office)
    _add_units(district.root, 5)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    _add_units(district.root, 60, start=100)
    with CaptureQueriesContext(connection) as large:
        response = client.get(URL)
    assert len(response.context["units"]) > 65
    assert len(large) == len(small)
