"""The orders of operations that once paid money twice, each replayed by hand.

People: the district's care officer computes (the maker); the office approves (the
checker); unit A's liaison is the outsider.
"""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from shuangyong.audit.models import AuditEvent
from shuangyong.care import months, payments, registry
from shuangyong.care.imports import StandardsImporter
from shuangyong.care.models import (
    AllowanceStandard,
    BatchLine,
    PaymentBatch,
    ProgrammeRule,
    Recovery,
)
from shuangyong.care.selectors import transfer_rows
from shuangyong.care.tests.conftest import entitle, person, standard
from shuangyong.core.testing import at_once, read_xlsx

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)
DEC, JAN = months.index(dt.date(2026, 12, 1)), months.index(dt.date(2027, 1, 1))


@pytest.fixture
def veterans(district, officer):
    """Three grade-4 war-disabled veterans on 1,500 a month, paid through November."""
    standard("disabled_veteran", "1500", per="month")
    found = []
    for n in range(3):
        who = person(district, name=f"老兵{n}")
        found.append(entitle(who, "disabled_veteran", officer, grade=4, cause="war"))
    return found


def approve_month(period, officer, checker):
    batch = payments.compute(programme="disability", period=period, actor=officer)
    return payments.approve(batch=batch, actor=checker)


def paid(entitlement, month) -> int:
    return sum(
        BatchLine.objects.filter(batch__status="approved", entitlement=entitlement, month=month)
        .exclude(kind__in=payments.NOT_FOR_A_MONTH)
        .values_list("amount_cents", flat=True)
    )


def test_december_and_january_computed_before_either_is_approved_pay_december_once(
    veterans, officer, people
):
    approve_month("2026-11", officer, people.office)
    december = payments.compute(programme="disability", period="2026-12", actor=officer)
    january = payments.compute(programme="disability", period="2027-01", actor=officer)
    # January, computed while December was a draft, carries December as arrears too.
    assert january.total_cents == 2 * december.total_cents == 2 * 3 * 150000
    payments.approve(batch=december, actor=people.office)
    with pytest.raises(payments.StaleBatch):
        payments.approve(batch=january, actor=people.office)
    january = payments.compute(programme="disability", period="2027-01", actor=officer)
    assert january.total_cents == 3 * 150000
    payments.approve(batch=january, actor=people.office)
    assert [paid(e, DEC) for e in veterans] == [150000] * 3
    assert [paid(e, JAN) for e in veterans] == [150000] * 3


def test_an_adjustment_approved_meanwhile_makes_the_regular_draft_stale(veterans, officer, people):
    approve_month("2026-11", officer, people.office)
    standard("disabled_veteran", "300", per="month", level="local", valid_from=dt.date(2026, 11, 1))
    december = payments.compute(programme="disability", period="2026-12", actor=officer)
    assert BatchLine.objects.filter(batch=december, kind="arrears").count() == 3
    adjustment = payments.compute(
        programme="disability", period="2026-11", kind="adjustment", actor=officer
    )
    payments.approve(batch=adjustment, actor=people.office)
    with pytest.raises(payments.StaleBatch):
        payments.approve(batch=december, actor=people.office)
    december = payments.compute(programme="disability", period="2026-12", actor=officer)
    payments.approve(batch=december, actor=people.office)
    nov = months.index(dt.date(2026, 11, 1))
    assert [paid(e, nov) for e in veterans] == [180000] * 3  # the raise, once


def _standards_file(rows) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(StandardsImporter.headers())
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "标准.xlsx"
    return buffer


def test_a_back_dated_raise_beside_the_open_older_row_is_refused_naming_both(
    veterans, officer, people
):
    raise_row = ["残疾军人", "", "", "", "2026-07-01", "", "2000", "月", "国家", "按月", "", "", ""]
    result = StandardsImporter(actor=officer).run(_standards_file([raise_row]))
    assert result.rejected == 1 and not result.written
    message = result.errors[0].message
    assert "第 2 行" in message or "row 2" in message
    assert "2020-01-01" in message  # the older row, named by its start
    assert AllowanceStandard.objects.count() == 1

    raise_row[11] = "是"  # 替代旧标准: end the older row the day before
    result = StandardsImporter(actor=officer).run(_standards_file([raise_row]))
    assert result.written and result.as_dict()["closed"] == [
        {
            "category": "残疾军人",
            "grade": None,
            "level": "国家",
            "valid_from": "2020-01-01",
            "valid_to": "2026-06-30",
            "amount": "1500.00",
        }
    ]
    older = AllowanceStandard.objects.get(valid_from=dt.date(2020, 1, 1))
    assert older.valid_to == dt.date(2026, 6, 30)
    assert AuditEvent.objects.filter(
        object_type="care.allowancestandard", object_id=str(older.pk), detail__replaced=True
    ).exists()
    july = payments.compute(programme="disability", period="2026-07", actor=officer)
    assert july.total_cents == 3 * 200000  # the new amount alone, not 3,500


def test_a_yearly_lump_sum_is_paid_once_in_its_month_not_as_twelfths(district, officer, people):
    family = person(district, name="军属")
    entitle(family, "conscript_family", officer, approved_on=dt.date(2025, 12, 15))
    StandardsImporter(actor=officer).run(
        _standards_file(
            [
                [
                    "义务兵家庭",
                    "",
                    "",
                    "",
                    "2026-01-01",
                    "",
                    "12000",
                    "年",
                    "地方",
                    "按年",
                    "8",
                    "",
                    "",
                ]
            ]
        )
    )
    assert payments.compute(programme="family", period="2026-07", actor=officer).total_cents == 0
    august = payments.compute(programme="family", period="2026-08", actor=officer)
    assert august.total_cents == 1200000
    assert payments.compute(programme="family", period="2026", actor=officer).total_cents == 1200000


def test_a_held_person_is_paid_once_confirmed_with_the_arrears(veterans, officer, people):
    # update_or_create: a test that flushed the tables before this one (transactional,
    # in the same worker) has taken the rows the migration seeds with it.
    ProgrammeRule.objects.update_or_create(
        programme="disability", defaults={"confirmation": "hold", "grace_months": 0}
    )
    held = veterans[0]
    registry.confirm(persons=[e.person for e in veterans[1:]], year=2026, actor=officer)
    november = approve_month("2026-11", officer, people.office)
    assert november.persons == 2
    registry.confirm(persons=[held.person], year=2026, actor=officer)
    december = payments.compute(programme="disability", period="2026-12", actor=officer)
    nov = months.index(dt.date(2026, 11, 1))
    assert (held.pk, held.person_id, nov, "arrears", 150000) in payments.lines_of(december)
    assert payments.lines_of(december) == payments.reference_lines(
        programme="disability", period="2026-12"
    )


def test_a_recovery_is_offset_against_later_payments_where_the_rule_says_so(
    veterans, officer, people
):
    ProgrammeRule.objects.update_or_create(
        programme="disability", defaults={"offset_recoveries": True}
    )
    approve_month("2026-10", officer, people.office)
    approve_month("2026-11", officer, people.office)
    # Re-assessed to a lower amount from October, recorded late: 2 × 500 overpaid.
    standard("disabled_veteran", "1000", per="month", valid_from=dt.date(2020, 1, 1))
    december = approve_month("2026-12", officer, people.office)
    recovery = Recovery.objects.filter(entitlement=veterans[0]).get()
    assert recovery.amount_cents == 2 * 50000  # October and November at 500 too much
    january = approve_month("2027-01", officer, people.office)
    assert december.pk != january.pk
    recovery.refresh_from_db()
    assert (recovery.offset_cents, recovery.state) == (100000, "recovered")
    # January's 1,000 each went to repay the 1,000 each owed: nobody gets a transfer.
    assert transfer_rows(january, full=False) == [] and january.total_cents == 0


def test_the_bank_workbook_holds_positive_amounts_only(veterans, officer, people, client):
    approve_month("2026-11", officer, people.office)
    registry.change_status(
        entitlement=veterans[0],
        status="deceased",
        effective=dt.date(2026, 10, 5),
        reason="病故",
        actor=officer,
    )
    december = approve_month("2026-12", officer, people.office)
    assert december.recovery_cents == 150000
    client.force_login(people.office)
    response = client.get(reverse("core:export", args=["payment_transfer"]), {"id": december.pk})
    rows = read_xlsx(io.BytesIO(response.content))[1:-1]
    amounts = [row[5] for row in rows]
    assert amounts and all(float(a) > 0 for a in amounts)
    assert Recovery.objects.get().amount_cents == 150000


def test_a_batch_without_a_named_maker_is_never_approved(veterans, officer, people):
    batch = payments.compute(programme="disability", period="2026-11", actor=officer)
    PaymentBatch.objects.filter(pk=batch.pk).update(computed_by=None)
    with pytest.raises(ValidationError):
        payments.approve(batch=batch, actor=people.office)
    assert not payments.may_approve(people.office, PaymentBatch.objects.get(pk=batch.pk))


@on_postgresql
def test_six_simultaneous_computes_of_one_period_give_one_batch_and_no_error(
    transactional_db, veterans, officer, people
):
    def send(_i):
        client = Client()
        client.force_login(officer)
        response = client.post(
            reverse("care:batch_compute"),
            {"programme": "disability", "period": "2026-11", "kind": "regular"},
        )
        return response.status_code

    assert at_once(6, send) == [302] * 6
    batch = PaymentBatch.objects.get()
    assert batch.lines.count() == 3


@on_postgresql
def test_two_simultaneous_approvals_approve_once(transactional_db, veterans, officer, people):
    batch = payments.compute(programme="disability", period="2026-11", actor=officer)

    def send(_i):
        client = Client()
        client.force_login(people.office)
        return client.post(reverse("care:batch_approve", args=[batch.pk])).status_code

    assert at_once(2, send) == [302, 302]
    batch.refresh_from_db()
    assert batch.is_approved
