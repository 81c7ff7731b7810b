"""Payment batches: what a month pays, arrears, stops, funeral aid, maker-checker."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shuangyong.care import months, payments, registry
from shuangyong.care.models import BatchLine, LineKind, Recovery
from shuangyong.care.tests.conftest import entitle, person, standard

NOV = "2026-11"


@pytest.fixture
def veteran(district, officer):
    """A grade-4 war-disabled veteran on 48,000 a year national plus 100 a month local."""
    standard("disabled_veteran", "48000", grade=4, cause="war")
    standard("disabled_veteran", "100", per="month", level="local")
    who = person(district)
    entitle(who, "disabled_veteran", officer, grade=4, cause="war")
    return who


def lines(batch):
    return sorted(batch.lines.values_list("month", "kind", "amount_cents"))


def test_a_month_pays_the_sum_of_the_levels_in_force(veteran, officer):
    batch = payments.compute(programme="disability", period=NOV, actor=officer)
    assert lines(batch) == [(months.parse_period(NOV).first, "regular", 400000 + 10000)]
    assert (batch.persons, batch.total_cents) == (1, 410000)
    assert payments.lines_of(batch) == payments.reference_lines(programme="disability", period=NOV)


def test_a_quarter_pays_three_months_and_a_standard_starting_mid_quarter_counts_from_its_month(
    veteran, officer
):
    standard(
        "disabled_veteran",
        "1200",
        grade=4,
        cause="war",
        level="provincial",
        valid_from=dt.date(2026, 12, 1),
    )
    batch = payments.compute(programme="disability", period="2026-Q4", actor=officer)
    assert [c for _m, _k, c in lines(batch)] == [410000, 410000, 420000]


def test_the_maker_cannot_approve_and_an_approved_batch_never_changes(veteran, officer, people):
    batch = payments.compute(programme="disability", period=NOV, actor=officer)
    with pytest.raises(ValidationError):
        payments.approve(batch=batch, actor=officer)
    with pytest.raises(PermissionDenied):
        payments.approve(batch=batch, actor=people.liaison_a)
    payments.approve(batch=batch, actor=people.office)
    with pytest.raises(ValidationError):
        payments.compute(programme="disability", period=NOV, actor=officer)
    with pytest.raises(ValidationError):
        payments.discard(batch=batch, actor=officer)
    assert BatchLine.objects.filter(batch=batch).count() == 1


def test_a_draft_is_stale_after_a_change_and_must_be_computed_again(veteran, officer, people):
    batch = payments.compute(programme="disability", period=NOV, actor=officer)
    standard("disabled_veteran", "50", per="month", level="provincial")
    with pytest.raises(ValidationError):
        payments.approve(batch=batch, actor=people.office)
    batch = payments.compute(programme="disability", period=NOV, actor=officer)
    payments.approve(batch=batch, actor=people.office)


def approve_month(period, officer, checker):
    batch = payments.compute(programme="disability", period=period, actor=officer)
    assert payments.lines_of(batch) == payments.reference_lines(
        programme="disability", period=period
    )
    return payments.approve(batch=batch, actor=checker)


def test_a_retroactive_raise_pays_arrears_for_the_months_already_paid(veteran, officer, people):
    approve_month("2026-09", officer, people.office)
    approve_month("2026-10", officer, people.office)
    standard(
        "disabled_veteran", "60", per="month", level="provincial", valid_from=dt.date(2026, 9, 1)
    )
    batch = payments.compute(programme="disability", period=NOV, actor=officer)
    assert lines(batch) == [
        (months.parse_period("2026-09").first, "arrears", 6000),
        (months.parse_period("2026-10").first, "arrears", 6000),
        (months.parse_period(NOV).first, "regular", 416000),
    ]
    assert payments.lines_of(batch) == payments.reference_lines(programme="disability", period=NOV)


def test_a_late_approval_is_paid_from_the_month_after_approval(district, officer, people, veteran):
    approve_month("2026-09", officer, people.office)
    approve_month("2026-10", officer, people.office)
    late = person(district, name="赵二")
    entitle(
        late, "disabled_veteran", officer, grade=4, cause="war", approved_on=dt.date(2026, 8, 20)
    )
    batch = payments.compute(programme="disability", period=NOV, actor=officer)
    paid = sorted((m, k) for _e, p, m, k, _c in payments.lines_of(batch) if p == late.pk)
    assert [k for _m, k in paid] == ["arrears", "arrears", "regular"]
    assert payments.lines_of(batch) == payments.reference_lines(programme="disability", period=NOV)


def test_a_suspension_stops_payment_after_its_month_and_a_return_resumes(veteran, officer, people):
    entitlement = veteran.entitlements.get()
    registry.change_status(
        entitlement=entitlement,
        status="suspended",
        effective=dt.date(2026, 10, 5),
        reason="判处有期徒刑",
        actor=officer,
    )
    batch = payments.compute(programme="disability", period="2026-Q4", actor=officer)
    assert [m for m, _k, _c in lines(batch)] == [months.parse_period("2026-10").first]
    registry.change_status(
        entitlement=entitlement,
        status="active",
        effective=dt.date(2026, 12, 1),
        reason="",
        actor=officer,
    )
    batch = payments.compute(programme="disability", period="2026-Q4", actor=officer)
    assert len(lines(batch)) == 2


def test_a_death_is_paid_through_its_month_with_six_months_of_funeral_aid_once(
    veteran, officer, people
):
    approve_month("2026-10", officer, people.office)
    registry.change_status(
        entitlement=veteran.entitlements.get(),
        status="deceased",
        effective=dt.date(2026, 10, 18),
        reason="病故",
        actor=officer,
    )
    batch = payments.compute(programme="disability", period=NOV, actor=officer)
    assert lines(batch) == [(months.parse_period("2026-10").first, LineKind.FUNERAL, 6 * 410000)]
    assert payments.lines_of(batch) == payments.reference_lines(programme="disability", period=NOV)
    payments.approve(batch=batch, actor=people.office)
    december = payments.compute(programme="disability", period="2026-12", actor=officer)
    assert lines(december) == []


def test_a_death_recorded_late_is_a_recovery_to_collect_never_a_negative_transfer(
    veteran, officer, people
):
    approve_month("2026-10", officer, people.office)
    approve_month(NOV, officer, people.office)
    registry.change_status(
        entitlement=veteran.entitlements.get(),
        status="deceased",
        effective=dt.date(2026, 10, 3),
        reason="病故",
        actor=officer,
    )
    from shuangyong.care.selectors import overpaid, transfer_rows

    november = months.parse_period(NOV).first
    december = payments.compute(programme="disability", period="2026-12", actor=officer)
    found = overpaid(december)
    assert (found.persons, found.amount) == (1, 4100)
    assert (november, "recovery", -410000) in lines(december)
    assert december.recovery_cents == 410000
    with pytest.raises(ValidationError):  # no adjustment without an approved regular batch
        payments.compute(programme="disability", period="2027-01", kind="adjustment", actor=officer)
    adjustment = payments.compute(
        programme="disability", period=NOV, kind="adjustment", actor=officer
    )
    assert lines(adjustment) == [(november, "recovery", -410000)]
    assert payments.lines_of(adjustment) == payments.reference_lines(
        programme="disability", period=NOV, kind="adjustment"
    )
    payments.discard(batch=adjustment, actor=officer)

    payments.approve(batch=december, actor=people.office)
    recovery = Recovery.objects.get()
    assert (recovery.amount, recovery.state, recovery.months_label) == (4100, "open", NOV)
    assert (recovery.reason, recovery.debtor) == ("deceased", veteran.name)
    # The bank gets the funeral aid, never the overpayment as a negative transfer.
    assert [r.amount for r in transfer_rows(december, full=False)] == [6 * 4100]
    # Counted in the ledger, the overpayment is never found twice.
    again = payments.compute(programme="disability", period=NOV, kind="adjustment", actor=officer)
    assert lines(again) == []
    assert lines(payments.compute(programme="disability", period="2027-01", actor=officer)) == []


def test_only_a_district_wide_officer_computes(veteran, people):
    with pytest.raises(PermissionDenied):
        payments.compute(programme="disability", period=NOV, actor=people.care)  # a street's
    with pytest.raises(PermissionDenied):
        payments.compute(programme="disability", period=NOV, actor=people.office)


def test_bad_periods_and_programmes_are_refused(veteran, officer):
    for period in ("2026-13", "26-11", "2026-Q5", "next month"):
        with pytest.raises(ValueError):
            payments.compute(programme="disability", period=period, actor=officer)
    with pytest.raises(ValidationError):
        payments.compute(programme="pension", period=NOV, actor=officer)


def test_recomputing_and_discarding_replace_lines_in_one_statement_not_an_event_each(
    veteran, district, officer, django_assert_max_num_queries
):
    """The batch is the audited object; its lines come and go wholesale."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shuangyong.audit.models import AuditEvent

    payments.compute(programme="disability", period=NOV, actor=officer)
    with CaptureQueriesContext(connection) as one_person:
        payments.compute(programme="disability", period=NOV, actor=officer)
    for i in range(8):
        entitle(person(district, name=f"老兵{i}"), "disabled_veteran", officer, grade=4,
                cause="war")  # fmt: skip
    batch = payments.compute(programme="disability", period=NOV, actor=officer)
    assert batch.persons == 9
    with django_assert_max_num_queries(len(one_person)):
        payments.compute(programme="disability", period=NOV, actor=officer)
    payments.discard(batch=batch, actor=officer)
    assert not BatchLine.objects.exists()
    assert not AuditEvent.objects.filter(object_type="care.batchline").exists()
    assert AuditEvent.objects.filter(object_type="care.paymentbatch", action="delete").exists()


def test_without_an_approval_date_the_page_and_the_roster_pay_from_the_same_month(
    veteran, district, officer, people
):
    """Before this system pays a programme: from month 0 (paid before it); once it does:
    from this month, not arrears back to the ledger's start for months nobody can date."""
    from django.utils import timezone

    from shuangyong.care.registry import first_paid_month

    assert entitle(person(district, name="早"), "war_veteran", officer).pays_from == 0
    approve_month("2026-10", officer, people.office)
    late = entitle(person(district, name="晚"), "disabled_veteran", officer, grade=4, cause="war")
    today = timezone.localdate()
    assert late.pays_from == months.index(today)
    assert late.pays_from == first_paid_month(None, ledger_started=True, today=today)
