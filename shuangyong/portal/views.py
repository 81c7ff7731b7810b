"""Each role's home page: what that person needs first when they log in."""

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render

from shuangyong.access import Role, can, require, scoped
from shuangyong.org.models import LeadingGroup, Person, Unit, UnitKind


@require("home.view")
def home(request):
    user = request.user
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
