"""Allowance standards and payment batches: compute, review, approve, export."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuangyong.access import can, require, scoped
from shuangyong.care import payments, selectors
from shuangyong.care.forms import ComputeForm
from shuangyong.care.models import AllowanceStandard, BatchKind, BatchLine, PaymentBatch
from shuangyong.core.feedback import flash_errors, flash_form_errors


@require("care.standards.view")
def standard_list(request):
    return render(
        request,
        "care/standards.html",
        {
            "standards": AllowanceStandard.objects.all(),
            "can_edit": can(request.user, "care.standards.edit"),
        },
    )


@require("payments.view")
def batch_list(request):
    page = Paginator(
        PaymentBatch.objects.select_related("computed_by__person", "approved_by__person"), 50
    ).get_page(request.GET.get("page"))
    form = ComputeForm() if payments.may_compute(request.user) else None
    return render(request, "care/batch_list.html", {"page": page, "form": form})


@require_POST
@require("payments.compute")
def batch_compute(request):
    form = ComputeForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("care:batch_list")
    try:
        batch = payments.compute(actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("care:batch_list")
    if batch.computed_meanwhile:
        messages.info(
            request,
            _("%(who)s computed this batch while you waited: it was not computed twice.")
            % {"who": batch.computed_by.display_name if batch.computed_by else ""},
        )
    else:
        messages.success(
            request, _("Computed: %(n)d persons, ¥%(t)s.") % {"n": batch.persons, "t": batch.total}
        )
    return redirect("care:batch_detail", pk=batch.pk)


@require("payments.view")
def batch_overpaid(request, pk: int):
    """The overpayment check, loaded by the batch page after it shows (htmx)."""
    batch = get_object_or_404(PaymentBatch, pk=pk, kind=BatchKind.REGULAR)
    return render(
        request, "care/batch_detail.html#overpaid", {"overpaid": selectors.overpaid(batch)}
    )


@require("payments.view")
def batch_detail(request, pk: int):
    batch = get_object_or_404(
        PaymentBatch.objects.select_related("computed_by__person", "approved_by__person"), pk=pk
    )
    # Totals are the district's; the lines (names) only those within the user's streets.
    lines = (
        scoped(request.user, BatchLine.objects.filter(batch=batch), via="person__street")
        .select_related("person__street", "entitlement")
        .defer("person__id_number", "person__bank_account")
        .order_by("person__street__path", "person__name", "month")
    )
    page = Paginator(lines, 100).get_page(request.GET.get("page"))
    user = request.user
    return render(
        request,
        "care/batch_detail.html",
        {
            "batch": batch,
            "review": selectors.review(batch),
            "page": page,
            "can_approve": payments.may_approve(user, batch),
            "can_discard": payments.may_compute(user) and not batch.is_approved,
            # A draft can be computed again from its page (the approver told it is stale
            # hands it to whoever computes; the maker recomputes it here).
            "recompute": (
                ComputeForm(
                    initial={
                        "programme": batch.programme,
                        "period": batch.period,
                        "kind": batch.kind,
                    }
                )
                if payments.may_compute(user) and not batch.is_approved
                else None
            ),
            "stale": request.GET.get("stale") == "1" and not batch.is_approved,
            "can_export_full": can(user, "payments.export_full"),
            "seen": payments.computed_stamp(batch),
        },
    )


@require_POST
@require("payments.approve")
def batch_approve(request, pk: int):
    batch = get_object_or_404(PaymentBatch, pk=pk)
    try:
        payments.approve(batch=batch, actor=request.user, seen=request.POST.get("seen", ""))
        messages.success(request, _("Approved. The batch can no longer change."))
    except payments.StaleBatch as exc:
        flash_errors(request, exc)
        return redirect(reverse("care:batch_detail", args=[batch.pk]) + "?stale=1")
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("care:batch_detail", pk=batch.pk)


@require_POST
@require("payments.compute")
def batch_discard(request, pk: int):
    batch = get_object_or_404(PaymentBatch, pk=pk)
    try:
        payments.discard(batch=batch, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("care:batch_detail", pk=batch.pk)
    messages.success(request, _("Draft discarded."))
    return redirect("care:batch_list")
