"""Pages of the responsibility mechanism: tasks, progress reports, evidence, unit reports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuangyong.access import can, get_in_scope_or_404, require, scoped
from shuangyong.audit.models import Action
from shuangyong.audit.services import record
from shuangyong.campaigns import lights, responsibility, selectors
from shuangyong.campaigns.forms import (
    CopyForm,
    EvidenceForm,
    ReportForm,
    ReviewForm,
    TaskForm,
    UnitReportForm,
)
from shuangyong.campaigns.models import (
    Campaign,
    Evidence,
    LightRules,
    ProgressReport,
    ReviewStatus,
    Task,
    UnitReport,
)
from shuangyong.campaigns.selectors import current_campaign, task_in_scope_or_404
from shuangyong.core.feedback import add_to_form, flash_errors
from shuangyong.core.pagecache import whole_page
from shuangyong.core.validators import parse_id
from shuangyong.org.models import Unit

TASKS_PER_PAGE = 100


@require("tasks.view")
def my_tasks(request):
    """The task list of the campaign chosen on the home page (else the newest)."""
    chosen = parse_id(request.session.get("campaign_id"))
    campaign = Campaign.objects.filter(pk=chosen).first() if chosen else None
    campaign = campaign or current_campaign()
    if campaign is None:
        messages.info(request, _("There is no campaign yet."))
        return redirect("home")
    return redirect("campaigns:task_list", pk=campaign.pk)


@require("tasks.view")
@whole_page(shared=True)
def task_list(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("standard"), pk=pk)
    unit_id = parse_id(request.GET.get("unit"))
    state = request.GET.get("state", "")
    rules, today = LightRules.for_campaign(campaign), timezone.localdate()
    # The "pending" filter reads the kept columns: rows written in bulk get them first.
    lights.refresh_stale(campaign=campaign, today=today)
    tasks = selectors.task_rows(
        request.user,
        campaign,
        unit_id=unit_id,
        criterion_code=request.GET.get("criterion", ""),
        state=state,
        today=today,
    )
    # Paginate before aggregating: the page's hundred ids first, then their counts.
    page = Paginator(tasks, TASKS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_counts(page.object_list)
    for task in page:
        task.light = lights.of_row(task, today=today, rules=rules)
    # Due within a week, whatever page or filter is shown: its own short query.
    week = [] if state else selectors.task_rows(request.user, campaign, state="week")[:20]
    query = request.GET.copy()
    query.pop("page", None)
    units = scoped(request.user, Unit.objects.filter(is_active=True), via="").order_by("path")
    can_edit = can(request.user, "tasks.edit")
    return render(
        request,
        "campaigns/task_list.html",
        {
            "campaign": campaign,
            "tasks": page,
            "page": page,
            "query": query.urlencode(),
            "state": state,
            "week": week,
            "today": timezone.localdate(),
            "units": units,
            "unit_id": unit_id,
            "can_edit": can_edit,
            "can_view_campaign": can(request.user, "campaigns.view"),
            "copy_form": CopyForm(campaign=campaign) if can_edit else None,
        },
    )


def _task(request, pk: int) -> Task:
    queryset = Task.objects.select_related("campaign__standard", "criterion", "lead_unit", "owner")
    return task_in_scope_or_404(request.user, queryset, pk=pk)


def _detail(request, task: Task, report_form=None, evidence_form=None, status=200):
    reports = task.reports.select_related("unit", "author", "reviewed_by").prefetch_related(
        "values__indicator", "evidence"
    )
    evidence = task.evidence.select_related("unit").order_by("title", "year", "-version")
    can_report = can(request.user, "tasks.report") and _may_report(request.user, task)
    returned = next((r for r in reports if r.status == ReviewStatus.RETURNED), None)
    if report_form is None and can_report:
        initial = {"percent": task.progress}
        latest = reports[0] if reports else None
        if latest is not None and latest.status == ReviewStatus.RETURNED:
            # Nothing typed is lost: a returned report comes back to be corrected.
            initial = {
                "text": latest.text,
                "percent": latest.percent,
                **{f"indicator_{v.indicator_id}": v.value for v in latest.values.all()},
            }
        report_form = ReportForm(initial=initial, task=task)
    if evidence_form is None and can_report:
        evidence_form = EvidenceForm(initial={"year": _default_year(task.campaign)})
    latest_status = reports[0].status if reports else None
    task_light = lights.light(
        deadline=task.deadline,
        progress=task.progress,
        last_report=latest_status,
        veto=bool(task.criterion and task.criterion.is_veto),
        today=timezone.localdate(),
        rules=LightRules.for_campaign(task.campaign),
    )
    return render(
        request,
        "campaigns/task_detail.html",
        {
            "light": task_light,
            "task": task,
            "campaign": task.campaign,
            "indicators": task.indicators.all(),
            "co_units": task.co_units.all(),
            "reports": reports,
            "evidence": evidence,
            "report_form": report_form,
            "evidence_form": evidence_form,
            "returned": returned,
            "can_review": can(request.user, "tasks.review"),
            "review_form": ReviewForm(),
            "can_edit": can(request.user, "tasks.edit"),
        },
        status=status,
    )


def _may_report(user, task: Task) -> bool:
    try:
        responsibility.reporting_unit(user=user, task=task)
    except PermissionDenied:
        return False
    return True


def _default_year(campaign: Campaign) -> int:
    return min(max(timezone.localdate().year, campaign.start_year), campaign.end_year)


@require("tasks.view")
def task_detail(request, pk: int):
    return _detail(request, _task(request, pk))


@require("tasks.edit")
def task_edit(request, campaign_pk: int, pk: int | None = None):
    campaign = get_object_or_404(Campaign.objects.select_related("standard"), pk=campaign_pk)
    task = get_object_or_404(Task, pk=pk, campaign=campaign) if pk else None
    form = TaskForm(request.POST or None, instance=task, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        task = responsibility.save_task(campaign=campaign, form=form, actor=request.user)
        messages.success(request, _("Task saved."))
        return redirect("campaigns:task_detail", pk=task.pk)
    return render(
        request, "campaigns/task_form.html", {"form": form, "campaign": campaign, "task": task}
    )


@require_POST
@require("tasks.report")
def report_submit(request, pk: int):
    task = _task(request, pk)
    form = ReportForm(request.POST, request.FILES, task=task)
    if form.is_valid():
        try:
            responsibility.submit_report(
                task=task,
                user=request.user,
                text=form.cleaned_data["text"],
                percent=form.cleaned_data["percent"],
                values=form.values(),
                files=form.cleaned_data["files"],
                submission_key=form.cleaned_data["submission"],
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Report submitted; the office will review it."))
            return redirect("campaigns:task_detail", pk=task.pk)
    return _detail(request, task, report_form=form, status=400)


@require_POST
@require("tasks.review")
def report_review(request, pk: int):
    report = get_object_or_404(ProgressReport.objects.select_related("task"), pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            responsibility.review_report(
                report=report,
                accept=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
                reviewer=request.user,
            )
            messages.success(request, _("Report reviewed."))
        except ValidationError as exc:
            flash_errors(request, exc)
    return redirect("campaigns:task_detail", pk=report.task_id)


@require_POST
@require("tasks.report")
def evidence_upload(request, pk: int):
    task = _task(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            responsibility.upload_evidence(
                task=task,
                user=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                year=form.cleaned_data["year"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("File uploaded; the office will review it."))
            return redirect("campaigns:task_detail", pk=task.pk)
    return _detail(request, task, evidence_form=form, status=400)


@require("tasks.view")
def evidence_download(request, pk: int):
    evidence = get_object_or_404(Evidence.objects.select_related("task"), pk=pk)
    if evidence.task_id is None:  # a unit report's: the unit's own, or district staff
        get_in_scope_or_404(request.user, Evidence.objects.all(), via="unit", pk=pk)
    else:
        _task(request, evidence.task_id)  # 404 outside the user's units
    record(Action.DOWNLOAD, obj=evidence, object_unit_id=evidence.unit_id)
    return FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name
    )


@require_POST
@require("tasks.review")
def evidence_review(request, pk: int):
    evidence = get_object_or_404(Evidence, pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            responsibility.review_evidence(
                evidence=evidence,
                approve=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
                reviewer=request.user,
            )
            messages.success(request, _("File reviewed."))
        except ValidationError as exc:
            flash_errors(request, exc)
    return redirect("campaigns:task_detail", pk=evidence.task_id)


@require_POST
@require("tasks.edit")
def copy_decomposition(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("standard"), pk=pk)
    form = CopyForm(request.POST, campaign=campaign)
    if form.is_valid():
        try:
            count = responsibility.copy_decomposition(
                source=form.cleaned_data["source"], target=campaign, actor=request.user
            )
            messages.success(request, _("%(n)d tasks copied.") % {"n": count})
        except ValidationError as exc:
            flash_errors(request, exc)
    return redirect("campaigns:task_list", pk=pk)


# --- plans, summaries and duty reports ------------------------------------------------


@require("tasks.view")
def unit_reports(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    units = scoped(
        request.user, Unit.objects.filter(is_active=True, is_member=True), via=""
    ).order_by("path")
    form = None
    if can(request.user, "tasks.report"):
        form = UnitReportForm(
            request.POST or None,
            request.FILES or None,
            units=units,
            initial={"year": _default_year(campaign)},
        )
        if request.method == "POST" and form.is_valid():
            try:
                responsibility.submit_unit_report(
                    campaign=campaign,
                    user=request.user,
                    unit=form.cleaned_data["unit"],
                    year=form.cleaned_data["year"],
                    kind=form.cleaned_data["kind"],
                    text=form.cleaned_data["text"],
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("Report submitted; the office will review it."))
                return redirect("campaigns:unit_reports", pk=pk)
    elif request.method == "POST":
        raise PermissionDenied("tasks.report")
    reports = scoped(request.user, UnitReport.objects.filter(campaign=campaign)).select_related(
        "unit", "author"
    )
    return render(
        request,
        "campaigns/unit_reports.html",
        {
            "campaign": campaign,
            "reports": reports,
            "form": form,
            "can_review": can(request.user, "tasks.review"),
            "review_form": ReviewForm(),
        },
    )


@require_POST
@require("tasks.review")
def unit_report_review(request, pk: int):
    report = get_object_or_404(UnitReport, pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            responsibility.review_unit_report(
                report=report,
                accept=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
                reviewer=request.user,
            )
            messages.success(request, _("Report reviewed."))
        except ValidationError as exc:
            flash_errors(request, exc)
    return redirect("campaigns:unit_reports", pk=report.campaign_id)


@require("tasks.view")
def unit_report_download(request, pk: int):
    report = get_in_scope_or_404(request.user, UnitReport.objects.all(), pk=pk)
    if not report.file:
        raise Http404
    record(Action.DOWNLOAD, obj=report, object_unit_id=report.unit_id)
    return FileResponse(
        report.file.open("rb"), as_attachment=True, filename=report.file.name.rsplit("/", 1)[-1]
    )


# --- the campaign's views across units ------------------------------------------------


@require("campaigns.view")
def ledger(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    return render(
        request,
        "campaigns/ledger.html",
        {
            "campaign": campaign,
            "rows": selectors.evidence_ledger(campaign),
        },
    )


@require("campaigns.view")
def coverage(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    return render(
        request,
        "campaigns/coverage.html",
        {
            "campaign": campaign,
            "coverage": selectors.coverage(campaign),
        },
    )


@require("campaigns.view")
def live(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("standard"), pk=pk)
    total, sources = selectors.live_total(campaign)
    results = total.by_code()
    criteria = campaign.standard.criteria.order_by("sort_key")
    rows = [
        {"criterion": c, "result": results[c.code], "source": sources.get(c.code)} for c in criteria
    ]
    return render(
        request,
        "campaigns/live.html",
        {
            "campaign": campaign,
            "total": total,
            "rows": rows,
            "gap": campaign.target_score - total.score,
        },
    )
