from django.urls import reverse

from shuangyong.org.models import Person


def url(unit):
    return reverse("org:unit_detail", args=[unit.pk])


def test_liaison_opens_own_unit_and_child(client, people, district):
    Person.objects.create(name="王五", unit=district.a, phone="13800000001")
    client.force_login(people.liaison_a)
    response = client.get(url(district.a))
    assert response.status_code == 200
    body = response.content.decode()
    assert "王五" in body and "甲局下属所" in body
    assert client.get(url(district.a_child)).status_code == 200


def test_outsider_gets_404_for_unit_a(client, people, district):
    client.force_login(people.liaison_b)
    assert client.get(url(district.a)).status_code == 404
    assert client.get(url(district.a_child)).status_code == 404


def test_auditor_sees_the_unit_but_not_its_people(client, people, district):
    Person.objects.create(name="王五", unit=district.a, phone="13800000001")
    client.force_login(people.auditor)
    response = client.get(url(district.a))
    assert response.status_code == 200
    assert "13800000001" not in response.content.decode()


def test_children_outside_scope_are_not_listed(client, people, district):
    client.force_login(people.liaison_a)
    response = client.get(url(district.a))
    assert [c.code for c in response.context["children"]] == ["A1"]
