"""Months as integers (year × 12 + month − 1), so SQL compares and joins them cheaply,
and the periods batches are computed for: 2026-11, 2026-Q4, 2026."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _


def index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def first_day(month: int) -> dt.date:
    return dt.date(month // 12, month % 12 + 1, 1)


def label(month: int) -> str:
    return f"{month // 12}-{month % 12 + 1:02d}"


def first_full_month(day: dt.date) -> int:
    """The first month whose first day falls on or after ``day``."""
    return index(day) + (day.day > 1)


@dataclass(frozen=True)
class Period:
    text: str
    first: int
    last: int


PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})-?[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})$"), "year"),
)


def parse_period(text: str) -> Period:
    """2026-11 (a month), 2026-Q4 (a quarter), 2026 (a year); ValueError says what is wrong."""
    text = (text or "").strip()
    for pattern, kind in PATTERNS:
        found = pattern.match(text)
        if not found:
            continue
        year = int(found.group(1))
        if not 1950 <= year <= 2100:
            break
        if kind == "month":
            month = int(found.group(2))
            if not 1 <= month <= 12:
                break
            first = year * 12 + month - 1
            return Period(f"{year}-{month:02d}", first, first)
        if kind == "quarter":
            quarter = int(found.group(2))
            first = year * 12 + (quarter - 1) * 3
            return Period(f"{year}-Q{quarter}", first, first + 2)
        return Period(str(year), year * 12, year * 12 + 11)
    raise ValueError(_("“%(p)s” is not a period: write 2026-11, 2026-Q4 or 2026.") % {"p": text})
