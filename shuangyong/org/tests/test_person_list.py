from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuangyong.org.models import Person

URL = reverse("org:person_list")


def test_search_by_initials_through_htmx(client, people, district):
    Person.objects.create(name="张伟", unit=district.b)
    client.force_login(people.office)
    response = client.get(URL, {"q": "zw"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and "张伟" in body and "李四" not in body


def test_liaison_finds_only_people_of_their_units(client, people, district):
    Person.objects.create(name="张伟", unit=district.b)
    Person.objects.create(name="张敏", unit=district.a_child)
    client.force_login(people.liaison_a)
    response = client.get(URL, {"q": "张"})
    assert sorted(p.name for p in response.context["people"]) == ["张三", "张敏"]


def test_auditor_has_no_directory(client, people):
    client.force_login(people.auditor)
    assert client.get(URL).status_code == 403


def test_query_count_is_fixed(client, people, district):
    client.force_login(people.office)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    Person.objects.bulk_create(
        [Person(name=f"人{i}", unit=district.b, search_text="") for i in range(120)]
    )
    with CaptureQueriesContext(connection) as large:
        response = client.get(URL)
    assert response.context["total"] > 120 and len(response.context["people"]) == 50
    assert len(large) == len(small)
