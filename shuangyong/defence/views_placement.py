"""Placement cases (安置): the list with each case's next legal deadline, and the case form."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.access import can, get_in_scope_or_404, require
from shuangyong.core.feedback import add_to_form
from shuangyong.defence import placement, selectors
from shuangyong.defence.forms import PlacementForm
from shuangyong.defence.models import PlacementCase
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
