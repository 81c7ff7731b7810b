"""What every endpoint of the API shares: the permission check, pages, date filters."""

import datetime as dt
import re
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import ValidationError as SchemaError
from ninja.pagination import PageNumberPagination
from pydantic import BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from shuangyong.access import can

# Ids bounded to what the database's integers hold: past 2**63 SQLite cannot even compare
# the number, and the caller would get a 500 instead of a 404 or an empty list.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


# In a JSON body a number is a number and a flag a flag: "1", 1.0 or "true" are not taken
# for them (a query string or a path has only text, so there they are parsed).
def _a_number(value):
    """A JSON number, never text or a flag (4876.0 is a whole number in JSON Schema)."""
    if isinstance(value, bool | str | bytes):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


# (the bounds before the validator: so they stay minimum and maximum in the document)
BodyId = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_a_number)]
Flag = Annotated[bool, Field(strict=True)]


def Int(ge: int, le: int):  # noqa: N802 - a type, in the place of one
    return Annotated[int, Field(ge=ge, le=le), BeforeValidator(_a_number)]


def Amount(digits: int, *, signed: bool = False):  # noqa: N802 - a type
    """A decimal amount with at most two places, written as text ("1200.50"): what a
    float cannot say exactly, and what the database column holds."""
    sign = "-?" if signed else ""
    return Annotated[str, Field(pattern=rf"^{sign}[0-9]{{1,{digits}}}(\.[0-9]{{1,2}})?$")]


ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_day(value):
    """Only what the document says, ``YYYY-MM-DD``: pydantic alone would also take a
    number of seconds since 1970 or a datetime for a date."""
    if (isinstance(value, str) and not ISO_DAY.fullmatch(value)) or isinstance(
        value, int | float | dt.datetime
    ):
        raise PydanticCustomError("date_iso", "Input should be a day as YYYY-MM-DD")
    return value


# Text that says something: not empty, not only spaces, no NUL (what services strip and
# refuse when blank).
SOME_TEXT = r"^[^\x00]*[^\s\x00][^\x00]*$"


def Text(most: int, **extra):  # noqa: N802 - a type, in the place of one
    """A required text field of at most ``most`` characters that says something."""
    return Annotated[str, Field(min_length=1, max_length=most, pattern=SOME_TEXT, **extra)]


# A day as the document promises it (format: date): 2026-12-01, nothing else.
Day = Annotated[dt.date, BeforeValidator(_iso_day)]


def require_permission(request, permission: str) -> None:
    """Refuse the call (403) unless the user's role holds ``permission``.

    Rules: the same permission table as the pages (``access.policy``); unit scope is the
    endpoint's to check (``scoped`` / ``get_in_scope_or_404``), as in the views.
    """
    if not can(request.user, permission):
        raise PermissionDenied(permission)


class Body(Schema):
    """A request body: the fields the document lists and no others (a misspelt field is
    a 422 naming it, not silently ignored)."""

    model_config = ConfigDict(extra="forbid")


def refuse_unlisted_fields(request, *names: str) -> None:
    """Refuse a multipart call (422 naming each) whose form fields or files are not among
    ``names``, the fields its signature lists.

    Rules: django-ninja reads a multipart body's fields one by one and ignores the rest,
    where a JSON body (``Body``) refuses them; the document promises the same of both
    (``additionalProperties: false``), so a misspelt ``titel`` is not silently dropped.
    """
    unlisted = sorted((set(request.POST) | set(request.FILES)) - set(names))
    if unlisted:
        raise SchemaError([
            {"loc": ("form", name), "type": "extra_forbidden", "msg": "not listed"}
            for name in unlisted
        ])  # fmt: skip


class Pages(PageNumberPagination):
    """50 a page; bounded so that no offset overflows the database's integers."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int | None = Field(None, ge=1, le=100)

    def __init__(self, **kwargs):
        super().__init__(page_size=50, max_page_size=100, **kwargs)


class KeysetPages(Pages):
    """Pages of a list that may hold a million rows (the registry): ``cursor`` (from
    ``next`` or ``previous``) reads the page after or before one already read straight
    from an index, at the same cost on any page; ``page`` still works as before (an
    offset: later pages cost more). ``count`` is exact up to 10,000 rows; past that it is
    the database's estimate and ``count_estimated`` says so."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int | None = Field(None, ge=1, le=100)
        cursor: str = Field("", max_length=1000, description="``next`` or ``previous`` of a page")

    class Output(Schema):
        items: list[Any]
        count: int
        count_estimated: bool = Field(
            description="``count`` is the database's estimate (a list of over 10,000 rows)"
        )
        next: str | None = Field(description="the next page's address; null on the last page")
        previous: str | None = Field(
            description="the previous page's address; null on the first page"
        )

    def paginate_queryset(self, queryset, pagination, request, **params):
        """``queryset``: a listing with ``page``, ``offset_page`` and ``count`` (the
        registry's, ``care.selectors.Registry``, or a search's, ``care.selectors.Found``)."""
        size = self._get_page_size(pagination.page_size)
        if pagination.cursor or pagination.page == 1:
            found = queryset.page(cursor=pagination.cursor, size=size)
        else:  # the documented offset pages, kept for the clients that use them
            found = queryset.offset_page(offset=(pagination.page - 1) * size, size=size)
        total = queryset.count()

        def link(cursor: str) -> str | None:
            if not cursor:
                return None
            query = request.GET.copy()
            query.pop("page", None)
            query["cursor"] = cursor
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        return {
            self.items_attribute: found.rows,
            "count": total.value,
            "count_estimated": total.estimated,
            "next": link(found.next),
            "previous": link(found.previous),
        }


class DateFilter(Schema):
    since: Day | None = None
    until: Day | None = None


class DateUnitFilter(DateFilter):
    unit: Id | None = None


def dated(queryset, filters: DateFilter, date_field: str, unit_field: str = ""):
    """Keep the rows whose ``date_field`` lies within since … until, and of the unit."""
    if unit_field and getattr(filters, "unit", None) is not None:
        queryset = queryset.filter(**{unit_field: filters.unit})
    if filters.since is not None:
        queryset = queryset.filter(**{f"{date_field}__gte": filters.since})
    if filters.until is not None:
        queryset = queryset.filter(**{f"{date_field}__lte": filters.until})
    return queryset


def schema_error_detail(errors) -> dict[str, list[str]]:
    """The parser's errors as the rest of the API words them: ``{field: [message]}``,
    Chinese, the field named as the middleware and the forms name it (``unit``,
    ``body.source``). The messages are Django's own, so its translations serve."""
    detail: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())][1:]  # drop query/path/body/form
        detail.setdefault(".".join(loc) or "__all__", []).append(_schema_message(error))
    return detail


def _schema_message(error: dict) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind.startswith("int_"):
        return _("Enter a whole number.")
    for bound, message in (
        ("le", _("Ensure this value is less than or equal to %(limit_value)s.")),
        ("ge", _("Ensure this value is greater than or equal to %(limit_value)s.")),
    ):
        if bound in ctx:
            return message % {"limit_value": ctx[bound]}
    if kind.startswith("date_"):
        return _("Enter a valid date.")
    if kind.startswith("datetime_"):
        return _("Enter a valid date/time.")
    if kind in ("enum", "literal_error"):
        return _("Choose one of %(choices)s.") % {"choices": ctx.get("expected", "")}
    return _("Enter a valid value.")
