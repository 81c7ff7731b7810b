"""The auditor's pages: read and export the trail, nothing else.

They live in ``core`` rather than ``audit`` because they use the Excel writer: the
``audit`` app records and chains events and sits below ``core``, which records
through it (docs/architecture.md, the layer order).
"""

import json

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.access import require
from shuangyong.audit import selectors
from shuangyong.audit.forms import EventFilterForm
from shuangyong.audit.models import Action, AuditEvent
from shuangyong.audit.services import record
from shuangyong.core.excel import write_workbook

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form(request) -> EventFilterForm:
    units = (
        AuditEvent.objects.exclude(actor_unit_id=None)
        .order_by("actor_unit_name")
        .values_list("actor_unit_id", "actor_unit_name")
        .distinct()
    )
    return EventFilterForm(request.GET or None, units=units, object_types=selectors.object_types())


@require("audit.view")
def event_list(request):
    form = _form(request)
    events = selectors.events(**form.filters())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require("audit.export")
def event_export(request):
    form = _form(request)
    filters = form.filters()
    events = selectors.events(**filters)
    record(
        Action.EXPORT,
        object_type="audit.auditevent",
        detail={"filters": {k: str(v) for k, v in filters.items() if v}},
    )
    headers = [
        _("Number"),
        _("Time"),
        _("Action"),
        _("Person"),
        _("Unit"),
        _("Address"),
        _("Object type"),
        _("Object id"),
        _("Object"),
        _("Changes"),
        _("Detail"),
        _("Hash"),
    ]
    rows = (
        [
            e.seq,
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.get_action_display(),
            e.actor_name,
            e.actor_unit_name,
            e.ip,
            e.object_type,
            e.object_id,
            e.object_repr,
            _json(e.changes),
            _json(e.detail),
            e.hash,
        ]
        for e in events.iterator(chunk_size=2000)
    )
    response = HttpResponse(content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
    write_workbook(response, [(_("Audit trail"), headers, rows)])
    return response


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False) if value else ""
