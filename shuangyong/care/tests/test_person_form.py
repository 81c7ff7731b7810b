"""The new-person form as a clerk fills it: the ID number first, the street's communities
only, and the first category on the same form (person and entitlement together or neither)."""

import datetime as dt

from django.urls import reverse

from shuangyong.care.models import EntitledPerson, Entitlement
from shuangyong.core import idnumber
from shuangyong.org.models import Unit, UnitKind

URL = "care:person_new"


def new_person(district, community, **changes):
    data = {
        "id_number": idnumber.make("110199", dt.date(1950, 6, 1), 31),
        "name": "钱老兵",
        "street": district.street.pk,
        "community": community.pk,
        "hukou": "rural",
        "category": "disabled_veteran",
        "grade": 6,
        "cause": "war",
        "approved_on": "2026-03-05",
    }
    return {**data, **changes}


def test_the_fields_in_the_order_a_clerk_fills_them(client, people, district, community):
    west = Unit.objects.create(code="W", name="西街道", kind=UnitKind.STREET, parent=district.root)
    Unit.objects.create(code="W1", name="西苑社区", kind=UnitKind.COMMUNITY, parent=west)
    client.force_login(people.care)
    response = client.get(reverse(URL))
    names = list(response.context["form"].fields)
    assert names[:5] == ["id_number", "name", "phone", "street", "community"]
    assert names.index("category") < names.index("enlisted_on")
    page = response.content.decode()
    # Each community says its street, so the page lists the chosen street's only; the
    # care officer of 东街道 is not offered 西街道's.
    assert 'data-filter-by="id_street"' in page
    assert f'data-street="{district.street.pk}"' in page and "西苑社区" not in page


def test_person_and_first_category_in_one_step(client, people, district, community):
    client.force_login(people.care)
    response = client.post(reverse(URL), new_person(district, community))
    assert response.status_code == 302
    person = EntitledPerson.objects.get(name="钱老兵")
    entitlement = Entitlement.objects.get(person=person)
    assert (entitlement.category, entitlement.grade, entitlement.cause) == (
        "disabled_veteran",
        6,
        "war",
    )
    assert entitlement.approved_on == dt.date(2026, 3, 5)


def test_a_faulty_category_saves_neither(client, people, district, community):
    client.force_login(people.care)
    response = client.post(reverse(URL), new_person(district, community, grade=""))
    assert response.status_code == 200 and "grade" in response.context["form"].errors
    response = client.post(reverse(URL), new_person(district, community, category=""))
    assert "category" in response.context["form"].errors
    assert not EntitledPerson.objects.exists() and not Entitlement.objects.exists()


def test_a_community_of_another_street_is_refused(client, people, district, community):
    other = Unit.objects.create(
        code="S9", name="东街道外", kind=UnitKind.STREET, parent=district.root
    )
    client.force_login(people.care)
    response = client.post(reverse(URL), new_person(district, community, street=other.pk))
    assert response.status_code == 200 and not EntitledPerson.objects.exists()


def test_editing_has_no_category_fields(client, people, district, community):
    client.force_login(people.care)
    client.post(reverse(URL), new_person(district, community))
    person = EntitledPerson.objects.get()
    form = client.get(reverse("care:person_edit", args=[person.pk])).context["form"]
    assert "category" not in form.fields and "id_number" not in form.fields


def test_outsiders(client, people, district, community):
    for who in (people.liaison_b, people.office):
        client.force_login(who)
        assert client.get(reverse(URL)).status_code == 403
        assert client.post(reverse(URL), new_person(district, community)).status_code == 403
    assert not EntitledPerson.objects.exists()
