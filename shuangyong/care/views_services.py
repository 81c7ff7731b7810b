"""Holiday visits with their coverage, and needs handled by the units."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuangyong.access import can, in_scope, require
from shuangyong.care import selectors, support
from shuangyong.care.forms import NeedForm, OccasionForm, ReplyForm, SatisfactionForm, VisitForm
from shuangyong.care.models import NeedStatus, Visit, VisitOccasion
from shuangyong.core.feedback import add_to_form, flash_errors
from shuangyong.core.once import once_per_form
from shuangyong.core.validators import parse_id


@require("visits.view")
def occasion_list(request):
    occasions = VisitOccasion.objects.annotate(n=Count("visits"))
    form = OccasionForm(request.POST or None) if can(request.user, "visits.record") else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("visits.record")
        if form.is_valid():
            occasion = form.save()
            return redirect("care:occasion_detail", pk=occasion.pk)
    return render(request, "care/occasion_list.html", {"occasions": occasions, "form": form})


@require("visits.view")
def occasion_detail(request, pk: int, form=None, status=200):
    occasion = get_object_or_404(VisitOccasion, pk=pk)
    persons = selectors.persons(request.user).defer("id_number", "bank_account")
    query = request.GET.get("q", "").strip()
    found = persons.search(query)[:20] if query and can(request.user, "care.view") else []
    chosen = None
    if (person_id := parse_id(request.GET.get("person"))) is not None:
        chosen = persons.filter(pk=person_id).first()
    if form is None and can(request.user, "visits.record"):
        form = VisitForm(
            persons=persons, initial={"person": chosen, "visited_on": timezone.localdate()}
        )
    rows = selectors.visit_coverage(occasion, request.user)
    visits = Visit.objects.filter(occasion=occasion).select_related("person__street", "garrison")
    visits = visits.filter(Q(person__in=persons) | Q(person__isnull=True))
    return render(
        request,
        "care/occasion_detail.html",
        {
            "occasion": occasion,
            "rows": rows,
            "families": sum(r["families"] for r in rows),
            "visited": sum(r["visited"] for r in rows),
            "visits": visits[:200],
            "form": form,
            "query": query,
            "found": found,
            "chosen": chosen,
        },
        status=status,
    )


@require_POST
@require("visits.record")
def visit_add(request, pk: int):
    occasion = get_object_or_404(VisitOccasion, pk=pk)
    persons = selectors.persons(request.user)
    form = VisitForm(request.POST, persons=persons)
    if form.is_valid():
        try:
            support.record_visit(occasion=occasion, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect("care:occasion_detail", pk=occasion.pk)
    return occasion_detail(request, pk, form=form, status=400)


# --- needs --------------------------------------------------------------------------------


@require("needs.view")
def need_list(request):
    state = request.GET.get("state", "open")
    needs = selectors.visible_needs(request.user)
    if state in NeedStatus.values:
        needs = needs.filter(status=state)
    page = Paginator(needs.order_by("deadline", "pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "care/need_list.html",
        {
            "page": page,
            "state": state,
            "states": NeedStatus.choices,
            "can_add": can(request.user, "needs.add"),
            "today": timezone.localdate(),
        },
    )


@require("needs.add")
@once_per_form
def need_new(request):
    persons, garrisons = selectors.need_sources(request.user)
    chosen = None
    if (person_id := parse_id(request.GET.get("person"))) is not None:
        chosen = persons.filter(pk=person_id).defer("id_number", "bank_account").first()
    initial = {"deadline": timezone.localdate() + dt.timedelta(days=15)}
    if chosen:
        initial.update(source="person", person=chosen)
    form = NeedForm(request.POST or None, persons=persons, garrisons=garrisons, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            need = support.add_need(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request, _("Need registered; %(unit)s was told.") % {"unit": need.assignee.name}
            )
            return redirect("care:need_detail", pk=need.pk)
    return render(request, "care/need_form.html", {"form": form, "chosen": chosen})


@require("needs.view")
def need_detail(request, pk: int, reply_form=None, status=200):
    need = get_object_or_404(selectors.visible_needs(request.user), pk=pk)
    user = request.user
    may_reply = (
        need.status != NeedStatus.CLOSED
        and can(user, "needs.reply")
        and (not user.is_unit_scoped or in_scope(user, need.assignee))
    )
    return render(
        request,
        "care/need_detail.html",
        {
            "need": need,
            "reply_form": (reply_form or ReplyForm()) if may_reply else None,
            "close_form": SatisfactionForm()
            if can(user, "needs.close") and need.status == NeedStatus.REPLIED
            else None,
            "show_person": can(user, "care.view"),
        },
        status=status,
    )


@require_POST
@require("needs.reply")
def need_reply(request, pk: int):
    need = get_object_or_404(selectors.visible_needs(request.user), pk=pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            support.reply_need(need=need, text=form.cleaned_data["text"], actor=request.user)
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Reply recorded; the task is done."))
            return redirect("care:need_detail", pk=need.pk)
    return need_detail(request, pk, reply_form=form, status=400)


@require_POST
@require("needs.close")
def need_close(request, pk: int):
    need = get_object_or_404(selectors.visible_needs(request.user), pk=pk)
    form = SatisfactionForm(request.POST)
    if form.is_valid():
        try:
            need = support.close_need(
                need=need, satisfaction=form.cleaned_data["satisfaction"], actor=request.user
            )
            if need.status == NeedStatus.OPEN:
                messages.warning(request, _("Not satisfied: sent back to the unit."))
            else:
                messages.success(request, _("Need closed."))
        except ValidationError as exc:
            flash_errors(request, exc)
    else:
        messages.error(request, _("Choose how satisfied the requester is."))
    return redirect("care:need_detail", pk=need.pk)
