"""Corrections to what the ledger pays from, made in an order a season of use brings:
a re-assessment dated before a suspension, a death reversed after its funeral aid was
paid, standards of one level that overlap, a death recorded while a batch is approved.

People: the district's care officer (who computes) and the office (who approves)."""

import datetime as dt

from shuangyong.care import months, payments, registry
from shuangyong.care.models import BatchLine, PayableSpan
from shuangyong.care.tests.conftest import entitle, person, standard


def paid_by_month(batch, entitlement) -> dict[int, int]:
    lines = BatchLine.objects.filter(batch=batch, entitlement=entitlement)
    return dict(lines.values_list("month", "amount_cents"))


def test_a_regrade_dated_before_a_suspension_reprices_every_month_after_it(
    district, officer, people
):
    """Grade 6 from 1 February, typed after a suspension on 10 March and a return on
    10 April: February, and every month paid after the return, are paid at grade 6."""
    standard("disabled_veteran", "1500", per="month", grade=4)
    standard("disabled_veteran", "1000", per="month", grade=6)
    veteran = entitle(person(district), "disabled_veteran", officer, grade=4, cause="war",
                      approved_on=dt.date(2025, 12, 20))  # fmt: skip
    for status, day, why in (
        ("suspended", dt.date(2026, 3, 10), "服刑"),
        ("active", dt.date(2026, 4, 10), ""),
    ):
        registry.change_status(
            entitlement=veteran, status=status, effective=day, reason=why, actor=officer
        )
    registry.change_terms(entitlement=veteran, grade=6, cause="war",
                          effective=dt.date(2026, 2, 1), actor=officer)  # fmt: skip
    spans = list(
        PayableSpan.objects.filter(entitlement=veteran)
        .order_by("first_month")
        .values_list("first_month", "last_month", "grade")
    )
    feb, mar, may = (months.index(dt.date(2026, m, 1)) for m in (2, 3, 5))
    assert spans == [(feb - 1, feb - 1, 4), (feb, mar, 6), (may, None, 6)]
    first = payments.compute(programme="disability", period="2026-Q1", actor=officer)
    assert paid_by_month(first, veteran) == {feb - 1: 150000, feb: 100000, mar: 100000}
    payments.approve(batch=first, actor=people.office)
    second = payments.compute(programme="disability", period="2026-Q2", actor=officer)
    assert paid_by_month(second, veteran) == {may: 100000, may + 1: 100000}
