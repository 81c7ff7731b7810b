"""Progress reports and evidence: submitted by the unit, reviewed by the office."""

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shuangyong.campaigns import responsibility
from shuangyong.campaigns.models import Evidence, Indicator, ProgressReport, ReviewStatus, Task

PDF = b"%PDF-1.4 minutes of the meeting"


@pytest.fixture
def task(campaign, standard, district):
    task = Task.objects.create(
        campaign=campaign,
        criterion=standard.criteria.get(code="1.3"),
        title="召开领导小组全体会议",
        lead_unit=district.a,
        deadline=dt.date(2026, 12, 1),
    )
    task.co_units.add(district.b)
    Indicator.objects.create(task=task, name="会议次数", target=1, measure="次")
    return task


def pdf(name="纪要.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_report_with_figures_and_a_file_then_accepted(task, people, settings):
    indicator = task.indicators.get()
    report = responsibility.submit_report(
        task=task,
        user=people.liaison_a,
        text="已召开全体会议",
        percent=100,
        values={indicator.pk: D("1")},
        files=[pdf()],
        year=2026,
    )
    evidence = report.evidence.get()
    assert evidence.status == ReviewStatus.SUBMITTED and evidence.criterion.code == "1.3"
    assert len(evidence.sha256) == 64 and evidence.file.read() == PDF
    responsibility.review_report(report=report, accept=True, note="", reviewer=people.office)
    task.refresh_from_db()
    indicator.refresh_from_db()
    evidence.refresh_from_db()
    assert task.progress == 100 and task.done_at and indicator.actual == D("1")
    assert evidence.status == ReviewStatus.ACCEPTED


def test_a_co_unit_reports_for_itself(task, people):
    report = responsibility.submit_report(
        task=task, user=people.liaison_b, text="配合完成", percent=50
    )
    assert report.unit.code == "B"


def test_others_may_not_report(task, people):
    with pytest.raises(PermissionDenied):
        responsibility.submit_report(task=task, user=people.military, text="x", percent=10)


def test_a_bad_file_leaves_nothing_behind(task, people, settings):
    with pytest.raises(ValidationError):
        responsibility.submit_report(
            task=task,
            user=people.liaison_a,
            text="附件",
            percent=10,
            year=2026,
            files=[pdf(), SimpleUploadedFile("照片.jpg", b"not a jpeg")],
        )
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert stored == []


def test_a_return_needs_a_reason_and_keeps_the_text(client, task, people):
    report = responsibility.submit_report(
        task=task, user=people.liaison_a, text="会议已筹备，尚未召开", percent=40
    )
    with pytest.raises(ValidationError):
        responsibility.review_report(report=report, accept=False, note=" ", reviewer=people.office)
    responsibility.review_report(
        report=report, accept=False, note="请附会议纪要", reviewer=people.office
    )
    client.force_login(people.liaison_a)
    page = client.get(reverse("campaigns:task_detail", args=[task.pk]))
    form = page.context["report_form"]
    assert form.initial["text"] == "会议已筹备，尚未召开" and form.initial["percent"] == 40
    assert "请附会议纪要" in page.content.decode()
    with pytest.raises(ValidationError):
        responsibility.review_report(report=report, accept=True, note="", reviewer=people.office)


def test_the_same_title_again_is_a_new_version(task, people):
    first = responsibility.upload_evidence(
        task=task, user=people.liaison_a, upload=pdf(), year=2026
    )
    second = responsibility.upload_evidence(
        task=task, user=people.liaison_a, upload=pdf(), year=2026
    )
    first.refresh_from_db()
    assert (first.version, first.superseded, second.version, second.superseded) == (
        1,
        True,
        2,
        False,
    )


def test_year_outside_the_cycle_is_refused(task, people):
    with pytest.raises(ValidationError):
        responsibility.upload_evidence(task=task, user=people.liaison_a, upload=pdf(), year=2019)


def test_report_page_submits_with_files(client, task, people):
    client.force_login(people.liaison_a)
    response = client.post(
        reverse("campaigns:report_submit", args=[task.pk]),
        {
            "text": "已召开",
            "percent": "100",
            f"indicator_{task.indicators.get().pk}": "1",
            "files": [pdf("纪要一.pdf"), pdf("签到表.pdf")],
        },
    )
    assert response.status_code == 302
    assert Evidence.objects.filter(task=task).count() == 2


def test_a_typed_report_survives_a_bad_upload(client, task, people):
    client.force_login(people.liaison_a)
    response = client.post(
        reverse("campaigns:report_submit", args=[task.pk]),
        {
            "text": "写了很久的进展说明",
            "percent": "60",
            "files": [SimpleUploadedFile("x.exe", b"MZ")],
        },
    )
    assert response.status_code == 400
    assert "写了很久的进展说明" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_evidence_download_is_scoped_and_audited(client, task, people):
    from shuangyong.audit.models import AuditEvent

    evidence = responsibility.upload_evidence(
        task=task, user=people.liaison_a, upload=pdf(), year=2026
    )
    client.force_login(people.liaison_b)  # a co-unit: may see it
    response = client.get(reverse("campaigns:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(action="download", object_type="campaigns.evidence").exists()
    client.force_login(people.military)
    assert client.get(reverse("campaigns:evidence_download", args=[evidence.pk])).status_code == 404
