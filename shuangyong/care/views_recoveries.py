"""Recoveries (追回) and the programmes' payment rules."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shuangyong.access import can, require
from shuangyong.care import payments, recoveries, rules
from shuangyong.care.categories import Programme
from shuangyong.care.forms import ProgrammeRuleForm, RepaymentForm, WriteOffForm
from shuangyong.care.models import ProgrammeRule, RecoveryState
from shuangyong.care.selectors import yuan
from shuangyong.core.feedback import flash_errors, flash_form_errors

STATE_FILTERS = [
    ("outstanding", gettext_lazy("Outstanding")),
    *RecoveryState.choices,
    ("", gettext_lazy("All")),
]


@require("payments.view")
def recovery_list(request):
    state = request.GET.get("state", "outstanding")
    if state not in dict(STATE_FILTERS):
        state = "outstanding"
    found = recoveries.visible_recoveries(request.user, state=state)
    totals = found.order_by().aggregate(
        n=Count("id"),
        amount=Sum("amount_cents"),
        back=Sum(F("recovered_cents") + F("offset_cents")),
    )
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "care/recovery_list.html",
        {
            "page": page,
            "state": state,
            "states": [(value, str(label)) for value, label in STATE_FILTERS],
            "count": totals["n"],
            "amount": yuan(totals["amount"]),
            "back": yuan(totals["back"]),
        },
    )


def _district_wide(request) -> None:
    """Money decisions are the district's: a street's officer is refused before any form."""
    if not payments.district_wide(request.user):
        raise PermissionDenied(_("Payments are decided for the whole district."))


def _visible(request, pk: int):
    return get_object_or_404(recoveries.visible_recoveries(request.user, state=""), pk=pk)


@require("payments.view")
def recovery_detail(request, pk: int):
    recovery = _visible(request, pk)
    user = request.user
    open_ = recovery.state in recoveries.OPEN_STATES
    return render(
        request,
        "care/recovery_detail.html",
        {
            "recovery": recovery,
            "repay_form": RepaymentForm() if open_ and payments.may_compute(user) else None,
            "write_off_form": (
                WriteOffForm()
                if open_
                and can(user, "payments.approve")
                and payments.district_wide(user)
                and recovery.batch.computed_by_id != user.pk
                else None
            ),
        },
    )


def _act(request, pk: int, form_class, service, done: str):
    """A form posted on a recovery's page, handed to its service; back to the page."""
    _district_wide(request)
    recovery = _visible(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("care:recovery_detail", pk=recovery.pk)
    try:
        service(recovery=recovery, actor=request.user, **form.cleaned_data)
        messages.success(request, done)
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("care:recovery_detail", pk=recovery.pk)


@require_POST
@require("payments.compute")
def recovery_repay(request, pk: int):
    return _act(request, pk, RepaymentForm, recoveries.record_repayment, _("Repayment recorded."))


@require_POST
@require("payments.approve")
def recovery_write_off(request, pk: int):
    return _act(request, pk, WriteOffForm, recoveries.write_off, _("Written off."))


@require("payments.view")
def rule_list(request):
    for programme in Programme.values:
        payments.rule_for(programme)  # every programme has its row (and lock)
    found = list(ProgrammeRule.objects.all())
    editable = can(request.user, "care.standards.edit") and payments.district_wide(request.user)
    return render(
        request,
        "care/rules.html",
        {
            "rows": [
                (
                    rule,
                    ProgrammeRuleForm(instance=rule, prefix=rule.programme) if editable else None,
                )
                for rule in found
            ]
        },
    )


@require_POST
@require("care.standards.edit")
def rule_edit(request, programme: str):
    _district_wide(request)
    rule = get_object_or_404(ProgrammeRule, programme=programme)
    form = ProgrammeRuleForm(request.POST, instance=rule, prefix=programme)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("care:rules")
    try:
        rules.update_rule(programme=programme, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Saved. Drafts computed before must be computed again."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("care:rules")
