"""Who is told at each step of the report loops (one call from each service).

Submitted: the office, which reviews. Accepted or returned: the unit's liaisons
and the author (for an evidence file, only when returned). Each message carries a key
per report and step, so it is sent once.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from shuangyong.access import Role
from shuangyong.campaigns.models import Evidence, ProgressReport, ReviewStatus, UnitReport
from shuangyong.messaging import notify
from shuangyong.org.models import User


def _with_author(users: list[User], author: User | None) -> list[User]:
    return [*users, author] if author is not None else users


def report_submitted(report: ProgressReport) -> int:
    """Tell the office a unit reported progress on a task (to review it)."""
    message = notify.Message(
        "report_submitted",
        _("%(unit)s reported on %(task)s") % {"unit": report.unit.name, "task": report.task.title},
        _("%(p)d%% done; waiting for your review.") % {"p": report.percent},
        reverse("campaigns:task_detail", args=[report.task_id]),
        f"report_submitted:{report.pk}",
    )
    return notify.tell(notify.with_role(Role.OFFICE), message)


def report_reviewed(report: ProgressReport) -> int:
    """Tell the unit its report was accepted, or returned with the reason."""
    accepted = report.status == ReviewStatus.ACCEPTED
    message = notify.Message(
        "report_accepted" if accepted else "report_returned",
        (_("Report accepted: %(task)s") if accepted else _("Report returned: %(task)s"))
        % {"task": report.task.title},
        report.review_note,
        reverse("campaigns:task_detail", args=[report.task_id]),
        f"report_reviewed:{report.pk}",
    )
    users = _with_author(notify.liaisons_of([report.unit_id]), report.author)
    return notify.tell(users, message)


def unit_report_submitted(report: UnitReport) -> int:
    """Tell the office a unit filed its plan, summary or duty report."""
    message = notify.Message(
        "unit_report_submitted",
        _("%(unit)s filed its %(kind)s for %(year)d")
        % {"unit": report.unit.name, "kind": report.get_kind_display(), "year": report.year},
        _("Waiting for your review."),
        reverse("campaigns:unit_reports", args=[report.campaign_id]),
        f"unit_report_submitted:{report.pk}",
    )
    return notify.tell(notify.with_role(Role.OFFICE), message)


def unit_report_reviewed(report: UnitReport) -> int:
    """Tell the unit its plan, summary or duty report was accepted or returned."""
    accepted = report.status == ReviewStatus.ACCEPTED
    message = notify.Message(
        "unit_report_accepted" if accepted else "unit_report_returned",
        (_("Accepted: %(kind)s %(year)d") if accepted else _("Returned: %(kind)s %(year)d"))
        % {"kind": report.get_kind_display(), "year": report.year},
        report.review_note,
        reverse("campaigns:unit_reports", args=[report.campaign_id]),
        f"unit_report_reviewed:{report.pk}",
    )
    users = _with_author(notify.liaisons_of([report.unit_id]), report.author)
    return notify.tell(users, message)


def evidence_returned(evidence: Evidence) -> int:
    """Tell the unit an evidence file was returned, with the reason (a new version answers
    it). Nothing for an accepted file: it asks nothing more of the unit, and the meeting
    minutes the office files are accepted as they are filed."""
    if evidence.status != ReviewStatus.RETURNED:
        return 0
    link = (
        reverse("campaigns:task_detail", args=[evidence.task_id])
        if evidence.task_id
        else reverse("campaigns:ledger", args=[evidence.campaign_id])
    )
    message = notify.Message(
        "evidence_returned",
        _("File returned: %(title)s") % {"title": evidence.title},
        evidence.review_note,
        link,
        f"evidence_reviewed:{evidence.pk}",
    )
    users = _with_author(notify.liaisons_of([evidence.unit_id]), evidence.author)
    return notify.tell(users, message)
