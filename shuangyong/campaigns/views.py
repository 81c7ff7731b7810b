"""Campaign pages: the campaign, its assessments, scoring as you go, readiness, comparison."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuangyong.access import can, require
from shuangyong.campaigns import selectors, services
from shuangyong.campaigns.forms import AssessmentForm, CampaignForm, ScoreForm
from shuangyong.campaigns.models import Assessment, Campaign
from shuangyong.core.pagecache import whole_page
from shuangyong.core.validators import parse_id
from shuangyong.standards.models import Criterion
from shuangyong.standards.presentation import rule_summary


@require("campaigns.view")
def campaign_list(request):
    campaigns = Campaign.objects.select_related("standard", "district")
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "campaigns": campaigns,
            "can_edit": can(request.user, "campaigns.edit"),
        },
    )


@require("campaigns.edit")
def campaign_edit(request, pk: int | None = None):
    campaign = get_object_or_404(Campaign, pk=pk) if pk else None
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.save_campaign(form=form, actor=request.user)
        except ValidationError as exc:
            form.add_error("standard", exc)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign})


@require("campaigns.view")
@whole_page(shared=True)
def campaign_detail(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("standard", "district"), pk=pk)
    totals = []
    if can(request.user, "assessments.view"):
        totals = [
            (a, total, campaign.target_score - total.score)
            for a, total in selectors.assessment_totals(campaign)
        ]
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "totals": totals,
            "can_edit": can(request.user, "campaigns.edit"),
            "can_score": can(request.user, "assessments.score"),
            "can_view_assessments": can(request.user, "assessments.view"),
        },
    )


@require("assessments.score")
def assessment_create(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assessment = services.create_assessment(campaign=campaign, form=form, actor=request.user)
        messages.success(request, _("Assessment started: score the items as you go."))
        return redirect("campaigns:assessment_detail", pk=assessment.pk)
    return render(request, "campaigns/assessment_form.html", {"form": form, "campaign": campaign})


def _chart(total) -> dict:
    categories = [r for r in total.results if r.node.points]
    return {
        "categories": [f"{r.node.code} {r.node.title}" for r in categories],
        "earned": [float(r.scored) for r in categories],
        "available": [float(r.node.points) for r in categories],
        "labels": {"earned": _("Earned"), "available": _("Available")},
    }


def _rows(tree, can_score: bool):
    rows = []
    for criterion, result, score in tree.rows:
        row = {
            "criterion": criterion,
            "result": result,
            "score": score,
            "rule": rule_summary(criterion.rule_type, criterion.rule_params, criterion.points),
        }
        if criterion.is_leaf and can_score:
            initial = {"comment": score.comment if score else ""}
            facts = score.facts if score else {}
            initial.update({k: v for k, v in facts.items()})
            row["form"] = ScoreForm(initial=initial, criterion=criterion)
        rows.append(row)
    return rows


@require("assessments.view")
def assessment_detail(request, pk: int):
    assessment = get_object_or_404(Assessment.objects.select_related("campaign__standard"), pk=pk)
    tree = selectors.scored_tree(assessment)
    can_score = can(request.user, "assessments.score")
    return render(
        request,
        "campaigns/assessment_detail.html",
        {
            "assessment": assessment,
            "campaign": assessment.campaign,
            "total": tree.total,
            "rows": _rows(tree, can_score),
            "can_score": can_score,
            "chart": _chart(tree.total),
        },
    )


@require_POST
@require("assessments.score")
def score_criterion(request, pk: int, criterion_pk: int):
    """Save one item's facts; answer with its row and, out of band, every total that moved."""
    assessment = get_object_or_404(Assessment.objects.select_related("campaign__standard"), pk=pk)
    criterion = get_object_or_404(
        Criterion, pk=criterion_pk, standard_id=assessment.campaign.standard_id
    )
    form = ScoreForm(request.POST, criterion=criterion)
    saved = False
    if form.is_valid():
        try:
            services.record_score(
                assessment=assessment,
                criterion=criterion,
                facts=form.facts(),
                comment=form.cleaned_data["comment"],
                actor=request.user,
            )
            saved = True
        except ValidationError as exc:
            form.add_error(None, exc)
    tree = selectors.scored_tree(assessment)
    by_pk = {c.pk: (c, r, s) for c, r, s in tree.rows}
    _c, result, score = by_pk[criterion.pk]
    row = {
        "criterion": criterion,
        "result": result,
        "score": score,
        "form": form,
        "saved": saved,
        "rule": rule_summary(criterion.rule_type, criterion.rule_params, criterion.points),
    }
    ancestor_rows = [
        {"criterion": c, "result": r}
        for c, r, _s in tree.rows
        if criterion.code.startswith(c.code + ".")
    ]
    if request.headers.get("HX-Request") != "true":
        return redirect("campaigns:assessment_detail", pk=assessment.pk)
    return render(
        request,
        "campaigns/assessment_detail.html#score_response",
        {
            "assessment": assessment,
            "row": row,
            "ancestors": ancestor_rows,
            "total": tree.total,
            "chart": _chart(tree.total),
            "can_score": True,
            "campaign": assessment.campaign,
        },
    )


@require("assessments.view")
def readiness(request, pk: int):
    assessment = get_object_or_404(Assessment.objects.select_related("campaign__standard"), pk=pk)
    gaps = selectors.readiness(assessment)
    return render(
        request,
        "campaigns/readiness.html",
        {
            "assessment": assessment,
            "campaign": assessment.campaign,
            "gaps": gaps,
            "total": assessment.evaluate(),
        },
    )


@require("assessments.view")
def compare(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("standard"), pk=pk)
    assessments = list(campaign.assessments.all())
    chosen = {a.pk: a for a in assessments}
    a = chosen.get(parse_id(request.GET.get("a")))
    b = chosen.get(parse_id(request.GET.get("b")))
    rows = []
    totals = None
    if a and b:
        left, right = selectors.scored_tree(a), selectors.scored_tree(b)
        right_by_code = {c.code: r for c, r, _s in right.rows}
        for criterion, result, _score in left.rows:
            other = right_by_code[criterion.code]
            mine, theirs = result.scored, other.scored
            rows.append(
                {
                    "criterion": criterion,
                    "a": mine,
                    "b": theirs,
                    "diff": theirs - mine,
                    "veto_a": bool(result.vetoes),
                    "veto_b": bool(other.vetoes),
                }
            )
        totals = (left.total, right.total)
    bases, items = selectors.four_way(campaign)
    return render(
        request,
        "campaigns/compare.html",
        {
            "campaign": campaign,
            "assessments": assessments,
            "a": a,
            "b": b,
            "rows": rows,
            "totals": totals,
            "bases": bases,
            "items": items,
            "differing": sum(1 for i in items if i.spread),
        },
    )
