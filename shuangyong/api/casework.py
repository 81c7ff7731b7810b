"""Casework writable through the API: conscription steps, placement steps, entitled
persons and their entitlements, allowance standards, payment batches.

As for the pages: the same permission and unit scope (404 outside it), the same forms
where the pages have one, the same service functions — which enforce the rules (409),
keep the audit trail and leave a batch's approval to a second person.
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import AwareDatetime

from shuangyong.access import get_in_scope_or_404
from shuangyong.api.common import Amount, Body, BodyId, Day, Flag, Id, Int, Text, require_permission
from shuangyong.api.oversight import PlacementOut
from shuangyong.care.categories import Category, Cause, Hukou, Programme
from shuangyong.care.models import BatchKind, EntitlementStatus
from shuangyong.care.models.payments import Frequency, Per, StandardLevel

router = Router()


def _form_errors(form) -> ValidationError:
    return ValidationError({field: list(errors) for field, errors in form.errors.items()})


# --- conscription (征兵) ----------------------------------------------------------------------


class CandidateStepIn(Body):
    action: Literal["advance", "drop", "approve", "dispatch", "return"] = Field(
        description="advance: passed the next stage (``to``); drop: out, with a reason; "
        "approve (定兵) and dispatch: the district's; return: returned by the army."
    )
    to: Int(1, 5) | None = Field(None, description="The stage passed, for advance.")
    on: Day
    reason: str = Field("", max_length=200)


class CandidateStepOut(Schema):
    id: int
    stage: int
    status: str
    reason: str


@router.post("/candidates/{pk}/steps", response=CandidateStepOut, tags=["defence"])
def candidate_step(request, pk: Id, body: CandidateStepIn):
    """One step of a candidate, as on the candidate's page (a street's liaison for the
    stages up to the political assessment; approval and dispatch by the district)."""
    require_permission(request, "conscription.edit")
    from shuangyong.defence import conscription
    from shuangyong.defence.models import Candidate

    queryset = Candidate.objects.select_related("campaign", "street").defer(
        "id_number", "family_id_number"
    )
    candidate = get_in_scope_or_404(request.user, queryset, via="street", pk=pk)
    user, on, reason = request.user, body.on, body.reason
    if body.action == "advance":
        if body.to is None:
            raise ValidationError({"to": [_("This field is required.")]})
        conscription.advance(candidate=candidate, to=body.to, on=on, actor=user)
    elif body.action == "drop":
        conscription.drop(candidate=candidate, on=on, reason=reason, actor=user)
    elif body.action == "approve":
        conscription.approve(candidate=candidate, on=on, actor=user)
    elif body.action == "dispatch":
        conscription.dispatch(candidate=candidate, on=on, actor=user)
    else:
        conscription.return_conscript(candidate=candidate, on=on, reason=reason, actor=user)
    return Candidate.objects.only("id", "stage", "status", "reason").get(pk=candidate.pk)


# --- placement (安置) -------------------------------------------------------------------------


class PlacementStepIn(Body):
    step: Literal["report", "job", "on_post", "close"] = Field(
        description="report: reported; job: job arranged (``receiving_unit``); on_post: on "
        "post; close: closed (``outcome``)."
    )
    on: Day
    receiving_unit: str = Field("", max_length=100)
    outcome: str = Field("", max_length=200)


@router.post("/placements/{pk}/steps", response=PlacementOut, tags=["defence"])
def placement_step(request, pk: Id, body: PlacementStepIn):
    """Record one step's date of a placement case of the user's streets (dates in the order
    of the steps, none in the future)."""
    require_permission(request, "placement.edit")
    from shuangyong.defence import placement
    from shuangyong.defence.selectors import placement_cases

    case = get_object_or_404(placement_cases(request.user), pk=pk)
    extra = {"receiving_unit": body.receiving_unit, "outcome": body.outcome}
    placement.record(case=case, step=body.step, on=body.on, actor=request.user, **extra)
    return placement_cases(request.user).get(pk=pk)


# --- entitled persons and entitlements (优抚对象) -----------------------------------------------


class PersonIn(Body):
    name: Text(50)
    id_number: str = Field(min_length=15, max_length=18, pattern=r"^[0-9]{15}([0-9]{2}[0-9Xx])?$")
    street: BodyId
    community: BodyId | None = None
    category: Category = Field(description="The first category; more are added later.")
    grade: Int(1, 10) | None = None
    cause: Cause | None = None
    approved_on: Day | None = None
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=200)
    hukou: Hukou
    enlisted_on: Day | None = None
    discharged_on: Day | None = None
    bank_name: str = Field("", max_length=100)
    bank_account: str = Field("", max_length=40)
    note: str = Field("", max_length=1000)


class EntitlementOut(Schema):
    id: int
    category: str
    grade: int | None
    cause: str
    status: str
    approved_on: dt.date | None


class PersonDetailOut(Schema):
    id: int
    name: str
    id_number_masked: str
    sex: str
    # The year only, as the pages show it: the masked ID number hides exactly the birth
    # date's eight digits, and the full date beside it would give the number away.
    birth_year: int = Field(alias="birth_date.year")
    street_id: int
    hukou: str
    entitlements: list[EntitlementOut]
    confirmed_years: list[int]

    @staticmethod
    def resolve_entitlements(obj) -> list:
        return list(obj.entitlements.order_by("id"))

    @staticmethod
    def resolve_confirmed_years(obj) -> list[int]:
        from shuangyong.care.models import Confirmation

        return sorted(Confirmation.objects.filter(person=obj).values_list("year", flat=True))


class EntitlementIn(Body):
    category: Category
    grade: Int(1, 10) | None = None
    cause: Cause | None = None
    approved_on: Day | None = None


class StatusIn(Body):
    status: EntitlementStatus
    effective: Day
    reason: str = Field("", max_length=200)


class ConfirmIn(Body):
    method: str = Field("", max_length=100, description="How the person was seen this year.")


def _person(request, pk: int):
    from shuangyong.care.models import EntitledPerson

    return get_in_scope_or_404(
        request.user, EntitledPerson.objects.defer("bank_account"), via="street", pk=pk
    )


def person_create(request, body: PersonIn):
    """Register a person of the user's streets with the first category, through the page's
    form (sex and birth date come from the ID number; one person per ID number; the
    category as for adding one — all or nothing)."""
    require_permission(request, "care.edit")
    from shuangyong.care import registry
    from shuangyong.care.forms import PersonForm
    from shuangyong.org.selectors import streets_for

    data = {k: ("" if v is None else v) for k, v in body.dict().items()}
    form = PersonForm(data, streets=streets_for(user=request.user))
    if not form.is_valid():
        raise _form_errors(form)
    person = registry.create_person(form=form, actor=request.user)
    return Status(201, _person(request, person.pk))


@router.get("/persons/{pk}", response=PersonDetailOut, tags=["care"])
def person_detail(request, pk: Id):
    """A person of the user's streets with the entitlements and the years confirmed."""
    require_permission(request, "care.view")
    return _person(request, pk)


@router.post("/persons/{pk}/entitlements", response={201: EntitlementOut}, tags=["care"])
def entitlement_add(request, pk: Id, body: EntitlementIn):
    """Entitle a person under a category (grade and cause as the category needs)."""
    require_permission(request, "care.edit")
    from shuangyong.care import registry
    from shuangyong.care.forms import EntitlementForm

    person = _person(request, pk)
    data = {k: ("" if v is None else v) for k, v in body.dict().items()}
    form = EntitlementForm(data, person=person)
    if not form.is_valid():
        raise _form_errors(form)
    return Status(201, registry.add_entitlement(actor=request.user, person=person,
                                                **form.cleaned_data))  # fmt: skip


@router.post("/entitlements/{pk}/status", response=EntitlementOut, tags=["care"])
def entitlement_status(request, pk: Id, body: StatusIn):
    """Suspend, stop, move out, record a death, or make active again (a reason for all but
    the return to active; payments follow from the month)."""
    require_permission(request, "care.edit")
    from shuangyong.care import registry
    from shuangyong.care.forms import StatusForm
    from shuangyong.care.models import Entitlement

    queryset = Entitlement.objects.select_related("person__street")
    entitlement = get_in_scope_or_404(request.user, queryset, via="person__street", pk=pk)
    form = StatusForm(body.dict(), person=entitlement.person)
    if not form.is_valid():
        raise _form_errors(form)
    return registry.change_status(actor=request.user, entitlement=entitlement,
                                  **form.cleaned_data)  # fmt: skip


@router.post("/persons/{pk}/confirm", response=PersonDetailOut, tags=["care"])
def person_confirm(request, pk: Id, body: ConfirmIn):
    """Record this year's confirmation (年审) of a person; a second one keeps the first."""
    require_permission(request, "care.edit")
    from django.utils import timezone

    from shuangyong.care import registry

    person = _person(request, pk)
    registry.confirm(persons=[person], year=timezone.localdate().year, actor=request.user,
                     method=body.method)  # fmt: skip
    return _person(request, pk)


# --- allowance standards (抚恤补助标准) ---------------------------------------------------------


class AllowanceStandardIn(Body):
    category: Category
    grade: Int(1, 10) | None = None
    cause: Cause | None = None
    hukou: Hukou | None = None
    level: StandardLevel
    valid_from: Day
    valid_to: Day | None = None
    amount: Amount(10) = Field(description='Yuan, at most two decimal places: "1200.50".')
    per: Per
    frequency: Frequency = Frequency.MONTHLY
    pay_month: Int(1, 12) = 1
    replaces: Flag = Field(False, description="End the older standard of the kind the day before.")
    note: str = Field("", max_length=200)


class StandardsIn(Body):
    standards: list[AllowanceStandardIn] = Field(min_length=1, max_length=500)


class AllowanceStandardOut(Schema):
    id: int
    category: str
    grade: int | None
    cause: str
    hukou: str
    level: str
    valid_from: dt.date
    valid_to: dt.date | None
    amount: Decimal
    per: str
    frequency: str
    pay_month: int
    note: str


class StandardsPlanOut(Schema):
    created: int
    updated: int
    closed: int


@router.get("/allowance-standards", response=list[AllowanceStandardOut], tags=["care"])
def allowance_standards(request, category: Category | None = None):
    """The allowance standards, every version (as on the standards page)."""
    require_permission(request, "care.standards.view")
    from shuangyong.care.models import AllowanceStandard

    found = AllowanceStandard.objects.order_by("category", "grade", "level", "valid_from", "id")
    return found.filter(category=category) if category else found


@router.post("/allowance-standards", response={201: StandardsPlanOut}, tags=["care"])
def allowance_standards_save(request, body: StandardsIn):
    """Create or update standards as the standards import does (never two of one kind in
    force in a month: 409 naming both, nothing written); the entitlements of the
    categories touched are priced again from the earliest month changed."""
    require_permission(request, "care.standards.edit")
    from shuangyong.care.imports import save_standards
    from shuangyong.care.payments import district_wide

    if not district_wide(request.user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("care.standards.edit")
    items = []
    for row in body.standards:
        item = row.dict()
        item["cause"], item["hukou"] = item["cause"] or "", item["hukou"] or ""
        item["amount"] = Decimal(item["amount"])
        if item["valid_to"] is not None and item["valid_to"] < item["valid_from"]:
            raise ValidationError({"valid_to": [_("The end is before the start.")]})
        items.append(item)
    plan = save_standards(items, actor=request.user)
    return Status(
        201,
        {"created": len(plan.created), "updated": len(plan.updated), "closed": len(plan.closed)},
    )


# --- payment batches --------------------------------------------------------------------------


class ComputeIn(Body):
    programme: Programme
    period: str = Field(
        pattern=r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$",
        description="2026-11 (a month), 2026-Q4 (a quarter) or 2026 (a year).",
    )
    kind: BatchKind = BatchKind.REGULAR


class BatchDetailOut(Schema):
    id: int
    programme: str
    kind: str
    period: str
    status: str
    persons: int
    total: Decimal
    recovery_total: Decimal
    computed_at: dt.datetime | None = Field(
        description="which computation this is: send it back when approving"
    )
    computed_by: str | None
    approved_by: str | None

    @staticmethod
    def resolve_computed_by(obj) -> str | None:
        return obj.computed_by.display_name if obj.computed_by_id else None

    @staticmethod
    def resolve_approved_by(obj) -> str | None:
        return obj.approved_by.display_name if obj.approved_by_id else None


def _batch(pk: int):
    from shuangyong.care.models import PaymentBatch

    return get_object_or_404(
        PaymentBatch.objects.select_related("computed_by__person", "approved_by__person"), pk=pk
    )


def batch_compute(request, body: ComputeIn):
    """Compute (or compute again) a draft payment batch (a care officer, district-wide).
    Its approval is a second person's: ``POST /batches/{id}/approve``."""
    require_permission(request, "payments.compute")
    from shuangyong.care import payments
    from shuangyong.care.forms import ComputeForm

    form = ComputeForm(body.dict())
    if not form.is_valid():
        raise _form_errors(form)
    batch = payments.compute(actor=request.user, **form.cleaned_data)
    return Status(201, _batch(batch.pk))


class ApproveIn(Body):
    computed_at: AwareDatetime | None = Field(
        None,
        description="The batch's ``computed_at`` as read when reviewing it, sent back as "
        "received: a draft computed again since is refused (409), so nobody approves "
        "amounts they did not see. Without it, the draft is approved as it stands now.",
    )


@router.post("/batches/{pk}/approve", response=BatchDetailOut, tags=["care"])
def batch_approve(request, pk: Id, body: ApproveIn | None = None):
    """Approve a draft batch: never by the person who computed it; a draft the registry or
    the standards changed since is refused (409: compute it again), and so is one computed
    again after the ``computed_at`` the approver sends back."""
    require_permission(request, "payments.approve")
    from shuangyong.care import payments

    seen = payments.stamp(body.computed_at) if body is not None else ""
    payments.approve(batch=_batch(pk), actor=request.user, seen=seen)
    return _batch(pk)
