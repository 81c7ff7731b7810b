"""The JSON API: tokens, the same scope as the pages, masked IDs, errors never 500.

People: unit A's liaison (sees A's tasks and answers A's needs), unit B's liaison
(the outsider for A's objects), the office, the street's care officer.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shuangyong.access import Role
from shuangyong.api import services
from shuangyong.api.models import ApiToken
from shuangyong.audit.models import AuditEvent
from shuangyong.campaigns.models import Task
from shuangyong.care.models import EntitledPerson, Need
from shuangyong.care.tests.conftest import person


def bearer(user, name="市平台"):
    _token, key = services.issue_token(user=user, name=name)
    return {"Authorization": f"Bearer {key}"}


def query_counts(client, headers, urls) -> list[int]:
    """The number of queries each of ``urls`` runs (each must answer 200)."""
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, headers=headers).status_code == 200, url
        counts.append(len(queries))
    return counts


@pytest.fixture
def tasks(campaign, district):
    return (
        Task.objects.create(campaign=campaign, title="甲的任务", lead_unit=district.a,
                            deadline=dt.date(2026, 6, 1)),
        Task.objects.create(campaign=campaign, title="乙的任务", lead_unit=district.b,
                            deadline=dt.date(2026, 9, 1)),
    )  # fmt: skip


def test_no_token_a_bad_one_or_a_revoked_one_is_401(client, people):
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer sy_nope"}).status_code == 401
    headers = bearer(people.liaison_a)
    assert client.get("/api/v1/me", headers=headers).json()["username"] == "liaison_a"
    token = ApiToken.objects.get()
    services.revoke_token(token=token, actor=people.liaison_a)
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    # a logged-in browser session is not an API credential
    client.force_login(people.office)
    assert client.get("/api/v1/me").status_code == 401


def test_a_token_stops_when_its_holders_role_may_no_longer_use_the_api(client, people):
    headers = bearer(people.liaison_b)
    assert client.get("/api/v1/units", headers=headers).status_code == 200
    people.liaison_b.role = Role.AUDITOR  # moved to the auditor's post: no API (三员分立)
    people.liaison_b.save()
    for url in ("/api/v1/me", "/api/v1/units"):
        assert client.get(url, headers=headers).status_code == 401


def test_tasks_are_scoped_like_the_pages(client, people, tasks):
    mine, theirs = tasks
    headers = bearer(people.liaison_a)
    listing = client.get("/api/v1/tasks", headers=headers).json()
    assert [t["title"] for t in listing["items"]] == ["甲的任务"] and listing["count"] == 1
    assert listing["items"][0]["lead_unit"] == mine.lead_unit.name
    assert client.get(f"/api/v1/tasks/{theirs.pk}", headers=headers).status_code == 404
    office = bearer(people.office)
    found = client.get("/api/v1/tasks", {"since": "2026-07-01"}, headers=office).json()
    assert [t["title"] for t in found["items"]] == ["乙的任务"]
    assert client.get("/api/v1/tasks", {"since": "soon"}, headers=office).status_code == 422


def test_a_progress_report_through_the_api(client, people, tasks):
    mine, theirs = tasks
    headers = bearer(people.liaison_a)
    url = f"/api/v1/tasks/{mine.pk}/reports"
    created = client.post(url, {"text": "已完成", "percent": 100}, "application/json",
                          headers=headers)  # fmt: skip
    assert created.status_code == 201 and created.json()["percent"] == 100
    bad = client.post(url, {"text": "x", "percent": 150}, "application/json", headers=headers)
    assert bad.status_code == 422
    malformed = client.post(url, "{not json", "application/json", headers=headers)
    assert malformed.status_code in (400, 422)
    missing = client.post(url, {"percent": 10}, "application/json", headers=headers)
    assert missing.status_code == 422 and "detail" in missing.json()
    other = client.post(f"/api/v1/tasks/{theirs.pk}/reports", {"text": "x", "percent": 10},
                        "application/json", headers=headers)  # fmt: skip
    assert other.status_code == 404


def test_needs_and_replies(client, people, district, campaign):
    need = Need.objects.create(
        source="family", requester="某军属", category="schooling", text="入学",
        assignee=district.a, deadline=dt.date(2099, 1, 1),
    )  # fmt: skip
    outsider = bearer(people.liaison_b)
    assert client.get("/api/v1/needs", headers=outsider).json()["count"] == 0
    reply = client.post(f"/api/v1/needs/{need.pk}/reply", {"text": "已安排"}, "application/json",
                        headers=outsider)  # fmt: skip
    assert reply.status_code == 404
    answered = client.post(f"/api/v1/needs/{need.pk}/reply", {"text": "已安排"},
                           "application/json", headers=bearer(people.liaison_a))  # fmt: skip
    assert answered.status_code == 200 and answered.json()["status"] == "replied"
    assert answered.json()["assignee"] == district.a.name


def test_persons_are_masked_and_not_for_everyone(client, people, district):
    veteran = person(district, name="王老兵")
    care = bearer(people.care)
    body = client.get("/api/v1/persons", {"q": "wlb"}, headers=care)
    [found] = body.json()["items"]
    assert found["id_number_masked"] == veteran.id_number_masked
    assert found["street"] == veteran.street.name
    assert veteran.id_number not in body.content.decode()
    assert client.get("/api/v1/persons", headers=bearer(people.liaison_a)).status_code == 403


def test_persons_changed_since_a_day(client, people, district):
    older, newer = person(district, name="王老兵"), person(district, name="王新兵")
    EntitledPerson.objects.filter(pk=older.pk).update(
        updated_at=dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    )
    care = bearer(people.care)
    today = timezone.localdate().isoformat()
    found = client.get("/api/v1/persons", {"since": today}, headers=care).json()
    assert [p["name"] for p in found["items"]] == [newer.name]
    found = client.get("/api/v1/persons", {"until": "2026-01-31"}, headers=care).json()
    assert [p["name"] for p in found["items"]] == [older.name]
    bad = client.get("/api/v1/persons", {"since": "2026-13-01"}, headers=care)
    assert bad.status_code == 422 and "since" in bad.content.decode()


def test_batches_whose_period_overlaps_the_days(client, people):
    from shuangyong.care import months
    from shuangyong.care.models import PaymentBatch

    def batch(period, first, last):
        return PaymentBatch.objects.create(programme="disability", kind="regular", period=period,
                                           first_month=months.index(first),
                                           last_month=months.index(last))  # fmt: skip

    batch("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 1))
    batch("2026-Q2", dt.date(2026, 4, 1), dt.date(2026, 6, 1))
    office = bearer(people.office)

    def periods(**query):
        body = client.get("/api/v1/batches", query, headers=office).json()
        return [b["period"] for b in body["items"]]

    assert periods() == ["2026-Q2", "2026-Q1"]
    assert periods(since="2026-03-15") == ["2026-Q2", "2026-Q1"]
    assert periods(since="2026-04-01") == ["2026-Q2"]
    assert periods(until="2026-03-31") == ["2026-Q1"]
    assert periods(since="2026-07-01") == []


def test_lists_take_a_fixed_number_of_queries_per_page(client, people, campaign, district):
    headers = bearer(people.office)
    urls = ("/api/v1/tasks", "/api/v1/units")
    Task.objects.create(campaign=campaign, title="一", lead_unit=district.a)
    client.get("/api/v1/me", headers=headers)  # the first use notes the token's last use
    small = query_counts(client, headers, urls)
    Task.objects.bulk_create(
        [Task(campaign=campaign, title=f"任务{i}", lead_unit=district.b) for i in range(120)]
    )
    assert query_counts(client, headers, urls) == small
    page = client.get("/api/v1/tasks", {"page": 3}, headers=headers).json()
    assert page["count"] == 121 and len(page["items"]) == 21


def test_the_schema_is_public_and_names_every_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/tasks", "/api/v1/persons", "/api/v1/needs/{pk}/reply"} <= set(schema["paths"])


def test_token_page_issues_once_and_revokes_audited(client, people):
    client.force_login(people.liaison_a)
    page = client.post(reverse("api_tokens:token_list"), {"name": "市平台"})
    key = page.context["key"]
    assert key.startswith("sy_") and key in page.content.decode()
    token = ApiToken.objects.get()
    assert (
        token.key_hash != key
        and key not in client.get(reverse("api_tokens:token_list")).content.decode()
    )
    client.post(reverse("api_tokens:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    events = AuditEvent.objects.filter(object_type__icontains="apitoken")
    assert {e.action for e in events} == {"create", "update"}
    assert all(key not in str(e.changes) for e in events)
    client.force_login(people.liaison_b)
    response = client.post(reverse("api_tokens:token_revoke", args=[token.pk]))
    assert response.status_code == 404


def test_evidence_upload_checks_type_size_and_scope(client, people, tasks, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shuangyong.campaigns import responsibility

    mine, theirs = tasks
    headers = bearer(people.liaison_a)
    url = f"/api/v1/tasks/{mine.pk}/evidence"

    def upload(name, content, target=url):
        return client.post(
            target, {"file": SimpleUploadedFile(name, content), "title": "纪要", "year": 2026},
            headers=headers,
        )  # fmt: skip

    created = upload("纪要.pdf", b"%PDF-1.4 minutes")
    assert created.status_code == 201 and created.json()["status"] == "submitted"
    assert upload("a.exe", b"MZ\x90\x00").status_code == 409  # read and refused
    monkeypatch.setattr(responsibility, "MAX_EVIDENCE_BYTES", 10)
    assert upload("big.pdf", b"%PDF-1.4 " + b"x" * 100).status_code == 413
    other = f"/api/v1/tasks/{theirs.pk}/evidence"
    assert upload("b.pdf", b"%PDF-1.4 x", other).status_code == 404
    assert mine.evidence.count() == 1


def test_a_multipart_body_takes_the_fields_it_lists_and_no_others(client, people, tasks):
    """As a JSON body: a misspelt field is a 422 naming it, not silently dropped, and the
    document says so (``additionalProperties: false``), so that a field whose name holds
    a NUL (refused at the door) is not a valid request the server refuses."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shuangyong.api.v1 import api

    mine, _theirs = tasks
    url = f"/api/v1/tasks/{mine.pk}/evidence"

    def upload(**fields):
        pdf = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 minutes")
        return client.post(url, {"file": pdf, **fields}, headers=bearer(people.liaison_a))

    misspelt = upload(titel="纪要", year=2026)
    assert misspelt.status_code == 422 and list(misspelt.json()["detail"]) == ["titel"]
    assert upload(**{"x\x00": "1"}).status_code == 422
    assert mine.evidence.count() == 0
    assert upload(title="纪要", year=2026).status_code == 201
    document = api.get_openapi_schema(path_prefix="/api/v1")
    multipart = [
        media["schema"]
        for methods in document["paths"].values()
        for operation in methods.values()
        for kind, media in operation.get("requestBody", {}).get("content", {}).items()
        if kind == "multipart/form-data"
    ]
    assert len(multipart) == 2 and all(s["additionalProperties"] is False for s in multipart)


def test_a_long_chinese_file_name_is_stored_not_a_500(client, people, tasks):
    """200 Chinese characters were 600 bytes: past the file system's 255 a name (OSError)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    mine, _theirs = tasks
    upload = SimpleUploadedFile("纪要" * 100 + ".pdf", b"%PDF-1.4 minutes")
    response = client.post(f"/api/v1/tasks/{mine.pk}/evidence", {"file": upload, "year": 2026},
                           headers=bearer(people.liaison_a))  # fmt: skip
    assert response.status_code == 201
    stored = mine.evidence.get()
    assert (
        stored.original_name == "纪要" * 24 + ".pdf" and stored.file.read() == b"%PDF-1.4 minutes"
    )


def test_a_notice_reply_through_the_api(client, people, district):
    from shuangyong.coordination.models import Notice, Receipt

    notice = Notice.objects.create(
        sender_unit=district.office,
        author=people.office,
        title="报送总结",
        body="请报送",
        requires_reply=True,
    )
    Receipt.objects.create(notice=notice, unit=district.a)
    url = f"/api/v1/notices/{notice.pk}/reply"
    outsider = client.post(
        url, {"text": "乙"}, "application/json", headers=bearer(people.liaison_b)
    )
    assert outsider.status_code == 404
    headers = bearer(people.liaison_a)
    done = client.post(url, {"text": "已报送"}, "application/json", headers=headers)
    assert done.status_code == 200 and done.json()["replied_at"]
    again = client.post(url, {"text": "再报"}, "application/json", headers=headers)
    assert again.status_code == 409  # replied already
