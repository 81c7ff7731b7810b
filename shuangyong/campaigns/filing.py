"""A unit's accepted plan, summary or duty report filed as evidence (台账) of its criterion,
so it appears in the ledger and the readiness pack where the inspection team looks."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from shuangyong.campaigns.models import (
    Evidence,
    ReviewStatus,
    UnitReport,
    UnitReportKind,
)
from shuangyong.standards import measures
from shuangyong.standards.models import Criterion

MEASURE_OF_KIND: dict[str, str] = {
    UnitReportKind.DUTY_REPORT: "duty_reports",
    UnitReportKind.PLAN: "plans_summaries",
    UnitReportKind.SUMMARY: "plans_summaries",
}


def criterion_for(report: UnitReport) -> Criterion | None:
    """The criterion a unit report is evidence of: the one the campaign names for its kind
    (duty reports; plans and summaries), else the first item that names its measure."""
    campaign = report.campaign
    named = (
        campaign.duty_report_criterion_id
        if report.kind == UnitReportKind.DUTY_REPORT
        else campaign.plan_criterion_id
    )
    if named:
        return Criterion.objects.filter(pk=named).first()
    wanted = MEASURE_OF_KIND[report.kind]
    for criterion in Criterion.objects.filter(standard_id=campaign.standard_id).order_by(
        "sort_key"
    ):
        if measures.measure_of(criterion.rule_params) == wanted:
            return criterion
    return None


def file_accepted_report(report: UnitReport) -> Evidence | None:
    """File an accepted unit report as accepted evidence of its criterion, once.

    Rules: only an accepted report; its attached file, or its text as a .txt file when it
    has none; the evidence carries the report's unit, year and reviewer.
    """
    if report.status != ReviewStatus.ACCEPTED:
        return None
    if Evidence.objects.filter(unit_report=report).exists():
        return None
    criterion = criterion_for(report)
    title = _("%(unit)s %(year)d %(kind)s") % {
        "unit": report.unit.name,
        "year": report.year,
        "kind": report.get_kind_display(),
    }
    if report.file:
        with report.file.open("rb") as stored:
            content = stored.read()
        name = (report.file.name or "").rsplit("/", 1)[-1]
        content_type = "application/octet-stream"
    else:
        content = report.text.encode("utf-8")
        name = f"{title}.txt"
        content_type = "text/plain; charset=utf-8"
    evidence = Evidence(
        campaign=report.campaign,
        task=None,
        unit_report=report,
        criterion=criterion,
        unit=report.unit,
        year=report.year,
        title=title,
        original_name=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        status=ReviewStatus.ACCEPTED,
        author=report.author,
        reviewed_by=report.reviewed_by,
        reviewed_at=report.reviewed_at,
    )
    evidence.file.save(name, ContentFile(content), save=False)
    evidence.save()
    return evidence
