"""One review transition: reports, evidence and unit reports follow the same state table."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from shuangyong.audit.models import Action, AuditEvent
from shuangyong.campaigns import responsibility
from shuangyong.campaigns.models import (
    Evidence,
    ProgressReport,
    ReviewStatus,
    Task,
    UnitReport,
)
from shuangyong.campaigns.responsibility import TRANSITIONS, Decision
from shuangyong.core.testing import at_once
from shuangyong.messaging.models import Notification

KINDS = ("report", "evidence", "unit_report")


def make(kind, status, *, campaign, district, people):
    """One thing of ``kind`` in ``status``, as a unit would have submitted it."""
    if kind == "unit_report":
        return UnitReport.objects.create(
            campaign=campaign, unit=district.a, year=campaign.start_year, kind="duty_report",
            text="述职", author=people.liaison_a, status=status,
        )  # fmt: skip
    task = Task.objects.create(campaign=campaign, title="任务", lead_unit=district.a)
    if kind == "report":
        return ProgressReport.objects.create(
            task=task, unit=district.a, text="已完成", percent=100, author=people.liaison_a,
            status=status,
        )  # fmt: skip
    return Evidence.objects.create(
        campaign=campaign, task=task, unit=district.a, year=campaign.start_year, title="纪要",
        file="evidence/x.pdf", original_name="纪要.pdf", content_type="application/pdf", size=1,
        sha256="0" * 64, author=people.liaison_a, status=status,
    )  # fmt: skip


def decide(kind, obj, decision, note, reviewer):
    """Through the public function each kind's views and API call."""
    accept = decision == Decision.ACCEPT
    if kind == "evidence":
        return responsibility.review_evidence(
            evidence=obj, approve=accept, note=note, reviewer=reviewer
        )
    if kind == "report":
        return responsibility.review_report(report=obj, accept=accept, note=note, reviewer=reviewer)
    return responsibility.review_unit_report(
        report=obj, accept=accept, note=note, reviewer=reviewer
    )


@pytest.mark.parametrize("decision", list(Decision))
@pytest.mark.parametrize("state", list(ReviewStatus))
@pytest.mark.parametrize("kind", KINDS)
def test_the_same_decision_on_the_same_state_does_the_same_for_every_kind(
    kind, state, decision, campaign, district, people
):
    obj = make(kind, state, campaign=campaign, district=district, people=people)
    produced = TRANSITIONS.get((state, decision))
    if produced is None:
        with pytest.raises(ValidationError) as refused:
            decide(kind, obj, decision, "理由", people.office)
        # The refusal says what the item is and the state it is in.
        message = refused.value.messages[0]
        assert str(obj._meta.verbose_name) in message
        assert str(ReviewStatus(state).label) in message
        obj.refresh_from_db()
        assert obj.status == state and obj.reviewed_by is None
        return
    decided = decide(kind, obj, decision, "理由", people.office)
    obj.refresh_from_db()
    assert decided.status == obj.status == produced
    assert obj.reviewed_by == people.office and obj.reviewed_at is not None
    assert obj.review_note == "理由"
    # One audit entry for the decision itself.
    updates = AuditEvent.objects.filter(
        action=Action.UPDATE, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    )
    assert updates.count() == 1
    assert updates.get().changes["status"] == [str(state), str(produced)]


def test_only_a_submitted_item_is_reviewed():
    assert TRANSITIONS == {
        (ReviewStatus.SUBMITTED, Decision.ACCEPT): ReviewStatus.ACCEPTED,
        (ReviewStatus.SUBMITTED, Decision.RETURN): ReviewStatus.RETURNED,
    }


@pytest.mark.parametrize("kind", KINDS)
def test_a_return_needs_a_reason_for_every_kind(kind, campaign, district, people):
    obj = make(kind, ReviewStatus.SUBMITTED, campaign=campaign, district=district, people=people)
    with pytest.raises(ValidationError) as refused:
        decide(kind, obj, Decision.RETURN, "  ", people.office)
    assert "note" in refused.value.message_dict
    obj.refresh_from_db()
    assert obj.status == ReviewStatus.SUBMITTED


def test_a_returned_file_is_not_approved_later_but_replaced(campaign, district, people):
    evidence = make(
        "evidence", ReviewStatus.RETURNED, campaign=campaign, district=district, people=people
    )
    with pytest.raises(ValidationError, match=str(ReviewStatus.RETURNED.label)):
        responsibility.review_evidence(
            evidence=evidence, approve=True, note="", reviewer=people.office
        )


@pytest.mark.parametrize("kind", KINDS)
def test_only_the_office_reviews(kind, campaign, district, people):
    obj = make(kind, ReviewStatus.SUBMITTED, campaign=campaign, district=district, people=people)
    for outsider in (people.liaison_a, people.supervisor):
        with pytest.raises(PermissionDenied):
            decide(kind, obj, Decision.ACCEPT, "", outsider)
    obj.refresh_from_db()
    assert obj.status == ReviewStatus.SUBMITTED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.parametrize("kind", KINDS)
def test_two_reviewers_at_once_make_one_decision(
    kind, transactional_db, campaign, district, people
):
    obj = make(kind, ReviewStatus.SUBMITTED, campaign=campaign, district=district, people=people)
    decisions = [Decision.ACCEPT, Decision.RETURN] * 2

    def send(i):
        try:
            return decide(kind, obj, decisions[i], "理由", people.office).status
        except ValidationError:
            return "refused"

    outcomes = at_once(len(decisions), send)
    assert outcomes.count("refused") == len(decisions) - 1, outcomes
    obj.refresh_from_db()
    assert obj.status in outcomes
    updates = AuditEvent.objects.filter(
        action=Action.UPDATE, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    )
    assert updates.count() == 1


def test_the_unit_is_told_when_its_file_is_returned_not_when_accepted(campaign, district, people):
    returned, accepted = (
        make(
            "evidence", ReviewStatus.SUBMITTED, campaign=campaign, district=district, people=people
        )
        for _ in range(2)
    )
    responsibility.review_evidence(
        evidence=returned, approve=False, note="缺盖章", reviewer=people.office
    )
    responsibility.review_evidence(evidence=accepted, approve=True, note="", reviewer=people.office)
    told = Notification.objects.filter(kind="evidence_returned")
    assert set(told.values_list("recipient", flat=True)) == {people.liaison_a.pk}
    assert told.get().body == "缺盖章" and str(returned.task_id) in told.get().link
