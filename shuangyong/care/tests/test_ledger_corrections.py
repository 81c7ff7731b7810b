"""Corrections to what the ledger pays from, made in an order a season of use brings:
a re-assessment dated before a suspension, a death reversed after its funeral aid was
paid, standards of one level that overlap, a death recorded while a batch is approved.

People: the district's care officer (who computes) and the office (who approves)."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from shuangyong.care import months, payments, registry
from shuangyong.care.imports import save_standards
from shuangyong.care.models import AllowanceStandard, BatchLine, PayableSpan, Recovery
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


def test_a_standard_for_every_grade_beside_one_for_a_grade_at_the_same_level_is_refused(
    district, officer, people
):
    """A blank grade applies to all grades: beside a grade-4 row of the same level, a
    grade-4 veteran's month would be paid twice."""
    standard("disabled_veteran", "1000", per="month")  # national, any grade
    with pytest.raises(ValidationError) as refused:
        standard("disabled_veteran", "1500", per="month", grade=4)  # national, grade 4
    assert "2020-01" in str(refused.value)
    standard("disabled_veteran", "300", per="month", grade=4, level="local")  # another level
    veteran = entitle(person(district), "disabled_veteran", officer, grade=4, cause="war")
    batch = payments.compute(programme="disability", period="2026-11", actor=officer)
    assert paid_by_month(batch, veteran) == {months.index(dt.date(2026, 11, 1)): 130000}


def test_a_standard_for_every_grade_replaces_those_for_one_grade(district, officer):
    """Written to replace, a row for every grade ends the rows for one grade it covers; a
    row for one grade does not end the row for every grade (the other grades' price)."""
    standard("disabled_veteran", "1500", per="month", grade=4)
    standard("disabled_veteran", "1800", per="month", grade=2)
    save_standards([{
        "category": "disabled_veteran", "grade": None, "cause": "", "hukou": "",
        "level": "national", "valid_from": dt.date(2026, 1, 1), "valid_to": None,
        "amount": Decimal("2000"), "per": "month", "replaces": True,
    }])  # fmt: skip
    ended = AllowanceStandard.objects.exclude(grade=None).values_list("valid_to", flat=True)
    assert set(ended) == {dt.date(2025, 12, 31)}
    with pytest.raises(ValidationError):
        save_standards([{
            "category": "disabled_veteran", "grade": 4, "cause": "", "hukou": "",
            "level": "national", "valid_from": dt.date(2026, 6, 1), "valid_to": None,
            "amount": Decimal("2100"), "per": "month", "replaces": True,
        }])  # fmt: skip


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)


@on_postgresql
@pytest.mark.parametrize("marked_before", [False, True])
def test_a_death_recorded_while_a_batch_is_approved_is_recovered_by_the_next(
    transactional_db, district, officer, people, monkeypatch, marked_before
):
    """The death (20 November) commits on another connection just after the approval of
    December read its inputs and found the draft current: December paid a dead veteran,
    so January recovers it. Approving clears the marks it saw, never the death's. With
    the veteran marked already (a regrade), the death waits for the approval instead."""
    standard("disabled_veteran", "1500", per="month", grade=4)
    standard("disabled_veteran", "1500", per="month", grade=3)
    veteran = entitle(person(district), "disabled_veteran", officer, grade=4, cause="war")
    november = payments.compute(programme="disability", period="2026-11", actor=officer)
    payments.approve(batch=november, actor=people.office)
    if marked_before:
        registry.change_terms(entitlement=veteran, grade=3, cause="war",
                              effective=dt.date(2026, 11, 1), actor=officer)  # fmt: skip
    december = payments.compute(programme="disability", period="2026-12", actor=officer)
    died = threading.Event()

    def record_death():
        try:
            registry.change_status(entitlement=veteran, status="deceased",
                                   effective=dt.date(2026, 11, 20), reason="病故",
                                   actor=officer)  # fmt: skip
            died.set()
        finally:
            connections.close_all()

    read_inputs = payments.inputs_token
    other = threading.Thread(target=record_death)

    def inputs_then_a_death_elsewhere(**kwargs):
        found = read_inputs(**kwargs)
        if not other.is_alive() and not died.is_set():
            other.start()
            # Unmarked: it commits now. Marked: it waits on the approval's lock.
            assert died.wait(timeout=2) is not marked_before
        return found

    monkeypatch.setattr(payments, "inputs_token", inputs_then_a_death_elsewhere)
    payments.approve(batch=december, actor=people.office)
    monkeypatch.setattr(payments, "inputs_token", read_inputs)
    other.join(timeout=30)
    assert died.is_set()
    january = payments.compute(programme="disability", period="2027-01", actor=officer)
    recovered = BatchLine.objects.filter(batch=january, entitlement=veteran, kind="recovery")
    assert list(recovered.values_list("month", "amount_cents")) == [
        (months.index(dt.date(2026, 12, 1)), -150000)
    ]


def test_a_death_corrected_after_its_funeral_aid_was_paid_has_the_aid_taken_back(
    district, officer, people
):
    """Recorded dead on 15 October, paid six months' funeral aid in November, found alive
    and made active again: December pays the months missed and takes the aid back as a
    recovery; it is never taken back twice, and a real death later pays it again."""
    standard("disabled_veteran", "1500", per="month")
    veteran = entitle(person(district), "disabled_veteran", officer, grade=4, cause="war")
    oct_, nov, dec = (months.index(dt.date(2026, m, 1)) for m in (10, 11, 12))
    payments.approve(
        batch=payments.compute(programme="disability", period="2026-10", actor=officer),
        actor=people.office,
    )
    died = dt.date(2026, 10, 15)
    registry.change_status(entitlement=veteran, status="deceased", effective=died,
                           reason="病故", actor=officer)  # fmt: skip
    november = payments.compute(programme="disability", period="2026-11", actor=officer)
    assert november.total_cents == 6 * 150000  # the funeral aid, November not paid
    payments.approve(batch=november, actor=people.office)
    registry.change_status(entitlement=veteran, status="active", effective=died,
                           reason="误报死亡，更正", actor=officer)  # fmt: skip
    december = payments.compute(programme="disability", period="2026-12", actor=officer)
    assert paid_by_month(december, veteran) == {oct_: -900000, nov: 150000, dec: 150000}
    assert december.lines.get(kind="funeral_back").month == oct_
    assert (december.total_cents, december.recovery_cents) == (300000, 900000)
    payments.approve(batch=december, actor=people.office)
    recovery = Recovery.objects.get(entitlement=veteran)
    assert (recovery.amount_cents, recovery.reason_label) == (
        900000,
        "死亡记录已更正，追回已发丧葬补助金",
    )
    assert recovery.months_label == "2026-10"
    kept = BatchLine.objects.filter(batch__status="approved", entitlement=veteran)
    assert sum(kept.values_list("amount_cents", flat=True)) == 3 * 150000  # Oct–Dec
    registry.change_status(entitlement=veteran, status="deceased", effective=dt.date(2026, 12, 20),
                           reason="病故", actor=officer)  # fmt: skip
    january = payments.compute(programme="disability", period="2027-01", actor=officer)
    assert paid_by_month(january, veteran) == {dec: 6 * 150000}
    assert not january.lines.filter(kind="funeral_back").exists()
