"""What every endpoint of the API shares: the permission check, pages, date filters."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import PermissionDenied
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

from shuangyong.access import can

# Ids bounded to what the database's integers hold: past 2**63 SQLite cannot even compare
# the number, and the caller would get a 500 instead of a 404 or an empty list.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def need(request, permission: str) -> None:
    if not can(request.user, permission):
        raise PermissionDenied(permission)


class Pages(PageNumberPagination):
    """50 a page; bounded so that no offset overflows the database's integers."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int | None = Field(None, ge=1, le=100)

    def __init__(self, **kwargs):
        super().__init__(page_size=50, max_page_size=100, **kwargs)


class DateFilter(Schema):
    since: dt.date | None = None
    until: dt.date | None = None


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
