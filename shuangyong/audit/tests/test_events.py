"""What lands in the trail: who, from where, what changed, with secrets masked."""

import datetime as dt

from django.urls import reverse

from conftest import PASSWORD
from shuangyong.audit.models import Action, AuditEvent
from shuangyong.core.idnumber import make, mask
from shuangyong.org.models import Person

ID = make("110105", dt.date(1980, 5, 17), 123)


def last(**filters):
    return AuditEvent.objects.filter(**filters).order_by("-seq").first()


def test_login_logout_and_failure(client, people):
    client.post(
        reverse("accounts:login"),
        {"username": "liaison_a", "password": "bad"},
        REMOTE_ADDR="10.1.2.3",
    )
    failed = last(action=Action.LOGIN_FAILED)
    assert failed.detail == {"username": "liaison_a"} and failed.ip == "10.1.2.3"
    client.post(
        reverse("accounts:login"),
        {"username": "liaison_a", "password": PASSWORD},
        REMOTE_ADDR="10.1.2.3",
    )
    login = last(action=Action.LOGIN)
    assert login.actor_id == people.liaison_a.pk and login.actor_unit_name == "甲局"
    client.post(reverse("accounts:logout"))
    assert last(action=Action.LOGOUT).actor_id == people.liaison_a.pk


def test_lockout_is_recorded(client, people, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "liaison_b", "password": "bad"})
    assert last(action=Action.LOCKOUT).detail == {"username": "liaison_b"}


def test_a_change_through_a_page_names_the_actor_and_masks_the_id(client, people, district):
    person = Person.objects.create(name="王五", unit=district.b)
    client.force_login(people.office)
    client.post(
        reverse("org:person_edit", args=[person.pk]),
        {"name": "王五", "unit": district.b.pk, "id_number": ID, "is_active": "on"},
        REMOTE_ADDR="10.9.8.7",
    )
    event = last(action=Action.UPDATE, object_type="org.person")
    assert event.actor_id == people.office.pk and event.ip == "10.9.8.7"
    assert event.changes == {"id_number": ["", mask(ID)]}
    assert ID not in str(AuditEvent.objects.values_list("changes", "detail"))


def test_password_changes_are_recorded_without_the_hash(client, people):
    client.force_login(people.admin)
    client.post(
        reverse("accounts:account_set_password", args=[people.liaison_a.pk]),
        {"password1": "Brand#New2026x", "password2": "Brand#New2026x"},
    )
    event = last(action=Action.UPDATE, object_type="org.user")
    old, new = event.changes["password"]
    assert old.startswith("******") and new.startswith("******") and old != new
    people.liaison_a.refresh_from_db()
    assert people.liaison_a.password not in str(event.changes)


def test_deletions_keep_the_old_values(client, people, district):
    person = Person.objects.create(name="赵六", unit=district.b, phone="13800000000")
    person.delete()
    event = last(action=Action.DELETE)
    assert event.object_repr == "赵六" and event.changes["phone"] == ["13800000000", None]


def test_exports_and_downloads_are_recorded(client, people):
    client.force_login(people.office)
    client.get(reverse("core:export", args=["units"]))
    client.get(reverse("core:import_template", args=["people"]))
    assert last(action=Action.EXPORT).object_type == "export:units"
    assert last(action=Action.DOWNLOAD).object_type == "template:people"
