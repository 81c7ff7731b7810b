"""The daily work driven end to end through the API alone, each step by the role whose
step it is, with the page's rules (409), its scope (unit B's liaison, the outsider, gets
404) and its audit trail.

People: the office and the supervisor issue and re-check; unit A's liaison answers for
unit A; the garrison's liaison signs for the military side.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shuangyong.api.tests.test_api import bearer
from shuangyong.audit.models import AuditEvent
from shuangyong.campaigns.models import Indicator, ProgressReport, Task
from shuangyong.coordination.models import JointItem, Receipt
from shuangyong.supervision.models import OrderStatus, SupervisionOrder


def later():
    """Read when the test runs, not at import: a run can cross midnight in Beijing."""
    return (timezone.localdate() + dt.timedelta(days=30)).isoformat()


def post(client, user_or_headers, url, body=None, **kwargs):
    headers = user_or_headers if isinstance(user_or_headers, dict) else bearer(user_or_headers)
    if "files" in kwargs:
        return client.post(f"/api/v1{url}", {**(body or {}), **kwargs.pop("files")},
                           headers=headers)  # fmt: skip
    return client.post(f"/api/v1{url}", body or {}, "application/json", headers=headers)


@pytest.fixture
def task(campaign, district):
    return Task.objects.create(campaign=campaign, title="走访慰问", lead_unit=district.a,
                               deadline=timezone.localdate() + dt.timedelta(days=60))  # fmt: skip


def test_an_order_issued_signed_answered_sent_back_and_closed(client, people, campaign, task):
    office, liaison, supervisor = (
        bearer(people.office),
        bearer(people.liaison_a),
        bearer(people.supervisor),
    )
    issued = post(client, office, "/orders", {
        "campaign": campaign.pk, "unit": task.lead_unit_id, "tasks": [task.pk],
        "level": "key", "subject": "走访滞后", "requirement": "月底前完成", "deadline": later(),
    })  # fmt: skip
    assert issued.status_code == 201, issued.content
    pk = issued.json()["id"]
    assert post(client, people.liaison_b, f"/orders/{pk}/acknowledge").status_code == 404
    assert (
        post(
            client,
            liaison,
            f"/orders/{pk}/respond",
            {"text": "已走访"},
            files={"files": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")},
        ).status_code
        == 409
    )
    signed = post(client, liaison, f"/orders/{pk}/acknowledge")
    assert signed.status_code == 200 and signed.json()["status"] == OrderStatus.ACKNOWLEDGED
    assert post(client, liaison, f"/orders/{pk}/acknowledge").status_code == 409  # once
    answer = {"files": SimpleUploadedFile("走访记录.pdf", b"%PDF-1.4 visits")}
    answered = post(client, liaison, f"/orders/{pk}/respond", {"text": "已走访 12 户"},
                    files=answer)  # fmt: skip
    assert answered.status_code == 200, answered.content
    assert answered.json()["steps"][-1]["files"] == ["走访记录.pdf"]
    assert post(client, liaison, f"/orders/{pk}/close", {"text": "好"}).status_code == 403
    back = post(client, supervisor, f"/orders/{pk}/send-back", {"text": "缺照片"})
    assert back.json()["status"] == OrderStatus.ACKNOWLEDGED
    post(
        client,
        liaison,
        f"/orders/{pk}/respond",
        {"text": "补照片"},
        files={"files": SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)},
    )
    refused = post(client, supervisor, f"/orders/{pk}/close", {"text": ""})
    assert refused.status_code == 409  # the task is neither done nor backed by evidence
    closed = post(client, supervisor, f"/orders/{pk}/close",
                  {"text": "已现场核实", "override": True})  # fmt: skip
    assert closed.status_code == 200 and closed.json()["status"] == OrderStatus.CLOSED
    assert [s["action"] for s in closed.json()["steps"]] == [
        "issue", "acknowledge", "respond", "send_back", "respond", "close_override"
    ]  # fmt: skip
    order = SupervisionOrder.objects.get(pk=pk)
    trail = AuditEvent.objects.filter(object_id=str(order.pk), actor_id=people.supervisor.pk)
    assert trail.filter(object_type__icontains="supervisionorder").exists()
    assert client.get(f"/api/v1/orders/{pk}", headers=bearer(people.liaison_b)).status_code == 404


def test_a_joint_item_signed_off_by_both_sides(client, people, campaign, district):
    raised = post(client, people.military, "/joint-items", {
        "campaign": campaign.pk, "title": "训练场地共用", "local_unit": district.a.pk,
        "garrison_unit": district.garrison.pk,
    })  # fmt: skip
    assert raised.status_code == 201, raised.content
    pk = raised.json()["id"]
    assert (
        post(client, people.liaison_b, f"/joint-items/{pk}/sign", {"side": "local"}).status_code
        == 404
    )
    assert post(client, people.liaison_a, f"/joint-items/{pk}/sign",
                {"side": "military"}).status_code == 403  # fmt: skip
    local = post(client, people.liaison_a, f"/joint-items/{pk}/sign", {"side": "local"})
    assert (
        local.status_code == 200 and local.json()["local_signed_at"] and not local.json()["closed"]
    )
    assert (
        post(client, people.liaison_a, f"/joint-items/{pk}/sign", {"side": "local"}).status_code
        == 409
    )
    military = post(client, people.military, f"/joint-items/{pk}/sign", {"side": "military"})
    assert military.status_code == 200 and military.json()["closed"] is True
    item = JointItem.objects.get(pk=pk)
    assert item.military_signed_by == people.military and item.local_signed_by == people.liaison_a


def test_a_notice_sent_read_and_answered(client, people, district):
    sent = post(client, people.office, "/notices", {
        "title": "报送走访情况", "body": "请于月底前报送。", "units": [district.a.pk],
        "requires_reply": True, "reply_deadline": later(), "reply_fields": ["走访户数"],
    })  # fmt: skip
    assert sent.status_code == 201, sent.content
    pk = sent.json()["id"]
    assert [r["unit_id"] for r in sent.json()["receipts"]] == [district.a.pk]
    assert client.get(f"/api/v1/notices/{pk}", headers=bearer(people.liaison_b)).status_code == 404
    receipt = Receipt.objects.get(notice_id=pk)
    assert receipt.read_at is None
    read = client.get(f"/api/v1/notices/{pk}", headers=bearer(people.liaison_a))
    assert read.status_code == 200 and read.json()["receipts"][0]["read_at"]
    receipt.refresh_from_db()
    assert receipt.read_by == people.liaison_a  # reading through the API is a read receipt
    missing = post(client, people.liaison_a, f"/notices/{pk}/reply", {"text": "见附件"})
    assert missing.status_code == 409 and "values" in missing.json()["detail"]
    replied = post(client, people.liaison_a, f"/notices/{pk}/reply",
                   {"text": "已完成", "values": {"走访户数": "12"}})  # fmt: skip
    assert replied.status_code == 200 and replied.json()["replied_at"]
    seen = client.get(f"/api/v1/notices/{pk}", headers=bearer(people.office)).json()
    assert seen["receipts"][0]["replied_at"]
    assert post(client, people.liaison_a, "/notices", {"title": "x", "body": "y",
                "units": [district.b.pk]}).status_code == 409  # not below unit A  # fmt: skip


def test_a_meeting_recorded_and_its_decision_a_task(client, people, campaign, district):
    body = {
        "campaign": campaign.pk,
        "kind": "plenary",
        "title": "双拥工作领导小组会议",
        "held_on": "2026-11-20",
        "place": "区政府",
        "attendees": [people.liaison_a.person_id],
    }
    assert post(client, people.liaison_a, "/meetings", body).status_code == 403
    meeting = post(client, people.office, "/meetings", body)
    assert meeting.status_code == 201, meeting.content
    pk = meeting.json()["id"]
    decided = post(
        client,
        people.office,
        f"/meetings/{pk}/decisions",
        {"text": "春节前走访驻军", "lead_unit": district.a.pk, "deadline": later()},
    )
    assert decided.status_code == 201 and decided.json()["decisions"][0]["lead_unit"] == "甲局"
    task = Task.objects.get(pk=decided.json()["decisions"][0]["task_id"])
    assert task.lead_unit == district.a and task.kind == "decision"
    past = post(
        client,
        people.office,
        f"/meetings/{pk}/decisions",
        {"text": "x", "lead_unit": district.a.pk, "deadline": "2020-01-01"},
    )
    assert past.status_code == 409 and "deadline" in past.json()["detail"]


def test_a_report_with_actuals_reviewed_and_evidence_reviewed(client, people, task):
    indicator = Indicator.objects.create(task=task, name="走访户数", measure="户", target=20)
    other = Indicator.objects.create(
        task=Task.objects.create(campaign=task.campaign, title="另一项", lead_unit=task.lead_unit),
        name="x",
        target=1,
    )
    wrong = post(
        client,
        people.liaison_a,
        f"/tasks/{task.pk}/reports",
        {"text": "已走访", "percent": 60, "values": [{"indicator": other.pk, "value": "3"}]},
    )
    assert wrong.status_code == 409
    sent = post(client, people.liaison_a, f"/tasks/{task.pk}/reports", {
        "text": "已走访 12 户", "percent": 60,
        "values": [{"indicator": indicator.pk, "value": "12"}]})  # fmt: skip
    assert sent.status_code == 201, sent.content
    assert sent.json()["values"] == [{"indicator": indicator.pk, "value": "12.00"}]
    report = sent.json()["id"]
    assert post(client, people.liaison_a, f"/reports/{report}/review",
                {"accept": True}).status_code == 403  # fmt: skip
    accepted = post(client, people.office, f"/reports/{report}/review", {"accept": True})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert ProgressReport.objects.get(pk=report).status == "accepted"
    shown = client.get(f"/api/v1/tasks/{task.pk}", headers=bearer(people.liaison_a)).json()
    assert shown["progress"] == 60 and shown["indicators"][0]["actual"] == "12.00"
    assert shown["light"] == "green" and shown["light_reason"]
    upload = client.post(f"/api/v1/tasks/{task.pk}/evidence",
                         {"file": SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 m"), "title": "纪要"},
                         headers=bearer(people.liaison_a))  # fmt: skip
    evidence = upload.json()["id"]
    rejected = post(client, people.office, f"/evidence/{evidence}/review",
                    {"accept": False, "note": "缺盖章"})  # fmt: skip
    assert rejected.status_code == 200 and rejected.json()["status"] == "returned"
    assert rejected.json()["review_note"] == "缺盖章"


def test_an_overdue_task_is_red_and_says_why(client, people, campaign, district):
    late = Task.objects.create(campaign=campaign, title="逾期", lead_unit=district.a,
                               deadline=timezone.localdate() - dt.timedelta(days=3))  # fmt: skip
    shown = client.get(f"/api/v1/tasks/{late.pk}", headers=bearer(people.liaison_a)).json()
    assert shown["light"] == "red" and "3" in shown["light_reason"]
    listed = client.get("/api/v1/tasks", headers=bearer(people.office)).json()["items"]
    assert [t["light"] for t in listed] == ["red"]
