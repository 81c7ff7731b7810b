"""Each role's home page: what waits for that person (我的待办), then their unit or district."""

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from shuangyong.access import Role, can, require, scoped
from shuangyong.core.cache import bump, cached
from shuangyong.core.pagecache import whole_page
from shuangyong.core.validators import parse_id
from shuangyong.org.models import LeadingGroup, Person, Unit, UnitKind
from shuangyong.portal.todo import campaigns_of, shows_own_work, todo_for

CAMPAIGN_KEY = "campaign_id"
FACTS_VERSION = "home:district-facts"
FACTS_SECONDS = 60


def district_facts(user) -> tuple[dict, int | None, LeadingGroup | None, int]:
    """The home page's unit counts, people count and current leading group with its size.

    Rules: the units and people within the user's scope (the people count only for roles
    that may see people). The same for everyone of the same scope, so cached for a minute
    and dropped by any save or delete of a unit, person, group or position (bulk writes,
    which send no signal, show within the minute)."""
    may_see_people = can(user, "org.people.view")
    if user.is_unit_scoped:
        root = user.scope_root
        scope = ["unit", root.pk if root else None]
    else:
        scope = ["district"]

    def compute():
        units = scoped(user, Unit.objects.filter(is_active=True), via="")
        counts = units.aggregate(
            total=Count("pk"),
            members=Count("pk", filter=Q(is_member=True)),
            streets=Count("pk", filter=Q(kind=UnitKind.STREET)),
            garrison=Count("pk", filter=Q(kind=UnitKind.GARRISON)),
        )
        people = (
            scoped(user, Person.objects.filter(is_active=True)).count() if may_see_people else None
        )
        group = LeadingGroup.objects.current()
        return counts, people, group, group.positions.count() if group else 0

    key = [*scope, may_see_people, timezone.localdate()]
    return cached(key, FACTS_VERSION, compute, timeout=FACTS_SECONDS)


def forget_district_facts(**kwargs) -> None:
    bump(FACTS_VERSION)


def chosen_campaign(request, campaigns):
    """The campaign the person chose (kept in the session), else their newest one."""
    wanted = parse_id(request.GET.get("campaign")) or request.session.get(CAMPAIGN_KEY)
    chosen = next((c for c in campaigns if c.pk == wanted), None)
    if chosen is not None and request.GET.get("campaign"):
        request.session[CAMPAIGN_KEY] = chosen.pk
    return chosen or (campaigns[0] if campaigns else None)


@require("home.view")
@whole_page(shared=True, by_session=(CAMPAIGN_KEY,), personal=shows_own_work)
def home(request):
    user = request.user
    campaigns = campaigns_of(user)
    if user.role == Role.LEADER and campaigns and can(user, "evaluation.view"):
        return redirect("supervision:dashboard_latest")
    campaign = chosen_campaign(request, campaigns)
    groups = todo_for(user, campaign=campaign)
    counts, people, group, group_size = district_facts(user)
    unit = user.unit
    context = {
        "todo": [g for g in groups if g.count],
        "todo_total": sum(g.count for g in groups),
        "campaigns": campaigns,
        "campaign": campaign,
        "counts": counts,
        "people_count": people,
        "group": group,
        "group_size": group_size,
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
