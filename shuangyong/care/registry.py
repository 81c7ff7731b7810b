"""Writes to the registry: persons, entitlements, status changes, yearly confirmation.

Every change that alters what a past or future month pays goes through here, so the
payable spans stay right (never overlapping, each with the grade, cause and hukou of
its months) and the entitlement is marked for the next batch to compare past months
again (``recheck_from``) and stamped (``changed_at``) so an older draft batch cannot be
approved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.access import can, in_scope
from shuangyong.care import months
from shuangyong.care.categories import ILLNESS_MAX_GRADE, PROGRAMME_OF, Category, Cause
from shuangyong.care.models import (
    Confirmation,
    EntitledPerson,
    Entitlement,
    EntitlementStatus,
    PayableSpan,
    ServicemanLink,
    StatusChange,
)
from shuangyong.care.payments import ledger_start
from shuangyong.org.models import Unit, User

if TYPE_CHECKING:
    from shuangyong.care.forms import PersonForm

S = EntitlementStatus


def check_terms(category: str, grade: int | None, cause: str) -> None:
    """A disabled veteran has a grade 1–10 and a cause; illness only grades 1–6; others neither."""
    if category == Category.DISABLED_VETERAN:
        if grade is None:
            raise ValidationError({"grade": _("A disabled veteran needs a disability grade.")})
        if not 1 <= grade <= 10:
            raise ValidationError({"grade": _("The grade is 1 to 10.")})
        if not cause:
            raise ValidationError(
                {"cause": _("A disabled veteran needs a cause (war, duty, illness).")}
            )
        if cause == Cause.ILLNESS and grade > ILLNESS_MAX_GRADE:
            raise ValidationError(
                {"grade": _("Disability from illness is pensioned at grades 1 to 6 only.")}
            )
    elif grade is not None or cause:
        raise ValidationError({"grade": _("Only disabled veterans have a grade and a cause.")})


def require_editor(actor: User, person: EntitledPerson) -> None:
    """PermissionDenied unless ``actor`` edits the registry and the person's street is
    within its units."""
    if not can(actor, "care.edit") or not in_scope(actor, person.street):
        raise PermissionDenied("care.edit")


def _mark(entitlement: Entitlement, month: int | None) -> None:
    """Months from ``month`` on may pay differently now: compare them again next batch."""
    updates: dict[str, Any] = {"changed_at": timezone.now()}
    if month is not None:
        updates["recheck_from"] = (
            Least(F("recheck_from"), month) if entitlement.recheck_from is not None else month
        )
    Entitlement.objects.filter(pk=entitlement.pk).update(**updates)
    entitlement.refresh_from_db(fields=["recheck_from", "changed_at"])


def first_paid_month(approved_on: dt.date | None, *, ledger_started: bool, today: dt.date) -> int:
    """The month an entitlement is paid from: the month after approval; without a date,
    paid before this system (0), unless this system already pays the programme: then
    from this month on (arrears for months nobody can date would be a guess)."""
    if approved_on:
        return months.index(approved_on) + 1
    return months.index(today) if ledger_started else 0


def default_pays_from(approved_on: dt.date | None, category: str) -> int:
    """``first_paid_month`` for one entitlement of ``category`` (one query)."""
    # keyed by Category members, which equal (and hash as) their plain values
    programme = PROGRAMME_OF.get(category)  # type: ignore[call-overload]
    started = programme is not None and ledger_start(programme) is not None
    return first_paid_month(approved_on, ledger_started=started, today=timezone.localdate())


@transaction.atomic
def add_entitlement(
    *,
    person: EntitledPerson,
    category: str,
    grade: int | None,
    cause: str,
    approved_on: dt.date | None,
    pays_from: int | None = None,
    actor: User,
) -> Entitlement:
    """Entitle a person under a category; paid from ``pays_from`` (default: the month after
    approval). Rules: one entitlement per category; grade and cause as the category needs;
    a late approval with an earlier first month is paid as arrears in the next batch."""
    require_editor(actor, person)
    check_terms(category, grade, cause)
    if person.entitlements.filter(category=category).exists():
        raise ValidationError({"category": _("This person already has that category.")})
    first = default_pays_from(approved_on, category) if pays_from is None else pays_from
    return _entitle(person, category, grade, cause, approved_on, first, actor, _("Entitled"))


def _entitle(
    person: EntitledPerson,
    category: str,
    grade: int | None,
    cause: str,
    approved_on: dt.date | None,
    first: int,
    actor: User,
    reason: str,
) -> Entitlement:
    """The entitlement, its first payable span and its first status entry."""
    entitlement = Entitlement.objects.create(
        person=person,
        category=category,
        grade=grade,
        cause=cause or "",
        approved_on=approved_on,
        pays_from=first,
        changed_at=timezone.now(),
        recheck_from=first or None,
    )
    PayableSpan.objects.create(
        entitlement=entitlement,
        first_month=first,
        grade=grade,
        cause=cause or "",
        hukou=person.hukou,
    )
    StatusChange.objects.create(
        entitlement=entitlement, status=S.ACTIVE, effective=approved_on, reason=reason, by=actor
    )
    return entitlement


@transaction.atomic
def entitle_conscript_family(
    *, name: str, id_number: str, street: Unit, approved_on: dt.date, actor: User
) -> Entitlement:
    """The family of an approved conscript (定兵) becomes entitled to the conscript family
    allowance: the person is found by ID number or registered, the entitlement added or
    reused. Rules: only the conscription approval calls this (conscription.manage)."""
    from shuangyong.core import idnumber

    if not can(actor, "conscription.manage"):
        raise PermissionDenied("conscription.manage")
    facts = idnumber.parse(id_number)
    person = EntitledPerson.objects.with_id_number(facts.number).first()
    if person is None:
        person = EntitledPerson.objects.create(
            name=name,
            id_number=facts.number,
            sex=facts.sex,
            birth_date=facts.birth_date,
            street=street,
        )
    existing = person.entitlements.filter(category=Category.CONSCRIPT_FAMILY).first()
    if existing is not None:
        return existing
    first = default_pays_from(approved_on, Category.CONSCRIPT_FAMILY)
    reason = _("Family of a conscript approved")
    return _entitle(person, Category.CONSCRIPT_FAMILY, None, "", approved_on, first, actor, reason)


def _open_span(entitlement: Entitlement) -> PayableSpan | None:
    return entitlement.spans.filter(last_month=None).first()


def _close(span: PayableSpan, last: int) -> None:
    """End a span at ``last``; a span that would end before it starts disappears."""
    if last < span.first_month:
        span.delete()
    else:
        span.last_month = last
        span.save(update_fields=["last_month"])


@transaction.atomic
def change_status(
    *, entitlement: Entitlement, status: str, effective: dt.date, reason: str, actor: User
) -> Entitlement:
    """Suspend, stop, move out, record a death, or make active again.

    Rules: the care officer of the person's street, or — for a conscript family's
    entitlement, which its approval created — the district's conscription office; a
    reason is given for anything but a return to active; the change is not
    dated before the last one; payment runs through the month of a stop and resumes
    with the first full month after a return. Months already paid after a stop
    become an overpayment the next batch's review reports.
    """
    entitlement = (
        Entitlement.objects.select_for_update().select_related("person").get(pk=entitlement.pk)
    )
    if not (
        entitlement.category == Category.CONSCRIPT_FAMILY and can(actor, "conscription.manage")
    ):
        require_editor(actor, entitlement.person)
    if status not in S.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == entitlement.status:
        raise ValidationError({"status": _("The entitlement is in that state already.")})
    reason = (reason or "").strip()
    if status != S.ACTIVE and not reason:
        raise ValidationError({"reason": _("Give the reason (e.g. the court's decision).")})
    last = entitlement.history.exclude(effective=None).order_by("-effective", "-id").first()
    if last and last.effective is not None and effective < last.effective:
        raise ValidationError(
            {
                "effective": _("The change cannot be dated before the last one (%(d)s).")
                % {"d": last.effective}
            }
        )
    if status == S.ACTIVE:
        first = months.first_full_month(effective)
        PayableSpan.objects.create(
            entitlement=entitlement,
            first_month=first,
            grade=entitlement.grade,
            cause=entitlement.cause,
            hukou=entitlement.person.hukou,
        )
        touched = first
    else:
        month = months.index(effective)
        span = _open_span(entitlement)
        if span is not None:
            _close(span, month)
        touched = month + 1
    entitlement.status, entitlement.status_since = status, effective
    entitlement.status_reason = reason
    entitlement.status_month = months.index(effective)
    entitlement.save(update_fields=["status", "status_since", "status_reason", "status_month"])
    StatusChange.objects.create(
        entitlement=entitlement, status=status, effective=effective, reason=reason, by=actor
    )
    _mark(entitlement, touched)
    return entitlement


@transaction.atomic
def change_terms(
    *, entitlement: Entitlement, grade: int | None, cause: str, effective: dt.date, actor: User
) -> Entitlement:
    """A new disability grade or cause (re-assessment), paid from the first full month after
    ``effective``, across a suspension since; earlier months keep the old terms. Months
    already paid from then are paid again on the new terms by the next batch (arrears or
    an overpayment)."""
    entitlement = (
        Entitlement.objects.select_for_update().select_related("person").get(pk=entitlement.pk)
    )
    require_editor(actor, entitlement.person)
    check_terms(entitlement.category, grade, cause)
    first = months.first_full_month(effective)
    _terms_from(entitlement, first, grade=grade, cause=cause or "")
    entitlement.grade, entitlement.cause = grade, cause or ""
    entitlement.save(update_fields=["grade", "cause"])
    StatusChange.objects.create(
        entitlement=entitlement,
        status=entitlement.status,
        effective=effective,
        reason=_("Grade %(g)s, %(c)s") % {"g": grade or "—", "c": cause or "—"},
        by=actor,
    )
    _mark(entitlement, first)
    return entitlement


def _terms_from(entitlement: Entitlement, first: int, **terms: Any) -> None:
    """Give every month from ``first`` on the new terms: the spans starting then or later
    take them, and the one running across ``first`` (open or closed by a suspension
    since) is split there. Only the open span would leave the months of a closed one
    priced on the old terms, a change dated before a suspension paid at the old grade."""
    reaching = entitlement.spans.filter(Q(last_month=None) | Q(last_month__gte=first))
    for span in reaching.order_by("first_month"):
        if span.first_month >= first:
            for key, value in terms.items():
                setattr(span, key, value)
            span.save(update_fields=list(terms))
            continue
        values = {"grade": span.grade, "cause": span.cause, "hukou": span.hukou, **terms}
        last, span.last_month = span.last_month, first - 1
        span.save(update_fields=["last_month"])
        PayableSpan.objects.create(
            entitlement=entitlement, first_month=first, last_month=last, **values
        )


@transaction.atomic
def change_hukou(*, person: EntitledPerson, hukou: str, effective: dt.date, actor: User) -> None:
    """A new hukou type, for the amounts of the first full month after ``effective`` on."""
    require_editor(actor, person)
    first = months.first_full_month(effective)
    person.hukou = hukou
    person.save(update_fields=["hukou"])
    for entitlement in person.entitlements.all():
        _terms_from(entitlement, first, hukou=hukou)
        _mark(entitlement, first)


def confirm(*, persons: Sequence[EntitledPerson], year: int, actor: User, method: str = "") -> int:
    """Record the yearly confirmation of these persons (one insert); returns how many were new.

    Rules: only persons within the officer's units; a person confirmed already that year
    keeps the first confirmation.
    """
    if not can(actor, "care.edit"):
        raise PermissionDenied("care.edit")
    people = [p for p in persons if in_scope(actor, p.street)]
    if len(people) != len(persons):
        raise PermissionDenied(_("Some of these persons are outside your units."))
    done = set(
        Confirmation.objects.filter(person__in=people, year=year).values_list(
            "person_id", flat=True
        )
    )
    new = [
        Confirmation(person=p, year=year, confirmed_by=actor, method=method)
        for p in people
        if p.pk not in done
    ]
    Confirmation.objects.bulk_create(new)
    # Where a programme holds the unconfirmed, their months of the year (and the grace
    # months after it) are priced again next batch: what was held is paid as arrears.
    entitlements = Entitlement.objects.filter(person__in=[c.person for c in new])
    first = year * 12
    entitlements.filter(recheck_from__isnull=False).update(
        recheck_from=Least("recheck_from", first)
    )
    entitlements.filter(recheck_from__isnull=True).update(recheck_from=first)
    return len(new)


def periodic_persons() -> QuerySet[EntitledPerson]:
    """Persons with an active entitlement paid periodically: the ones to confirm each year."""
    return EntitledPerson.objects.filter(
        entitlements__status=S.ACTIVE,
        entitlements__category__in=[c.value for c in PROGRAMME_OF],
    ).distinct()


@transaction.atomic
def create_person(*, form: PersonForm, actor: User) -> EntitledPerson:
    """Register a person from the form, with the first category when the form gives one.
    Rules: within the officer's streets; sex and birth date are those of the ID number;
    one person per ID number; the category as add_entitlement checks it (all or nothing)."""
    person = form.save(commit=False)
    require_editor(actor, person)
    person.id_number = form.cleaned_data["id_number"]
    person.sex, person.birth_date = form.facts.sex, form.facts.birth_date
    person.bank_account = form.cleaned_data.get("bank_account", "")
    person.save()
    if form.cleaned_data.get("category"):
        add_entitlement(
            person=person,
            category=form.cleaned_data["category"],
            grade=form.cleaned_data.get("grade"),
            cause=form.cleaned_data.get("cause") or "",
            approved_on=form.cleaned_data.get("approved_on"),
            actor=actor,
        )
    return person


@transaction.atomic
def update_person(*, form: PersonForm, actor: User) -> EntitledPerson:
    """Save the person's details; a new bank account replaces the old only when typed."""
    person = form.save(commit=False)
    require_editor(actor, person)
    if form.cleaned_data.get("bank_account"):
        person.bank_account = form.cleaned_data["bank_account"]
    person.save()
    return person


def add_link(
    *,
    person: EntitledPerson,
    serviceman_name: str,
    relation: str,
    serviceman_unit: str,
    actor: User,
) -> ServicemanLink:
    """Record the serviceman a family member is entitled through."""
    require_editor(actor, person)
    if not serviceman_name.strip():
        raise ValidationError({"serviceman_name": _("Give the serviceman's name.")})
    return ServicemanLink.objects.create(
        person=person,
        serviceman_name=serviceman_name.strip(),
        relation=relation,
        serviceman_unit=serviceman_unit.strip(),
    )
