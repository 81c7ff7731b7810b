"""Writes of the responsibility mechanism: tasks, progress reports, evidence, unit reports.

Each function checks what the caller may do to this object (the unit scope),
enforces the rules in its docstring, and writes in one transaction; files are
removed again if the transaction fails, so nothing is half-written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuangyong.access import can, in_scope
from shuangyong.campaigns import alerts, filing
from shuangyong.campaigns.models import (
    Campaign,
    Evidence,
    Indicator,
    IndicatorValue,
    ProgressReport,
    Reviewed,
    ReviewStatus,
    Task,
    UnitReport,
)
from shuangyong.core.uploads import DOCUMENTS, check_upload
from shuangyong.org.models import Unit, User

if TYPE_CHECKING:
    from shuangyong.campaigns.forms import TaskForm

MAX_EVIDENCE_BYTES = getattr(settings, "EVIDENCE_MAX_BYTES", 50 * 1024 * 1024)


def reporting_unit(*, user: User, task: Task) -> Unit:
    """The unit on whose behalf ``user`` reports on ``task``: theirs if it is lead or co-unit.

    District-wide roles report for the lead unit. Anyone else is refused.
    """
    units = [task.lead_unit, *task.co_units.all()]
    if not user.is_unit_scoped:
        return task.lead_unit
    for unit in units:
        if in_scope(user, unit):
            return unit
    raise PermissionDenied(_("Your unit is neither the lead nor a co-unit of this task."))


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _cycle_year(campaign: Campaign, year: int | None) -> int:
    year = year or timezone.localdate().year
    if not campaign.start_year <= year <= campaign.end_year:
        raise ValidationError(
            _("%(y)d is outside the campaign's cycle %(a)d–%(b)d.")
            % {"y": year, "a": campaign.start_year, "b": campaign.end_year}
        )
    return year


@contextmanager
def files_removed_on_failure() -> Iterator[list[FieldFile]]:
    """Collect stored files; delete them if the block fails, so no file outlives its row."""
    stored: list[FieldFile] = []
    try:
        yield stored
    except BaseException:
        for fieldfile in stored:
            if fieldfile.name:  # always: a file is collected once it is saved
                fieldfile.storage.delete(fieldfile.name)
        raise


def add_evidence(
    *,
    task: Task,
    unit: Unit,
    author: User,
    upload: UploadedFile,
    stored: list[FieldFile],
    title: str = "",
    year: int | None = None,
    report: ProgressReport | None = None,
) -> Evidence:
    """Store one evidence file for a task, for a year of the cycle (inside a transaction).

    Rules: the type must be an accepted document whose content matches its
    extension, within the size limit; the same title for the same task and
    year makes a new version and marks the older one superseded. The stored
    file is appended to ``stored`` so the caller can remove it on failure.
    """
    name = check_upload(upload, allowed=DOCUMENTS, max_bytes=MAX_EVIDENCE_BYTES)
    year = _cycle_year(task.campaign, year)
    title = (title or name.rsplit(".", 1)[0])[:200]
    previous = (
        Evidence.objects.select_for_update()
        .filter(task=task, year=year, title=title, superseded=False)
        .first()
    )
    evidence = Evidence(
        campaign_id=task.campaign_id,
        task=task,
        criterion_id=task.criterion_id,
        unit=unit,
        report=report,
        year=year,
        title=title,
        original_name=name,
        content_type=getattr(upload, "content_type", "") or "application/octet-stream",
        size=upload.size or 0,  # check_upload compared it with the limit: it is known
        sha256=_sha256(upload),
        author=author,
        version=previous.version + 1 if previous else 1,
    )
    evidence.file.save(name, upload, save=False)
    stored.append(evidence.file)
    if previous:
        previous.superseded = True
        previous.save(update_fields=["superseded"])
    evidence.save()
    return evidence


@transaction.atomic
def upload_evidence(
    *, task: Task, user: User, upload: UploadedFile, title: str = "", year: int | None = None
) -> Evidence:
    """A unit adds an evidence file to a task outside a progress report (same rules)."""
    unit = reporting_unit(user=user, task=task)
    with files_removed_on_failure() as stored:
        return add_evidence(
            task=task, unit=unit, author=user, upload=upload, stored=stored, title=title, year=year
        )


# What a progress report may say: the page states it, the form, the API and this service
# enforce it (a report is a paragraph or two, not a document: those are evidence files).
REPORT_TEXT_MAX = 5000


@transaction.atomic
def submit_report(
    *,
    task: Task,
    user: User,
    text: str,
    percent: int,
    values: dict[int, Decimal] | None = None,
    files: Sequence[UploadedFile] = (),
    year: int | None = None,
    submission_key: str = "",
) -> ProgressReport:
    """A unit reports progress on a task, with indicator actuals and evidence files.

    Rules: the reporter's unit is the lead or a co-unit; the text is at most
    REPORT_TEXT_MAX characters; 0 ≤ percent ≤ 100; values only for this task's
    indicators; every file passes the upload checks — or nothing is saved. The same
    ``submission_key`` (the form's one-time token) from the same user files one report:
    a repeat, even a simultaneous one, gets the report the first one filed.
    """
    unit = reporting_unit(user=user, task=task)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Say what was done.")})
    if len(text) > REPORT_TEXT_MAX:
        raise ValidationError(
            {"text": _("At most %(n)d characters; attach longer material as evidence.")
             % {"n": REPORT_TEXT_MAX}}
        )  # fmt: skip
    if not 0 <= int(percent) <= 100:
        raise ValidationError({"percent": _("Progress is between 0 and 100%.")})
    indicators = {i.pk for i in task.indicators.all()}
    values = values or {}
    if set(values) - indicators:
        raise ValidationError(_("An indicator does not belong to this task."))
    key = (submission_key or "")[:64]
    if key and (done := _submitted(user, key)) is not None:
        return done
    with files_removed_on_failure() as stored:
        try:
            # A savepoint: a twin that committed first makes this insert fail (unique
            # author + key), and the twin's report is the answer.
            with transaction.atomic():
                report = ProgressReport.objects.create(
                    task=task,
                    unit=unit,
                    text=text,
                    percent=int(percent),
                    author=user,
                    submission_key=key,
                )
        except IntegrityError:
            if key and (done := _submitted(user, key)) is not None:
                return done
            raise
        IndicatorValue.objects.bulk_create(
            [IndicatorValue(report=report, indicator_id=i, value=v) for i, v in values.items()]
        )
        for upload in files:
            add_evidence(
                task=task,
                unit=unit,
                author=user,
                upload=upload,
                stored=stored,
                year=year,
                report=report,
            )
    alerts.report_submitted(report)
    return report


def _submitted(user: User, key: str) -> ProgressReport | None:
    return ProgressReport.objects.filter(author=user, submission_key=key).first()


# --- review: one transition for everything the office reviews -----------------------


class Decision(StrEnum):
    ACCEPT = "accept"
    RETURN = "return"


# The one state table of review, the same for progress reports, evidence files and unit
# reports: (state, decision) → the state it produces. Anything not listed is refused: an
# accepted item has counted already, and a returned one is answered by a new submission
# (a new report, a new version of the file), never by reviewing the old one again.
TRANSITIONS: dict[tuple[str, Decision], str] = {
    (ReviewStatus.SUBMITTED, Decision.ACCEPT): ReviewStatus.ACCEPTED,
    (ReviewStatus.SUBMITTED, Decision.RETURN): ReviewStatus.RETURNED,
}
REVIEW_FIELDS = ["status", "reviewed_by", "reviewed_at", "review_note"]
R = TypeVar("R", bound=Reviewed)


@dataclass(frozen=True)
class Reviewable:
    """What differs between the things reviewed: the rows read with it, what a return must
    say, what an acceptance sets in motion, and who is told."""

    related: tuple[str, ...]
    reason_needed: Any  # the message when a return gives no reason
    accepted: Callable[..., None] | None = None  # (obj, reviewer=, now=) after acceptance
    tell: Callable[[Any], int] | None = None  # (obj) after any decision


def _stamp(obj: Reviewed, *, status: str, reviewer: User, now: dt.datetime, note: str = "") -> None:
    """Record a decision on ``obj``: one save of its review fields, so one audit entry."""
    obj.status, obj.reviewed_by, obj.reviewed_at, obj.review_note = status, reviewer, now, note
    obj.save(update_fields=REVIEW_FIELDS)


def _report_accepted(report: ProgressReport, *, reviewer: User, now: dt.datetime) -> None:
    """An accepted report's figures become the task's; the evidence it brought is approved."""
    task = report.task
    task.progress = report.percent
    task.done_at = now if report.percent >= 100 else None
    task.save(update_fields=["progress", "done_at"])
    for value in report.values.all():
        Indicator.objects.filter(pk=value.indicator_id).update(actual=value.value)
    for evidence in report.evidence.filter(status=ReviewStatus.SUBMITTED):
        produced = TRANSITIONS[(evidence.status, Decision.ACCEPT)]
        _stamp(evidence, status=produced, reviewer=reviewer, now=now)


def _unit_report_accepted(report: UnitReport, *, reviewer: User, now: dt.datetime) -> None:
    filing.file_accepted_report(report)  # filed as evidence of its criterion (台账)


REVIEWABLE: dict[type, Reviewable] = {
    ProgressReport: Reviewable(
        related=("task",),
        reason_needed=gettext_lazy("Say why the report goes back."),
        accepted=_report_accepted,
        tell=alerts.report_reviewed,
    ),
    Evidence: Reviewable(
        related=(),
        reason_needed=gettext_lazy("Say why the file is rejected."),
        tell=alerts.evidence_returned,
    ),
    UnitReport: Reviewable(
        related=(),
        reason_needed=gettext_lazy("Say why the report goes back."),
        accepted=_unit_report_accepted,
        tell=alerts.unit_report_reviewed,
    ),
}


@transaction.atomic
def review(*, item: R, decision: Decision | str, note: str, reviewer: User) -> R:
    """The office's decision on a progress report, an evidence file or a unit report.

    Rules: the reviewer may review (``tasks.review``: the office); ``TRANSITIONS`` says
    which state a decision may be taken on and what it produces; any other state is
    refused, saying the state it is in; a return needs a reason. The decision is one
    save of the review fields (one audit entry); then the kind's effects of acceptance (a
    report's figures become its task's, a unit report is filed as evidence) and its
    message to the unit. The row is locked while deciding, so two reviewers at once
    cannot both decide.
    """
    if not can(reviewer, "tasks.review"):
        raise PermissionDenied("tasks.review")
    kind = REVIEWABLE[type(item)]
    decision = Decision(decision)
    obj = (
        type(item)
        ._default_manager.select_for_update()
        .select_related(*kind.related)
        .get(pk=item.pk)
    )
    produced = TRANSITIONS.get((obj.status, decision))
    if produced is None:
        raise ValidationError(
            _("This %(item)s is already “%(status)s”; only one awaiting review can be reviewed.")
            % {"item": obj._meta.verbose_name, "status": obj.get_status_display()}
        )
    note = (note or "").strip()
    if decision is Decision.RETURN and not note:
        raise ValidationError({"note": kind.reason_needed})
    now = timezone.now()
    _stamp(obj, status=produced, reviewer=reviewer, now=now, note=note)
    if produced == ReviewStatus.ACCEPTED and kind.accepted is not None:
        kind.accepted(obj, reviewer=reviewer, now=now)
    if kind.tell is not None:
        kind.tell(obj)
    return obj


def _decision(accept: bool) -> Decision:
    return Decision.ACCEPT if accept else Decision.RETURN


def review_report(
    *, report: ProgressReport, accept: bool, note: str, reviewer: User
) -> ProgressReport:
    """The office accepts a report (its figures become the task's) or returns it with a reason.

    Rules: those of ``review``; accepting sets the task's progress and indicator actuals
    and approves the evidence the report brought.
    """
    return review(item=report, decision=_decision(accept), note=note, reviewer=reviewer)


def review_evidence(*, evidence: Evidence, approve: bool, note: str, reviewer: User) -> Evidence:
    """Approve an evidence file, or reject it with a reason (a new version can follow).

    Rules: those of ``review``.
    """
    return review(item=evidence, decision=_decision(approve), note=note, reviewer=reviewer)


def review_unit_report(
    *, report: UnitReport, accept: bool, note: str, reviewer: User
) -> UnitReport:
    """Accept a unit report (filed as evidence of its criterion) or return it with a reason.

    Rules: those of ``review``.
    """
    return review(item=report, decision=_decision(accept), note=note, reviewer=reviewer)


@transaction.atomic
def save_task(*, campaign: Campaign, form: TaskForm, actor: User) -> Task:
    """Create or change a task of the campaign; co-units never include the lead unit."""
    task = form.save(commit=False)
    task.campaign = campaign
    task.save()
    form.save_m2m()
    task.co_units.remove(task.lead_unit)
    return task


@transaction.atomic
def submit_unit_report(
    *,
    campaign: Campaign,
    user: User,
    unit: Unit,
    year: int,
    kind: str,
    text: str,
    upload: UploadedFile | None = None,
) -> UnitReport:
    """A unit's annual plan, summary or duty report for a year of the cycle.

    Rules: the unit is within the reporter's scope; the year lies in the cycle;
    the text is not empty; an attached file passes the upload checks.
    """
    if not in_scope(user, unit):
        raise PermissionDenied(_("You cannot report for this unit."))
    year = _cycle_year(campaign, year)
    if not (text or "").strip():
        raise ValidationError({"text": _("The report needs its text.")})
    report = UnitReport(
        campaign=campaign, unit=unit, year=year, kind=kind, text=text.strip(), author=user
    )
    if upload is not None:
        name = check_upload(upload, allowed=DOCUMENTS, max_bytes=MAX_EVIDENCE_BYTES)
        report.file.save(name, upload, save=False)
    report.save()
    alerts.unit_report_submitted(report)
    return report


@transaction.atomic
def copy_decomposition(*, source: Campaign, target: Campaign, actor: User) -> int:
    """Start a campaign's tasks as a copy of another's: same units, owners, indicators.

    Rules: the target has no tasks yet; criteria are matched by code in the
    target's standard (a code it lacks leaves the task without criterion);
    deadlines move by the difference between the cycles; progress starts at 0.
    """
    if target.tasks.exists():
        raise ValidationError(_("This campaign has tasks already; copying would mix two plans."))
    shift = target.start_year - source.start_year
    criteria = {c.code: c for c in target.standard.criteria.all()}
    originals = list(
        source.tasks.select_related("criterion").prefetch_related("co_units", "indicators")
    )
    copies = []
    for task in originals:
        deadline = task.deadline
        if deadline is not None:
            deadline = _shift_years(deadline, shift)
        copies.append(
            Task(
                campaign=target,
                criterion=criteria.get(task.criterion.code) if task.criterion else None,
                title=task.title,
                lead_unit_id=task.lead_unit_id,
                owner_id=task.owner_id,
                deadline=deadline,
                recurrence=task.recurrence,
                weight=task.weight,
                evidence_required=task.evidence_required,
            )
        )
    Task.objects.bulk_create(copies, batch_size=500)
    through = Task.co_units.through
    through.objects.bulk_create(
        [
            through(task_id=copy.pk, unit_id=unit.pk)
            for original, copy in zip(originals, copies, strict=True)
            for unit in original.co_units.all()
        ],
        batch_size=1000,
    )
    Indicator.objects.bulk_create(
        [
            Indicator(
                task=copy, name=i.name, measure=i.measure, target=i.target, direction=i.direction
            )
            for original, copy in zip(originals, copies, strict=True)
            for i in original.indicators.all()
        ],
        batch_size=1000,
    )
    return len(copies)


def _shift_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)
