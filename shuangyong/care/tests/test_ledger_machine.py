"""Money paid exactly once, whatever the order of operations (hypothesis stateful test).

A state machine interleaves, in any order: computing regular and adjustment batches of
any month, approving and discarding them in any order, back-dated raises (replacing the
older row, or wrongly left beside it), late approvals, suspensions and returns, deaths
recorded late and corrected (made active again), yearly confirmations, repayments and
write-offs of recoveries. It keeps its own model of the standards as they are meant to
be (never two of a kind in force in one month), so a ledger that pays what the
database's rows say is still caught paying more than was meant.

Before every approval: a batch whose inputs' digest is unchanged would be computed the
same again. After every step: no entitlement-month is paid more than is due; funeral aid
is kept once at most; no transfer is negative; no recovery gets back more than it is
owed. After approving all regular batches up to the newest: every entitlement-month up
to it is paid exactly what is due (less what is held for want of a confirmation), and
funeral aid paid for a death since corrected has been taken back.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import os
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from shuangyong.care import months, payments, recoveries, registry
from shuangyong.care.imports import save_standards
from shuangyong.care.models import (
    OWED_BACK_KINDS,
    AllowanceStandard,
    BatchKind,
    BatchLine,
    BatchStatus,
    Entitlement,
    LineKind,
    PayableSpan,
    PaymentBatch,
    ProgrammeRule,
    Recovery,
)
from shuangyong.care.selectors import transfer_rows
from shuangyong.care.tests.conftest import person

PROGRAMME = "disability"
CATEGORY = "disabled_veteran"
FIRST = months.index(dt.date(2026, 1, 1))
MONTHS = list(range(FIRST, FIRST + 6))  # 2026-01 … 2026-06
KINDS = {
    # (level, frequency, pay_month): a monthly national pension and a local top-up paid
    # once a year in June, so yearly lump sums meet arrears and recoveries too.
    "national": ("national", "monthly", 1),
    "local": ("local", "yearly", 6),
}
month_indexes = st.integers(min_value=0, max_value=len(MONTHS) - 1)
amounts = st.integers(min_value=1, max_value=40).map(lambda n: Decimal(n * 150))


def _item(kind: str, valid_from: dt.date, amount: Decimal, *, replaces: bool) -> dict:
    level, frequency, pay_month = KINDS[kind]
    return {
        "category": CATEGORY,
        "grade": None,
        "cause": "",
        "hukou": "",
        "valid_from": valid_from,
        "valid_to": None,
        "amount": amount,
        "per": "month" if frequency == "monthly" else "year",
        "level": level,
        "frequency": frequency,
        "pay_month": pay_month,
        "replaces": replaces,
    }


def _standard(item: dict) -> AllowanceStandard:
    fields = {k: v for k, v in item.items() if k != "replaces"}
    standard = AllowanceStandard(**fields)
    standard.derive()
    return standard


def ledger_machine(district, officer, checker):
    class LedgerMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.meant: list[AllowanceStandard] = []  # the standards as they are meant to be
            self.entitlements: list[int] = []
            self.hold = False
            self.settled_to: int | None = None
            self.most_due: dict[tuple[int, int], int] = {}

        def teardown(self):
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        # --- set-up ---------------------------------------------------------------------

        @initialize(
            hold=st.booleans(),
            offset=st.booleans(),
            national=amounts,
            local=amounts,
            people=st.integers(min_value=1, max_value=3),
        )
        def start(self, hold, offset, national, local, people):
            ProgrammeRule.objects.update_or_create(
                programme=PROGRAMME,
                defaults={"confirmation": "hold" if hold else "warn", "offset_recoveries": offset},
            )
            self.hold = hold
            items = [
                _item("national", dt.date(2025, 1, 1), national, replaces=False),
                _item("local", dt.date(2025, 1, 1), local, replaces=False),
            ]
            save_standards(items)
            self.meant = [_standard(i) for i in items]
            for n in range(people):
                self._entitle(f"老兵{n}", dt.date(2025, 6, 1))
            persons = [e.person for e in Entitlement.objects.select_related("person")]
            registry.confirm(persons=persons, year=2025, actor=officer)

        def _entitle(self, name: str, approved: dt.date) -> None:
            who = person(district, name=name)
            entitlement = registry.add_entitlement(
                person=who,
                category=CATEGORY,
                grade=4,
                cause="war",
                approved_on=approved,
                actor=officer,
            )
            self.entitlements.append(entitlement.pk)

        def _entitlement(self, pick: int) -> Entitlement:
            return Entitlement.objects.get(pk=self.entitlements[pick % len(self.entitlements)])

        def _drafts(self) -> list[PaymentBatch]:
            return list(PaymentBatch.objects.filter(status=BatchStatus.DRAFT).order_by("pk"))

        # --- batches --------------------------------------------------------------------

        @rule(ahead=st.integers(min_value=0, max_value=5), adjustment=st.booleans())
        def compute(self, ahead, adjustment):
            """A batch near the ledger's frontier (the first month no regular batch has
            paid), where orders of computing and approving matter: a draft for the month
            after a draft, a correction of a month just paid."""
            frontier = self._frontier()
            # A regular batch for the frontier or a month or two after; an adjustment of
            # one of the two months before it (the ones paid).
            index = frontier - 1 - ahead % 2 if adjustment else frontier + ahead % 3
            index = min(max(index, 0), len(MONTHS) - 1)
            kind = BatchKind.ADJUSTMENT if adjustment else BatchKind.REGULAR
            with contextlib.suppress(ValidationError):
                payments.compute(
                    programme=PROGRAMME, period=months.label(MONTHS[index]), kind=kind,
                    actor=officer,
                )  # fmt: skip

        def _frontier(self) -> int:
            paid = set(
                PaymentBatch.objects.filter(
                    programme=PROGRAMME, kind="regular", status="approved"
                ).values_list("first_month", flat=True)
            )
            return next((i for i, m in enumerate(MONTHS) if m not in paid), len(MONTHS) - 1)

        @precondition(lambda self: PaymentBatch.objects.filter(status="draft").exists())
        @rule(pick=st.integers(min_value=0, max_value=9))
        def approve(self, pick):
            drafts = self._drafts()
            with contextlib.suppress(ValidationError):
                self._approve(drafts[pick % len(drafts)])

        @precondition(lambda self: PaymentBatch.objects.filter(status="draft").exists())
        @rule(pick=st.integers(min_value=0, max_value=9))
        def discard(self, pick):
            drafts = self._drafts()
            payments.discard(batch=drafts[pick % len(drafts)], actor=officer)

        @precondition(lambda self: PaymentBatch.objects.filter(status="draft").exists())
        @rule()
        def approve_the_queue(self):
            """Approve every draft, oldest first, as a checker clears a queue."""
            for batch in self._drafts():
                with contextlib.suppress(ValidationError):
                    self._approve(batch)

        @rule(ahead=st.integers(min_value=0, max_value=1))
        def settle(self, ahead):
            """Approve every regular batch up to the frontier (or the month after), in
            order, each computed afresh."""
            upto = min(self._frontier() + ahead, len(MONTHS) - 1)
            approved_newest = False
            for month in MONTHS[: upto + 1]:
                period = months.label(month)
                done = PaymentBatch.objects.filter(
                    programme=PROGRAMME, kind="regular", period=period, status="approved"
                ).exists()
                if done:
                    continue
                batch = payments.compute(programme=PROGRAMME, period=period, actor=officer)
                self._approve(batch)  # fresh: never stale
                approved_newest = month == self._newest()
            self.settled_to = self._newest() if approved_newest else None
            if self.settled_to is not None:
                self._check_exact(self.settled_to)

        def _approve(self, batch: PaymentBatch) -> None:
            """Approve, then hold the approval to the rule: it pays only what is due now
            for the months it pays, and never adds to what a month was overpaid."""
            before = self._paid()
            # Approval trusts an unchanged digest of the inputs instead of computing the
            # batch again: it must never be unchanged while computing again differs (a
            # digest that missed an input would approve stale batches only sometimes).
            batch.refresh_from_db()
            rule = ProgrammeRule.objects.get(programme=PROGRAMME)
            if batch.inputs == payments.inputs_token(
                programme=PROGRAMME, kind=batch.kind, rule=rule
            ):
                assert payments._still_current(batch, rule), "the digest missed a change"
            payments.approve(batch=batch, actor=checker)
            due, after = self._due(), self._paid()
            paid_months = set(
                batch.lines.filter(amount_cents__gt=0)
                .exclude(kind__in=payments.NOT_FOR_A_MONTH)
                .values_list("entitlement_id", "month")
            )
            over = {
                (ent, months.label(month)): (after[(ent, month)], due.get((ent, month), 0))
                for (ent, month) in set(after) | set(before)
                if after[(ent, month)] > max(due.get((ent, month), 0), before[(ent, month)])
                or ((ent, month) in paid_months and after[(ent, month)] > due.get((ent, month), 0))
            }
            assert not over, f"{batch} paid more than due, (paid, due): {over}"

        def _newest(self) -> int | None:
            return PaymentBatch.objects.filter(
                programme=PROGRAMME, kind="regular", status="approved"
            ).aggregate(m=Max("last_month"))["m"]

        # --- the registry and the standards ---------------------------------------------

        @rule(kind=st.sampled_from(sorted(KINDS)), month=month_indexes, back=st.integers(0, 6),
              amount=amounts, replaces=st.booleans())  # fmt: skip
        def raise_standard(self, kind, month, back, amount, replaces):
            """A raise, back-dated; meant to replace the older row (a row left open beside
            it must be refused)."""
            start = months.first_day(MONTHS[month] - back) + dt.timedelta(days=back * 3)
            item = _item(kind, start, amount, replaces=replaces)
            new = _standard(item)
            if any(s.key == new.key and s.valid_from == start for s in self.meant):
                return  # an edit of a row, not a raise
            meant = [copy.copy(s) for s in self.meant]
            if replaces:
                for older in meant:
                    if (
                        older.key == new.key
                        and older.valid_from < start
                        and (older.valid_to is None or older.valid_to >= start)
                    ):
                        older.valid_to = start - dt.timedelta(days=1)
                        older.derive()
            refused = any(s.key == new.key and s.overlaps(new) for s in meant)
            try:
                save_standards([item])
            except ValidationError:
                assert refused, "a raise that overlaps nothing was refused"
                return
            if not refused:
                self.meant = [*meant, new]
            # else: the database took an overlapping row; the model keeps what was meant,
            # and the invariant catches the double payment.

        @rule(month=month_indexes, late=st.integers(1, 5))
        def late_approval(self, month, late):
            if len(self.entitlements) < 6:
                approved = months.first_day(MONTHS[month] - late) + dt.timedelta(days=9)
                self._entitle("迟批", approved)

        @rule(pick=st.integers(0, 9), month=month_indexes, day=st.integers(0, 27),
              status=st.sampled_from(["suspended", "active", "deceased"]))  # fmt: skip
        def change_status(self, pick, month, day, status):
            entitlement = self._entitlement(pick)
            if entitlement.status == "deceased" and status != "active":
                return  # a death is only ever corrected: recorded wrongly, made active again
            with contextlib.suppress(ValidationError):
                registry.change_status(
                    entitlement=entitlement,
                    status=status,
                    effective=months.first_day(MONTHS[month]) + dt.timedelta(days=day),
                    reason=""
                    if status == "active"
                    else "服刑"
                    if status == "suspended"
                    else "病故",
                    actor=officer,
                )

        @precondition(lambda self: self.hold)
        @rule(pick=st.integers(0, 9))
        def confirm(self, pick):
            registry.confirm(persons=[self._entitlement(pick).person], year=2026, actor=officer)

        @precondition(lambda self: Recovery.objects.filter(state__in=["open", "partly"]).exists())
        @rule(pick=st.integers(0, 9), part=st.integers(1, 100), write_off=st.booleans())
        def recover(self, pick, part, write_off):
            found = list(Recovery.objects.filter(state__in=["open", "partly"]).order_by("pk"))
            recovery = found[pick % len(found)]
            if write_off:
                recoveries.write_off(recovery=recovery, reason="无力偿还", actor=checker)
                return
            cents = max(1, recovery.outstanding_cents * part // 100)
            recoveries.record_repayment(
                recovery=recovery, amount=Decimal(cents) / 100, actor=officer
            )

        # --- what must always hold ------------------------------------------------------

        def _paid(self) -> dict[tuple[int, int], int]:
            paid: dict[tuple[int, int], int] = defaultdict(int)
            for ent, month, cents in (
                BatchLine.objects.filter(batch__status="approved")
                .exclude(kind__in=payments.NOT_FOR_A_MONTH)
                .values_list("entitlement_id", "month")
                .annotate(cents=Sum("amount_cents"))
            ):
                paid[(ent, month)] += cents
            return paid

        def _due(self) -> dict[tuple[int, int], int]:
            spans = defaultdict(list)
            for span in PayableSpan.objects.all():
                spans[span.entitlement_id].append(span)
            due = {}
            for ent in Entitlement.objects.all():
                for month in MONTHS:
                    due[(ent.pk, month)] = payments.due_for(self.meant, spans[ent.pk], ent, month)
            return due

        @invariant()
        def never_paid_more_than_was_due(self):
            """A month may be overpaid for a while (a death recorded after it was paid,
            until the next batch finds the recovery), but never beyond what it was once
            due: paying a month twice, or by two overlapping standards, is caught here."""
            due, paid = self._due(), self._paid()
            for key, owed in due.items():
                self.most_due[key] = max(self.most_due.get(key, 0), owed)
            over = {
                k: (p, self.most_due.get(k, 0))
                for k, p in paid.items()
                if p > self.most_due.get(k, 0)
            }
            assert not over, f"paid more than ever due (entitlement, month): {over}"

        @invariant()
        def funeral_aid_once_and_transfers_positive(self):
            """Funeral aid is kept once at most: paid again only after it was taken back
            (a death corrected, then recorded again)."""
            funerals, kept = defaultdict(int), defaultdict(int)
            for ent, kind, cents in BatchLine.objects.filter(
                batch__status="approved", kind__in=[LineKind.FUNERAL, LineKind.FUNERAL_BACK]
            ).values_list("entitlement_id", "kind", "amount_cents"):
                funerals[ent] += 1 if kind == LineKind.FUNERAL else -1
                kept[ent] += cents
            assert all(n in (0, 1) for n in funerals.values()), funerals
            assert all(cents >= 0 for cents in kept.values()), kept
            for batch in PaymentBatch.objects.filter(status="approved"):
                assert all(r.amount > 0 for r in transfer_rows(batch, full=False))

        @invariant()
        def recoveries_never_get_back_more_than_owed(self):
            for r in Recovery.objects.all():
                assert 0 <= r.recovered_cents + r.offset_cents <= r.amount_cents, r.pk
                owed = -BatchLine.objects.filter(
                    batch=r.batch, entitlement=r.entitlement, kind__in=OWED_BACK_KINDS
                ).aggregate(s=Sum("amount_cents"))["s"]
                assert owed == r.amount_cents

        def _check_exact(self, upto: int) -> None:
            due, paid = self._due(), self._paid()
            confirmed = defaultdict(set)
            for e in Entitlement.objects.select_related("person"):
                for year in e.person.confirmations.values_list("year", flat=True):
                    confirmed[e.pk].add(year)
            wrong = {}
            for (ent, month), owed in due.items():
                if month > upto:
                    continue
                held = self.hold and not payments.is_confirmed_for(confirmed[ent], month, 3)
                expected = 0 if held else owed
                if paid[(ent, month)] != expected:
                    wrong[(ent, months.label(month))] = (paid[(ent, month)], expected)
            assert not wrong, f"not paid exactly what is due, (paid, due): {wrong}"
            # A death corrected since its funeral aid was paid has had it taken back.
            kept = dict(
                BatchLine.objects.filter(
                    batch__status="approved",
                    kind__in=[LineKind.FUNERAL, LineKind.FUNERAL_BACK],
                )
                .exclude(entitlement__status="deceased")
                .values_list("entitlement_id")
                .annotate(cents=Sum("amount_cents"))
            )
            assert not any(kept.values()), f"funeral aid kept by the living: {kept}"

    return LedgerMachine


@pytest.mark.django_db
@pytest.mark.slow
def test_money_is_paid_exactly_once_in_any_order_of_operations(district, officer, people):
    machine = ledger_machine(district, officer, people.office)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=int(os.environ.get("LEDGER_EXAMPLES", "60")),
            stateful_step_count=int(os.environ.get("LEDGER_STEPS", "50")),
            # LEDGER_SHRINK=0 for a quick hunt (e.g. a mutation check): report unshrunk.
            phases=[
                p for p in Phase if os.environ.get("LEDGER_SHRINK") != "0" or p != Phase.shrink
            ],
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
