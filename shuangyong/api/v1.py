"""The JSON API, version 1, at /api/v1/ (OpenAPI schema at /api/v1/openapi.json).

Bearer tokens (``Authorization: Bearer sy_…``), the same permission table and unit
scope as the pages, ID numbers masked as everywhere. Lists are paginated (``page``,
50 a page) and run a fixed number of queries per page.
"""

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, NinjaAPI, Query, Schema, UploadedFile
from ninja import Form as FormData
from ninja.decorators import decorate_view
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.pagination import paginate
from ninja.responses import Status
from ninja.security import HttpBearer

from shuangyong.access import PERMISSIONS, scoped
from shuangyong.api import casework, contract
from shuangyong.api.common import (
    Amount,
    Body,
    BodyId,
    DateFilter,
    DateUnitFilter,
    Day,
    Id,
    Int,
    KeysetPages,
    Pages,
    Text,
    dated,
    refuse_unlisted_fields,
    require_permission,
    schema_error_detail,
)
from shuangyong.api.hooks import router as hooks
from shuangyong.api.oversight import router as oversight
from shuangyong.api.records import router as records
from shuangyong.api.services import user_for_key
from shuangyong.api.workflows import router as workflows
from shuangyong.campaigns.responsibility import REPORT_TEXT_MAX
from shuangyong.campaigns.selectors import task_in_scope_or_404, tasks_in_scope
from shuangyong.care.categories import Category
from shuangyong.care.models import EntitlementStatus, NeedCategory, NeedSource
from shuangyong.core.pagecache import whole_answer
from shuangyong.reports.selectors import FIRST_YEAR, LAST_YEAR, annual_figures


class ContractAPI(NinjaAPI):
    """The API whose document lists every refusal and every bound (api.contract)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return contract.complete(document)


DESCRIPTION = """
Bearer tokens from the token page (/api/tokens/): `Authorization: Bearer sy_…`. The same
permissions and unit scope as the pages; ID numbers masked.

Refusals share one body, `Error` (`{"detail": "…"}` or `{"detail": {"field": ["…"]}}`):
401 no valid token, 403 the role may not, 404 not found or outside the user's units,
409 a rule or the records' state refuses a well-formed request, 413 too large, 422 the
request does not match this document.

Every POST takes an optional `Idempotency-Key` header (at most 100 printable ASCII
characters): a repeat with the same key gets the first answer (`Idempotent-Replayed:
true`) for 24 hours, 409 while the first is still being answered, 422 when the key was
used for another request.
"""


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_key(token)
        if user is not None:
            request.user = user
        return user


def token_holder(request) -> str | None:
    """Who a kept answer is for: the bearer's token (its digest). Not checked here, which
    would cost a cache read on every call: an answer is kept only when the operation,
    which checks the token, answered 200, and served only while nothing has been written
    since, so a token that stops passing (revoked, its holder moved, locked out or disabled:
    each a write) is never served one."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key:
        return None
    return "token:" + hashlib.sha256(key.encode()).hexdigest()


api = ContractAPI(
    title="Shuangyong API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api_v1",
    auth=TokenAuth(),
    docs_url=None,  # the interactive docs load scripts from a CDN: offline intranets have none
)


@api.exception_handler(PermissionDenied)
def _denied(request, exc):
    """A permission name from the table says the role may not; any other refusal is a
    service's own sentence (e.g. only the handling unit replies) and is passed on as is."""
    reason = str(exc.args[0]) if exc.args else ""
    if not reason or reason in PERMISSIONS:
        detail = _("Your role may not do this (%(permission)s).") % {"permission": reason}
    else:
        detail = reason
    return api.create_response(request, {"detail": detail}, status=403)


@api.exception_handler(ValidationError)
def _refused(request, exc):
    """A well-formed request a service or its form refuses: 409 (413 for a file too large).
    What does not match the document never gets this far: the parser answers 422."""
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    too_large = (
        any(getattr(e, "code", "") == "size" for e in exc.error_list)
        if hasattr(exc, "error_list")
        else False
    )
    return api.create_response(request, {"detail": detail}, status=413 if too_large else 409)


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    detail = _("The request is larger than the server accepts.")
    return api.create_response(request, {"detail": detail}, status=413)


@api.exception_handler(SchemaError)
def _malformed(request, exc):
    return api.create_response(request, {"detail": schema_error_detail(exc.errors)}, status=422)


@api.exception_handler(HttpError)
def _unparsable(request, exc):
    """A body that is not JSON (or not a form) does not match the document: 422."""
    status = 422 if exc.status_code == 400 else exc.status_code
    return api.create_response(request, {"detail": str(exc)}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    detail = _("A valid API token is required: Authorization: Bearer sy_…")
    return api.create_response(request, {"detail": detail}, status=401)


# --- schemas ------------------------------------------------------------------------------


class Me(Schema):
    username: str
    name: str
    role: str
    unit: str | None


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    is_member: bool


class IndicatorOut(Schema):
    id: int
    name: str
    measure: str
    target: Decimal
    actual: Decimal | None
    direction: str


class TaskOut(Schema):
    id: int
    campaign_id: int
    kind: str
    title: str
    criterion: str | None
    lead_unit_id: int
    lead_unit: str = Field(alias="lead_unit.name")
    deadline: dt.date | None
    progress: int
    done_at: dt.datetime | None
    light: Literal["red", "yellow", "green", "done"] = Field(
        description="The task's light as its pages show it (campaigns.lights)."
    )
    light_reason: str = Field(description="Why the light is that colour, in the UI's words.")
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_criterion(obj) -> str | None:
        return obj.criterion.code if obj.criterion_id else None

    @staticmethod
    def resolve_light(obj, context) -> str:
        return _light(obj, context["request"]).color

    @staticmethod
    def resolve_light_reason(obj, context) -> str:
        return str(_light(obj, context["request"]).reason)

    @staticmethod
    def resolve_indicators(obj) -> list:
        return list(obj.indicators.all())


def _light(task, request):
    """The light of a task as its pages compute it, the campaign's rules read once a call."""
    from django.utils import timezone

    from shuangyong.campaigns import lights
    from shuangyong.campaigns.models import LightRules

    cache = request.__dict__.setdefault("_light_rules", {})
    if task.campaign_id not in cache:
        cache[task.campaign_id] = LightRules.for_campaign(task.campaign)
    return lights.of_task(task, today=timezone.localdate(), rules=cache[task.campaign_id])


class ActualIn(Body):
    indicator: BodyId
    value: Amount(12, signed=True)


class ReportIn(Body):
    text: Text(REPORT_TEXT_MAX)
    percent: Int(0, 100)
    values: list[ActualIn] = Field(
        [], max_length=100, description="Actuals of the task's indicators (each at most once)."
    )


class ActualOut(Schema):
    indicator: int
    value: Decimal


class ReportOut(Schema):
    id: int
    task_id: int
    percent: int
    status: str
    values: list[ActualOut]


class NeedOut(Schema):
    id: int
    source: str
    category: str
    text: str
    assignee_id: int
    assignee: str = Field(alias="assignee.name")
    deadline: dt.date
    status: str
    reply: str
    satisfaction: str
    created_at: dt.datetime


class ReplyIn(Body):
    text: Text(5000)


class NeedIn(Body):
    """A need as the page's form takes it: who raised it (``source``: person, garrison or
    family, with ``person``, ``garrison`` or ``requester``), what, who handles it, by when."""

    source: NeedSource
    category: NeedCategory
    text: Text(5000)
    assignee: BodyId
    deadline: Day
    person: BodyId | None = None
    garrison: BodyId | None = None
    requester: str = Field("", max_length=100)


class PersonOut(Schema):
    id: int
    name: str
    id_number_masked: str
    sex: str
    # The year only, as the pages show it: the masked ID number hides exactly the birth
    # date's eight digits, and the full date beside it would give the number away.
    birth_year: int = Field(alias="birth_date.year")
    street_id: int
    street: str = Field(alias="street.name")
    hukou: str


class BatchOut(Schema):
    id: int
    programme: str
    kind: str
    period: str
    status: str
    persons: int
    total: Decimal
    recovery_total: Decimal


class RecoveryOut(Schema):
    id: int
    batch_id: int
    entitlement_id: int
    person_id: int
    person: str = Field(alias="person.name")
    months: str = Field(alias="months_label")
    reason: str
    debtor: str
    amount: Decimal
    outstanding: Decimal
    state: str


class CandidateOut(Schema):
    id: int
    campaign_id: int
    name: str
    id_number_masked: str
    street_id: int
    education: str
    stage: int
    status: str


class ActivityOut(Schema):
    id: int
    kind: str
    title: str
    held_on: dt.date
    unit_id: int
    garrison_id: int | None
    people_reached: int
    cost: Decimal


class Section(Schema):
    title: str
    rows: list[tuple[str, str]]


# --- endpoints ----------------------------------------------------------------------------


@api.get("/me", response=Me, tags=["account"])
def me(request):
    user = request.user
    person = user.person
    return {
        "username": user.username,
        "name": person.name if person else "",
        "role": user.role,
        "unit": person.unit.name if person and person.unit_id else None,
    }


@api.get("/units", response=list[UnitOut], tags=["organisation"])
@paginate(Pages)
def units(request):
    require_permission(request, "org.units.view")
    from shuangyong.org.models import Unit

    return scoped(request.user, Unit.objects.filter(is_active=True), via="").order_by("path")


@api.get("/tasks", response=list[TaskOut], tags=["responsibility"])
@paginate(Pages)
def tasks(request, filters: Query[DateUnitFilter]):
    """Tasks of the user's units (all for district staff), by deadline."""
    require_permission(request, "tasks.view")

    found = tasks_in_scope(request.user, _tasks()).distinct()
    return dated(found, filters, "deadline", "lead_unit_id").order_by("deadline", "id")


def _tasks():
    """Tasks with what their light needs: the criterion, the latest report's state."""
    from django.db.models import OuterRef, Subquery

    from shuangyong.campaigns.models import ProgressReport, Task

    latest = ProgressReport.objects.filter(task=OuterRef("pk")).order_by("-submitted_at", "-id")
    return (
        Task.objects.select_related("lead_unit", "criterion", "campaign")
        .prefetch_related("indicators")
        .annotate(last_report_status=Subquery(latest.values("status")[:1]))
    )


def _task(request, pk: Id):
    return task_in_scope_or_404(request.user, _tasks(), pk=pk)


@api.get("/tasks/{pk}", response=TaskOut, tags=["responsibility"])
def task(request, pk: Id):
    require_permission(request, "tasks.view")
    return _task(request, pk)


@api.post("/tasks/{pk}/reports", response={201: ReportOut}, tags=["responsibility"])
def report(request, pk: Id, body: ReportIn):
    """A progress report by the user's unit (the lead or a co-unit), for the office's review,
    with the actuals of the task's indicators (409 when an indicator is another task's)."""
    require_permission(request, "tasks.report")
    from shuangyong.campaigns import responsibility

    values = {v.indicator: Decimal(v.value) for v in body.values}
    found = responsibility.submit_report(
        task=_task(request, pk),
        user=request.user,
        text=body.text,
        percent=body.percent,
        values=values,
    )
    actuals = found.values.order_by("indicator_id")
    return Status(
        201,
        {
            "id": found.pk,
            "task_id": found.task_id,
            "percent": found.percent,
            "status": found.status,
            "values": [{"indicator": v.indicator_id, "value": v.value} for v in actuals],
        },
    )


class EvidenceOut(Schema):
    id: int
    task_id: int
    title: str
    year: int
    status: str
    size: int


@api.post("/tasks/{pk}/evidence", response={201: EvidenceOut}, tags=["responsibility"])
def evidence(
    request, pk: Id, file: File[UploadedFile], title: FormData[str] = "", year: FormData[int] = 0
):
    """An evidence file for a task of the user's unit (the upload checks of the pages:
    type, content and size — 413 when too large)."""
    refuse_unlisted_fields(request, "file", "title", "year")
    require_permission(request, "tasks.report")
    from shuangyong.campaigns import responsibility

    found = responsibility.upload_evidence(
        task=_task(request, pk), user=request.user, upload=file, title=title,
        year=year or None,
    )  # fmt: skip
    return Status(201, found)


class NoticeReplyIn(Body):
    text: str = Field("", max_length=5000)
    values: dict[str, Annotated[str, Field(max_length=1000)]] = Field({}, max_length=20)


class ReceiptOut(Schema):
    notice_id: int
    unit_id: int
    replied_at: dt.datetime | None
    late: bool


@api.post("/notices/{pk}/reply", response=ReceiptOut, tags=["coordination"])
def notice_reply(request, pk: Id, body: NoticeReplyIn):
    """The user's unit answers a notice sent to it (late replies are marked late)."""
    require_permission(request, "notices.reply")
    from shuangyong.coordination import services
    from shuangyong.coordination.models import Notice

    receipt = services.receipt_for(request.user, get_object_or_404(Notice, pk=pk))
    if receipt is None:
        raise Http404
    return services.reply(receipt=receipt, user=request.user, text=body.text, values=body.values)


@api.get("/needs", response=list[NeedOut], tags=["care"])
@paginate(Pages)
def needs(request, filters: Query[DateUnitFilter]):
    require_permission(request, "needs.view")
    from shuangyong.care.selectors import visible_needs

    found = visible_needs(request.user)
    return dated(found, filters, "created_at__date", "assignee_id").order_by("deadline", "id")


@api.post("/needs", response={201: NeedOut}, tags=["care"])
def raise_need(request, body: NeedIn):
    """Register a need, checked as on the page (the person within the user's streets,
    a garrison's liaison for its own unit only); it becomes a task of the handling unit."""
    require_permission(request, "needs.add")
    from shuangyong.care import selectors, support
    from shuangyong.care.forms import NeedForm

    persons, garrisons = selectors.need_sources(request.user)
    form = NeedForm(body.dict(), persons=persons, garrisons=garrisons)
    if not form.is_valid():
        raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
    return Status(201, support.add_need(actor=request.user, **form.cleaned_data))


@api.post("/needs/{pk}/reply", response=NeedOut, tags=["care"])
def reply(request, pk: Id, body: ReplyIn):
    """The handling unit answers a need; its task is done."""
    require_permission(request, "needs.reply")
    from shuangyong.care import support
    from shuangyong.care.selectors import visible_needs

    found = get_object_or_404(visible_needs(request.user), pk=pk)
    return support.reply_need(need=found, text=body.text, actor=request.user)


@api.get("/persons", response=list[PersonOut], tags=["care"])
@decorate_view(lambda run: whole_answer(run, who=token_holder))
@paginate(KeysetPages)
def persons(
    request,
    filters: Query[DateFilter],
    q: Annotated[str, Field(max_length=100)] = "",
    street: Id | None = None,
    category: Category | None = None,
    status: EntitlementStatus | None = None,
):
    """Entitled persons by name, pinyin or exact ID number; care officers may page through
    their streets without a query. ``since``/``until`` keep those whose record changed
    on those days (for systems that copy the registry); ``category`` and ``status`` keep
    those with an entitlement of that category, in that status (both: the same one), as
    the registry's filters do. ID numbers are masked. Without a query: by street, then
    name. With one: in the order the persons were registered (a search for a surname
    costs the same on every page so); ``count`` of a query that finds over 10,000 is
    estimated from how often its characters occur. Follow ``next`` to read on (``page``
    works too, at a cost that grows with the page)."""
    require_permission(request, "care.view")
    from shuangyong.care import selectors

    if q.strip():
        found = selectors.find(
            request.user, q, street=street, category=category or "", status=status or ""
        )
    else:
        found = selectors.browse(
            request.user, street=street, category=category or "", status=status or ""
        )
    found.persons = dated(found.persons, filters, "updated_at__date")
    return found


@api.get("/batches", response=list[BatchOut], tags=["care"])
@paginate(Pages)
def batches(request, filters: Query[DateFilter]):
    """Payment batches, latest period first; ``since``/``until`` keep the batches whose
    period overlaps those days."""
    require_permission(request, "payments.view")
    from shuangyong.care import months
    from shuangyong.care.models import PaymentBatch

    found = PaymentBatch.objects.all()
    if filters.since is not None:
        found = found.filter(last_month__gte=months.index(filters.since))
    if filters.until is not None:
        found = found.filter(first_month__lte=months.index(filters.until))
    return found.order_by("-first_month", "programme", "-id")


@api.get("/recoveries", response=list[RecoveryOut], tags=["care"])
@paginate(Pages)
def recovery_list(
    request,
    state: Literal["outstanding", "open", "partly", "recovered", "written_off"] | None = None,
):
    """Overpayments owed back (追回) of the persons in the user's streets, newest first;
    ``state=outstanding`` for those still to collect."""
    require_permission(request, "payments.view")
    from shuangyong.care.recoveries import visible_recoveries

    return visible_recoveries(request.user, state=state or "")


@api.get("/conscription/{campaign}/candidates", response=list[CandidateOut], tags=["defence"])
@paginate(Pages)
def candidates(request, campaign: Id, stage: Annotated[int, Field(ge=0, le=99)] | None = None):
    require_permission(request, "conscription.view")
    from shuangyong.defence.models import ConscriptionCampaign
    from shuangyong.defence.selectors import candidates as visible

    found = visible(request.user, get_object_or_404(ConscriptionCampaign, pk=campaign))
    if stage is not None:
        found = found.filter(stage=stage)
    return found.order_by("street__path", "name", "pk")


@api.get("/activities", response=list[ActivityOut], tags=["defence"])
@paginate(Pages)
def activities(request, filters: Query[DateUnitFilter]):
    require_permission(request, "activities.view")
    from shuangyong.defence.selectors import visible_activities

    found = visible_activities(request.user)
    return dated(found, filters, "held_on", "unit_id").order_by("-held_on", "-id")


@api.get("/annual/{year}", response=list[Section], tags=["reports"])
def annual(request, year: Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]):
    """The year's figures, as the annual page shows them."""
    require_permission(request, "reports.view")

    sections, _paid = annual_figures(year)
    return [
        {"title": str(s.title), "rows": [(label, str(value)) for label, value in s.rows]}
        for s in sections
    ]


# Beside the lists above (one path, one router): registering a person, computing a batch.
api.post("/persons", response={201: casework.PersonDetailOut}, tags=["care"],
         openapi_extra={"x-names-records": True})(casework.person_create)  # fmt: skip
api.post("/batches", response={201: casework.BatchDetailOut}, tags=["care"])(casework.batch_compute)

api.add_router("", oversight)  # campaigns and scores, orders, notices, placement cases
api.add_router("", records)  # standards and criteria, meetings, joint items
api.add_router("", workflows)  # orders, joint items, notices, meetings, reviews: the steps
api.add_router("", hooks)  # webhooks: registered by a system administrator
api.add_router("", casework.router)  # conscription, placement, persons, allowances, batches
