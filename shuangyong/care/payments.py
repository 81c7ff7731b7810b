"""Payment batches, computed set-based: one INSERT … SELECT prices every entitlement's
months against the standards in force, subtracts what approved batches already paid,
and writes the differences as the batch's lines.

The ledger (``BatchLine``) holds what each entitlement was paid for each month, so:
- a regular batch pays the period's months, plus arrears for earlier months that now
  price higher (a standard raised retroactively, an approval recorded late) — only for
  entitlements marked ``recheck_from``, within ``ARREARS_MONTHS`` of the period and not
  before the first approved batch (earlier months were paid outside this system);
- a month now priced lower than it was paid (a death recorded late) is a negative
  *recovery* line: never sent to the bank, it becomes a recovery item (追回) when the
  batch is approved, and may be offset against later payments where the programme's
  rule says so;
- a death pays ``FUNERAL_MONTHS`` more months of the pension as funeral aid, once; a
  death corrected (the entitlement made active again) after its funeral aid was paid
  has it taken back by the next regular batch, as a recovery (``FUNERAL_BACK``);
- an adjustment batch pays every difference for its period's months: corrections never
  touch an approved batch.

The invariant, for every entitlement and month: the approved lines (less recoveries)
add up to exactly what is due, never more. Each computation is right on its own; what
keeps it right in any order is that approving re-computes the batch under the
programme's lock and refuses it as stale unless it still holds exactly those lines
(docs/architecture.md says why that and not a silent correction).

``reference_lines`` computes the same lines one entitlement at a time, in plain
Python; the property tests hold the SQL to it and the ledger to the invariant.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.access import can
from shuangyong.audit.models import Action
from shuangyong.audit.services import record
from shuangyong.care import alerts, months
from shuangyong.care.categories import Programme, categories_of
from shuangyong.care.models import (
    OWED_BACK_KINDS,
    TRANSFER_KINDS,
    AllowanceStandard,
    BatchKind,
    BatchLine,
    BatchStatus,
    Confirmation,
    Confirmations,
    EntitledPerson,
    Entitlement,
    EntitlementStatus,
    LineKind,
    PayableSpan,
    PaymentBatch,
    ProgrammeRule,
    Recovery,
    RecoveryState,
)
from shuangyong.org.models import User

# A ledger line as compute writes it: (entitlement, person, month, kind, cents).
Line = tuple[int, int, int, str, int]

ARREARS_MONTHS = 60
FUNERAL_MONTHS = 6
# 军人抚恤优待条例: the death of someone on a periodic pension adds six months of it as
# funeral aid; living allowances and the family allowance carry none.
FUNERAL_PROGRAMMES = {Programme.DISABILITY, Programme.SURVIVOR}
# Lines that are not a month's payment: funeral aid is paid once on top (and taken back
# when the death is corrected), an offset repays a recovery. The ledger's "paid for a
# month" leaves them out.
NOT_FOR_A_MONTH = (LineKind.FUNERAL, LineKind.FUNERAL_BACK, LineKind.OFFSET)


class StaleBatch(ValidationError):
    """The ledger moved since the batch was computed: it must be computed again."""


@dataclass(frozen=True)
class Window:
    """The months a batch looks at: arrears from ``start`` and the period's own."""

    start: int  # first month arrears may reach (== period.first when there are none)
    first: int
    last: int


def ledger_start(programme: str) -> int | None:
    """The first month of the first approved regular batch: the system's ledger begins there."""
    return PaymentBatch.objects.filter(
        programme=programme, kind=BatchKind.REGULAR, status=BatchStatus.APPROVED
    ).aggregate(m=Min("first_month"))["m"]


def window_for(programme: str, period: months.Period, kind: str) -> Window:
    if kind == BatchKind.ADJUSTMENT:
        return Window(period.first, period.first, period.last)
    begun = ledger_start(programme)
    if begun is None or begun >= period.first:
        return Window(period.first, period.first, period.last)
    return Window(max(begun, period.first - ARREARS_MONTHS), period.first, period.last)


def rule_for(programme: str) -> ProgrammeRule:
    """The programme's rule (created with the defaults on first use)."""
    rule = ProgrammeRule.objects.filter(programme=programme).first()
    return rule or _create_rule(programme)


def _create_rule(programme: str) -> ProgrammeRule:
    try:
        with transaction.atomic():
            return ProgrammeRule.objects.create(programme=programme)
    except IntegrityError:  # created meanwhile by a parallel request
        return ProgrammeRule.objects.get(programme=programme)


def _lock(programme: str) -> ProgrammeRule:
    """Take the programme's lock for the rest of the transaction: batches of a programme
    are computed, approved and discarded one at a time (on SQLite every write transaction
    is already exclusive)."""
    rule = ProgrammeRule.objects.select_for_update().filter(programme=programme).first()
    if rule is None:
        _create_rule(programme)
        rule = ProgrammeRule.objects.select_for_update().get(programme=programme)
    return rule


def _room_to_sort() -> None:
    """On PostgreSQL, let this transaction's batch queries sort and hash a million lines in
    memory (the default 4 MB spilled them to disk), and run them without JIT compilation
    (0.25–0.35 s to compile each batch statement, more than it saved)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '128MB'")
            cursor.execute("SET LOCAL jit = off")


def _month_rows(found: list[int]) -> str:
    """An inline table of months (portable: SQLite has no generate_series)."""
    return " UNION ALL ".join(f"SELECT {int(m)} AS month" for m in found)


def _month_list(found: list[int]) -> str:
    return ", ".join(str(int(m)) for m in found)


def _tables() -> dict[str, str]:
    return {
        "ent": Entitlement._meta.db_table,
        "span": PayableSpan._meta.db_table,
        "std": AllowanceStandard._meta.db_table,
        "line": BatchLine._meta.db_table,
        "batch": PaymentBatch._meta.db_table,
        "recovery": Recovery._meta.db_table,
        "confirmation": Confirmation._meta.db_table,
        "person": EntitledPerson._meta.db_table,
    }


def _in_list(values: Iterable[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)  # our own choice values, never user input


# Which standards are in force for a span in a month: the business rule, written once. A
# standard without a grade, cause or hukou applies to all of them.
STANDARD_IN_FORCE = """s.category = e.category
            AND (s.grade IS NULL OR s.grade = sp.grade)
            AND (s.cause = '' OR s.cause = sp.cause)
            AND (s.hukou = '' OR s.hukou = sp.hukou)
            AND s.from_month <= {month}
            AND (s.to_month IS NULL OR s.to_month >= {month})"""
# …and which of those pay in that month: every month, or the named month of a quarter or
# a year, when they pay a quarter's or a year's worth (``pay_cents``).
STANDARD_PAYS = STANDARD_IN_FORCE + "\n            AND {month} %% s.pay_every = s.pay_offset"

# The programme's entitlements with their spans, read once per batch (a materialised
# CTE): the prices and what is due both start from it. Joining entitlements, spans and
# prices in one go let PostgreSQL, which cannot estimate the prices, join the spans of
# every programme to the prices first and look up 650,000 entitlements one at a time to
# throw most of them away. A span without a grade is grade -1 here (no standard has it).
SPANS = """
SELECT e.id AS entitlement_id, e.person_id AS person_id, e.category AS category,
       e.recheck_from AS recheck_from, COALESCE(sp.grade, -1) AS grade, sp.cause AS cause,
       sp.hukou AS hukou, sp.first_month AS first_month, sp.last_month AS last_month
FROM {ent} e JOIN {span} sp ON sp.entitlement_id = e.id
WHERE e.category IN ({categories})
"""
# Each kind of span (category, grade, cause, hukou) is priced once per month, then spans
# find their price by equality (one hash join): joining the standards to every span
# instead made PostgreSQL loop over the standards and scan all spans once per standard.
PRICES = """
SELECT k.category, k.grade, k.cause, k.hukou, m.month, SUM(s.pay_cents) AS cents
FROM (SELECT DISTINCT category, grade, cause, hukou FROM es) k
JOIN ({months}) m ON 1 = 1
JOIN {std} s ON {standard_pays}
GROUP BY k.category, k.grade, k.cause, k.hukou, m.month
"""
# (Spans of an entitlement never overlap: one row per entitlement and month, summed with
# what was paid in ``difference_sql``.)
DUE = """
SELECT es.entitlement_id, es.person_id, m.month AS month, pr.cents AS cents
FROM es
JOIN ({months}) m ON m.month >= es.first_month
                 AND (es.last_month IS NULL OR m.month <= es.last_month)
JOIN ({prices}) pr ON pr.category = es.category AND pr.grade = es.grade
                  AND pr.cause = es.cause AND pr.hukou = es.hukou AND pr.month = m.month
WHERE 1 = 1 {only}
"""

# The approved batches are named by id (read under the programme's lock): so PostgreSQL
# finds their lines of the months by the (batch, month) index, instead of reading every
# line ever written for those months, drafts' and discarded ones' included.
PAID = """
SELECT l.entitlement_id AS entitlement_id, l.person_id AS person_id, l.month AS month,
       -l.amount_cents AS cents
FROM {line} l {join_ent}
WHERE l.batch_id IN ({approved}) AND l.kind NOT IN ({not_for_a_month})
  AND l.month IN ({month_list}) {only}
"""

FUNERAL = """
SELECT e.id AS entitlement_id, e.person_id AS person_id, e.status_month AS month,
       {funeral_months} * SUM(s.month_cents) AS cents
FROM {ent} e
JOIN {span} sp ON sp.entitlement_id = e.id AND sp.last_month = e.status_month
JOIN {std} s ON {standard_in_force}
WHERE e.category IN ({categories}) AND e.status = 'deceased'
  AND e.status_month BETWEEN %(funeral_lo)s AND %(funeral_hi)s
  AND COALESCE(({funeral_kept}), 0) <= 0
GROUP BY e.id, e.person_id, e.status_month
"""
# The funeral aid an entitlement keeps: paid by approved batches, less what they took back.
FUNERAL_KEPT = """SELECT SUM(l.amount_cents) FROM {line} l JOIN {batch} b ON b.id = l.batch_id
      WHERE l.entitlement_id = e.id AND l.kind IN ('funeral', 'funeral_back')
        AND b.status = 'approved'"""
# Funeral aid kept by an entitlement no longer deceased (the death was recorded wrongly and
# corrected) is owed back. Only marked entitlements are looked at: the correction marks
# it, and a mark is cleared only by approving a batch that saw it.
FUNERAL_BACK = """
SELECT f.entitlement_id, f.person_id, f.month, -f.cents AS cents FROM (
    SELECT e.id AS entitlement_id, e.person_id AS person_id,
           ({funeral_kept}) AS cents,
           (SELECT MAX(l.month) FROM {line} l JOIN {batch} b ON b.id = l.batch_id
             WHERE l.entitlement_id = e.id AND l.kind = 'funeral'
               AND b.status = 'approved') AS month
    FROM {ent} e
    WHERE e.category IN ({categories}) AND e.status <> 'deceased'
      AND e.recheck_from IS NOT NULL
) f WHERE f.cents > 0
"""
PRICES = PRICES.replace(
    "{standard_pays}",
    STANDARD_PAYS.format(month="m.month").replace("e.category", "k.category").replace("sp.", "k."),
)
DUE = DUE.replace("{prices}", PRICES)
FUNERAL = FUNERAL.replace(
    "{standard_in_force}", STANDARD_IN_FORCE.format(month="e.status_month")
).replace("{funeral_kept}", FUNERAL_KEPT)
FUNERAL_BACK = FUNERAL_BACK.replace("{funeral_kept}", FUNERAL_KEPT)

# A person held for want of the year's confirmation (where the rule holds): the month's
# year, or last year's within the grace months at the start of a year.
CONFIRMED = """EXISTS (
    SELECT 1 FROM {confirmation} c WHERE c.person_id = d.person_id
      AND (c.year = d.month / 12 OR (d.month %% 12 < {grace} AND c.year = d.month / 12 - 1)))"""


def covered_months(programme: str, first: int, last: int) -> set[int]:
    """Months between ``first`` and ``last`` that an approved regular batch has paid."""
    covered: set[int] = set()
    for lo, hi in PaymentBatch.objects.filter(
        programme=programme, kind=BatchKind.REGULAR, status=BatchStatus.APPROVED,
        first_month__lte=last, last_month__gte=first,
    ).values_list("first_month", "last_month"):  # fmt: skip
        covered.update(range(max(lo, first), min(hi, last) + 1))
    return covered


def difference_sql(programme: str, window: Window) -> tuple[str, dict[str, Any]]:
    """(entitlement, person, month, cents) rows of what is due less what was paid, where
    they differ: positive is owed to the person, negative was paid too much.

    Every entitlement is priced for the period's months and for earlier months of the
    window no approved batch has paid (a skipped month); months already paid are priced
    again only for the entitlements marked since (``recheck_from``), which is what keeps
    a monthly batch over a million persons one pass over the period.
    """
    t = _tables()
    categories = _in_list(categories_of(programme))
    not_for_a_month = _in_list(NOT_FOR_A_MONTH)
    earlier = range(window.start, window.first)
    covered = covered_months(programme, window.start, window.first - 1) if earlier else set()
    everyone = [m for m in earlier if m not in covered] + list(range(window.first, window.last + 1))
    approved = (
        ", ".join(
            str(pk)
            for pk in PaymentBatch.objects.filter(
                programme=programme, status=BatchStatus.APPROVED
            ).values_list("pk", flat=True)
        )
        or "NULL"
    )  # (IN (NULL) matches nothing)
    parts = [
        DUE.format(months=_month_rows(everyone), only="", **t),
        PAID.format(
            month_list=_month_list(everyone),
            only="",
            not_for_a_month=not_for_a_month,
            approved=approved,
            join_ent="",
            **t,
        ),  # fmt: skip
    ]
    if covered:
        marked = sorted(covered)
        parts.append(
            DUE.format(
                months=_month_rows(marked),
                only="AND es.recheck_from IS NOT NULL AND m.month >= es.recheck_from",
                **t,
            )
        )
        parts.append(
            PAID.format(
                month_list=_month_list(marked),
                only="AND e.recheck_from IS NOT NULL AND l.month >= e.recheck_from",
                not_for_a_month=not_for_a_month,
                approved=approved,
                join_ent=f"JOIN {t['ent']} e ON e.id = l.entitlement_id",
                **t,
            )
        )
    union = " UNION ALL ".join(parts)
    spans = SPANS.format(categories=categories, **t)
    sql = f"""
        WITH es AS MATERIALIZED ({spans})
        SELECT entitlement_id, person_id, month, SUM(cents) AS cents
        FROM ({union}) x
        GROUP BY entitlement_id, person_id, month
        HAVING SUM(cents) <> 0
    """
    return sql, {"programme": programme}


def _candidate_sql(
    programme: str, window: Window, kind: str, rule: ProgrammeRule
) -> tuple[str, dict[str, Any]]:
    """(entitlement, person, month, kind, cents): every line a batch gets but its offsets.

    Positive differences are paid (regular or arrears, or adjustment), negative ones are
    recovery lines; positive ones of a person not confirmed for the month's year are
    held where the rule holds; a regular batch adds the funeral aid due, and takes back
    the funeral aid of a death since corrected."""
    t = _tables()
    sql, params = difference_sql(programme, window)
    if kind == BatchKind.ADJUSTMENT:
        paid_kind = f"'{LineKind.ADJUSTMENT}'"
    else:
        paid_kind = (
            f"CASE WHEN d.month >= {window.first} THEN '{LineKind.REGULAR}' "
            f"ELSE '{LineKind.ARREARS}' END"
        )
    held = ""
    if rule.confirmation == Confirmations.HOLD:
        confirmed = CONFIRMED.format(confirmation=t["confirmation"], grace=int(rule.grace_months))
        held = f"WHERE d.cents < 0 OR {confirmed}"
    selects = [
        f"""SELECT d.entitlement_id AS entitlement_id, d.person_id AS person_id,
                   d.month AS month,
                   CASE WHEN d.cents < 0 THEN '{LineKind.RECOVERY}' ELSE {paid_kind} END AS kind,
                   d.cents AS cents
            FROM ({sql}) d {held}"""
    ]
    if kind == BatchKind.REGULAR and programme in FUNERAL_PROGRAMMES:
        funeral = FUNERAL.format(
            categories=_in_list(categories_of(programme)), funeral_months=FUNERAL_MONTHS, **t
        )
        # A death in the month before a month this batch covers is paid now.
        params = {**params, "funeral_lo": window.start - 1, "funeral_hi": window.last - 1}
        selects.append(
            f"""SELECT f.entitlement_id, f.person_id, f.month, '{LineKind.FUNERAL}', f.cents
                FROM ({funeral}) f"""
        )
        back = FUNERAL_BACK.format(categories=_in_list(categories_of(programme)), **t)
        selects.append(
            f"""SELECT f.entitlement_id, f.person_id, f.month, '{LineKind.FUNERAL_BACK}',
                       f.cents
                FROM ({back}) f"""
        )
    return " UNION ALL ".join(selects), params


def _insert_offsets(cursor: CursorWrapper, batch: PaymentBatch) -> None:
    """Where the rule allows: take what each person still owes (oldest recovery first) from
    what this batch pays them, never more than it pays."""
    t = _tables()
    transfer = _in_list(k for k in TRANSFER_KINDS if k != LineKind.OFFSET)
    cursor.execute(
        f"""
        INSERT INTO {t["line"]} (batch_id, entitlement_id, person_id, month, kind,
                                 amount_cents, recovery_id)
        SELECT %(batch)s, o.entitlement_id, o.person_id, %(month)s, '{LineKind.OFFSET}',
               -(CASE WHEN o.owed < o.pay - o.before THEN o.owed ELSE o.pay - o.before END),
               o.id
        FROM (
            SELECT r.id, r.entitlement_id, r.person_id, p.pay,
                   r.amount_cents - r.recovered_cents - r.offset_cents AS owed,
                   SUM(r.amount_cents - r.recovered_cents - r.offset_cents) OVER (
                       PARTITION BY r.person_id ORDER BY r.id
                   ) - (r.amount_cents - r.recovered_cents - r.offset_cents) AS before
            FROM {t["recovery"]} r
            JOIN {t["batch"]} rb ON rb.id = r.batch_id AND rb.programme = %(programme)s
            JOIN (SELECT person_id, SUM(amount_cents) AS pay FROM {t["line"]}
                  WHERE batch_id = %(batch)s AND kind IN ({transfer})
                  GROUP BY person_id) p ON p.person_id = r.person_id
            WHERE r.state IN ('{RecoveryState.OPEN}', '{RecoveryState.PARTLY}')
        ) o
        WHERE o.pay - o.before > 0 AND o.owed > 0
        """,
        {"batch": batch.pk, "month": batch.first_month, "programme": batch.programme},
    )


def district_wide(actor: User) -> bool:
    """Batches are the whole district's: a street's officer neither computes nor approves."""
    return not actor.is_unit_scoped or (
        actor.scope_root is not None and actor.scope_root.parent_id is None
    )


def may_compute(user: User) -> bool:
    """Computes and discards drafts: the compute permission, district-wide."""
    return can(user, "payments.compute") and district_wide(user)


def may_approve(user: User, batch: PaymentBatch) -> bool:
    """Approves this batch: the approve permission, district-wide, not its maker, and
    only while it is a draft (the page shows the button on the same rule)."""
    return (
        can(user, "payments.approve")
        and district_wide(user)
        and not batch.is_approved
        and batch.computed_by_id is not None
        and batch.computed_by_id != user.pk
    )


def _check_compute(actor: User | None) -> None:
    if actor is None:
        raise PermissionDenied(_("A batch is computed by a named person (the maker)."))
    if not can(actor, "payments.compute"):
        raise PermissionDenied("payments.compute")
    if not district_wide(actor):
        raise PermissionDenied(_("Batches are computed for the whole district."))


def compute(
    *, programme: str, period: str, kind: str = BatchKind.REGULAR, actor: User | None
) -> PaymentBatch:
    """Compute (or recompute) a draft batch for a programme and period.

    Rules: a named maker who may compute, district-wide; one regular batch per programme
    and period, and an approved one is never recomputed (corrections go in an adjustment
    batch, which needs the regular one approved first); lines are what is due less what
    approved batches paid, priced with the standards in force on each month's first day.
    Batches of a programme are computed one at a time: a request that waited while
    another computed the same draft gets that draft (``batch.computed_meanwhile``).
    """
    _check_compute(actor)
    if programme not in Programme.values:
        raise ValidationError({"programme": _("Unknown programme.")})
    if kind not in BatchKind.values:
        raise ValidationError({"kind": _("Unknown kind of batch.")})
    span = months.parse_period(period)
    asked_at = timezone.now()
    with transaction.atomic():
        rule = _lock(programme)
        existing = PaymentBatch.objects.filter(
            programme=programme, period=span.text, kind=kind, status=BatchStatus.DRAFT
        ).first()
        if existing is not None and existing.computed_at and existing.computed_at >= asked_at:
            existing.computed_meanwhile = True
            return existing
        regular = PaymentBatch.objects.filter(
            programme=programme, period=span.text, kind=BatchKind.REGULAR
        ).first()
        if kind == BatchKind.REGULAR and regular is not None and regular.is_approved:
            raise ValidationError(
                _("The batch for %(p)s is approved; correct it with an adjustment batch.")
                % {"p": span.text}
            )
        if kind == BatchKind.ADJUSTMENT and (regular is None or not regular.is_approved):
            raise ValidationError(
                _("An adjustment corrects an approved regular batch; there is none for %(p)s.")
                % {"p": span.text}
            )
        batch = existing or PaymentBatch(
            programme=programme,
            kind=kind,
            period=span.text,
            first_month=span.first,
            last_month=span.last,
        )
        batch.computed_by, batch.computed_at = actor, timezone.now()
        # Read before the lines are (on PostgreSQL each statement sees what was committed
        # when it began): a change committed in between makes the batch look stale, never
        # current.
        batch.inputs = inputs_token(programme=programme, kind=kind, rule=rule)
        batch.save()
        BatchLine.objects.filter(batch=batch).delete()
        _room_to_sort()
        window = window_for(programme, span, kind)
        _insert(batch, window, kind, rule)
        _total(batch)
        batch.computed_meanwhile = False
        alerts.batch_ready(batch)
        return batch


def _insert(batch: PaymentBatch, window: Window, kind: str, rule: ProgrammeRule) -> None:
    t = _tables()
    sql, params = _candidate_sql(batch.programme, window, kind, rule)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {t["line"]} (batch_id, entitlement_id, person_id, month, kind,
                                         amount_cents)
                SELECT %(batch)s, c.entitlement_id, c.person_id, c.month, c.kind, c.cents
                FROM ({sql}) c""",
            {**params, "batch": batch.pk},
        )
        if kind == BatchKind.REGULAR and rule.offset_recoveries:
            _insert_offsets(cursor, batch)


def _total(batch: PaymentBatch) -> None:
    """The transfer total and persons (recovery lines are not transfers), the recoveries'."""
    t = _tables()
    transfer, owed_back = _in_list(TRANSFER_KINDS), _in_list(OWED_BACK_KINDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT COALESCE(SUM(CASE WHEN kind IN ({transfer}) THEN amount_cents END), 0),
                       COALESCE(-SUM(CASE WHEN kind IN ({owed_back})
                                          THEN amount_cents END), 0),
                       COUNT(DISTINCT CASE WHEN kind IN ({transfer}) THEN person_id END)
                FROM {t["line"]} WHERE batch_id = %s""",
            [batch.pk],
        )
        batch.total_cents, batch.recovery_cents, batch.persons = cursor.fetchone()
    batch.save(update_fields=["total_cents", "recovery_cents", "persons"])


def _stamp(column: str) -> str:
    """A timestamp column as an exact number (microseconds on SQLite, seconds with six
    decimals on PostgreSQL), for summing."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM {column})"
    # SQLite keeps 'YYYY-MM-DD HH:MM:SS[.ffffff]'.
    return (
        f"(CAST(strftime('%%s', {column}) AS INTEGER) * 1000000"
        f" + CAST(substr({column}, 21, 6) AS INTEGER))"
    )


def inputs_token(*, programme: str, kind: str, rule: ProgrammeRule) -> str:
    """A digest of everything computing a batch of ``programme`` reads, as the database
    holds it now: equal digests mean computing again gives the same lines.

    Rules: it covers the approved batches (they are never changed nor deleted, so their
    ids say what was paid), the programme's standards, its entitlements, the payable
    spans, the confirmations (where the rule holds), the recoveries (where a regular
    batch offsets them) and the rule itself. Rows are summarised by count, sum of ids
    and sums of the columns the batch reads; a change to an entitlement's spans also
    stamps the entitlement (``changed_at``, ``registry._mark``), and every stamp only
    moves forward, so a change — even one committed by a transaction that began before
    the batch was computed — always changes a sum. Cost: one pass over the entitlements
    and the spans, instead of computing the batch again.
    """
    t = _tables()
    categories = _in_list(categories_of(programme))
    parts = [
        f"""SELECT COUNT(*), COALESCE(SUM(id), 0), COALESCE(MAX(id), 0) FROM {t["batch"]}
            WHERE programme = %(programme)s AND status = '{BatchStatus.APPROVED}'""",
        f"""SELECT COUNT(*), SUM(id), SUM({_stamp("changed_at")}), SUM(from_month),
                   SUM(COALESCE(to_month, -1)), SUM(month_cents), SUM(pay_cents),
                   SUM(pay_every * 100 + pay_offset)
            FROM {t["std"]} WHERE category IN ({categories})""",
        f"""SELECT COUNT(*), SUM(id), COUNT(changed_at), SUM({_stamp("changed_at")}),
                   SUM(person_id), SUM(COALESCE(recheck_from, -1)),
                   SUM(COALESCE(status_month, -1))
            FROM {t["ent"]} WHERE category IN ({categories})""",
        # Every span (not only the programme's: a join would cost more than it saves).
        f"""SELECT COUNT(*), SUM(id), SUM(entitlement_id), SUM(first_month),
                   SUM(COALESCE(last_month, -1)) FROM {t["span"]}""",
    ]
    if rule.confirmation == Confirmations.HOLD:
        parts.append(
            f"SELECT COUNT(*), SUM(id), SUM(person_id), SUM(year) FROM {t['confirmation']}"
        )
    if kind == BatchKind.REGULAR and rule.offset_recoveries:
        parts.append(
            f"""SELECT COUNT(*), SUM(r.id), SUM({_stamp("r.changed_at")}),
                       SUM(r.amount_cents - r.recovered_cents - r.offset_cents)
                FROM {t["recovery"]} r JOIN {t["batch"]} b ON b.id = r.batch_id
                WHERE b.programme = %(programme)s"""
        )
    # (As plain strings: a choice may be an enum member here and a str there. Each query's
    # row is one nested list, so the digest tells the queries' columns apart.)
    found: list[str | list[str]] = [
        str(v) for v in (programme, kind, rule.pk, rule.changed_at, rule.confirmation)
    ]
    found += [str(rule.grace_months), str(rule.offset_recoveries)]
    with connection.cursor() as cursor:
        for sql in parts:
            cursor.execute(sql, {"programme": programme})
            found.append([str(v) for v in cursor.fetchone()])
    return hashlib.sha256(repr(found).encode()).hexdigest()


def _still_current(batch: PaymentBatch, rule: ProgrammeRule) -> bool:
    """Would computing the batch now give exactly its lines? One multiset comparison in
    SQL, plus: no recovery or rule it offsets by changed since."""
    if rule.changed_at and (batch.computed_at is None or rule.changed_at > batch.computed_at):
        return False
    if (
        batch.kind == BatchKind.REGULAR
        and rule.offset_recoveries
        and Recovery.objects.filter(
            batch__programme=batch.programme, changed_at__gt=batch.computed_at
        ).exists()
    ):
        return False
    t = _tables()
    window = window_for(batch.programme, months.parse_period(batch.period), batch.kind)
    sql, params = _candidate_sql(batch.programme, window, batch.kind, rule)
    stored = f"""SELECT entitlement_id, person_id, month, kind, amount_cents FROM {t["line"]}
                 WHERE batch_id = %(batch)s AND kind <> '{LineKind.OFFSET}'"""
    fresh = f"SELECT c.entitlement_id, c.person_id, c.month, c.kind, c.cents FROM ({sql}) c"
    # Each fresh line counts +1, each stored one −1: equal multisets leave every group at 0.
    # (One pass over the fresh lines: EXCEPT both ways and two counts computed them 3×.)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT COUNT(*) FROM (
                    SELECT entitlement_id FROM (
                        SELECT f.*, 1 AS n FROM ({fresh}) f
                        UNION ALL SELECT s.*, -1 FROM ({stored}) s) u
                    GROUP BY entitlement_id, person_id, month, kind, cents
                    HAVING SUM(n) <> 0) differing""",
            {**params, "batch": batch.pk},
        )
        return cursor.fetchone()[0] == 0


def computed_stamp(batch: PaymentBatch) -> str:
    """Which computation of a draft a page showed: what an approval form sends back."""
    return stamp(batch.computed_at)


def stamp(computed_at: dt.datetime | None) -> str:
    """A computation's time as approvals compare it: in UTC, to the millisecond, the
    precision the API's JSON carries it in (Django's encoder drops the microseconds)."""
    if computed_at is None:
        return ""
    return computed_at.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def approve(*, batch: PaymentBatch, actor: User, seen: str = "") -> PaymentBatch:
    """The second person approves a draft; from then on it never changes.

    Rules: not the person who computed it (maker-checker; a batch with no named maker is
    never approved); when the approver says which computation they reviewed (``seen``:
    its ``computed_at`` as the page showed it), a draft computed again since is refused,
    so nobody approves amounts they did not see; under the programme's lock, the batch
    must still be exactly what computing it now would give — otherwise another batch was
    approved, the registry, the standards, the confirmations or the recoveries changed
    since, and it is refused as stale (``StaleBatch``: compute it again). Approving
    establishes the recoveries it found and applies its offsets.
    """
    if not can(actor, "payments.approve") or not district_wide(actor):
        raise PermissionDenied("payments.approve")
    with transaction.atomic():
        rule = _lock(batch.programme)
        fresh = PaymentBatch.objects.filter(pk=batch.pk).first()
        if fresh is None:
            raise ValidationError(_("This batch was discarded meanwhile."))
        batch = fresh
        if batch.is_approved:
            raise ValidationError(_("This batch is approved already."))
        if batch.computed_by_id is None:
            raise ValidationError(_("This batch has no named maker: compute it again."))
        if batch.computed_by_id == actor.pk:
            raise ValidationError(_("The person who computed a batch cannot approve it."))
        if seen and seen != computed_stamp(batch):
            raise ValidationError(
                _(
                    "This batch was computed again after you opened it: check its figures "
                    "again, then approve."
                ),
                code="recomputed",
            )
        _room_to_sort()
        marked = _hold_marks(batch)
        unchanged = batch.inputs and batch.inputs == inputs_token(
            programme=batch.programme, kind=batch.kind, rule=rule
        )
        # Nothing it read changed: it is current. Otherwise compute it again and compare
        # (what changed may not touch it: a registry edit of another programme's person).
        if not unchanged and not _still_current(batch, rule):
            raise StaleBatch(
                _(
                    "Since this batch was computed the ledger has moved (another batch was "
                    "approved, or the registry, standards, confirmations or recoveries "
                    "changed): compute it again, then approve."
                ),
                code="stale",
            )
        batch.status, batch.approved_by = BatchStatus.APPROVED, actor
        batch.approved_at = timezone.now()
        batch.save(update_fields=["status", "approved_by", "approved_at"])
        # (Each reads the batch's lines: skipped where the batch can have none.)
        offsets = (
            _apply_offsets(batch)
            if batch.kind == BatchKind.REGULAR and rule.offset_recoveries
            else 0
        )
        found = _establish_recoveries(batch) if batch.recovery_cents else 0
        _clear_marks(batch, marked)
        if found or offsets:
            record(Action.UPDATE, obj=batch, detail={"recoveries": found, "offsets": offsets})
        return batch


def _apply_offsets(batch: PaymentBatch) -> int:
    """What the batch's offset lines took is recovered: add it to their recoveries."""
    taken = dict(
        batch.lines.filter(kind=LineKind.OFFSET).values_list("recovery_id", "amount_cents")
    )
    if not taken:
        return 0
    now = timezone.now()
    recoveries = list(Recovery.objects.filter(pk__in=taken))
    for recovery in recoveries:
        recovery.offset_cents -= taken[recovery.pk]
        recovery.state = state_of(recovery)
        recovery.changed_at = now
    Recovery.objects.bulk_update(recoveries, ["offset_cents", "state", "changed_at"])
    return len(recoveries)


def state_of(recovery: Recovery) -> str:
    """To recover, partly recovered or recovered, by what came back (a write-off stays)."""
    if recovery.state == RecoveryState.WRITTEN_OFF:
        return recovery.state
    back = recovery.recovered_cents + recovery.offset_cents
    if back >= recovery.amount_cents:
        return RecoveryState.RECOVERED
    return RecoveryState.PARTLY if back > 0 else RecoveryState.OPEN


def _establish_recoveries(batch: PaymentBatch) -> int:
    """One recovery item per entitlement for the batch's recovery lines (one INSERT)."""
    t = _tables()
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {t["recovery"]} (batch_id, entitlement_id, person_id, first_month,
                last_month, amount_cents, reason, debtor, state, recovered_cents,
                offset_cents, note, created_at, changed_at)
            SELECT %(batch)s, l.entitlement_id, l.person_id, MIN(l.month), MAX(l.month),
                   -SUM(l.amount_cents),
                   CASE WHEN SUM(CASE WHEN l.kind = '{LineKind.FUNERAL_BACK}' THEN 1 END) > 0
                        THEN '{LineKind.FUNERAL_BACK}' ELSE MAX(e.status) END,
                   MAX(p.name), '{RecoveryState.OPEN}', 0, 0, '', %(now)s, %(now)s
            FROM {t["line"]} l
            JOIN {t["ent"]} e ON e.id = l.entitlement_id
            JOIN {t["person"]} p ON p.id = l.person_id
            WHERE l.batch_id = %(batch)s AND l.kind IN ({_in_list(OWED_BACK_KINDS)})
            GROUP BY l.entitlement_id, l.person_id
            """,
            {"batch": batch.pk, "now": now},
        )
        return cursor.rowcount


def _hold_marks(batch: PaymentBatch) -> list[int] | None:
    """The entitlements marked for a recheck as the approval reads its inputs, locked till
    it commits: approving clears those marks and no other. A mark set after the read (a
    death recorded meanwhile, on an entitlement marked or not) is one the batch never
    saw, and must stay for the next batch to find the months it overpaid: a change to a
    locked one waits for the approval, and one to an unmarked one is not cleared. None
    on SQLite, whose write transactions are exclusive: nothing is set meanwhile."""
    if batch.kind != BatchKind.REGULAR or connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {_tables()['ent']} WHERE category IN "
            f"({_in_list(categories_of(batch.programme))}) AND recheck_from IS NOT NULL "
            "ORDER BY id FOR UPDATE"
        )
        return [pk for (pk,) in cursor.fetchall()]


def _clear_marks(batch: PaymentBatch, marked: list[int] | None) -> None:
    if batch.kind != BatchKind.REGULAR:
        return
    latest = (
        PaymentBatch.objects.filter(
            programme=batch.programme, kind=BatchKind.REGULAR, status=BatchStatus.APPROVED
        )
        .exclude(pk=batch.pk)
        .aggregate(m=Max("last_month"))["m"]
    )
    if latest is None or batch.last_month >= latest:
        # The newest batch compared every marked entitlement over its window: start
        # afresh. (A batch for a skipped older month looked at less, so marks stay.)
        if marked is None:
            Entitlement.objects.filter(
                category__in=categories_of(batch.programme), recheck_from__isnull=False
            ).update(recheck_from=None)
        elif marked:
            with connection.cursor() as cursor:  # one array parameter, however many
                cursor.execute(
                    f"UPDATE {_tables()['ent']} SET recheck_from = NULL WHERE id = ANY(%s)",
                    [marked],
                )


def discard(*, batch: PaymentBatch, actor: User | None) -> None:
    """Throw a draft away. Rules: as for computing; an approved batch is kept for ever."""
    _check_compute(actor)
    with transaction.atomic():
        _lock(batch.programme)
        fresh = PaymentBatch.objects.filter(pk=batch.pk).first()
        if fresh is None:
            return
        batch = fresh
        if batch.is_approved:
            raise ValidationError(_("An approved batch cannot be discarded."))
        batch.delete()


# --- the straightforward computation, one entitlement at a time --------------------------


def price(
    standards: Sequence[AllowanceStandard],
    ent: Entitlement,
    span: PayableSpan,
    month: int,
    *,
    paying: bool = True,
) -> int | None:
    """What the standards pay a span of ``ent`` in ``month`` (None: no standard in force);
    ``paying=False`` gives the monthly worth of those in force (the funeral aid's base)."""
    found = [
        x
        for x in standards
        if x.category == ent.category
        and (x.grade is None or x.grade == span.grade)
        and (x.cause == "" or x.cause == span.cause)
        and (x.hukou == "" or x.hukou == span.hukou)
        and x.from_month <= month
        and (x.to_month is None or x.to_month >= month)
    ]
    if not found:
        return None
    if not paying:
        return sum(x.month_cents for x in found)
    return sum(x.pay_cents for x in found if month % x.pay_every == x.pay_offset)


def due_for(
    standards: Sequence[AllowanceStandard],
    spans: Sequence[PayableSpan],
    ent: Entitlement,
    month: int,
) -> int:
    """What ``ent`` is due for ``month``: the standards paying each span covering it."""
    covering = [
        s
        for s in spans
        if s.first_month <= month and (s.last_month is None or month <= s.last_month)
    ]
    return sum(p for s in covering if (p := price(standards, ent, s, month)) is not None)


def is_confirmed_for(years: set[int], month: int, grace: int) -> bool:
    """Whether confirmations for ``years`` cover ``month`` (its year, or last year's within
    the grace months), as ``CONFIRMED`` says in SQL."""
    return month // 12 in years or (month % 12 < grace and month // 12 - 1 in years)


def reference_lines(*, programme: str, period: str, kind: str = BatchKind.REGULAR) -> set[Line]:
    """The lines ``compute`` must write but its offsets, as {(entitlement, person, month,
    kind, cents)}, by a plain loop over entitlements, months and standards (for tests and
    the bench)."""
    span = months.parse_period(period)
    window = window_for(programme, span, kind)
    rule = rule_for(programme)
    categories = categories_of(programme)
    standards = list(AllowanceStandard.objects.filter(category__in=categories))
    paid: dict[tuple[int, int], int] = defaultdict(int)
    funeral_kept: dict[int, int] = defaultdict(int)
    funeral_month: dict[int, int] = {}
    for ent_id, month, line_kind, cents in BatchLine.objects.filter(
        batch__status=BatchStatus.APPROVED, batch__programme=programme
    ).values_list("entitlement_id", "month", "kind", "amount_cents"):
        if line_kind in (LineKind.FUNERAL, LineKind.FUNERAL_BACK):
            funeral_kept[ent_id] += cents
            if line_kind == LineKind.FUNERAL:
                funeral_month[ent_id] = max(month, funeral_month.get(ent_id, month))
        elif line_kind != LineKind.OFFSET:
            paid[(ent_id, month)] += cents
    spans: dict[int, list[PayableSpan]] = defaultdict(list)
    for s in PayableSpan.objects.filter(entitlement__category__in=categories):
        spans[s.entitlement_id].append(s)
    confirmed: dict[int, set[int]] = defaultdict(set)
    if rule.confirmation == Confirmations.HOLD:
        for person_id, year in Confirmation.objects.values_list("person_id", "year"):
            confirmed[person_id].add(year)

    lines: set[Line] = set()
    for ent in Entitlement.objects.filter(category__in=categories):
        for month in range(window.start, window.last + 1):
            diff = due_for(standards, spans[ent.pk], ent, month) - paid[(ent.pk, month)]
            if diff == 0:
                continue
            if diff < 0:
                label = LineKind.RECOVERY
            elif rule.confirmation == Confirmations.HOLD and not is_confirmed_for(
                confirmed[ent.person_id], month, rule.grace_months
            ):
                continue
            elif kind == BatchKind.ADJUSTMENT:
                label = LineKind.ADJUSTMENT
            else:
                label = LineKind.REGULAR if month >= window.first else LineKind.ARREARS
            lines.add((ent.pk, ent.person_id, month, label, diff))
        if (
            kind == BatchKind.REGULAR
            and programme in FUNERAL_PROGRAMMES
            and ent.status == EntitlementStatus.DECEASED
            and funeral_kept[ent.pk] <= 0
            and ent.status_month is not None
            and window.start - 1 <= ent.status_month <= window.last - 1
        ):
            last = [s for s in spans[ent.pk] if s.last_month == ent.status_month]
            prices = [
                p
                for s in last
                if (p := price(standards, ent, s, ent.status_month, paying=False)) is not None
            ]
            if prices:
                lines.add(
                    (
                        ent.pk,
                        ent.person_id,
                        ent.status_month,
                        LineKind.FUNERAL,
                        FUNERAL_MONTHS * sum(prices),
                    )
                )
        if (
            kind == BatchKind.REGULAR
            and programme in FUNERAL_PROGRAMMES
            and ent.status != EntitlementStatus.DECEASED
            and ent.recheck_from is not None
            and funeral_kept[ent.pk] > 0
        ):
            back = -funeral_kept[ent.pk]
            lines.add((ent.pk, ent.person_id, funeral_month[ent.pk], LineKind.FUNERAL_BACK, back))
    return lines


def lines_of(batch: PaymentBatch) -> set[Line]:
    """A batch's lines but its offsets, as ``reference_lines`` gives them."""
    return set(
        batch.lines.exclude(kind=LineKind.OFFSET).values_list(
            "entitlement_id", "person_id", "month", "kind", "amount_cents"
        )
    )
