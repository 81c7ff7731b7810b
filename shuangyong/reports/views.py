"""The annual figures page."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.access import can, require
from shuangyong.campaigns.models import Campaign
from shuangyong.core.validators import plain_digits
from shuangyong.reports.selectors import annual_figures

FIRST_YEAR = 2020


@require("reports.view")
def annual(request):
    this_year = timezone.localdate().year
    text = request.GET.get("year", "")
    year = int(text) if plain_digits(text) and FIRST_YEAR <= int(text) <= this_year else this_year
    sections, paid = annual_figures(year)
    chart = {
        "categories": [r.category for r in paid],
        "series": [
            {"name": _("Amount paid (yuan)"), "data": [float(r.amount) for r in paid]},
        ],
    }
    return render(
        request,
        "reports/annual.html",
        {
            "year": year,
            "years": range(this_year, FIRST_YEAR - 1, -1),
            "sections": sections,
            "paid": paid,
            "chart": chart,
            "can_export": can(request.user, "reports.export"),
            "campaigns": Campaign.objects.order_by("-end_year", "-id"),
            "can_pack": can(request.user, "reports.pack"),
        },
    )
