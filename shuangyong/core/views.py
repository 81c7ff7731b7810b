"""Import and export pages shared by every kind of data (one pipeline, one set of pages)."""

import secrets

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from shuangyong.access import can
from shuangyong.audit.models import Action
from shuangyong.audit.services import record
from shuangyong.core.excel import XLSX_CONTENT_TYPE
from shuangyong.core.forms import ImportForm
from shuangyong.core.imports import (
    EXPORTERS,
    IMPORTERS,
    ImportFileError,
    error_workbook_expired,
    error_workbook_folder,
    prune_error_workbooks,
)
from shuangyong.core.validators import parse_id

ERROR_FILES_SESSION_KEY = "import_error_files"


def _check(request, permission: str):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can(request.user, permission):
        raise PermissionDenied(permission)
    return None


def _xlsx_response(filename: str) -> HttpResponse:
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(filename)
    return response


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"{quote(filename)}\"; filename*=UTF-8''{quote(filename)}"


def import_view(request, kind: str):
    importer_class = IMPORTERS.get(kind)
    if importer_class is None:
        raise Http404
    if denied := _check(request, importer_class.permission):
        return denied
    flags = [o for o in importer_class.options if o.type is bool]
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        extra_suffixes=importer_class.suffixes,
        flags=flags,
    )
    result = error_token = file_error = None
    # Options the command line takes as --flags come as query parameters here (?campaign=3).
    options = {
        option.name: request.GET.get(option.flag.lstrip("-"), "")
        for option in importer_class.options
        if option.type is not bool
    }
    if any(o.required and not options.get(o.name) for o in importer_class.options):
        raise Http404
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        importer = importer_class(
            actor=request.user, **options, **{o.name: form.cleaned_data[o.name] for o in flags}
        )
        try:
            result = importer.run(
                upload,
                name=upload.name,
                partial=form.cleaned_data["partial"] and importer_class.allow_partial,
            )
        except ImportFileError as exc:
            file_error = str(exc)
        if result is not None and result.rejected:
            error_token = _store_error_workbook(request, result)
    return render(
        request,
        "core/import.html",
        {
            "form": form,
            "kind": kind,
            "label": importer_class.label,
            "columns": importer_class.columns,
            "result": result,
            "file_error": file_error,
            "error_token": error_token,
            "options": options,
        },
    )


def _store_error_workbook(request, result) -> str:
    token = secrets.token_urlsafe(16)
    prune_error_workbooks()
    folder = error_workbook_folder()
    folder.mkdir(parents=True, exist_ok=True)
    result.write_error_workbook(folder / f"{token}.xlsx")
    # Only the person who ran the import may fetch its error workbook.
    tokens = request.session.get(ERROR_FILES_SESSION_KEY, [])[-9:]
    request.session[ERROR_FILES_SESSION_KEY] = [*tokens, token]
    return token


def import_errors(request, token: str):
    if denied := _check(request, "home.view"):
        return denied
    if token not in request.session.get(ERROR_FILES_SESSION_KEY, []):
        raise Http404
    path = error_workbook_folder() / f"{token}.xlsx"
    if not path.is_file() or error_workbook_expired(path):
        raise Http404
    record(Action.DOWNLOAD, object_type="import-errors", object_id=token)
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=_("import-errors.xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )


def import_template(request, kind: str):
    importer_class = IMPORTERS.get(kind)
    if importer_class is None:
        raise Http404
    if denied := _check(request, importer_class.permission):
        return denied
    response = _xlsx_response(f"{importer_class.label}-{_('template')}.xlsx")
    record(Action.DOWNLOAD, object_type=f"template:{kind}")
    importer_class.template_workbook(response)
    return response


def export_view(request, kind: str):
    """GET: the export, sensitive values masked. POST with ``full``: unmasked, with a reason."""
    exporter = EXPORTERS.get(kind)
    if exporter is None:
        raise Http404
    if denied := _check(request, exporter.permission):
        return denied
    params = request.POST if request.method == "POST" else request.GET
    full = request.method == "POST" and params.get("full") == "1"
    if full and not exporter.reveal_permission:
        raise Http404
    if full and not can(request.user, exporter.reveal_permission):
        raise PermissionDenied(exporter.reveal_permission)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = _xlsx_response(f"{exporter.label}-{stamp}.xlsx")
    try:
        exporter.write(
            response,
            actor=request.user,
            object_id=params.get("id"),
            full=full,
            reason=params.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(_back(request))
    return response


def _back(request) -> str:
    target = request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


def workdays_view(request):
    """The working-day calendar of a year (?year=): statutory holidays and make-up working
    days, from the library or the office's import; the years known; the import link."""
    if denied := _check(request, "workdays.edit"):
        return denied
    from shuangyong.core import workdays

    years = workdays.known_years()
    today = timezone.localdate()
    asked = request.GET.get("year")
    year = parse_id(asked) if asked else today.year
    if year is None or not 1900 <= year <= 2200:
        raise Http404
    return render(
        request,
        "core/workdays.html",
        {
            "year": year,
            "years": years,
            "known": year in years,
            "days": workdays.arrangement(year),
            "next_unknown": next(y for y in range(today.year, 2201) if y not in years),
        },
    )
