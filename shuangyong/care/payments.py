"""Payment batches, computed set-based: one INSERT … SELECT prices every entitlement's
months against the standards in force, subtracts what approved batches already paid,
and writes the differences as the batch's lines.

The ledger (``BatchLine``) holds what each entitlement was paid for each month, so:
- a regular batch pays the period's months, plus arrears for earlier months that now
  price higher (a standard raised retroactively, an approval recorded late) — only for
  entitlements marked ``recheck_from``, within ``ARREARS_MONTHS`` of the period and not
  before the first approved batch (earlier months were paid outside this system);
- a death pays ``FUNERAL_MONTHS`` more months of the pension as funeral aid, once;
- an adjustment batch pays (or claws back) every difference for its period's months:
  corrections never touch an approved batch.

``reference_lines`` computes the same lines one entitlement at a time, in plain
Python; the property test holds the SQL to it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.access import can
from shuangyong.care import months
from shuangyong.care.categories import Programme, categories_of
from shuangyong.care.models import (
    AllowanceStandard,
    BatchKind,
    BatchLine,
    BatchStatus,
    Entitlement,
    EntitlementStatus,
    LineKind,
    PayableSpan,
    PaymentBatch,
)

ARREARS_MONTHS = 60
FUNERAL_MONTHS = 6
# 军人抚恤优待条例: the death of someone on a periodic pension adds six months of it as
# funeral aid; living allowances and the family allowance carry none.
FUNERAL_PROGRAMMES = {Programme.DISABILITY, Programme.SURVIVOR}


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
    }


def _in_list(values) -> str:
    return ", ".join(f"'{v}'" for v in values)  # our own choice values, never user input


# Which standards pay a span in a month: the business rule, written once. A standard
# without a grade, cause or hukou applies to all of them.
STANDARD_APPLIES = """s.category = e.category
            AND (s.grade IS NULL OR s.grade = sp.grade)
            AND (s.cause = '' OR s.cause = sp.cause)
            AND (s.hukou = '' OR s.hukou = sp.hukou)
            AND s.from_month <= {month}
            AND (s.to_month IS NULL OR s.to_month >= {month})"""

DUE = """
SELECT e.id AS entitlement_id, e.person_id AS person_id, m.month AS month,
       SUM(s.month_cents) AS cents
FROM {ent} e
JOIN {span} sp ON sp.entitlement_id = e.id
JOIN ({months}) m ON m.month >= sp.first_month
                 AND (sp.last_month IS NULL OR m.month <= sp.last_month)
JOIN {std} s ON {standard_applies}
WHERE e.category IN ({categories}) {only}
GROUP BY e.id, e.person_id, m.month
"""

PAID = """
SELECT l.entitlement_id AS entitlement_id, l.person_id AS person_id, l.month AS month,
       -l.amount_cents AS cents
FROM {line} l
JOIN {batch} b ON b.id = l.batch_id
JOIN {ent} e ON e.id = l.entitlement_id
WHERE b.status = 'approved' AND b.programme = %(programme)s AND l.kind <> 'funeral'
  AND l.month IN ({month_list}) {only}
"""

FUNERAL = """
SELECT e.id AS entitlement_id, e.person_id AS person_id, e.status_month AS month,
       {funeral_months} * SUM(s.month_cents) AS cents
FROM {ent} e
JOIN {span} sp ON sp.entitlement_id = e.id AND sp.last_month = e.status_month
JOIN {std} s ON {standard_applies}
WHERE e.category IN ({categories}) AND e.status = 'deceased'
  AND e.status_month BETWEEN %(funeral_lo)s AND %(funeral_hi)s
  AND NOT EXISTS (
      SELECT 1 FROM {line} l JOIN {batch} b ON b.id = l.batch_id
      WHERE l.entitlement_id = e.id AND l.kind = 'funeral' AND b.status = 'approved')
GROUP BY e.id, e.person_id, e.status_month
"""
DUE = DUE.replace("{standard_applies}", STANDARD_APPLIES.format(month="m.month"))
FUNERAL = FUNERAL.replace("{standard_applies}", STANDARD_APPLIES.format(month="e.status_month"))


def covered_months(programme: str, first: int, last: int) -> set[int]:
    """Months between ``first`` and ``last`` that an approved regular batch has paid."""
    covered = set()
    for lo, hi in PaymentBatch.objects.filter(
        programme=programme, kind=BatchKind.REGULAR, status=BatchStatus.APPROVED,
        first_month__lte=last, last_month__gte=first,
    ).values_list("first_month", "last_month"):  # fmt: skip
        covered.update(range(max(lo, first), min(hi, last) + 1))
    return covered


def _difference_sql(programme: str, window: Window, kind: str) -> tuple[str, dict]:
    """(entitlement, person, month, cents) rows of what is due and not yet paid.

    Every entitlement is priced for the period's months and for earlier months of the
    window no approved batch has paid (a skipped month); months already paid are priced
    again only for the entitlements marked since (``recheck_from``), which is what keeps
    a monthly batch over a million persons one pass over the period.
    """
    t = _tables()
    categories = _in_list(categories_of(programme))
    earlier = range(window.start, window.first)
    covered = covered_months(programme, window.start, window.first - 1) if earlier else set()
    everyone = [m for m in earlier if m not in covered] + list(range(window.first, window.last + 1))
    parts = [
        DUE.format(months=_month_rows(everyone), only="", categories=categories, **t),
        PAID.format(month_list=_month_list(everyone), only="", **t),
    ]
    if covered:
        marked = sorted(covered)
        parts.append(
            DUE.format(
                months=_month_rows(marked),
                only="AND e.recheck_from IS NOT NULL AND m.month >= e.recheck_from",
                categories=categories,
                **t,
            )
        )
        parts.append(
            PAID.format(
                month_list=_month_list(marked),
                only="AND e.recheck_from IS NOT NULL AND l.month >= e.recheck_from",
                **t,
            )
        )
    union = " UNION ALL ".join(parts)
    having = "<> 0" if kind == BatchKind.ADJUSTMENT else "> 0"
    sql = f"""
        SELECT entitlement_id, person_id, month, SUM(cents) AS cents
        FROM ({union}) x
        GROUP BY entitlement_id, person_id, month
        HAVING SUM(cents) {having}
    """
    return sql, {"programme": programme}


def _funeral_sql(programme: str, window: Window) -> tuple[str, dict]:
    t = _tables()
    sql = FUNERAL.format(
        categories=_in_list(categories_of(programme)), funeral_months=FUNERAL_MONTHS, **t
    )
    # A death in the month before a month this batch covers is paid now.
    return sql, {"funeral_lo": window.start - 1, "funeral_hi": window.last - 1}


def _standards_stamp(programme: str) -> str:
    found = AllowanceStandard.objects.filter(category__in=categories_of(programme)).aggregate(
        n=Count("id"), at=Max("changed_at")
    )
    return f"{found['n']}:{found['at'].isoformat() if found['at'] else ''}"


def district_wide(actor) -> bool:
    """Batches are the whole district's: a street's officer neither computes nor approves."""
    return not actor.is_unit_scoped or (
        actor.scope_root is not None and actor.scope_root.parent_id is None
    )


def may_compute(user) -> bool:
    """Computes and discards drafts: the compute permission, district-wide."""
    return can(user, "payments.compute") and district_wide(user)


def may_approve(user, batch: PaymentBatch) -> bool:
    """Approves this batch: the approve permission, district-wide, not its maker, and
    only while it is a draft (the page shows the button on the same rule)."""
    return (
        can(user, "payments.approve")
        and district_wide(user)
        and not batch.is_approved
        and batch.computed_by_id != user.pk
    )


def _check_compute(actor) -> None:
    if actor is None:  # the command line: whoever holds the server's shell
        return
    if not can(actor, "payments.compute"):
        raise PermissionDenied("payments.compute")
    if not district_wide(actor):
        raise PermissionDenied(_("Batches are computed for the whole district."))


@transaction.atomic
def compute(*, programme: str, period: str, kind: str = BatchKind.REGULAR, actor) -> PaymentBatch:
    """Compute (or recompute) a draft batch for a programme and period.

    Rules: one regular batch per programme and period, and an approved one is never
    recomputed (corrections go in an adjustment batch, which needs the regular one
    approved first); lines are what is due less what approved batches paid, priced
    with the standards in force on each month's first day.
    """
    _check_compute(actor)
    if programme not in Programme.values:
        raise ValidationError({"programme": _("Unknown programme.")})
    if kind not in BatchKind.values:
        raise ValidationError({"kind": _("Unknown kind of batch.")})
    span = months.parse_period(period)
    existing = (
        PaymentBatch.objects.select_for_update()
        .filter(programme=programme, period=span.text, kind=kind, status=BatchStatus.DRAFT)
        .first()
    )
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
    batch.note = _standards_stamp(programme)
    batch.save()
    BatchLine.objects.filter(batch=batch).delete()
    window = window_for(programme, span, kind)
    _insert(batch, window, kind)
    totals = batch.lines.aggregate(
        total=Sum("amount_cents"), persons=Count("person", distinct=True)
    )
    batch.total_cents, batch.persons = totals["total"] or 0, totals["persons"]
    batch.save(update_fields=["total_cents", "persons"])
    return batch


def _insert(batch: PaymentBatch, window: Window, kind: str) -> None:
    t = _tables()
    sql, params = _difference_sql(batch.programme, window, kind)
    arrears = f"'{LineKind.ARREARS}'"
    line_kind = (
        f"'{LineKind.ADJUSTMENT}'"
        if kind == BatchKind.ADJUSTMENT
        else f"CASE WHEN d.month >= {window.first} THEN '{LineKind.REGULAR}' ELSE {arrears} END"
    )
    insert = f"""
        INSERT INTO {t["line"]} (batch_id, entitlement_id, person_id, month, kind, amount_cents)
        SELECT %(batch)s, d.entitlement_id, d.person_id, d.month, {line_kind}, d.cents
        FROM ({sql}) d
    """
    with connection.cursor() as cursor:
        cursor.execute(insert, {**params, "batch": batch.pk})
        if kind == BatchKind.REGULAR and batch.programme in FUNERAL_PROGRAMMES:
            funeral, funeral_params = _funeral_sql(batch.programme, window)
            cursor.execute(
                f"""INSERT INTO {t["line"]} (batch_id, entitlement_id, person_id, month, kind,
                                             amount_cents)
                    SELECT %(batch)s, f.entitlement_id, f.person_id, f.month, '{LineKind.FUNERAL}',
                           f.cents
                    FROM ({funeral}) f""",
                {**funeral_params, "batch": batch.pk},
            )


@transaction.atomic
def approve(*, batch: PaymentBatch, actor) -> PaymentBatch:
    """The second person approves a draft; from then on it never changes.

    Rules: not the person who computed it (maker-checker); nothing that prices it may
    have changed since it was computed (compute it again first).
    """
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if not can(actor, "payments.approve") or not district_wide(actor):
        raise PermissionDenied("payments.approve")
    if batch.is_approved:
        raise ValidationError(_("This batch is approved already."))
    if batch.computed_by_id == actor.pk:
        raise ValidationError(_("The person who computed a batch cannot approve it."))
    categories = categories_of(batch.programme)
    stale = Entitlement.objects.filter(category__in=categories, changed_at__gt=batch.computed_at)
    if stale.exists() or _standards_stamp(batch.programme) != batch.note:
        raise ValidationError(
            _("The registry or the standards changed since this batch was computed: compute again.")
        )
    batch.status, batch.approved_by, batch.approved_at = BatchStatus.APPROVED, actor, timezone.now()
    batch.save(update_fields=["status", "approved_by", "approved_at"])
    latest = (
        PaymentBatch.objects.filter(
            programme=batch.programme, kind=BatchKind.REGULAR, status=BatchStatus.APPROVED
        )
        .exclude(pk=batch.pk)
        .aggregate(m=Max("last_month"))["m"]
    )
    if batch.kind == BatchKind.REGULAR and (latest is None or batch.last_month >= latest):
        # The newest batch compared every marked entitlement over its window: start
        # afresh. (A batch for a skipped older month looked at less, so marks stay.)
        Entitlement.objects.filter(category__in=categories, recheck_from__isnull=False).update(
            recheck_from=None
        )
    return batch


def discard(*, batch: PaymentBatch, actor) -> None:
    """Throw a draft away. Rules: as for computing; an approved batch is kept for ever."""
    _check_compute(actor)
    with transaction.atomic():
        batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.is_approved:
            raise ValidationError(_("An approved batch cannot be discarded."))
        batch.delete()


# --- the straightforward computation, one entitlement at a time --------------------------


def reference_lines(*, programme: str, period: str, kind: str = BatchKind.REGULAR) -> set:
    """The lines ``compute`` must write, as {(entitlement, person, month, kind, cents)},
    by a plain loop over entitlements, months and standards (for tests and the bench)."""
    span = months.parse_period(period)
    window = window_for(programme, span, kind)
    categories = categories_of(programme)
    standards = list(AllowanceStandard.objects.filter(category__in=categories))
    paid: dict[tuple[int, int], int] = defaultdict(int)
    funeral_paid = set()
    for ent, month, line_kind, cents in BatchLine.objects.filter(
        batch__status=BatchStatus.APPROVED, batch__programme=programme
    ).values_list("entitlement_id", "month", "kind", "amount_cents"):
        if line_kind == LineKind.FUNERAL:
            funeral_paid.add(ent)
        else:
            paid[(ent, month)] += cents
    spans = defaultdict(list)
    for s in PayableSpan.objects.filter(entitlement__category__in=categories):
        spans[s.entitlement_id].append(s)

    def price(ent, s, month) -> int | None:
        matching = [
            x.month_cents
            for x in standards
            if x.category == ent.category
            and (x.grade is None or x.grade == s.grade)
            and (x.cause == "" or x.cause == s.cause)
            and (x.hukou == "" or x.hukou == s.hukou)
            and x.from_month <= month
            and (x.to_month is None or x.to_month >= month)
        ]
        return sum(matching) if matching else None

    lines = set()
    for ent in Entitlement.objects.filter(category__in=categories):
        for month in range(window.start, window.last + 1):
            covering = [
                s
                for s in spans[ent.pk]
                if s.first_month <= month and (s.last_month is None or month <= s.last_month)
            ]
            due = sum(p for s in covering if (p := price(ent, s, month)) is not None)
            diff = due - paid[(ent.pk, month)]
            if diff == 0 or (kind == BatchKind.REGULAR and diff < 0):
                continue
            if kind == BatchKind.ADJUSTMENT:
                label = LineKind.ADJUSTMENT
            else:
                label = LineKind.REGULAR if month >= window.first else LineKind.ARREARS
            lines.add((ent.pk, ent.person_id, month, label, diff))
        if (
            kind == BatchKind.REGULAR
            and programme in FUNERAL_PROGRAMMES
            and ent.status == EntitlementStatus.DECEASED
            and ent.pk not in funeral_paid
            and ent.status_month is not None
            and window.start - 1 <= ent.status_month <= window.last - 1
        ):
            last = [s for s in spans[ent.pk] if s.last_month == ent.status_month]
            prices = [p for s in last if (p := price(ent, s, ent.status_month)) is not None]
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
    return lines


def lines_of(batch: PaymentBatch) -> set:
    return set(
        batch.lines.values_list("entitlement_id", "person_id", "month", "kind", "amount_cents")
    )
