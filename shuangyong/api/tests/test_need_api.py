"""POST /api/v1/needs: a need registered as on the page — the office for a family, the
garrison's liaison for its own unit only, the care officer for persons of its street;
unit A's liaison may not raise one; a field against the document is a 422 naming it, a
rule refusing a well-formed need a 409 naming the field."""

import datetime as dt

from django.utils import timezone

from shuangyong.api.tests.test_api import bearer
from shuangyong.campaigns.models import TaskKind
from shuangyong.care.models import Need
from shuangyong.care.tests.conftest import person
from shuangyong.org.models import Unit, UnitKind


def _body(district, **changes):
    body = {"source": "family", "requester": "张军属", "category": "schooling",
            "text": "孩子入学", "assignee": district.a.pk,
            "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat()}  # fmt: skip
    body.update(changes)
    return body


def _post(client, who, body):
    return client.post("/api/v1/needs", body, "application/json", headers=bearer(who))


def test_the_office_registers_a_familys_need_which_becomes_a_task(
    client, people, district, campaign
):
    response = _post(client, people.office, _body(district))
    assert response.status_code == 201, response.content
    need = Need.objects.get(pk=response.json()["id"])
    assert need.requester == "张军属" and need.assignee == district.a
    assert need.task.kind == TaskKind.NEED and need.task.lead_unit == district.a
    mine = client.get("/api/v1/needs", headers=bearer(people.liaison_a)).json()
    assert [n["id"] for n in mine["items"]] == [need.pk]


def test_a_garrison_raises_needs_for_itself_only(client, people, district, campaign):
    own = _post(client, people.military, _body(district, source="garrison",
                                               garrison=district.garrison.pk))  # fmt: skip
    assert own.status_code == 201
    other = Unit.objects.create(code="G2", name="另一部", kind=UnitKind.GARRISON,
                                parent=district.root)  # fmt: skip
    refused = _post(client, people.military, _body(district, source="garrison",
                                                    garrison=other.pk))  # fmt: skip
    assert refused.status_code == 409 and "garrison" in refused.json()["detail"]
    assert Need.objects.count() == 1


def test_the_care_officer_raises_needs_for_persons_of_its_streets(client, people, district):
    west = Unit.objects.create(code="W", name="西街道", kind=UnitKind.STREET,
                               parent=district.root)  # fmt: skip
    ours, theirs = person(district, name="王老兵"), person(district, name="李老兵", street=west)
    assert _post(client, people.care,
                 _body(district, source="person", person=ours.pk)).status_code == 201  # fmt: skip
    outside = _post(client, people.care, _body(district, source="person", person=theirs.pk))
    assert outside.status_code == 409 and "person" in outside.json()["detail"]


def test_who_may_not_and_what_is_wrong(client, people, district):
    assert _post(client, people.liaison_a, _body(district)).status_code == 403
    bad = _post(client, people.office, _body(district, category="nonsense", deadline="2020-01-01"))
    assert bad.status_code == 422 and "body.category" in bad.json()["detail"]
    past = _post(client, people.office, _body(district, deadline="2020-01-01"))
    assert past.status_code == 409 and "deadline" in past.json()["detail"]
    nobody = _post(client, people.office, _body(district, requester=""))
    assert nobody.status_code == 409 and "requester" in nobody.json()["detail"]
    assert not Need.objects.exists()


def test_a_services_own_refusal_is_said_as_it_is(client, people, district):
    """Not wrapped in "your role may not…": the care officer sees the need of a person in
    its street and its role may reply to needs, only not to one that unit A handles."""
    veteran = person(district, name="王老兵")
    found = Need.objects.create(source="person", person=veteran, category="schooling",
                                text="入学", assignee=district.a,
                                deadline=timezone.localdate() + dt.timedelta(days=5))  # fmt: skip
    refused = client.post(f"/api/v1/needs/{found.pk}/reply", {"text": "已办"}, "application/json",
                          headers=bearer(people.care))  # fmt: skip
    assert refused.status_code == 403
    assert refused.json()["detail"] == "只有承办单位才能回复诉求。"
