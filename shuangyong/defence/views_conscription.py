"""Conscription pages: campaigns and their figures, the quota split, candidates, steps."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuangyong.access import can, get_in_scope_or_404, require
from shuangyong.core.feedback import add_to_form, flash_errors, flash_form_errors
from shuangyong.core.once import once_per_form
from shuangyong.core.validators import parse_id, plain_digits
from shuangyong.defence import conscription, selectors
from shuangyong.defence.forms import CampaignForm, CandidateForm, NoticeForm, StepForm
from shuangyong.defence.models import Candidate, ConscriptionCampaign, Stage
from shuangyong.org.selectors import streets_for


@require("conscription.view")
def campaign_list(request):
    form = CampaignForm(request.POST or None) if can(request.user, "conscription.manage") else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("conscription.manage")
        if form.is_valid():
            try:
                campaign = conscription.create_campaign(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                flash_errors(request, exc)
            else:
                return redirect("defence:campaign_detail", pk=campaign.pk)
    campaigns = ConscriptionCampaign.objects.all()
    return render(request, "defence/campaign_list.html", {"campaigns": campaigns, "form": form})


@require("conscription.view")
def campaign_detail(request, pk: int):
    campaign = get_object_or_404(ConscriptionCampaign, pk=pk)
    rows, total = selectors.funnel(campaign, request.user)
    manage = can(request.user, "conscription.manage")
    return render(
        request,
        "defence/campaign_detail.html",
        {
            "campaign": campaign,
            "rows": rows,
            "total": total,
            "stages": Stage.choices,
            "manage": manage,
            "notice_form": NoticeForm() if manage else None,
            "can_register": can(request.user, "conscription.edit"),
        },
    )


@require_POST
@require("conscription.manage")
def campaign_quotas(request, pk: int):
    campaign = get_object_or_404(ConscriptionCampaign, pk=pk)
    quotas = {}
    for street in streets_for(user=request.user):
        text = request.POST.get(f"quota-{street.pk}", "").strip() or "0"
        if not (plain_digits(text) and len(text) <= 6):
            messages.error(request, _("%(s)s: write a whole number.") % {"s": street.name})
            return redirect("defence:campaign_detail", pk=pk)
        quotas[street.pk] = int(text)
    try:
        conscription.set_quotas(campaign=campaign, quotas=quotas, actor=request.user)
        messages.success(request, _("Quotas saved."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("defence:campaign_detail", pk=pk)


@require_POST
@require("conscription.manage")
def campaign_notice(request, pk: int):
    campaign = get_object_or_404(ConscriptionCampaign, pk=pk)
    form = NoticeForm(request.POST)
    if form.is_valid():
        try:
            n = conscription.publish_notice(
                campaign=campaign, on=form.cleaned_data["on"], actor=request.user
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("%(n)d candidates put on the public notice.") % {"n": n})
    else:
        messages.error(request, _("Give the date of the notice."))
    return redirect("defence:campaign_detail", pk=pk)


@require("conscription.view")
def candidate_list(request, pk: int):
    campaign = get_object_or_404(ConscriptionCampaign, pk=pk)
    found = selectors.candidates(request.user, campaign)
    stage = request.GET.get("stage", "")
    if (stage_number := parse_id(stage)) is not None:
        found = found.filter(stage=stage_number, status="active")
    elif stage in ("out", "returned"):
        found = found.filter(status=stage)
    query = request.GET.get("q", "").strip()
    if query:
        found = found.filter(name__contains=query)
    page = Paginator(found, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "defence/candidate_list.html",
        {"campaign": campaign, "page": page, "stage": stage, "stages": Stage.choices,
         "query": query},
    )  # fmt: skip


@require("conscription.edit")
@once_per_form
def candidate_new(request, pk: int):
    campaign = get_object_or_404(ConscriptionCampaign, pk=pk)
    form = CandidateForm(request.POST or None, streets=streets_for(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            candidate = conscription.register(
                campaign=campaign, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("“%(n)s” registered.") % {"n": candidate.name})
            return redirect("defence:candidate_detail", pk=candidate.pk)
    return render(request, "defence/candidate_form.html", {"campaign": campaign, "form": form})


def _candidate(request, pk: int) -> Candidate:
    queryset = Candidate.objects.select_related("campaign", "street").defer(
        "id_number", "family_id_number"
    )
    return get_in_scope_or_404(request.user, queryset, via="street", pk=pk)


@require("conscription.view")
def candidate_detail(request, pk: int):
    candidate = _candidate(request, pk)
    return render(
        request,
        "defence/candidate_detail.html",
        {
            "candidate": candidate,
            "steps": candidate.steps.select_related("by__person"),
            "form": StepForm() if can(request.user, "conscription.edit") else None,
            "manage": can(request.user, "conscription.manage"),
            "next_stage": Stage(candidate.stage + 1) if candidate.stage < Stage.APPROVED else None,
        },
    )


@require_POST
@require("conscription.edit")
def candidate_step(request, pk: int):
    candidate = _candidate(request, pk)
    form = StepForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("defence:candidate_detail", pk=pk)
    data, user = form.cleaned_data, request.user
    action, on, reason = data["action"], data["on"], data["reason"]
    try:
        if action == "advance":
            conscription.advance(candidate=candidate, to=data["to"], on=on, actor=user)
        elif action == "drop":
            conscription.drop(candidate=candidate, on=on, reason=reason, actor=user)
        elif action == "approve":
            conscription.approve(candidate=candidate, on=on, actor=user)
        elif action == "dispatch":
            conscription.dispatch(candidate=candidate, on=on, actor=user)
        else:
            conscription.return_conscript(candidate=candidate, on=on, reason=reason, actor=user)
        messages.success(request, _("Recorded."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("defence:candidate_detail", pk=pk)
