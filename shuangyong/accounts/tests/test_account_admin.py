from django.urls import reverse

from shuangyong.org.models import Person, User


def test_admin_creates_an_account_for_a_person(client, people, district):
    person = Person.objects.create(name="新人", unit=district.b)
    client.force_login(people.admin)
    response = client.post(
        reverse("accounts:account_create"),
        {
            "username": "newbie",
            "person": person.pk,
            "role": "unit_liaison",
            "is_active": "on",
            "password1": "Fresh#Start2026",
            "password2": "Fresh#Start2026",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert (
        user.person == person and user.unit == district.b and user.check_password("Fresh#Start2026")
    )


def test_new_account_password_must_pass_the_policy(client, people, district):
    client.force_login(people.admin)
    response = client.post(
        reverse("accounts:account_create"),
        {
            "username": "newbie",
            "role": "office",
            "is_active": "on",
            "password1": "newbie12345",
            "password2": "newbie12345",
        },
    )
    assert response.status_code == 200 and "password1" in response.context["form"].errors
    assert not User.objects.filter(username="newbie").exists()


def test_a_person_has_at_most_one_account(client, people):
    client.force_login(people.admin)
    form = client.get(reverse("accounts:account_create")).context["form"]
    assert people.liaison_a.person not in form.fields["person"].queryset


def test_office_cannot_manage_accounts(client, people):
    client.force_login(people.office)
    assert client.get(reverse("accounts:account_list")).status_code == 403
    response = client.post(
        reverse("accounts:account_set_password", args=[people.liaison_a.pk]),
        {"password1": "Hijack#2026abc", "password2": "Hijack#2026abc"},
    )
    assert response.status_code == 403
    people.liaison_a.refresh_from_db()
    assert not people.liaison_a.check_password("Hijack#2026abc")
