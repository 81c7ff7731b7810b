from django.urls import reverse
from django.utils import translation

from shuangyong.org.models import Unit

CREATE = reverse("org:unit_create")


def form_data(parent, **overrides):
    data = {
        "code": "C",
        "name": "丙局",
        "short_name": "丙",
        "kind": "department",
        "parent": parent.pk,
        "contact_phone": "138 0013 8000",
        "sort_order": 0,
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_office_creates_a_unit(client, people, district):
    client.force_login(people.office)
    response = client.post(CREATE, form_data(district.root))
    unit = Unit.objects.get(code="C")
    assert response.status_code == 302 and response.url == reverse(
        "org:unit_detail", args=[unit.pk]
    )
    assert unit.contact_phone == "13800138000"
    assert unit.path.startswith(district.root.path) and unit.depth == 1


def test_bad_phone_is_shown_on_the_field(client, people, district):
    client.force_login(people.office)
    with translation.override("en"):
        response = client.post(CREATE, form_data(district.root, contact_phone="12345"))
    assert response.status_code == 200
    assert "contact_phone" in response.context["form"].errors
    assert not Unit.objects.filter(code="C").exists()


def test_duplicate_code_is_refused(client, people, district):
    client.force_login(people.office)
    response = client.post(CREATE, form_data(district.root, code="A"))
    assert "code" in response.context["form"].errors


def test_cannot_move_under_own_child(client, people, district):
    client.force_login(people.office)
    edit = reverse("org:unit_edit", args=[district.a.pk])
    response = client.post(
        edit, form_data(district.a_child, code="A", name="甲局", short_name="甲")
    )
    assert response.status_code == 200 and "parent" in response.context["form"].errors
    district.a.refresh_from_db()
    assert district.a.parent == district.root


def test_liaison_may_not_edit_even_own_unit(client, people, district):
    client.force_login(people.liaison_a)
    edit = reverse("org:unit_edit", args=[district.a.pk])
    assert client.post(edit, form_data(district.root, code="A")).status_code == 403
    assert client.post(CREATE, form_data(district.root)).status_code == 403
    assert not Unit.objects.filter(code="C").exists()
