"""Supervision pages: orders, inspections, lights, ranking, dashboard."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuangyong.access import can, get_in_scope_or_404, require, scoped
from shuangyong.audit.models import Action
from shuangyong.audit.services import record
from shuangyong.campaigns import lights
from shuangyong.campaigns.models import Campaign, LightRules
from shuangyong.campaigns.selectors import current_campaign
from shuangyong.core.feedback import add_to_form, flash_errors
from shuangyong.core.pagecache import whole_page
from shuangyong.core.validators import parse_id
from shuangyong.org.models import Unit
from shuangyong.supervision import evaluation, inspections, orders
from shuangyong.supervision.forms import (
    FindingForm,
    InspectionForm,
    LightRulesForm,
    OrderForm,
    StepForm,
)
from shuangyong.supervision.models import (
    Inspection,
    OrderFile,
    OrderLevel,
    OrderStatus,
    SupervisionOrder,
)


def _campaign(pk: int) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("standard"), pk=pk)


# --- supervision orders ---------------------------------------------------------------


@require("orders.view")
def order_list(request):
    status = request.GET.get("status", "")
    items = scoped(request.user, SupervisionOrder.objects.select_related("unit", "campaign"))
    if status == "open":
        items = items.exclude(status=OrderStatus.CLOSED)
    elif status in OrderStatus.values:
        items = items.filter(status=status)
    items = items.annotate(n_tasks=Count("tasks")).order_by("-year", "-number")
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/order_list.html",
        {
            "page": page,
            "status": status,
            "statuses": OrderStatus.choices,
            "can_issue": can(request.user, "orders.issue"),
            "campaigns": Campaign.objects.all() if can(request.user, "orders.issue") else [],
        },
    )


@require("orders.issue")
def order_issue(request, pk: int):
    campaign = _campaign(pk)
    unit_id = request.POST.get("unit") or request.GET.get("unit")
    unit = Unit.objects.filter(pk=unit_pk).first() if (unit_pk := parse_id(unit_id)) else None
    initial = {
        "unit": unit,
        "level": OrderLevel.GENERAL,
        "tasks": request.GET.getlist("task"),
        "subject": request.GET.get("subject", ""),
        "requirement": request.GET.get("why", ""),
    }
    form = OrderForm(request.POST or None, campaign=campaign, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            order = orders.issue(
                campaign=campaign,
                actor=request.user,
                proposed_by=request.POST.get("proposed_by", ""),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _("%(ref)s issued to %(unit)s.")
                % {"ref": order.reference, "unit": order.unit.name},
            )
            return redirect("supervision:order_detail", pk=order.pk)
    return render(
        request, "supervision/order_form.html", {"form": form, "campaign": campaign, "unit": unit}
    )


def _order(request, pk: int) -> SupervisionOrder:
    queryset = SupervisionOrder.objects.select_related("unit", "campaign", "issued_by")
    return get_in_scope_or_404(request.user, queryset, pk=pk)


@require("orders.view")
def order_detail(request, pk: int):
    order = _order(request, pk)
    user = request.user
    unit_side = can(user, "orders.respond") and user.is_unit_scoped
    can_recheck = can(user, "orders.issue") and order.status == OrderStatus.RESPONDED
    return render(
        request,
        "supervision/order_detail.html",
        {
            "order": order,
            "steps": order.steps.select_related("by").prefetch_related(
                Prefetch("files", queryset=OrderFile.objects.only("pk", "name", "step_id"))
            ),
            "tasks": order.tasks.select_related("criterion", "lead_unit"),
            "can_acknowledge": unit_side and order.status == OrderStatus.ISSUED,
            "can_respond": unit_side and order.status == OrderStatus.ACKNOWLEDGED,
            "can_recheck": can_recheck,
            "closure": orders.closure_check(order) if can_recheck else [],
            "form": StepForm(),
        },
    )


@require_POST
@require("orders.view")
def order_step(request, pk: int, action: str):
    order = _order(request, pk)
    form = StepForm(request.POST)
    form.is_valid()
    text = form.cleaned_data.get("text", "")
    steps = {
        "acknowledge": lambda: orders.acknowledge(order=order, actor=request.user),
        "respond": lambda: orders.respond(
            order=order, text=text, files=request.FILES.getlist("files"), actor=request.user
        ),
        "send_back": lambda: orders.send_back(order=order, text=text, actor=request.user),
        "close": lambda: orders.close(
            order=order,
            text=text,
            override=request.POST.get("override") == "1",
            actor=request.user,
        ),
    }
    if action not in steps:
        raise PermissionDenied(action)
    try:
        steps[action]()
        messages.success(request, _("Done."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("supervision:order_detail", pk=order.pk)


@require("orders.view")
def order_file(request, pk: int):
    """A file of a unit's answer: for whoever may see the order (its unit, the district)."""
    item = get_object_or_404(OrderFile.objects.select_related("step"), pk=pk)
    order = _order(request, item.step.order_id)
    record(Action.DOWNLOAD, obj=item, object_unit_id=order.unit_id)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


@require("orders.issue")
def proposals(request, pk: int):
    campaign = _campaign(pk)
    return render(
        request,
        "supervision/proposals.html",
        {
            "campaign": campaign,
            "proposals": evaluation.proposals(campaign),
            "rules": LightRules.for_campaign(campaign),
        },
    )


# --- inspections ----------------------------------------------------------------------


@require("inspections.view")
def inspection_list(request, pk: int):
    campaign = _campaign(pk)
    form = None
    if can(request.user, "inspections.edit"):
        form = InspectionForm(request.POST or None, campaign=campaign)
        if request.method == "POST" and form.is_valid():
            inspection = inspections.record_inspection(
                campaign=campaign, form=form, actor=request.user
            )
            messages.success(request, _("Inspection recorded; add its findings."))
            return redirect("supervision:inspection_detail", pk=inspection.pk)
    elif request.method == "POST":
        raise PermissionDenied("inspections.edit")
    items = campaign.inspections.annotate(
        n_findings=Count("findings"), n_units=Count("units", distinct=True)
    )
    return render(
        request,
        "supervision/inspection_list.html",
        {"campaign": campaign, "items": items, "form": form},
    )


@require("inspections.view")
def inspection_detail(request, pk: int):
    inspection = get_object_or_404(Inspection.objects.select_related("campaign__standard"), pk=pk)
    form = None
    if can(request.user, "inspections.edit"):
        form = FindingForm(request.POST or None, inspection=inspection)
        if request.method == "POST" and form.is_valid():
            try:
                inspections.add_finding(
                    inspection=inspection, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_to_form(form, exc)
            else:
                messages.success(
                    request, _("Finding recorded; its rectification task is with the unit.")
                )
                return redirect("supervision:inspection_detail", pk=pk)
    elif request.method == "POST":
        raise PermissionDenied("inspections.edit")
    findings = inspection.findings.select_related("unit", "criterion", "rectification")
    return render(
        request,
        "supervision/inspection_detail.html",
        {
            "inspection": inspection,
            "campaign": inspection.campaign,
            "findings": findings,
            "form": form,
            "units": inspection.units.all(),
            "criteria": inspection.criteria.all(),
        },
    )


# --- lights, ranking, dashboard ------------------------------------------------------


@require("evaluation.view")
def lights_page(request, pk: int):
    campaign = _campaign(pk)
    rules = LightRules.for_campaign(campaign)
    form = (
        LightRulesForm(request.POST or None, instance=rules)
        if can(request.user, "lights.edit")
        else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("lights.edit")
        if form.is_valid():
            saved = form.save(commit=False)
            saved.campaign = campaign
            saved.save()
            messages.success(request, _("Thresholds saved."))
            return redirect("supervision:lights", pk=pk)
    tasks = evaluation.campaign_lights(campaign)
    return render(
        request,
        "supervision/lights.html",
        {
            "campaign": campaign,
            "tasks": tasks,
            "form": form,
            "counts": {
                c: sum(1 for t in tasks if t.light.color == c) for c in ("red", "yellow", "green")
            },
        },
    )


@require("evaluation.view")
@whole_page(shared=True)
def ranking(request, pk: int):
    campaign = _campaign(pk)
    scores = evaluation.cached_unit_performance(campaign)
    ranked = [s for s in scores if s.index is not None]
    return render(
        request,
        "supervision/ranking.html",
        {
            "campaign": campaign,
            "scores": scores,
            "ranked": len(ranked),
            "unassigned": [s for s in scores if s.index is None],
            "top": evaluation.red_list(scores),
            "bottom": evaluation.yellow_list(scores),
            "weights": {k: int(v * 100) for k, v in evaluation.WEIGHTS.items()},
            "penalty": evaluation.ORDER_PENALTY,
            "red_min": int(evaluation.RED_LIST_MIN_COMPLETION * 100),
            "list_size": evaluation.LIST_SIZE,
            "trend": evaluation.units_trend(campaign),
            "can_snapshot": can(request.user, "evaluation.snapshot"),
            "chart": {
                "categories": [s.name for s in ranked[:20]],
                "earned": [float(s.index) for s in ranked[:20]],
                "available": [100.0] * min(len(ranked), 20),
                "labels": {"earned": _("Index"), "available": _("Full marks")},
            },
        },
    )


@require_POST
@require("evaluation.snapshot")
def snapshot_now(request, pk: int):
    snapshot = evaluation.take_snapshot(_campaign(pk))
    messages.success(
        request,
        _("Snapshot of %(d)s recorded: %(s)s points.")
        % {"d": snapshot.taken_on, "s": snapshot.score},
    )
    return redirect("supervision:ranking", pk=pk)


@require("evaluation.view")
def dashboard_latest(request):
    campaign = current_campaign()
    if campaign is None:
        messages.info(request, _("There is no campaign yet."))
        return redirect("home")
    return redirect("supervision:dashboard", pk=campaign.pk)


@require("evaluation.view")
@whole_page(shared=True)
def dashboard(request, pk: int):
    """The leader's page: score and gap, top risks, laggards, trend."""
    campaign = _campaign(pk)
    today = timezone.localdate()
    lights.refresh_stale(campaign=campaign, today=today)
    total, _sources = evaluation.cached_live_total(campaign, today=today)
    found = evaluation.lights_summary(campaign, today=today)
    gaps = sorted(
        (r for r in total.by_code().values() if not r.children and r.at_stake > 0),
        key=lambda r: -r.at_stake,
    )[:5]
    scores = evaluation.cached_unit_performance(campaign, today=today)
    open_orders = SupervisionOrder.objects.filter(campaign=campaign).aggregate(
        open=Count("id", filter=~Q(status=OrderStatus.CLOSED)),
        late=Count(
            "id", filter=~Q(status=OrderStatus.CLOSED) & Q(deadline__lt=timezone.localdate())
        ),
    )
    trend = evaluation.units_trend(campaign)
    return render(
        request,
        "supervision/dashboard.html",
        {
            "campaign": campaign,
            "total": total,
            "gap": campaign.target_score - total.score,
            "red": found["red"],
            "red_count": found["counts"]["red"],
            "veto_risks": found["veto"],
            "gaps": gaps,
            "laggards": evaluation.yellow_list(scores),
            "leaders": evaluation.red_list(scores)[:3],
            "counts": found["counts"],
            "orders": open_orders,
            "trend": trend,
            "trend_chart": {
                "dates": trend["dates"],
                "scores": trend["scores"],
                "target": float(campaign.target_score),
                "labels": {"score": _("Score"), "target": _("Target")},
            },
        },
    )
