"""The registry pages: search first, a person's page, registering and changing entitlements."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuangyong.access import can, get_in_scope_or_404, require
from shuangyong.care import registry, selectors, support
from shuangyong.care.categories import Category
from shuangyong.care.forms import (
    CertificateForm,
    EntitlementForm,
    HukouForm,
    LinkForm,
    PersonForm,
    SearchForm,
    StatusForm,
    TermsForm,
)
from shuangyong.care.models import (
    Certificate,
    Confirmation,
    EntitledPerson,
    Entitlement,
    EntitlementStatus,
)
from shuangyong.core.feedback import flash_errors, flash_form_errors
from shuangyong.core.pagecache import whole_page
from shuangyong.core.protect import reveal
from shuangyong.core.validators import parse_id
from shuangyong.org.forms import RevealForm
from shuangyong.org.selectors import streets_for


@require("care.view")
@whole_page(shared=True)
def home(request):
    """Search first: nobody pages through the registry unless their role browses it."""
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    found = selectors.search(request.user, query) if query else []
    browse = total = None
    street = request.GET.get("street", "")
    category, status = request.GET.get("category", ""), request.GET.get("status", "")
    cursor = request.GET.get("cursor", "")
    if not query and can(request.user, "care.edit"):
        listing = selectors.browse(request.user, street=street, category=category, status=status)
        browse = listing.page(cursor=cursor, columns=True)
        total = listing.count()
    context = {
        "form": form,
        "query": query,
        "found": found,
        "limited": len(found) >= selectors.SEARCH_LIMIT,  # there may be more
        "browse": browse,
        "total": total,
        "cursor": cursor,
        "streets": streets_for(user=request.user),
        "street": street,
        "category": category,
        "status": status,
        "categories": Category.choices,
        "statuses": EntitlementStatus.choices,
        "filter_query": urlencode({"street": street, "category": category, "status": status}),
        "can_edit": can(request.user, "care.edit"),
        "can_reveal": can(request.user, "care.reveal"),
    }
    if request.headers.get("HX-Request"):
        return render(request, "care/home.html#results", context)
    return render(request, "care/home.html", context)


def _person(request, pk: int) -> EntitledPerson:
    queryset = EntitledPerson.objects.select_related("street", "community").defer(
        "id_number", "bank_account"
    )
    return get_in_scope_or_404(request.user, queryset, via="street", pk=pk)


@require("care.view")
@whole_page(sealed=True, shared=True)  # shows the phone, encrypted at rest
def person_detail(request, pk: int):
    return _person_page(request, pk)


def _person_page(request, pk: int, revealed=None, reveal_form=None, status=200):
    person = _person(request, pk)
    year = timezone.localdate().year
    shown = selectors.person_page(person)
    can_edit = can(request.user, "care.edit")
    context = {
        "person": person,
        **shown,
        "history_shown": selectors.HISTORY_SHOWN,
        "confirmed": Confirmation.objects.filter(person=person, year=year).first(),
        "year": year,
        "can_edit": can_edit,
        "can_reveal": can(request.user, "care.reveal"),
        "revealed": revealed,
        "reveal_form": reveal_form or RevealForm(),
        "entitlement_form": EntitlementForm() if can_edit else None,
        "status_form": StatusForm(initial={"effective": timezone.localdate()}),
        "terms_form": TermsForm(initial={"effective": timezone.localdate()}),
        "hukou_form": HukouForm(initial={"effective": timezone.localdate()}),
        "link_form": LinkForm(),
        "certificate_form": CertificateForm(initial={"issued_on": timezone.localdate()}),
    }
    if request.headers.get("HX-Request") and revealed is not None:
        return render(request, "care/person_detail.html#id_number", context)
    return render(request, "care/person_detail.html", context, status=status)


@require_POST
@require("care.reveal")
def person_reveal(request, pk: int):
    """One person's full ID number for a stated reason; audited."""
    person = _person(request, pk)
    form = RevealForm(request.POST)
    revealed = None
    if form.is_valid():
        full = EntitledPerson.objects.only("id_number").get(pk=person.pk)
        revealed = reveal(
            user=request.user,
            instance=full,
            field_name="id_number",
            reason=form.cleaned_data["reason"],
            permission="care.reveal",
        )
    return _person_page(request, pk, revealed=revealed, reveal_form=form)


@require("care.edit")
def person_edit(request, pk: int | None = None):
    person = None
    if pk:
        person = get_in_scope_or_404(
            request.user, EntitledPerson.objects.all(), via="street", pk=pk
        )
    form = PersonForm(request.POST or None, instance=person, streets=streets_for(user=request.user))
    if request.method == "POST" and form.is_valid():
        save = registry.update_person if person else registry.create_person
        person = save(form=form, actor=request.user)
        messages.success(request, _("“%(name)s” saved.") % {"name": person.name})
        return redirect("care:person_detail", pk=person.pk)
    return render(request, "care/person_form.html", {"form": form, "person": person})


def _apply(request, form, service, done: str, person_id: int, **target):
    """Run ``service`` with the valid form's data; say what happened; back to the person."""
    if form.is_valid():
        try:
            service(actor=request.user, **target, **form.cleaned_data)
            messages.success(request, done)
        except ValidationError as exc:
            flash_errors(request, exc)
    else:
        flash_form_errors(request, form)
    return redirect("care:person_detail", pk=person_id)


@require_POST
@require("care.edit")
def entitlement_add(request, pk: int):
    person = _person(request, pk)
    form = EntitlementForm(request.POST, person=person)
    return _apply(
        request, form, registry.add_entitlement, _("Entitlement added."), pk, person=person
    )


def _entitlement(request, pk: int) -> Entitlement:
    queryset = Entitlement.objects.select_related("person__street")
    return get_in_scope_or_404(request.user, queryset, via="person__street", pk=pk)


@require_POST
@require("care.edit")
def entitlement_status(request, pk: int):
    entitlement = _entitlement(request, pk)
    form = StatusForm(request.POST, person=entitlement.person)
    return _apply(
        request,
        form,
        registry.change_status,
        _("Status changed."),
        entitlement.person_id,
        entitlement=entitlement,
    )


@require_POST
@require("care.edit")
def entitlement_terms(request, pk: int):
    entitlement = _entitlement(request, pk)
    form = TermsForm(request.POST)
    return _apply(
        request,
        form,
        registry.change_terms,
        _("Grade changed."),
        entitlement.person_id,
        entitlement=entitlement,
    )


@require_POST
@require("care.edit")
def person_hukou(request, pk: int):
    person = _person(request, pk)
    form = HukouForm(request.POST)
    return _apply(request, form, registry.change_hukou, _("Hukou changed."), pk, person=person)


@require_POST
@require("care.edit")
def link_add(request, pk: int):
    person = _person(request, pk)
    form = LinkForm(request.POST)
    return _apply(request, form, registry.add_link, _("Saved."), pk, person=person)


@require_POST
@require("care.edit")
def person_confirm(request, pk: int):
    person = _person(request, pk)
    registry.confirm(
        persons=[person],
        year=timezone.localdate().year,
        actor=request.user,
        method=request.POST.get("method", "")[:100],
    )
    messages.success(request, _("Confirmed for this year."))
    return redirect("care:person_detail", pk=person.pk)


@require_POST
@require("care.edit")
def certificate_issue(request, pk: int):
    person = _person(request, pk)
    form = CertificateForm(request.POST)
    return _apply(
        request, form, support.issue_certificate, _("Certificate issued."), pk, person=person
    )


@require_POST
@require("care.edit")
def certificate_step(request, pk: int, action: str):
    certificate = get_in_scope_or_404(
        request.user,
        Certificate.objects.select_related("person__street"),
        via="person__street",
        pk=pk,
    )
    try:
        if action == "lost":
            support.report_lost(
                certificate=certificate, lost_on=timezone.localdate(), actor=request.user
            )
            messages.success(request, _("Reported lost."))
        elif action == "reissue":
            form = CertificateForm(request.POST)
            if not form.is_valid():
                flash_form_errors(request, form)
                return redirect("care:person_detail", pk=certificate.person_id)
            support.reissue(certificate=certificate, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Certificate reissued."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("care:person_detail", pk=certificate.person_id)


@require("care.edit")
def confirmations(request):
    """This year's confirmation: who on periodic payments is not confirmed yet (in scope)."""
    year = timezone.localdate().year
    done = Confirmation.objects.filter(year=year).values("person_id")
    waiting = (
        selectors.persons(request.user)
        .defer("id_number", "bank_account")
        .filter(pk__in=registry.periodic_persons().values("pk"))
    )
    if request.method == "POST":
        picked = [pk for v in request.POST.getlist("person") if (pk := parse_id(v)) is not None]
        chosen = waiting.exclude(pk__in=done).filter(pk__in=picked)
        count = registry.confirm(
            persons=list(chosen),
            year=year,
            actor=request.user,
            method=request.POST.get("method", "")[:100],
        )
        messages.success(request, _("%(n)d persons confirmed for %(y)d.") % {"n": count, "y": year})
        return redirect("care:confirmations")
    total = waiting.count()
    pending = waiting.exclude(pk__in=done).order_by("street__path", "name", "pk")
    page = Paginator(pending, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "care/confirmations.html",
        {"page": page, "year": year, "total": total, "pending": page.paginator.count},
    )
