"""Text no database column can hold (NUL; an unpaired surrogate, which JSON can spell) is
refused — 400 on a page, 422 naming the fields in the API — never a 500: a care
officer's search on the page and through the API, needs posted with either, a login
form; ordinary searches, escaped Chinese and uploaded files (any byte) pass untouched."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shuangyong.api.tests.test_api import bearer
from shuangyong.campaigns.models import Task
from shuangyong.care.models import Need
from shuangyong.care.tests.conftest import person
from shuangyong.core.middleware import unstorable_fields


def test_a_search_with_nul_on_the_page_is_refused(client, people, district):
    person(district, name="王老兵")
    client.force_login(people.care)
    refused = client.get(reverse("care:home"), {"q": "王\x00"})
    assert refused.status_code == 400
    assert "NUL" in refused.content.decode()
    assert client.get(reverse("care:home"), {"q": "王"}).status_code == 200


def test_a_search_with_nul_through_the_api_is_refused(client, people, district):
    person(district, name="王老兵")
    refused = client.get("/api/v1/persons", {"q": "L\x00M"}, headers=bearer(people.care))
    assert refused.status_code == 422 and "NUL" in refused.json()["detail"]["q"][0]
    key = client.get("/api/v1/persons", {"q\x00": "x"}, headers=bearer(people.care))
    assert key.status_code == 422 and list(key.json()["detail"]) == ["q\\u0000"]
    found = client.get("/api/v1/persons", {"q": "王"}, headers=bearer(people.care))
    assert found.status_code == 200 and found.json()["count"] == 1


def _need(district, requester):
    """A need's JSON with ``requester`` spliced in raw, so that it may carry escapes."""
    return (
        f'{{"source": "family", "requester": "{requester}", "category": "schooling",'
        f' "text": "入学", "assignee": {district.a.pk}, "deadline": "2099-01-01"}}'
    )


def test_a_json_body_with_nul_or_a_lone_surrogate_is_refused_and_nothing_written(
    client, people, district, campaign
):
    for requester in ("张\\u0000", "\\ud800"):
        refused = client.post("/api/v1/needs", _need(district, requester), "application/json",
                              headers=bearer(people.office))  # fmt: skip
        assert refused.status_code == 422
        assert list(refused.json()["detail"]) == ["body.requester"]
    assert not Need.objects.exists()
    escaped = client.post("/api/v1/needs", _need(district, "\\u5f20\\u519b\\u5c5e"),
                          "application/json", headers=bearer(people.office))  # fmt: skip
    assert escaped.status_code == 201 and Need.objects.get().requester == "张军属"


def test_a_form_field_with_nul_is_refused_but_an_upload_may_hold_any_byte(
    client, people, district, campaign
):
    login = reverse("accounts:login")
    assert client.post(login, {"username": "office\x00", "password": "x"}).status_code == 400
    assert client.post(login, {"username": "office", "password": "x"}).status_code == 200
    mine = Task.objects.create(campaign=campaign, title="甲的任务", lead_unit=district.a,
                               deadline=dt.date(2026, 6, 1))  # fmt: skip
    pdf = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 \x00\x01 minutes")
    uploaded = client.post(f"/api/v1/tasks/{mine.pk}/evidence",
                           {"file": pdf, "title": "纪要", "year": 2026},
                           headers=bearer(people.liaison_a))  # fmt: skip
    assert uploaded.status_code == 201


def test_nested_json_fields_are_named_by_their_path(rf):
    body = '{"text": "ok", "values": {"a\\u0000": "1", "b": ["x", "y\\udfff"]}, "n": 3}'
    request = rf.post("/api/v1/notices/1/reply", body, content_type="application/json")
    assert unstorable_fields(request) == ["body.values.a\\u0000", "body.values.b.1"]
    broken = rf.post("/api/v1/needs", b'{"text": "\x00', content_type="application/json")
    assert unstorable_fields(broken) == ["body"]
    not_json = rf.post("/api/v1/needs", b'{"text": ', content_type="application/json")
    assert unstorable_fields(not_json) == []  # the API's own parser answers that
    literal = rf.post("/api/v1/needs", '{"text": "\\\\u0000 is how JSON writes NUL"}',
                      content_type="application/json")  # fmt: skip
    assert unstorable_fields(literal) == []


def test_deeply_nested_json_is_walked_without_recursion(client, people, district):
    """A thousand levels parse, and the walk must not overflow Python's stack on them;
    past what the parser takes, the API's own 'cannot parse' answers (no 500 either way)."""
    office = bearer(people.office)
    for depth, status in ((900, 422), (100_000, 422)):
        body = '{"a":' * depth + '"\\u0000"' + "}" * depth
        response = client.post("/api/v1/needs", body, "application/json", headers=office)
        assert response.status_code == status, depth


def test_a_json_body_declared_as_another_type_is_checked_too(client, people, district, campaign):
    """The API reads any body that is not a form as JSON; the check must read it as well."""
    office = bearer(people.office)
    for content_type in ("text/plain", "application/json-patch+json"):
        for requester in ("张\\u0000", "\\ud800"):
            refused = client.post("/api/v1/needs", _need(district, requester), content_type,
                                  headers=office)  # fmt: skip
            assert refused.status_code == 422, (content_type, requester)
            assert list(refused.json()["detail"]) == ["body.requester"]
    assert not Need.objects.exists()
