"""China's working-day calendar: every deadline the product counts in working days.

A day is a working day unless it is a weekend or a statutory holiday, and a weekend day
is a working day when the State Council's yearly arrangement makes it one (调休). The
arrangement comes from the ``chinesecalendar`` library and, for a year the library does
not have yet, from the office's own entries (``WorkdayArrangement``, imported from
Excel). A date in a year neither knows is refused with ``UnknownCalendar``: it is never
silently counted Monday to Friday.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import chinese_calendar
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuangyong.core.dates import parse_date
from shuangyong.core.imports import Column, Importer, Row, register_importer
from shuangyong.core.models import WorkdayArrangement


class UnknownCalendar(ValidationError):
    """A date in a year whose holiday arrangement is not known."""


@cache
def library_years() -> frozenset[int]:
    """The years whose arrangement the installed library carries."""
    from chinese_calendar import constants

    return frozenset(day.year for day in constants.holidays)


class Calendar:
    """The calendar of the years a computation touches, loaded in one query."""

    def __init__(self, first_year: int, last_year: int) -> None:
        self.office: dict[dt.date, bool] = dict(
            WorkdayArrangement.objects.filter(
                day__year__gte=first_year, day__year__lte=last_year
            ).values_list("day", "working")
        )
        self.office_years = {day.year for day in self.office}

    def known(self, year: int) -> bool:
        return year in self.office_years or year in library_years()

    def check(self, day: dt.date) -> None:
        if not self.known(day.year):
            raise UnknownCalendar(
                _(
                    "The holiday arrangement of %(year)d is not known yet, so working days "
                    "up to %(day)s cannot be counted: the office adds it on the calendar page."
                )
                % {"year": day.year, "day": day.isoformat()}
            )

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.office:
            return self.office[day]
        self.check(day)
        if day.year in library_years():
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day. Raises UnknownCalendar outside the known years."""
    return Calendar(day.year, day.year).is_working_day(day)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days from ``start`` (included) to ``end`` (excluded); 0 when end <= start.
    Raises UnknownCalendar when a day of the span is in an unknown year."""
    if end <= start:
        return 0
    calendar = Calendar(start.year, end.year)
    calendar.check(end - dt.timedelta(days=1))
    return sum(
        1
        for i in range((end - start).days)
        if calendar.is_working_day(start + dt.timedelta(days=i))
    )


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``start`` (``start`` itself not counted); ``start``
    when n is 0. Raises UnknownCalendar when the count runs into an unknown year."""
    calendar = Calendar(start.year, start.year + 1 + n // 200)
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


def arrangement(year: int) -> list[dict]:
    """The year's holidays and make-up working days as the calendar sees them: one dict
    per day (day, working, name, source "office" or "library"), in date order."""
    rows: dict[dt.date, dict] = {}
    if year in library_years():
        from chinese_calendar import constants

        for table, working in ((constants.holidays, False), (constants.workdays, True)):
            for day, holiday in table.items():
                if day.year == year:
                    rows[day] = {
                        "day": day,
                        "working": working,
                        "name": HOLIDAY_NAMES.get(holiday, holiday),
                        "source": "library",
                    }
    for item in WorkdayArrangement.objects.filter(day__year=year):
        rows[item.day] = {
            "day": item.day,
            "working": item.working,
            "name": item.name,
            "source": "office",
        }
    return [rows[day] for day in sorted(rows)]


HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def known_years() -> list[int]:
    """Every year the calendar can count in: the library's and the office's."""
    office = WorkdayArrangement.objects.dates("day", "year")
    return sorted(library_years() | {d.year for d in office})


# --- the office's import of a year's arrangement ------------------------------------------

KINDS = {"放假": False, "休息": False, "休": False, "上班": True, "调休上班": True, "补班": True}


@register_importer
class WorkdaysImporter(Importer):
    """The State Council's holiday arrangement of a year, one day a row (放假 or 上班).
    Imported whole or not at all; a year in the file replaces the office's rows of that
    year."""

    kind = "workdays"
    label = gettext_lazy("Holiday arrangement")
    permission = "workdays.edit"
    allow_partial = False
    columns = (
        Column("day", "日期", note="如 2027-10-01"),
        Column("kind", "类型", note="放假 或 上班（调休上班）"),
        Column("name", "节日", required=False, note="如：国庆节"),
    )

    def clean(self, row: Row) -> None:
        data = row.data
        try:
            data["day"] = parse_date(row.raw.get("day"))
        except ValueError:
            data["day"] = None
            row.error("day", _("“%(v)s” is not a date") % {"v": row.text("day")})
        else:
            if data["day"] is None:
                row.error("day", _("this column is required"))
        kind = row.text("kind", required=True)
        data["working"] = KINDS.get(kind)
        if kind and data["working"] is None:
            row.error("kind", _("“%(v)s” is neither 放假 nor 上班") % {"v": kind})
        data["name"] = row.text("name", max_length=50)

    def check(self, rows: list[Row]) -> None:
        seen: dict[dt.date, int] = {}
        for row in rows:
            day = row.data.get("day")
            if day is None:
                continue
            if day in seen:
                row.error("day", _("the same date as row %(n)d") % {"n": seen[day]})
            else:
                seen[day] = row.number

    def write(self, rows: list[Row]) -> tuple[int, int]:
        years = {row.data["day"].year for row in rows}
        WorkdayArrangement.objects.filter(day__year__in=years).delete()
        WorkdayArrangement.objects.bulk_create(
            [
                WorkdayArrangement(
                    day=row.data["day"],
                    working=row.data["working"],
                    name=row.data["name"],
                    by=self.actor,
                )
                for row in rows
            ]
        )
        return len(rows), 0
