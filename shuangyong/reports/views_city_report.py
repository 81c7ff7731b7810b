"""The city pack (向市报送材料): the district's status for the city, as a printable page."""

from django.shortcuts import get_object_or_404, render

from shuangyong.access import require
from shuangyong.campaigns.models import Campaign
from shuangyong.reports.city_report import city_report


@require("citypack.view")
def city_report_page(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("standard"), pk=pk)
    return render(request, "reports/city_report.html", {"report": city_report(campaign)})
