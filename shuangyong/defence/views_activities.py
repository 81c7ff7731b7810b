"""Support activities and national-defence education bases: lists, recording, adding."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.access import can, require, scoped
from shuangyong.campaigns.selectors import current_campaign, visible_tasks
from shuangyong.core.feedback import add_to_form
from shuangyong.core.once import once_per_form
from shuangyong.defence import activities
from shuangyong.defence.forms import ActivityForm, BaseForm
from shuangyong.defence.models import EducationBase, SupportActivity
from shuangyong.defence.selectors import visible_activities
from shuangyong.org.models import Unit


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
