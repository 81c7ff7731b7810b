import datetime as dt

import pytest

from shuangyong.core.dates import parse_date


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2026-12-31", dt.date(2026, 12, 31)),
        ("2026/1/2", dt.date(2026, 1, 2)),
        ("2026.1.2", dt.date(2026, 1, 2)),
        ("2026年1月2日", dt.date(2026, 1, 2)),
        ("２０２６年１月２日", dt.date(2026, 1, 2)),
        (dt.datetime(2026, 3, 4, 0, 0), dt.date(2026, 3, 4)),
        (46022.0, dt.date(2025, 12, 31)),
        ("", None),
        (None, None),
    ],
)
def test_dates_people_write(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["下周", "2026-13-01", "2026-02-30", "31/12/2026", 12.5])
def test_unreadable_dates(value):
    with pytest.raises(ValueError):
        parse_date(value)
