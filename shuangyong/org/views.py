"""Pages for units, people and the leading group. Thin: check, call, render."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuangyong.access import can, get_in_scope_or_404, require, scoped
from shuangyong.core.protect import reveal
from shuangyong.org import selectors, services
from shuangyong.org.forms import (
    GroupPositionForm,
    LeadingGroupForm,
    PersonForm,
    RevealForm,
    SearchForm,
    UnitForm,
)
from shuangyong.org.models import GroupPosition, LeadingGroup, Person, Unit

PAGE_SIZE = 50


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- units -------------------------------------------------------------------


@require("org.units.view")
def unit_list(request):
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    units = selectors.units_for(user=request.user, query=query)
    context = {
        "form": form,
        "query": query,
        "units": units,
        "can_edit": can(request.user, "org.units.edit"),
        "can_import": can(request.user, "org.units.import"),
        "can_export": can(request.user, "org.units.export"),
    }
    template = "org/unit_list.html#results" if _is_htmx(request) else "org/unit_list.html"
    return render(request, template, context)


@require("org.units.view")
def unit_detail(request, pk: int):
    unit = get_in_scope_or_404(request.user, Unit.objects.select_related("parent"), via="", pk=pk)
    children = scoped(request.user, unit.children.annotate(n_people=Count("people")), via="")
    people = unit.people.filter(is_active=True)
    positions = GroupPosition.objects.filter(person__unit=unit).select_related("group", "person")
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "children": children,
            "people": people if can(request.user, "org.people.view") else None,
            "positions": positions,
            "can_edit": can(request.user, "org.units.edit"),
        },
    )


@require("org.units.edit")
def unit_edit(request, pk: int | None = None):
    unit = get_object_or_404(Unit, pk=pk) if pk else None
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        unit = services.save_unit(form=form, actor=request.user)
        messages.success(request, _("Unit “%(name)s” saved.") % {"name": unit.name})
        return redirect("org:unit_detail", pk=unit.pk)
    return render(request, "org/unit_form.html", {"form": form, "unit": unit})


# --- people ------------------------------------------------------------------


@require("org.people.view")
def person_list(request):
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    unit_id = request.GET.get("unit") or ""
    people, total = selectors.people_for(
        user=request.user, query=query, unit_id=unit_id, limit=PAGE_SIZE
    )
    context = {
        "form": form,
        "query": query,
        "people": people,
        "total": total,
        "limit": PAGE_SIZE,
        "can_edit": can(request.user, "org.people.edit"),
        "can_import": can(request.user, "org.people.import"),
        "can_export": can(request.user, "org.people.export"),
        "can_export_full": can(request.user, "org.people.reveal_id")
        and can(request.user, "org.people.export"),
    }
    template = "org/person_list.html#results" if _is_htmx(request) else "org/person_list.html"
    return render(request, template, context)


@require("org.people.view")
def person_detail(request, pk: int):
    person = get_in_scope_or_404(request.user, Person.objects.select_related("unit"), pk=pk)
    positions = person.group_positions.select_related("group")
    return render(
        request,
        "org/person_detail.html",
        {
            "person": person,
            "positions": positions,
            "can_edit": can(request.user, "org.people.edit"),
            "can_reveal": can(request.user, "org.people.reveal_id"),
            "reveal_form": RevealForm(),
        },
    )


@require_POST
@require("org.people.reveal_id")
def person_reveal_id(request, pk: int):
    """One person's full ID number, for a stated reason; the reveal is audited."""
    person = get_in_scope_or_404(request.user, Person.objects.select_related("unit"), pk=pk)
    form = RevealForm(request.POST)
    revealed = None
    if form.is_valid():
        revealed = reveal(
            user=request.user,
            instance=person,
            field_name="id_number",
            reason=form.cleaned_data["reason"],
            permission="org.people.reveal_id",
        )
    context = {"person": person, "revealed": revealed, "reveal_form": form, "can_reveal": True}
    if _is_htmx(request):
        return render(request, "org/person_detail.html#id_number", context)
    context["positions"] = person.group_positions.select_related("group")
    return render(request, "org/person_detail.html", context)


@require("org.people.edit")
def person_edit(request, pk: int | None = None):
    person = get_in_scope_or_404(request.user, Person.objects.all(), pk=pk) if pk else None
    initial = {"unit": request.GET.get("unit")} if not pk else None
    form = PersonForm(request.POST or None, instance=person, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        person = services.save_person(form=form, actor=request.user)
        messages.success(request, _("“%(name)s” saved.") % {"name": person.name})
        return redirect("org:person_detail", pk=person.pk)
    return render(request, "org/person_form.html", {"form": form, "person": person})


# --- leading group -----------------------------------------------------------


@require("org.group.view")
def group_detail(request, pk: int | None = None):
    if pk is None:
        group = LeadingGroup.objects.current() or LeadingGroup.objects.first()
        if group is None:
            return render(
                request,
                "org/group_detail.html",
                {"group": None, "can_edit": can(request.user, "org.group.edit")},
            )
    else:
        group = get_object_or_404(LeadingGroup, pk=pk)
    positions = group.positions.select_related("person__unit")
    member_units = Unit.objects.member_units().annotate(
        n_people=Count("people", filter=Q(people__is_active=True))
    )
    return render(
        request,
        "org/group_detail.html",
        {
            "group": group,
            "positions": positions,
            "member_units": member_units,
            "terms": LeadingGroup.objects.all(),
            "is_current": group == LeadingGroup.objects.current(),
            "can_edit": can(request.user, "org.group.edit"),
            "position_form": GroupPositionForm(group=group),
        },
    )


@require("org.group.edit")
def group_edit(request, pk: int | None = None):
    group = get_object_or_404(LeadingGroup, pk=pk) if pk else None
    form = LeadingGroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        group = services.save_group(form=form, actor=request.user)
        messages.success(request, _("Leading group saved."))
        return redirect("org:group_detail", pk=group.pk)
    return render(request, "org/group_form.html", {"form": form, "group": group})


@require_POST
@require("org.group.edit")
def position_add(request, pk: int):
    group = get_object_or_404(LeadingGroup, pk=pk)
    form = GroupPositionForm(request.POST, group=group)
    if form.is_valid():
        services.add_position(group=group, form=form, actor=request.user)
        messages.success(request, _("Position added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("org:group_detail", pk=group.pk)


@require_POST
@require("org.group.edit")
def position_remove(request, pk: int, position_pk: int):
    position = GroupPosition.objects.filter(group_id=pk, pk=position_pk).first()
    if position is None:
        raise Http404
    services.remove_position(position=position, actor=request.user)
    messages.success(request, _("Position removed."))
    return redirect("org:group_detail", pk=pk)
