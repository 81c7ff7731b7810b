"""Helpers for tests across apps: spreadsheets in, spreadsheets out; the working-day
calendar of the years a test on today's date reaches; requests sent at the same time."""

import datetime as dt
import threading
from pathlib import Path

from openpyxl import Workbook, load_workbook


def write_xlsx(path: Path, rows: list[list], title_rows: list[list] | None = None) -> Path:
    """A workbook with optional title rows above ``rows`` (header first)."""
    workbook = Workbook()
    sheet = workbook.active
    for row in [*(title_rows or []), *rows]:
        sheet.append(row)
    workbook.save(path)
    return path


def read_xlsx(source, sheet: int = 0) -> list[list]:
    """Every row of a sheet as a list of values, empty cells as ''."""
    workbook = load_workbook(source, read_only=True)
    worksheet = workbook.worksheets[sheet]
    return [["" if v is None else v for v in row] for row in worksheet.iter_rows(values_only=True)]


def office_arrangement_for(*days: dt.date) -> list[int]:
    """The office's entry for each year of ``days`` the installed chinesecalendar does
    not carry yet (and the office has not entered): 1 January off (元旦, a statutory
    holiday every year), as the office would import it; the years entered.

    A test that runs on today's date needs the calendar to know today's year, or its
    working-day counts are refused (``core.workdays.UnknownCalendar``) from the first
    new year the library does not ship. The test's spans must hold under any real
    arrangement of the year (a month holds five working days around any holiday).
    """
    from shuangyong.core.models import WorkdayArrangement
    from shuangyong.core.workdays import known_years

    years = sorted({day.year for day in days} - set(known_years()))
    WorkdayArrangement.objects.bulk_create(
        [WorkdayArrangement(day=dt.date(y, 1, 1), working=False, name="元旦") for y in years]
    )
    return years


def library_up_to(monkeypatch, last_year: int) -> None:
    """The installed chinesecalendar as if its last year were ``last_year`` (1.11, the
    release the tests were written against, ships up to 2026): a test about a year the
    library does not know keeps its meaning when a newer release adds that year."""
    from shuangyong.core import workdays

    years = frozenset(y for y in workdays.library_years() if y <= last_year)
    monkeypatch.setattr(workdays, "library_years", lambda: years)


def at_once(n: int, send) -> list:
    """``send(i)`` from ``n`` threads released together, each on its own database
    connection (closed after), for tests of simultaneous requests on PostgreSQL."""
    from django.db import connections

    barrier, results = threading.Barrier(n), [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = send(i)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
