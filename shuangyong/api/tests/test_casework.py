"""Casework driven end to end through the API alone: conscription and placement steps,
a person registered, entitled, suspended and confirmed, an allowance standard, a batch
computed by one person and approved by another. Unit B's liaison is the outsider.
"""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import make_user
from shuangyong.access import Role
from shuangyong.api.tests.test_api import bearer
from shuangyong.api.tests.test_workflows import post
from shuangyong.audit.models import AuditEvent
from shuangyong.care.models import AllowanceStandard, EntitledPerson, PaymentBatch
from shuangyong.care.tests.conftest import entitle, person, standard
from shuangyong.core import idnumber
from shuangyong.defence.models import Candidate, ConscriptionCampaign, PlacementCase


def today():
    """Read when the test runs, not at import: a run can cross midnight in Beijing."""
    return timezone.localdate()


@pytest.fixture
def street_liaison(district):
    return make_user("street_liaison", Role.UNIT_LIAISON, district.street, name="街联络员")


def test_conscription_steps_through_the_api(client, people, district, street_liaison):
    drive = ConscriptionCampaign.objects.create(year=today().year, half=1, quota=5)
    born = dt.date(today().year - 19, 3, 1)
    one, two = (
        Candidate.objects.create(campaign=drive, name=name, birth_date=born,
                                 id_number=idnumber.make("110199", born, n),
                                 street=district.street, education="high_school")
        for n, name in ((11, "甲"), (12, "乙"))
    )  # fmt: skip
    step = {"action": "advance", "to": 1, "on": today().isoformat()}
    assert post(client, people.liaison_b, f"/candidates/{one.pk}/steps", step).status_code == 404
    passed = post(client, street_liaison, f"/candidates/{one.pk}/steps", step)
    assert passed.status_code == 200 and passed.json()["stage"] == 1, passed.content
    skipped = post(client, street_liaison, f"/candidates/{one.pk}/steps", {**step, "to": 3})
    assert skipped.status_code == 409  # no stage skipped
    approve = {"action": "approve", "on": today().isoformat()}
    assert post(client, street_liaison, f"/candidates/{one.pk}/steps", approve).status_code == 403
    assert post(client, people.office, f"/candidates/{one.pk}/steps", approve).status_code == 409
    dropped = post(
        client,
        street_liaison,
        f"/candidates/{two.pk}/steps",
        {"action": "drop", "on": today().isoformat(), "reason": "体检不合格"},
    )
    assert dropped.json()["status"] == "out" and dropped.json()["reason"] == "体检不合格"
    assert Candidate.objects.get(pk=one.pk).steps.filter(by=street_liaison).count() == 1


def test_placement_steps_through_the_api(client, people, district):
    number = idnumber.make("110199", dt.date(2000, 1, 1), 5)
    case = PlacementCase.objects.create(name="退役甲", id_number=number, kind="soldier",
                                        method="arranged_job", street=district.street,
                                        discharged_on=today() - dt.timedelta(days=40))  # fmt: skip
    url = f"/placements/{case.pk}/steps"
    day = (today() - dt.timedelta(days=30)).isoformat()
    assert post(client, people.liaison_b, url, {"step": "report", "on": day}).status_code == 403
    assert (
        post(client, people.care, url, {"step": "report", "on": day}).json()["reported_on"] == day
    )
    nameless = post(client, people.care, url, {"step": "job", "on": day})
    assert nameless.status_code == 409 and "receiving_unit" in nameless.json()["detail"]
    job = post(client, people.care, url, {"step": "job", "on": day, "receiving_unit": "区城管局"})
    assert job.json()["job_arranged_on"] == day
    future = post(
        client, people.care, url, {"step": "on_post", "on": (today() + dt.timedelta(1)).isoformat()}
    )
    assert future.status_code == 409
    post(client, people.care, url, {"step": "on_post", "on": today().isoformat()})
    closed = post(
        client, people.care, url, {"step": "close", "on": today().isoformat(), "outcome": "在岗"}
    )
    assert closed.json()["closed_on"] == today().isoformat()
    assert PlacementCase.objects.get(pk=case.pk).receiving_unit == "区城管局"


def test_a_person_registered_entitled_suspended_and_confirmed(client, people, district):
    number = idnumber.make("110199", dt.date(1950, 3, 1), 21)
    body = {
        "name": "王老兵",
        "id_number": number,
        "street": district.street.pk,
        "hukou": "rural",
        "category": "war_veteran",
        "approved_on": "2026-01-10",
    }
    assert post(client, people.liaison_a, "/persons", body).status_code == 403
    created = post(client, people.care, "/persons", body)
    assert created.status_code == 201, created.content
    shown = created.json()
    assert shown["birth_year"] == 1950 and "birth_date" not in shown
    assert number not in created.content.decode() and "1950-03-01" not in created.content.decode()
    assert post(client, people.care, "/persons", body).status_code == 409  # one per ID number
    pk = shown["id"]
    assert [e["category"] for e in shown["entitlements"]] == ["war_veteran"]
    again = post(client, people.care, f"/persons/{pk}/entitlements",
                 {"category": "war_veteran", "approved_on": "2026-01-10"})  # fmt: skip
    assert again.status_code == 409  # one entitlement per category
    entitled = post(client, people.care, f"/persons/{pk}/entitlements",
                    {"category": "nuclear_veteran", "approved_on": "2026-02-10"})  # fmt: skip
    assert entitled.status_code == 201 and entitled.json()["status"] == "active", entitled.content
    ent = shown["entitlements"][0]["id"]
    assert (
        post(
            client,
            people.care,
            f"/entitlements/{ent}/status",
            {"status": "suspended", "effective": today().isoformat()},
        ).status_code
        == 409
    )  # why?
    suspended = post(
        client,
        people.care,
        f"/entitlements/{ent}/status",
        {"status": "suspended", "effective": today().isoformat(), "reason": "失联"},
    )
    assert suspended.json()["status"] == "suspended"
    confirmed = post(client, people.care, f"/persons/{pk}/confirm", {"method": "上门"})
    assert confirmed.json()["confirmed_years"] == [today().year]
    care = bearer(people.care)
    found = client.get("/api/v1/persons", {"category": "war_veteran", "status": "suspended"},
                       headers=care).json()["items"]  # fmt: skip
    assert [p["id"] for p in found] == [pk]
    active_war = {"category": "war_veteran", "status": "active"}  # both: the same entitlement
    assert client.get("/api/v1/persons", active_war, headers=care).json()["items"] == []
    assert client.get(f"/api/v1/persons/{pk}", headers=bearer(people.liaison_b)).status_code == 403
    person_events = AuditEvent.objects.filter(
        actor_id=people.care.pk, object_type__icontains="entitledperson"
    )
    assert person_events.filter(object_id=str(pk)).exists()
    assert EntitledPerson.objects.get(pk=pk).entitlements.get(id=ent).status == "suspended"


@pytest.fixture
def officer(district):
    return make_user("care_district", Role.CARE_OFFICER, district.office, name="孙优抚",
                     scope_unit=district.root)  # fmt: skip


def test_allowance_standards_through_the_api(client, people, officer):
    row = {
        "category": "war_veteran",
        "level": "national",
        "valid_from": "2026-01-01",
        "amount": "1200.00",
        "per": "month",
    }
    assert (
        post(client, people.liaison_a, "/allowance-standards", {"standards": [row]}).status_code
        == 403
    )
    assert (
        post(client, people.care, "/allowance-standards", {"standards": [row]}).status_code == 403
    )
    saved = post(client, officer, "/allowance-standards", {"standards": [row]})
    assert saved.status_code == 201 and saved.json() == {"created": 1, "updated": 0, "closed": 0}
    overlapping = {**row, "valid_from": "2026-06-01"}
    assert (
        post(client, officer, "/allowance-standards", {"standards": [overlapping]}).status_code
        == 409
    )
    listed = client.get("/api/v1/allowance-standards", headers=bearer(officer)).json()
    assert [(s["category"], s["amount"]) for s in listed] == [("war_veteran", "1200.00")]
    assert AllowanceStandard.objects.count() == 1


def test_a_batch_computed_by_one_and_approved_by_another(client, people, district, officer):
    standard("war_veteran", "1000", per="month")
    entitle(person(district, name="东一"), "war_veteran", officer)
    body = {"programme": "living", "period": "2026-11", "kind": "regular"}
    assert post(client, people.care, "/batches", body).status_code == 403  # a street's officer
    computed = post(client, officer, "/batches", body)
    assert computed.status_code == 201, computed.content
    batch = computed.json()
    assert batch["status"] == "draft" and batch["persons"] == 1
    assert post(client, officer, "/batches", {**body, "period": "2026-13"}).status_code == 422
    own = post(client, officer, f"/batches/{batch['id']}/approve")
    assert own.status_code == 409  # the maker never approves
    assert post(client, people.liaison_a, f"/batches/{batch['id']}/approve").status_code == 403
    approved = post(client, people.office, f"/batches/{batch['id']}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert (
        approved.json()["approved_by"] and PaymentBatch.objects.get().approved_by == people.office
    )


NOVEMBER = {"programme": "living", "period": "2026-11", "kind": "regular"}


def compute_november(client, district, officer) -> dict:
    """One war veteran's living allowance of 2026-11, computed by the district's officer:
    the draft as the API answers it."""
    standard("war_veteran", "1000", per="month")
    entitle(person(district, name="东一"), "war_veteran", officer)
    return post(client, officer, "/batches", NOVEMBER).json()


def test_a_batch_computed_again_after_the_approver_read_it_is_refused(
    client, people, district, officer
):
    read = compute_november(client, district, officer)
    assert read["computed_at"]
    again = post(client, officer, "/batches", NOVEMBER).json()  # computed again meanwhile
    assert again["id"] == read["id"] and again["computed_at"] != read["computed_at"]
    url = f"/batches/{read['id']}/approve"
    stale = post(client, people.office, url, {"computed_at": read["computed_at"]})
    assert stale.status_code == 409 and PaymentBatch.objects.get().status == "draft"
    naive = post(client, people.office, url, {"computed_at": "2026-12-01T08:00:00"})
    assert naive.status_code == 422  # which instant is meant must be said
    assert post(client, people.office, url, {"seen": "x"}).status_code == 422  # not a field
    approved = post(client, people.office, url, {"computed_at": again["computed_at"]})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_an_approval_without_a_body_approves_the_draft_as_it_stands(
    client, people, district, officer
):
    batch = compute_november(client, district, officer)
    url = f"/api/v1/batches/{batch['id']}/approve"
    bare = client.generic("POST", url, headers=bearer(people.office))  # as `curl -X POST`
    assert bare.status_code == 200 and bare.json()["status"] == "approved"


def test_a_person_answer_never_gives_the_birth_date_the_masked_number_hides(
    client, people, district
):
    """The masked ID number hides exactly the birth date's eight digits; the office, which
    may not reveal a number, would rebuild it from a full birth date beside it."""
    who = person(district, name="赵老兵", born=dt.date(1950, 3, 1))
    number = EntitledPerson.objects.get(pk=who.pk).id_number
    headers = bearer(people.office)
    for url, params in ((f"/api/v1/persons/{who.pk}", {}), ("/api/v1/persons", {"q": "赵老兵"})):
        answer = client.get(url, params, headers=headers)
        assert answer.status_code == 200, url
        shown = answer.json()
        shown = shown["items"][0] if "items" in shown else shown
        assert shown["birth_year"] == 1950 and shown["id_number_masked"][-4:] == number[-4:]
        assert "19500301" not in answer.content.decode().replace("-", ""), url
    assert not AuditEvent.objects.filter(action="reveal").exists()
