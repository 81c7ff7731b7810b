"""The campaign's own figures a criterion may score by (standards.measures): the share of
member units whose duty report, or plan and summary, for the year was accepted."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shuangyong.campaigns.models import ReviewStatus, UnitReport, UnitReportKind
from shuangyong.campaigns.selectors import report_year
from shuangyong.org.models import Unit
from shuangyong.standards.measures import Figure, register


def _accepted(campaign, year: int) -> dict[str, set[int]]:
    accepted: dict[str, set[int]] = {k: set() for k in UnitReportKind.values}
    for unit_id, kind in UnitReport.objects.filter(
        campaign=campaign, year=year, status=ReviewStatus.ACCEPTED, unit__is_member=True
    ).values_list("unit_id", "kind"):
        accepted[kind].add(unit_id)
    return accepted


def duty_reports(campaign) -> Figure:
    """Member units whose duty report for the year was accepted (two queries)."""
    year = report_year(campaign)
    members = Unit.objects.member_units().count()
    done = len(_accepted(campaign, year)[UnitReportKind.DUTY_REPORT])
    url = reverse("campaigns:unit_reports", args=[campaign.pk])
    return Figure(done, members, note=str(year), url=url)


def plans_summaries(campaign) -> Figure:
    """Member units whose plan and summary for the year were both accepted (two queries)."""
    year = report_year(campaign)
    members = Unit.objects.member_units().count()
    accepted = _accepted(campaign, year)
    done = len(accepted[UnitReportKind.PLAN] & accepted[UnitReportKind.SUMMARY])
    url = reverse("campaigns:unit_reports", args=[campaign.pk])
    return Figure(done, members, note=str(year), url=url)


register(
    "duty_reports",
    label=_("Duty reports accepted"),
    description=_("Member units whose duty report for the year was accepted, of all members."),
    compute=duty_reports,
)
register(
    "plans_summaries",
    label=_("Plans and summaries accepted"),
    description=_(
        "Member units whose plan and summary for the year were both accepted, of all members."
    ),
    compute=plans_summaries,
)
