"""Conscription services: campaigns and their quota split, candidates and their steps.

Each step is one stage further (never skipped), dated and signed; a step's date may be
typed (the paper was signed last week) but is never before the steps it follows nor in
the future, and the step keeps when it was entered (``CandidateStep.at``). The public
notice (公示) starts no earlier than the day it is recorded and no earlier than the
political assessment of anyone on it; approval (定兵) needs five full working days of
posting, counted on China's working-day calendar (``core.workdays``: holidays and 调休
make-up days; a year not known is refused); the army may return a dispatched conscript
within 45 days. Approval entitles the conscript's family to the family allowance in the
care registry.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuangyong.access import can, in_scope
from shuangyong.care.registry import change_status, entitle_conscript_family
from shuangyong.core import idnumber
from shuangyong.core.workdays import working_days_between
from shuangyong.defence.models import (
    Candidate,
    CandidateStatus,
    CandidateStep,
    ConscriptionCampaign,
    Education,
    Stage,
    StepEvent,
    StreetQuota,
)
from shuangyong.org.models import Unit, UnitKind, User

NOTICE_WORKING_DAYS = 5
RETURN_DAYS = 45
MIN_AGE = 18
# The oldest age in the campaign's year, by education (征兵工作条例 and the yearly orders).
MAX_AGE: dict[str, int] = {
    Education.HIGH_SCHOOL: 22,
    Education.COLLEGE_STUDENT: 22,
    Education.COLLEGE_GRADUATE: 24,
    Education.POSTGRADUATE: 26,
}


def posting_days(noticed_on: dt.date, on: dt.date) -> int:
    """Full working days a notice started on ``noticed_on`` has been posted before ``on``:
    the working days after the start day (put up during it, so not a full day) and before
    ``on``. Raises UnknownCalendar when a day of the span is in a year not known."""
    return working_days_between(noticed_on + dt.timedelta(days=1), on)


def _need(actor: User, permission: str) -> None:
    if not can(actor, permission):
        raise PermissionDenied(permission)


# --- campaigns and quotas --------------------------------------------------------------


def create_campaign(*, year: int, half: int, quota: int, actor: User) -> ConscriptionCampaign:
    """Open a half-year's campaign. Rules: one per half-year; a quota of at least one."""
    _need(actor, "conscription.manage")
    if quota < 1:
        raise ValidationError({"quota": _("The quota is at least 1.")})
    if ConscriptionCampaign.objects.filter(year=year, half=half).exists():
        raise ValidationError(_("There is a campaign for that half-year already."))
    return ConscriptionCampaign.objects.create(year=year, half=half, quota=quota)


@transaction.atomic
def set_quotas(*, campaign: ConscriptionCampaign, quotas: dict[int, int], actor: User) -> None:
    """Split the district quota across streets (street id → number).

    Rules: every key is a street; no negative numbers; the split adds up to the quota.
    """
    _need(actor, "conscription.manage")
    streets = Unit.objects.filter(pk__in=quotas, kind=UnitKind.STREET).in_bulk()
    if set(streets) != set(quotas):
        raise ValidationError(_("Quotas go to streets only."))
    if any(n < 0 for n in quotas.values()):
        raise ValidationError(_("A quota cannot be negative."))
    total = sum(quotas.values())
    if total != campaign.quota:
        raise ValidationError(
            _("The streets' quotas add up to %(n)d, the district's quota is %(q)d.")
            % {"n": total, "q": campaign.quota}
        )
    StreetQuota.objects.filter(campaign=campaign).delete()
    StreetQuota.objects.bulk_create(
        [StreetQuota(campaign=campaign, street_id=s, quota=n) for s, n in quotas.items() if n]
    )


# --- candidates -------------------------------------------------------------------------


def check_candidate(
    *, campaign: ConscriptionCampaign, id_number: str, education: str
) -> idnumber.IdFacts:
    """The ID's facts, or ValidationError: a valid ID, a man's or a woman's of enlistment
    age in the campaign's year for the education given, not registered twice."""
    facts = check_age(campaign=campaign, id_number=id_number, education=education)
    index = Candidate._meta.get_field("id_number").index_of(facts.number)
    if Candidate.objects.filter(campaign=campaign, id_number_index=index).exists():
        raise ValidationError({"id_number": _("This person is registered in this campaign.")})
    return facts


def check_age(
    *, campaign: ConscriptionCampaign, id_number: str, education: str
) -> idnumber.IdFacts:
    """The ID's facts, or ValidationError: a valid ID of enlistment age in the campaign's
    year for the education given (no query: the importer checks thousands of rows)."""
    try:
        facts = idnumber.parse(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    age = campaign.year - facts.birth_date.year
    oldest = MAX_AGE.get(education)
    if oldest is None:
        raise ValidationError({"education": _("Choose the education.")})
    if not MIN_AGE <= age <= oldest:
        raise ValidationError(
            {
                "id_number": _(
                    "Aged %(age)d in %(year)d: enlistment takes %(lo)d to %(hi)d for this "
                    "education."
                )
                % {"age": age, "year": campaign.year, "lo": MIN_AGE, "hi": oldest}
            }
        )
    return facts


FAMILY_NAME_NEEDED = gettext_lazy(
    "Give the family member's name too: the family allowance is granted on name and ID."
)


def register(
    *,
    campaign: ConscriptionCampaign,
    name: str,
    id_number: str,
    street: Unit,
    education: str,
    phone: str = "",
    family_name: str = "",
    family_relation: str = "",
    family_id_number: str = "",
    family_phone: str = "",
    registered_on: dt.date | None = None,
    actor: User,
) -> Candidate:
    """Register a candidate (网上报名). Rules: the street is within the actor's units;
    the ID and age checks of ``check_candidate``; a family ID, when given, is valid and
    comes with the family member's name (the family allowance is granted on both)."""
    _need(actor, "conscription.edit")
    if street.kind != UnitKind.STREET:
        raise ValidationError({"street": _("Choose a street.")})
    if not in_scope(actor, street):
        raise PermissionDenied(_("That street is outside your units."))
    if not (name or "").strip():
        raise ValidationError({"name": _("this column is required")})
    facts = check_candidate(campaign=campaign, id_number=id_number, education=education)
    if family_id_number:
        try:
            family_id_number = idnumber.parse(family_id_number).number
        except ValidationError as exc:
            raise ValidationError({"family_id_number": exc.messages}) from None
        if not (family_name or "").strip():
            raise ValidationError({"family_name": FAMILY_NAME_NEEDED})
    with transaction.atomic():
        candidate = Candidate.objects.create(
            campaign=campaign,
            name=name.strip(),
            id_number=facts.number,
            birth_date=facts.birth_date,
            phone=(phone or "").strip(),
            street=street,
            education=education,
            family_name=(family_name or "").strip(),
            family_relation=(family_relation or "").strip(),
            family_id_number=family_id_number,
            family_phone=(family_phone or "").strip(),
        )
        CandidateStep.objects.create(
            candidate=candidate,
            event=StepEvent.REGISTERED,
            stage=Stage.REGISTERED,
            on=registered_on or timezone.localdate(),
            by=actor,
        )
    return candidate


def _editable(
    candidate: Candidate, actor: User, permission: str = "conscription.edit"
) -> Candidate:
    _need(actor, permission)
    if not in_scope(actor, candidate.street):
        raise PermissionDenied(_("That candidate is outside your units."))
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != CandidateStatus.ACTIVE:
        raise ValidationError(_("%(n)s is out of the funnel.") % {"n": candidate.name})
    return candidate


def _last_date(candidate: Candidate) -> dt.date | None:
    return candidate.steps.order_by("-on", "-id").values_list("on", flat=True).first()


def _check_date(candidate: Candidate, on: dt.date) -> None:
    last = _last_date(candidate)
    if last and on < last:
        raise ValidationError(
            {"on": _("The date is before the last step (%(d)s).") % {"d": last.isoformat()}}
        )
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})


@transaction.atomic
def advance(
    *, candidate: Candidate, to: int, on: dt.date, note: str = "", actor: User
) -> Candidate:
    """The candidate passed the next stage. Rules: exactly one stage further (none
    skipped); approval and dispatch are the district's (``approve``, ``dispatch``)."""
    candidate = _editable(candidate, actor)
    if to != candidate.stage + 1:
        raise ValidationError(
            _("%(n)s is at “%(s)s”: the next step is “%(next)s”.")
            % {
                "n": candidate.name,
                "s": candidate.get_stage_display(),
                "next": Stage(min(candidate.stage + 1, Stage.DISPATCHED)).label,
            }
        )
    if to >= Stage.APPROVED:
        raise PermissionDenied(_("Approval and dispatch are recorded by the district."))
    _check_date(candidate, on)
    candidate.stage = to
    candidate.save(update_fields=["stage"])
    CandidateStep.objects.create(
        candidate=candidate, event=StepEvent.PASSED, stage=to, on=on, note=note, by=actor
    )
    return candidate


@transaction.atomic
def drop(*, candidate: Candidate, on: dt.date, reason: str, actor: User) -> Candidate:
    """Out of the funnel at the current stage, with a reason (unfit, withdrew…).

    Rules: after approval only the district drops a candidate, and the family's
    conscript allowance stops with the month."""
    candidate = _editable(candidate, actor)
    if candidate.stage >= Stage.APPROVED:
        _need(actor, "conscription.manage")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    if candidate.stage >= Stage.DISPATCHED:
        raise ValidationError(_("A dispatched conscript is returned, not dropped."))
    _check_date(candidate, on)
    return _leave(candidate, CandidateStatus.OUT, StepEvent.OUT, on, reason, actor,
                  why=_("The conscript left before dispatch"))  # fmt: skip


@transaction.atomic
def publish_notice(*, campaign: ConscriptionCampaign, on: dt.date, actor: User) -> int:
    """Put everyone who passed the political assessment (and is not yet noticed) on the
    public notice from ``on``. Returns how many.

    Rules: the notice is not back-dated: ``on`` is no earlier than the day it is recorded
    and not in the future; no earlier than the political assessment of anyone on it."""
    _need(actor, "conscription.manage")
    waiting = Candidate.objects.select_for_update().filter(
        campaign=campaign,
        stage=Stage.POLITICAL,
        status=CandidateStatus.ACTIVE,
        noticed_on__isnull=True,
    )
    ids = list(waiting.values_list("pk", flat=True))
    assessed = (
        CandidateStep.objects.filter(candidate_id__in=ids, stage=Stage.POLITICAL)
        .exclude(event=StepEvent.NOTICED)
        .order_by("-on", "candidate__name")
        .values_list("candidate__name", "on")
        .first()
    )
    if assessed and on < assessed[1]:
        raise ValidationError(
            {
                "on": _(
                    "The public notice cannot start on %(on)s: %(n)s passed the political "
                    "assessment on %(d)s, and the notice comes after it."
                )
                % {"on": on.isoformat(), "n": assessed[0], "d": assessed[1].isoformat()}
            }
        )
    today = timezone.localdate()
    if on < today:
        raise ValidationError(
            {
                "on": _(
                    "The public notice cannot start on %(on)s, before the day it is recorded "
                    "(%(today)s): its working days are counted from when it is really posted."
                )
                % {"on": on.isoformat(), "today": today.isoformat()}
            }
        )
    if on > today:
        raise ValidationError({"on": _("The date cannot be in the future.")})
    waiting.update(noticed_on=on)
    CandidateStep.objects.bulk_create(
        [
            CandidateStep(
                candidate_id=pk, event=StepEvent.NOTICED, stage=Stage.POLITICAL, on=on, by=actor
            )
            for pk in ids
        ]
    )
    return len(ids)


@transaction.atomic
def approve(*, candidate: Candidate, on: dt.date, actor: User) -> Candidate:
    """定兵. Rules: passed the political assessment; on the public notice for at least
    five full working days before ``on`` (``posting_days``: statutory holidays skipped,
    调休 Saturdays counted; refused when the calendar does not know a year of the span);
    the district's (conscription.manage). The family, when its ID is known, becomes
    entitled to the conscript family allowance."""
    candidate = _editable(candidate, actor, "conscription.manage")
    if candidate.stage != Stage.POLITICAL:
        raise ValidationError(
            _("%(n)s has not passed the political assessment.") % {"n": candidate.name}
        )
    if candidate.noticed_on is None:
        raise ValidationError(_("%(n)s has not been on the public notice.") % {"n": candidate.name})
    days = posting_days(candidate.noticed_on, on)
    if days < NOTICE_WORKING_DAYS:
        raise ValidationError(
            _(
                "The public notice has run %(d)d full working days since %(from)s; approval "
                "needs %(need)d."
            )
            % {"d": days, "from": candidate.noticed_on.isoformat(), "need": NOTICE_WORKING_DAYS}
        )
    _check_date(candidate, on)
    candidate.stage = Stage.APPROVED
    if candidate.family_id_number and candidate.family_name:
        candidate.family_entitlement = entitle_conscript_family(
            name=candidate.family_name,
            id_number=candidate.family_id_number,
            street=candidate.street,
            approved_on=on,
            actor=actor,
        )
    candidate.save(update_fields=["stage", "family_entitlement"])
    CandidateStep.objects.create(
        candidate=candidate, event=StepEvent.PASSED, stage=Stage.APPROVED, on=on, by=actor
    )
    return candidate


def _leave(
    candidate: Candidate,
    status: str,
    event: str,
    on: dt.date,
    reason: str,
    actor: User,
    *,
    why: str,
) -> Candidate:
    """Out of the funnel (dropped, or returned by the army): the status with its reason,
    the step, and the family allowance its approval granted stops with the month."""
    candidate.status, candidate.reason = status, reason[:200]
    candidate.save(update_fields=["status", "reason"])
    entitlement = candidate.family_entitlement
    if entitlement is not None and entitlement.status == "active":
        change_status(entitlement=entitlement, status="stopped", effective=on, reason=why,
                      actor=actor)  # fmt: skip
    CandidateStep.objects.create(candidate=candidate, event=event, stage=candidate.stage, on=on,
                                 note=reason, by=actor)  # fmt: skip
    return candidate


@transaction.atomic
def dispatch(*, candidate: Candidate, on: dt.date, actor: User) -> Candidate:
    """Handed over to the army. Rules: approved first."""
    candidate = _editable(candidate, actor, "conscription.manage")
    if candidate.stage != Stage.APPROVED:
        raise ValidationError(_("%(n)s is not approved yet.") % {"n": candidate.name})
    _check_date(candidate, on)
    candidate.stage, candidate.dispatched_on = Stage.DISPATCHED, on
    candidate.save(update_fields=["stage", "dispatched_on"])
    CandidateStep.objects.create(
        candidate=candidate, event=StepEvent.PASSED, stage=Stage.DISPATCHED, on=on, by=actor
    )
    return candidate


@transaction.atomic
def return_conscript(*, candidate: Candidate, on: dt.date, reason: str, actor: User) -> Candidate:
    """The army returned a conscript (退兵). Rules: dispatched; within 45 days of it,
    never in the future nor before the last step; the family's conscript allowance stops
    with the month, as for a drop-out."""
    candidate = _editable(candidate, actor, "conscription.manage")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    if candidate.stage != Stage.DISPATCHED:
        raise ValidationError(_("Only a dispatched conscript is returned."))
    dispatched = candidate.dispatched_on  # set with the stage by ``dispatch``
    if dispatched is None or not dispatched <= on <= dispatched + dt.timedelta(RETURN_DAYS):
        raise ValidationError(
            {"on": _("A return comes within %(n)d days of dispatch.") % {"n": RETURN_DAYS}}
        )
    _check_date(candidate, on)
    return _leave(candidate, CandidateStatus.RETURNED, StepEvent.RETURNED, on, reason, actor,
                  why=_("The conscript was returned by the army"))  # fmt: skip
