"""Meetings: decisions become tasks of their lead units; closing the task marks them done."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shuangyong.campaigns import responsibility
from shuangyong.campaigns.models import Evidence, ReviewStatus, Task, TaskKind
from shuangyong.coordination import services
from shuangyong.coordination.models import Attendee, Decision, Meeting
from shuangyong.coordination.tests.conftest import pdf
from shuangyong.org.models import Person


@pytest.fixture
def meeting(campaign):
    return Meeting.objects.create(
        campaign=campaign,
        kind="plenary",
        title="2026年双拥领导小组全体会议",
        held_on=dt.date.today(),
        place="区委第一会议室",
    )


def test_a_decision_becomes_a_task_in_the_lead_units_workspace_and_closing_it_marks_it_done(
    client, meeting, people, district, campaign, next_week
):
    client.force_login(people.office)
    response = client.post(
        reverse("coordination:decision_add", args=[meeting.pk]),
        {
            "text": "春节前完成驻区部队走访慰问",
            "lead_unit": district.a.pk,
            "deadline": next_week.isoformat(),
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    task = decision.task
    assert (task.kind, task.lead_unit, task.deadline) == (TaskKind.DECISION, district.a, next_week)

    # Unit A's liaison finds it among A's tasks, with the meeting it came from.
    client.force_login(people.liaison_a)
    tasks_page = client.get(reverse("campaigns:task_list", args=[campaign.pk]))
    assert task in list(tasks_page.context["page"])
    task_page = client.get(reverse("campaigns:task_detail", args=[task.pk])).content.decode()
    assert meeting.title in task_page and 'data-testid="task-origin"' in task_page
    client.force_login(people.liaison_b)  # not B's task
    assert client.get(reverse("campaigns:task_detail", args=[task.pk])).status_code == 404

    # A reports it done; the office accepts: the decision is done, one click from the meeting.
    report = responsibility.submit_report(
        task=task, user=people.liaison_a, text="已走访 12 个单位", percent=100, values={}, files=[]
    )
    assert not Decision.objects.get().done
    responsibility.review_report(report=report, accept=True, note="", reviewer=people.office)
    assert Decision.objects.get().done
    client.force_login(people.office)
    page = client.get(reverse("coordination:meeting_detail", args=[meeting.pk]))
    assert page.context["decisions"][0].done
    assert 'data-testid="decision-status"><span class="badge text-bg-success">' in (
        page.content.decode()
    )


def test_a_decision_without_a_lead_unit_is_refused_and_nothing_is_made(client, meeting, people):
    client.force_login(people.office)
    response = client.post(
        reverse("coordination:decision_add", args=[meeting.pk]),
        {"text": "研究解决随军家属就业", "deadline": dt.date.today().isoformat()},
    )
    assert response.status_code == 400
    assert response.context["decision_form"].errors["lead_unit"]
    assert "研究解决随军家属就业" in response.content.decode()  # what was typed is kept
    assert not Decision.objects.exists() and not Task.objects.exists()


def test_a_decision_needs_text_and_a_deadline_not_past(meeting, people, district):
    with pytest.raises(ValidationError):
        services.add_decision(
            meeting=meeting,
            text=" ",
            lead_unit=district.a,
            deadline=dt.date.today(),
            actor=people.office,
        )
    with pytest.raises(ValidationError):
        services.add_decision(
            meeting=meeting,
            text="x",
            lead_unit=district.a,
            deadline=dt.date.today() - dt.timedelta(days=1),
            actor=people.office,
        )
    with pytest.raises(PermissionDenied):
        services.add_decision(
            meeting=meeting,
            text="x",
            lead_unit=district.a,
            deadline=dt.date.today(),
            actor=people.liaison_a,
        )
    assert not Task.objects.exists()


def test_the_office_records_a_meeting_with_its_attendees(client, people, campaign, district):
    members = [Person.objects.create(name=n, unit=district.a) for n in ("赵一", "钱二", "孙三")]
    client.force_login(people.office)
    response = client.post(
        reverse("coordination:meeting_new", args=[campaign.pk]),
        {
            "kind": "joint",
            "title": "军地联席会议",
            "held_on": "2026-12-10",
            "place": "某部会议室",
            "agenda": "一、通报",
            "attendees": [p.pk for p in members[:2]],
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert set(meeting.attendees.values_list("person__name", flat=True)) == {"赵一", "钱二"}
    client.post(
        reverse("coordination:meeting_edit", args=[campaign.pk, meeting.pk]),
        {
            "kind": "joint",
            "title": "军地联席会议",
            "held_on": "2026-12-10",
            "attendees": [members[1].pk, members[2].pk],
        },
    )
    assert set(meeting.attendees.values_list("person__name", flat=True)) == {"钱二", "孙三"}


def test_attendees_sign_themselves_in_and_nobody_else_does(client, meeting, people, district):
    attendee = Attendee.objects.create(meeting=meeting, person=people.liaison_a.person)
    other = Attendee.objects.create(meeting=meeting, person=people.liaison_b.person)
    client.force_login(people.liaison_a)
    assert client.post(reverse("coordination:sign_in", args=[other.pk])).status_code == 403
    page = client.get(reverse("coordination:meeting_detail", args=[meeting.pk]))
    assert page.context["mine"] == attendee
    client.post(reverse("coordination:sign_in", args=[attendee.pk]))
    attendee.refresh_from_db()
    other.refresh_from_db()
    assert attendee.signed_in_at is not None and other.signed_in_at is None
    client.force_login(people.office)
    client.post(reverse("coordination:sign_in", args=[other.pk]))
    other.refresh_from_db()
    assert other.signed_in_at is not None


def test_minutes_and_duty_reports_become_approved_evidence_of_the_task_the_meeting_counts_for(
    meeting, people, district, campaign
):
    holding = Task.objects.create(
        campaign=campaign, title="召开领导小组全体会议", lead_unit=district.office
    )
    meeting.evidence_task = holding
    meeting.save()
    minutes = services.add_meeting_file(
        meeting=meeting, kind="minutes", unit=None, upload=pdf("会议纪要.pdf"), actor=people.office
    )
    report = services.add_meeting_file(
        meeting=meeting,
        kind="duty_report",
        unit=district.a,
        upload=pdf("甲局述职.pdf"),
        actor=people.office,
    )
    other = services.add_meeting_file(
        meeting=meeting, kind="other", unit=None, upload=pdf("签到表.pdf"), actor=people.office
    )
    assert other.evidence is None
    evidence = Evidence.objects.filter(task=holding).order_by("pk")
    assert [e.status for e in evidence] == [ReviewStatus.ACCEPTED] * 2
    assert [e.pk for e in evidence] == [minutes.evidence_id, report.evidence_id]
    assert evidence[1].unit == district.a


def test_a_duty_report_must_name_its_unit_and_a_bad_file_leaves_nothing(meeting, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError):
        services.add_meeting_file(
            meeting=meeting, kind="duty_report", unit=None, upload=pdf(), actor=people.office
        )
    with pytest.raises(ValidationError):
        services.add_meeting_file(
            meeting=meeting,
            kind="minutes",
            unit=None,
            upload=SimpleUploadedFile("纪要.pdf", b"MZ\x90 not a pdf"),
            actor=people.office,
        )
    assert not meeting.files.exists()


def test_the_meeting_list_shows_attendance_and_decisions_done(client, meeting, people, district):
    Attendee.objects.create(
        meeting=meeting, person=people.liaison_a.person, signed_in_at=dt.datetime.now(dt.UTC)
    )
    Attendee.objects.create(meeting=meeting, person=people.liaison_b.person)
    services.add_decision(
        meeting=meeting,
        text="甲",
        lead_unit=district.a,
        deadline=dt.date.today(),
        actor=people.office,
    )
    client.force_login(people.liaison_b)
    [row] = client.get(reverse("coordination:meeting_list")).context["page"]
    assert (row.n_signed, row.n_attendees, row.n_done, row.n_decisions) == (1, 2, 0, 1)
