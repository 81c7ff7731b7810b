"""Each role's home page: what waits for that person (我的待办), then their unit or district."""

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render

from shuangyong.access import Role, can, require, scoped
from shuangyong.core.validators import parse_id
from shuangyong.org.models import LeadingGroup, Person, Unit, UnitKind
from shuangyong.portal.todo import campaigns_of, todo_for

CAMPAIGN_KEY = "campaign_id"


def chosen_campaign(request, campaigns):
    """The campaign the person chose (kept in the session), else their newest one."""
    wanted = parse_id(request.GET.get("campaign")) or request.session.get(CAMPAIGN_KEY)
    chosen = next((c for c in campaigns if c.pk == wanted), None)
    if chosen is not None and request.GET.get("campaign"):
        request.session[CAMPAIGN_KEY] = chosen.pk
    return chosen or (campaigns[0] if campaigns else None)


@require("home.view")
def home(request):
    user = request.user
    campaigns = campaigns_of(user)
    if user.role == Role.LEADER and campaigns and can(user, "evaluation.view"):
        return redirect("supervision:dashboard_latest")
    campaign = chosen_campaign(request, campaigns)
    groups = todo_for(user, campaign=campaign)
    units = scoped(user, Unit.objects.filter(is_active=True), via="")
    counts = units.aggregate(
        total=Count("pk"),
        members=Count("pk", filter=Q(is_member=True)),
        streets=Count("pk", filter=Q(kind=UnitKind.STREET)),
        garrison=Count("pk", filter=Q(kind=UnitKind.GARRISON)),
    )
    people = (
        scoped(user, Person.objects.filter(is_active=True)).count()
        if can(user, "org.people.view")
        else None
    )
    group = LeadingGroup.objects.current()
    unit = user.unit
    context = {
        "todo": [g for g in groups if g.count],
        "todo_total": sum(g.count for g in groups),
        "campaigns": campaigns,
        "campaign": campaign,
        "counts": counts,
        "people_count": people,
        "group": group,
        "group_size": group.positions.count() if group else 0,
        "unit": unit,
        "role": Role(user.role) if user.role else None,
        "is_unit_scoped": user.is_unit_scoped,
        "children": scoped(user, unit.children.all(), via="") if unit else [],
    }
    return render(request, "portal/home.html", context)


def healthz(request):
    """For load balancers: the process answers and the database is reachable."""
    Unit.objects.exists()
    return HttpResponse("ok", content_type="text/plain")
