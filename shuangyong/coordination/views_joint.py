"""Joint military-civil items: the list, raising one, each side's sign-off."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuangyong.access import Role, can, in_scope, require, scoped
from shuangyong.campaigns.selectors import current_campaign
from shuangyong.coordination import comments, selectors, services
from shuangyong.coordination.forms import JointItemForm
from shuangyong.core.feedback import add_to_form, flash_errors
from shuangyong.core.once import once_per_form
from shuangyong.core.validators import parse_id
from shuangyong.org.selectors import garrison_units


@require("joint.view")
def joint_list(request):
    state = request.GET.get("state", "open")
    items = selectors.visible_joint_items(request.user, state=state)
    page = Paginator(items.order_by("-raised_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "coordination/joint_list.html",
        {"page": page, "state": state, "can_raise": can(request.user, "joint.raise")},
    )


def _garrisons(user):
    garrisons = garrison_units()
    if user.role == Role.MILITARY_LIAISON:
        return scoped(user, garrisons, via="")
    return garrisons


@require("joint.raise")
@once_per_form
def joint_raise(request):
    campaign = current_campaign()
    if campaign is None:
        messages.error(request, _("There is no campaign yet."))
        return redirect("coordination:joint_list")
    task_id = parse_id(request.POST.get("task") or request.GET.get("task"))
    task = comments.resolve(request.user, "task", task_id) if task_id else None
    if task is not None:
        campaign = task.campaign
    initial = {"title": task.title, "local_unit": task.lead_unit_id} if task else None
    form = JointItemForm(request.POST or None, garrisons=_garrisons(request.user), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.raise_joint_item(
                campaign=campaign, actor=request.user, task=task, **form.cleaned_data
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Joint item raised; both sides were told."))
            return redirect("coordination:joint_detail", pk=item.pk)
    return render(request, "coordination/joint_form.html", {"form": form, "task": task})


def _item(request, pk: int):
    items = selectors.visible_joint_items(request.user).select_related(
        "local_signed_by__person", "military_signed_by__person", "raised_by__person"
    )
    return get_object_or_404(items, pk=pk)


def signable_sides(user, item) -> set[str]:
    """The sides this user may still sign for this item."""
    return {
        side
        for side, unit in (("local", item.local_unit), ("military", item.garrison_unit))
        if getattr(item, f"{side}_signed_at") is None
        and can(user, f"joint.sign_{side}")
        and in_scope(user, unit)
    }


@require("joint.view")
def joint_detail(request, pk: int):
    item = _item(request, pk)
    return render(
        request,
        "coordination/joint_detail.html",
        {
            "item": item,
            "sides": signable_sides(request.user, item),
            "people": {
                "local": item.local_signed_by and item.local_signed_by.display_name,
                "military": item.military_signed_by and item.military_signed_by.display_name,
            },
        },
    )


@require_POST
@require("joint.view")
def joint_sign(request, pk: int, side: str):
    item = _item(request, pk)
    try:
        item = services.sign_off(item=item, side=side, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You cannot sign for that side."))
        return redirect("coordination:joint_detail", pk=item.pk)
    else:
        if item.closed:
            messages.success(request, _("Both sides have signed off: the item is closed."))
        else:
            messages.success(request, _("Signed off; waiting for the other side."))
    return redirect("coordination:joint_detail", pk=item.pk)
