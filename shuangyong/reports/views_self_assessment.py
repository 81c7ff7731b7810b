"""The self-assessment report: a printable page and the same report as a PDF."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode

from shuangyong.access import can, require
from shuangyong.audit.models import Action
from shuangyong.audit.services import record
from shuangyong.campaigns.models import Campaign
from shuangyong.reports import fonts
from shuangyong.reports.pdf import render_self_assessment
from shuangyong.reports.self_assessment import LIVE, pick_basis, self_assessment_report


def _report(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("standard"), pk=pk)
    assessment = pick_basis(campaign, request.GET.get("basis"))
    return self_assessment_report(campaign=campaign, assessment=assessment)


def _basis_value(report) -> str:
    return LIVE if report.assessment is None else str(report.assessment.pk)


@require("reports.view")
def self_assessment(request, pk: int):
    report = _report(request, pk)
    can_export = can(request.user, "reports.export")
    font_problem = ""
    if can_export:  # only those who may download the PDF need to know it cannot be made
        try:
            fonts.find_cjk_font()
        except fonts.NoChineseFont as exc:
            font_problem = str(exc)
    return render(
        request,
        "reports/self_assessment.html",
        {
            "report": report,
            "campaign": report.campaign,
            "assessments": report.campaign.assessments.all(),
            "basis": _basis_value(report),
            "live": LIVE,
            "can_export": can_export,
            "font_problem": font_problem,
        },
    )


@require("reports.export")
def self_assessment_pdf(request, pk: int):
    """The PDF download; without a Chinese font, back to the page saying what to install."""
    report = _report(request, pk)
    try:
        data = render_self_assessment(report)
    except fonts.NoChineseFont as exc:
        messages.error(request, str(exc))
        page = reverse("reports:self_assessment", args=[pk])
        return redirect(f"{page}?{urlencode({'basis': _basis_value(report)})}")
    record(
        Action.EXPORT,
        object_type="export:self_assessment",
        object_id=report.campaign.pk,
        object_repr=str(report.campaign),
        detail={"basis": report.basis, "format": "pdf", "size": len(data)},
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"自评报告-{report.campaign.pk}-{report.made_on:%Y%m%d}.pdf"
    )
    return response
