import datetime as dt

from django.urls import reverse

from shuangyong.audit.models import Action, AuditEvent
from shuangyong.core.idnumber import make, mask
from shuangyong.org.models import Person

ID = make("110105", dt.date(1980, 5, 17), 123)


def person(district):
    return Person.objects.create(name="王五", unit=district.a, id_number=ID)


def test_pages_show_the_masked_number(client, people, district):
    target = person(district)
    client.force_login(people.liaison_a)
    body = client.get(reverse("org:person_detail", args=[target.pk])).content.decode()
    assert mask(ID) in body and ID not in body
    assert "reveal-id" not in body  # a liaison has no reveal button


def test_office_reveals_one_number_with_a_reason(client, people, district):
    target = person(district)
    client.force_login(people.office)
    url = reverse("org:person_reveal_id", args=[target.pk])
    response = client.post(url, {"reason": "核对优待证信息"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert ID in body and "<html" not in body
    event = AuditEvent.objects.filter(action=Action.REVEAL).get()
    assert event.object_id == str(target.pk) and event.detail == {
        "field": "id_number",
        "reason": "核对优待证信息",
    }
    assert event.actor_id == people.office.pk


def test_no_reason_no_reveal(client, people, district):
    target = person(district)
    client.force_login(people.office)
    response = client.post(reverse("org:person_reveal_id", args=[target.pk]), {"reason": " "})
    assert ID not in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.REVEAL).exists()


def test_liaison_and_outsider_cannot_reveal(client, people, district):
    target = person(district)
    url = reverse("org:person_reveal_id", args=[target.pk])
    for who in (people.liaison_a, people.liaison_b, people.auditor):
        client.force_login(who)
        response = client.post(url, {"reason": "想看看"})
        assert response.status_code == 403 and ID not in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.REVEAL).exists()


def test_edit_form_never_sends_the_stored_number(client, people, district):
    target = person(district)
    client.force_login(people.office)
    body = client.get(reverse("org:person_edit", args=[target.pk])).content.decode()
    assert ID not in body and mask(ID) in body
    # Saving without typing a number keeps the one on file.
    client.post(
        reverse("org:person_edit", args=[target.pk]),
        {"name": "王五", "unit": district.a.pk, "id_number": "", "is_active": "on"},
    )
    target.refresh_from_db()
    assert target.id_number == ID


def test_a_number_held_by_someone_else_is_refused(client, people, district):
    person(district)
    client.force_login(people.office)
    response = client.post(
        reverse("org:person_create"),
        {"name": "赵六", "unit": district.b.pk, "id_number": ID, "is_active": "on"},
    )
    assert "id_number" in response.context["form"].errors


def test_full_id_export_from_the_page(client, people, district):
    person(district)
    client.force_login(people.office)
    url = reverse("core:export", args=["people"])
    refused = client.post(url, {"full": "1", "reason": ""})
    assert refused.status_code == 302  # back, with a message asking for a reason
    response = client.post(url, {"full": "1", "reason": "报送上级核对"})
    import io

    from shuangyong.core.testing import read_xlsx

    assert ID in [row[5] for row in read_xlsx(io.BytesIO(response.content))]
    assert AuditEvent.objects.filter(object_type="export:people", detail__full=True).exists()
