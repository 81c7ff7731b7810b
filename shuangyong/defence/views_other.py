"""Placement cases with their legal deadlines; support activities and education bases."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.access import can, get_in_scope_or_404, require, scoped
from shuangyong.campaigns.selectors import current_campaign, visible_tasks
from shuangyong.core.feedback import add_to_form
from shuangyong.core.once import once_per_form
from shuangyong.defence import activities, placement, selectors
from shuangyong.defence.forms import ActivityForm, BaseForm, PlacementForm
from shuangyong.defence.models import EducationBase, PlacementCase, SupportActivity
from shuangyong.defence.selectors import visible_activities
from shuangyong.org.models import Unit
from shuangyong.org.selectors import streets_for


@require("placement.view")
def placement_list(request):
    today = timezone.localdate()
    cases = list(selectors.placement_cases(request.user))
    rows = [(case, case.next_deadline(today)) for case in cases]
    state = request.GET.get("state", "open")
    if state == "open":
        rows = [(c, d) for c, d in rows if not c.closed_on]
    elif state == "overdue":
        rows = [(c, d) for c, d in rows if d and d.light == "red"]
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "defence/placement_list.html",
        {
            "page": page,
            "state": state,
            "report": selectors.placement_report(cases, today),
            "can_edit": can(request.user, "placement.edit"),
        },
    )


@require("placement.edit")
def placement_edit(request, pk: int | None = None):
    case = None
    if pk is not None:
        case = get_in_scope_or_404(request.user, PlacementCase.objects.all(), via="street", pk=pk)
    form = PlacementForm(
        request.POST or None, instance=case, streets=streets_for(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = placement.save_case(form=form, actor=request.user)
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("“%(n)s” saved.") % {"n": case.name})
            return redirect("defence:placement_list")
    deadline = case.next_deadline(timezone.localdate()) if case else None
    return render(
        request, "defence/placement_form.html", {"form": form, "case": case, "deadline": deadline}
    )


@require("activities.view")
def activity_list(request):
    found = visible_activities(request.user).select_related("base", "evidence")
    kind = request.GET.get("kind", "")
    if kind:
        found = found.filter(kind=kind)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "defence/activity_list.html",
        {
            "page": page,
            "kind": kind,
            "kinds": SupportActivity._meta.get_field("kind").choices,
            "can_record": can(request.user, "activities.record"),
        },
    )


def _own_units(user):
    return scoped(user, Unit.objects.filter(is_active=True), via="").order_by("path")


def _own_tasks(user):
    """Open tasks of the current campaign the user's units lead or help with."""
    tasks = visible_tasks(user, current_campaign()).filter(progress__lt=100)
    return tasks.select_related("campaign").order_by("title")


@require("activities.record")
@once_per_form
def activity_new(request):
    form = ActivityForm(
        request.POST or None,
        request.FILES or None,
        units=_own_units(request.user),
        tasks=_own_tasks(request.user),
        initial={
            "held_on": timezone.localdate(),
            "unit": getattr(request.user.person, "unit_id", None),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            activities.record_activity(
                form=form,
                actor=request.user,
                upload=form.cleaned_data.get("file"),
                task=form.cleaned_data.get("task"),
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Activity recorded."))
            return redirect("defence:activity_list")
    return render(request, "defence/activity_form.html", {"form": form})


@require("activities.view")
def base_list(request):
    may_add = can(request.user, "activities.record")
    form = BaseForm(request.POST or None, units=_own_units(request.user)) if may_add else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("activities.record")
        if form.is_valid():
            activities.add_base(form=form, actor=request.user)
            messages.success(request, _("Saved."))
            return redirect("defence:base_list")
    bases = EducationBase.objects.select_related("unit").annotate(
        events=Count("activities"), people=Sum("activities__people_reached")
    )
    return render(request, "defence/base_list.html", {"bases": bases, "form": form})
