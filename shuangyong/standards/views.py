"""Pages for evaluation standards: the list, the tree, publishing and new versions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuangyong.access import can, require
from shuangyong.core import excel
from shuangyong.standards import services
from shuangyong.standards.forms import CriterionForm
from shuangyong.standards.imports import HEADERS, META_FIELDS, META_SHEET, StandardImporter
from shuangyong.standards.models import Criterion, Standard, Status
from shuangyong.standards.presentation import nested, tree_rows

EXAMPLE = "example_standard.yaml"


@require("standards.view")
def standard_list(request):
    standards = Standard.objects.annotate(
        n_criteria=Count("criteria"),
        n_veto=Count("criteria", filter=Q(criteria__is_veto=True)),
        base_points=Sum(
            "criteria__points", filter=Q(criteria__parent=None, criteria__is_bonus=False)
        ),
    )
    return render(
        request,
        "standards/standard_list.html",
        {
            "standards": standards,
            "can_edit": can(request.user, "standards.edit"),
        },
    )


@require("standards.view")
def standard_detail(request, pk: int):
    standard = get_object_or_404(Standard, pk=pk)
    criteria = list(standard.criteria.order_by("sort_key"))
    can_edit = can(request.user, "standards.edit")
    problems = services.structure_errors(criteria) if can_edit and standard.is_editable else []
    summary = services.summary(standard)
    return render(
        request,
        "standards/standard_detail.html",
        {
            "standard": standard,
            "nodes": nested(tree_rows(criteria)),
            "summary": summary,
            "can_edit": can_edit,
            "problems": problems,
            "versions": Standard.objects.filter(name=standard.name).exclude(pk=standard.pk),
        },
    )


@require_POST
@require("standards.edit")
def standard_publish(request, pk: int):
    standard = get_object_or_404(Standard, pk=pk)
    try:
        services.publish(standard=standard, actor=request.user)
        messages.success(request, _("Published: from now on this version cannot be changed."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("standards:standard_detail", pk=pk)


@require_POST
@require("standards.edit")
def standard_archive(request, pk: int):
    standard = get_object_or_404(Standard, pk=pk)
    try:
        services.archive(standard=standard, actor=request.user)
        messages.success(request, _("Archived."))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("standards:standard_detail", pk=pk)


@require_POST
@require("standards.edit")
def standard_new_version(request, pk: int):
    standard = get_object_or_404(Standard, pk=pk)
    try:
        copy = services.new_version(
            standard=standard, version=request.POST.get("version", ""), actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("standards:standard_detail", pk=pk)
    messages.success(request, _("Draft %(v)s created from this version.") % {"v": copy.version})
    return redirect("standards:standard_detail", pk=copy.pk)


@require_POST
@require("standards.edit")
def standard_delete(request, pk: int):
    standard = get_object_or_404(Standard, pk=pk)
    if standard.status != Status.DRAFT or standard.campaigns.exists():
        messages.error(request, _("Only a draft that no campaign uses can be deleted."))
        return redirect("standards:standard_detail", pk=pk)
    standard.delete()
    messages.success(request, _("Draft deleted."))
    return redirect("standards:standard_list")


@require("standards.view")
def example_workbook(request):
    """The example standard as a filled-in import template."""
    from pathlib import Path

    path = Path(__file__).parent / "data" / EXAMPLE
    importer = StandardImporter()
    rows = list(importer.read(path, path.name))
    meta = importer.yaml_meta
    response = HttpResponse(content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="example-standard.xlsx"'
    excel.write_workbook(
        response,
        [
            ("考评标准", HEADERS, rows[1:]),
            (
                META_SHEET,
                ["项目", "内容"],
                [[label, meta.get(key) or ""] for label, key in META_FIELDS],
            ),
        ],
    )
    return response


@require("standards.edit")
def criterion_edit(request, pk: int, criterion_pk: int | None = None):
    standard = get_object_or_404(Standard, pk=pk)
    if not standard.is_editable:
        messages.error(request, _("A published standard cannot be changed; start a new version."))
        return redirect("standards:standard_detail", pk=pk)
    criterion = (
        get_object_or_404(Criterion, pk=criterion_pk, standard=standard) if criterion_pk else None
    )
    initial = {}
    if criterion is None and request.GET.get("parent"):
        parent = standard.criteria.filter(code=request.GET["parent"]).first()
        if parent is not None:
            siblings = parent.children.count()
            initial = {"code": f"{parent.code}.{siblings + 1}", "is_bonus": parent.is_bonus}
    form = CriterionForm(
        request.POST or None, instance=criterion, standard=standard, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        saved = services.save_criterion(standard=standard, form=form, actor=request.user)
        messages.success(request, _("Criterion %(code)s saved.") % {"code": saved.code})
        return redirect("standards:standard_detail", pk=pk)
    return render(
        request,
        "standards/criterion_form.html",
        {"form": form, "standard": standard, "criterion": criterion},
    )


@require_POST
@require("standards.edit")
def criterion_delete(request, pk: int, criterion_pk: int):
    standard = get_object_or_404(Standard, pk=pk)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, standard=standard)
    try:
        services.delete_criterion(criterion=criterion, actor=request.user)
        messages.success(request, _("Criterion %(code)s deleted.") % {"code": criterion.code})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("standards:standard_detail", pk=pk)
