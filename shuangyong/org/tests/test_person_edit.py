from django.urls import reverse

from shuangyong.org.models import Person

CREATE = reverse("org:person_create")


def test_office_adds_a_person_with_a_normalised_phone(client, people, district):
    client.force_login(people.office)
    response = client.post(
        CREATE,
        {"name": "郑七", "unit": district.b.pk, "phone": "+86 139 0000 0000", "is_active": "on"},
    )
    person = Person.objects.get(name="郑七")
    assert response.status_code == 302
    assert person.phone == "13900000000" and "zq" in person.search_text


def test_same_name_twice_in_a_unit_is_refused(client, people, district):
    client.force_login(people.office)
    response = client.post(CREATE, {"name": "张三", "unit": district.a.pk, "is_active": "on"})
    assert response.status_code == 200 and response.context["form"].errors
    assert Person.objects.filter(name="张三").count() == 1


def test_liaison_cannot_add_or_edit(client, people, district):
    client.force_login(people.liaison_a)
    assert client.post(CREATE, {"name": "郑七", "unit": district.a.pk}).status_code == 403
    edit = reverse("org:person_edit", args=[people.liaison_a.person.pk])
    assert client.post(edit, {"name": "改名", "unit": district.a.pk}).status_code == 403
    assert not Person.objects.filter(name__in=["郑七", "改名"]).exists()
