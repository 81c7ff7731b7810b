"""Care services at scale: the monthly payment batch, and (BENCH_IMPORT=1) the roster import.

1. The monthly batch (every programme, 2026-12) for 100,000 and 1,000,000 persons on a
   ledger as it stands in December: the eleven monthly batches 2026-01…2026-11 approved
   (January computed and approved by the services, February…November copied from it in
   SQL: the standards are the same all year, so those are exactly the lines the services
   would write). The registry is generated in SQL (one person, one entitlement, one
   payable span each, categories in the roster's proportions). Timed, each repeated
   BENCH_REPEAT times (min and median printed; the December batches are deleted again
   between runs): ``payments.compute`` (the set-based INSERT … SELECT, committed, so
   PostgreSQL's deferred foreign-key checks would count) and ``payments.approve`` by a
   second person (the digest of the batch's inputs taken again and compared; the batch
   is computed again only if it changed, which it does not here). Beside them the
   straightforward per-person computation (``payments.reference_lines`` and a bulk
   insert) on 10,000 persons with the same ledger, scaled. Target: under 10 s for
   1,000,000 persons on PostgreSQL, and at most 12× from 100,000 to 1,000,000.
   BENCH_EXPLAIN=1 writes EXPLAIN (ANALYZE, BUFFERS) of the INSERT … SELECT and of the
   approval's comparison (disability programme, last run) to bench/out/explain-N.txt.
2. BENCH_IMPORT=1: the roster import (优抚对象花名册) of the same sizes beside
   python-calamine's bare read of the file and a row-by-row ORM import of the first
   10,000 rows, scaled. Target: import within 3× of the bare read.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangyong_bench \\
        .venv/bin/python bench/care.py                 # the issue's figures
    BENCH_ROWS=2000,20000 .venv/bin/python bench/care.py   # smaller, on SQLite

Generated files are kept in bench/out/ (ignored by git) so that a second run
does not write them again.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/http.py would stand in for the standard library's ``http`` if this folder led
# sys.path (it does for a script): siblings are imported as ``bench.<name>``.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
os.environ.setdefault("SHUANGYONG_DATA_DIR", tempfile.mkdtemp(prefix="sy-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangyong.settings")
os.environ.setdefault(
    "SHUANGYONG_KEYS",
    '{"active": "b", "keys": {"b": "' + "11" * 16 + '"}, "index": "' + "22" * 32 + '"}',
)
SIZES = [int(s) for s in os.environ.get("BENCH_ROWS", "100000,1000000").split(",")]
BASELINE_ROWS = 10_000
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
EXPLAIN = os.environ.get("BENCH_EXPLAIN") == "1"
YEAR_STARTS = "2026-01"  # the first batch of the ledger; the eleven before PERIOD approved
PERIOD = "2026-12"
STREETS = [
    ("清溪街道", ["清溪社区", "东湖社区"]),
    ("望江街道", ["望江社区", "江滨社区"]),
    ("桂园街道", ["桂园社区"]),
    ("松林街道", ["松林社区", "北坡社区"]),
    ("柳岸街道", ["柳岸社区"]),
    ("青石街道", ["青石社区", "南门社区"]),
]


def setup_database() -> str:
    import django

    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        name = url.rsplit("/", 1)[1]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return "PostgreSQL" if url.startswith("postgres") else "SQLite"


def fresh_district() -> None:
    """An empty registry and the district's streets and communities."""
    from django.core.management import call_command

    from shuangyong.org.models import Unit, rebuild_paths

    call_command("flush", "--noinput", verbosity=0)
    root = Unit.objects.create(code="D", name="基准区", kind="district")
    for i, (street, communities) in enumerate(STREETS):
        parent = Unit.objects.create(
            code=f"S{i}", name=street, kind="street", parent=root, is_member=True
        )
        for j, community in enumerate(communities):
            Unit.objects.create(code=f"S{i}-{j}", name=community, kind="community", parent=parent)
    rebuild_paths()
    allowance_standards()
    from shuangyong.access import Role
    from shuangyong.org.models import Person, User

    # The maker (a district care officer) and the checker (the office): two persons.
    person = Person.objects.create(name="基准优抚员", unit=root)
    User.objects.create(username="bench", role=Role.CARE_OFFICER, person=person, scope_unit=root)
    checker = Person.objects.create(name="基准双拥办", unit=root)
    User.objects.create(username="bench-office", role=Role.OFFICE, person=checker)


def allowance_standards() -> None:
    """A national amount per category (and per grade and cause for disability) plus a
    provincial and a local top-up, as a district's table looks."""
    from shuangyong.care.categories import Category
    from shuangyong.care.imports import save_standards

    since = dt.date(2026, 1, 1)
    items = []

    def add(category, amount, per="year", **terms):
        items.append(
            {"category": category, "grade": None, "cause": "", "hukou": "", "valid_from": since,
             "valid_to": None, "amount": Decimal(amount), "per": per, "level": "national",
             **terms}
        )  # fmt: skip

    for grade in range(1, 11):
        for cause, factor in (("war", 1.0), ("duty", 0.95), ("illness", 0.9)):
            if cause == "illness" and grade > 6:
                continue
            add("disabled_veteran", round(110000 * factor / grade), grade=grade, cause=cause)
    for category in Category.values:
        if category != "disabled_veteran":
            add(category, "30000")
        add(category, "50", per="month", level="local")
    add("rural_veteran_60", "600", level="provincial", hukou="rural")
    save_standards(items)


def roster(rows: int) -> Path:
    from shuangyong.care.roster_workbook import write_roster

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"roster-{rows}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        write_roster(path, rows, streets=STREETS, seed=11)
        print(f"  (wrote {path.name} in {time.perf_counter() - started:.0f} s)")
    return path


def bare_read(path: Path) -> tuple[float, int]:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    book = CalamineWorkbook.from_path(str(path))
    count = sum(1 for _row in book.get_sheet_by_index(0).iter_rows())
    return time.perf_counter() - started, count


def import_roster(path: Path) -> tuple[float, int]:
    from shuangyong.care.roster import RosterImporter

    started = time.perf_counter()
    result = RosterImporter().run(path)
    seconds = time.perf_counter() - started
    if result.rejected:
        raise SystemExit(f"the bench roster has faults: {result.errors[:3]}")
    return seconds, result.created


def orm_row_by_row(path: Path) -> float:
    """The import as a first version would write it: the same reading and checks, then
    one transaction per row saving the person and its entitlement through the ORM and
    the registry service (audit trail included), one INSERT at a time."""
    from django.db import transaction

    from shuangyong.care import registry
    from shuangyong.care.models import EntitledPerson
    from shuangyong.care.roster import RosterImporter
    from shuangyong.org.models import User

    officer = User.objects.get(username="bench")
    checked = []

    class CheckOnly(RosterImporter):
        def write(self, rows):
            checked.extend(rows)
            return len(rows), 0

    started = time.perf_counter()
    result = CheckOnly().run(path)
    if result.rejected:
        raise SystemExit(f"the bench roster has faults: {result.errors[:3]}")
    importer = RosterImporter()
    for row in checked:
        data = row.data
        with transaction.atomic():
            person = EntitledPerson.objects.create(
                id_number=data["id_number"], bank_account=data["bank_account"],
                **importer._person_values(data),
            )  # fmt: skip
            registry.add_entitlement(
                person=person, category=data["category"], grade=data["grade"],
                cause=data["cause"], approved_on=None, pays_from=0, actor=officer,
            )  # fmt: skip
    return time.perf_counter() - started


# The roster's categories in its proportions (percent), as ``care.roster_workbook`` writes them.
CATEGORY_SHARES = [
    ("disabled_veteran", 35), ("martyr_survivor", 10), ("duty_death_survivor", 5),
    ("illness_death_survivor", 5), ("war_veteran", 15), ("ill_returned_veteran", 5),
    ("demobilised_veteran", 5), ("rural_veteran_60", 10), ("conscript_family", 10),
]  # fmt: skip


def registry(rows: int) -> None:
    """``rows`` persons, each with one entitlement and one open payable span, in three
    INSERT … SELECT statements (the batch's figures do not depend on how they came in;
    the encrypted columns stay empty: nothing here reads them)."""
    from django.db import connection, transaction

    from shuangyong.care import months
    from shuangyong.org.models import Unit

    street = Unit.objects.get(code="S0").pk
    if connection.vendor == "postgresql":
        numbers = f"SELECT i FROM generate_series(1, {rows}) AS g(i)"
    else:
        numbers = (
            f"WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < {rows}) "
            "SELECT i FROM g"
        )
    bucket, upper, whens = "(e_p.id * 37) % 100", 0, []
    for category, share in CATEGORY_SHARES:
        upper += share
        whens.append(f"WHEN {bucket} < {upper} THEN '{category}'")
    category = "CASE " + " ".join(whens) + " END"
    disabled = f"{bucket} < {CATEGORY_SHARES[0][1]}"
    cause = "CASE e_p.id % 3 WHEN 0 THEN 'war' WHEN 1 THEN 'duty' ELSE 'illness' END"
    grade = "1 + (e_p.id / 3) % (CASE e_p.id % 3 WHEN 2 THEN 6 ELSE 10 END)"
    first = months.index(dt.date(2020, 1, 1))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO care_entitledperson (name, id_number, id_number_index,
                    id_number_masked, sex, birth_date, phone, phone_index, street_id,
                    community_id, address, hukou, enlisted_on, discharged_on, bank_name,
                    bank_account, bank_account_masked, note, search_text, created_at,
                    updated_at)
                SELECT '基准' || i, '', 'bench' || i, '', CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END,
                       '1950-01-01', '', '', {street}, NULL, '',
                       CASE WHEN i % 2 = 0 THEN 'urban' ELSE 'rural' END, NULL, NULL, '',
                       '', '', '', '', '2026-01-01', '2026-01-01'
                FROM ({numbers}) n"""
        )
        cursor.execute(
            f"""INSERT INTO care_entitlement (person_id, category, grade, cause, approved_on,
                    pays_from, status, status_since, status_reason, status_month,
                    recheck_from, changed_at)
                SELECT e_p.id, {category},
                       CASE WHEN {disabled} THEN {grade} END,
                       CASE WHEN {disabled} THEN {cause} ELSE '' END,
                       NULL, {first}, 'active', NULL, '', NULL, NULL, NULL
                FROM care_entitledperson e_p"""
        )
        cursor.execute(
            f"""INSERT INTO care_payablespan (entitlement_id, first_month, last_month, grade,
                    cause, hukou)
                SELECT e.id, {first}, NULL, e.grade, e.cause, p.hukou
                FROM care_entitlement e JOIN care_entitledperson p ON p.id = e.person_id"""
        )


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def users():
    from shuangyong.org.models import User

    return User.objects.get(username="bench"), User.objects.get(username="bench-office")


def ledger() -> int:
    """The year's batches before PERIOD, approved: the first computed and approved by the
    services, the others copied from it month by month in SQL (the standards do not
    change within the year). Returns the number of lines."""
    from django.db import connection, transaction

    from shuangyong.care import months, payments
    from shuangyong.care.categories import Programme
    from shuangyong.care.models import BatchLine, BatchStatus, PaymentBatch

    maker, checker = users()
    first, last = months.parse_period(YEAR_STARTS).first, months.parse_period(PERIOD).first
    for programme in Programme.values:
        january = payments.compute(programme=programme, period=YEAR_STARTS, actor=maker)
        payments.approve(batch=january, actor=checker)
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # A bulk load of lines copied from checked ones: no foreign-key triggers.
                cursor.execute("SET LOCAL session_replication_role = replica")
            for month in range(first + 1, last):
                batch = PaymentBatch.objects.create(
                    programme=programme, kind=january.kind,
                    period=f"{month // 12}-{month % 12 + 1:02d}",
                    first_month=month, last_month=month, status=BatchStatus.APPROVED,
                    computed_by=maker, computed_at=january.computed_at, approved_by=checker,
                    approved_at=january.approved_at, persons=january.persons,
                    total_cents=january.total_cents,
                )  # fmt: skip
                cursor.execute(
                    """INSERT INTO care_batchline (batch_id, entitlement_id, person_id, month,
                           kind, amount_cents)
                       SELECT %s, entitlement_id, person_id, %s, kind, amount_cents
                       FROM care_batchline WHERE batch_id = %s""",
                    [batch.pk, month, january.pk],
                )
    analyze()
    return BatchLine.objects.count()


class Explain:
    """Runs EXPLAIN (ANALYZE, BUFFERS) of the batch's INSERT … SELECT and of the approval's
    comparison just before they run (in a savepoint rolled back), keeping the plans."""

    def __init__(self):
        self.plans = []

    def __call__(self, execute, sql, params, many, context):
        from django.db import connection

        head = " ".join(sql.split())[:80]
        wanted = head.startswith("INSERT INTO care_batchline (batch_id, entitlement_id, person_id,")
        wanted |= head.startswith("SELECT COUNT(*) FROM ( SELECT entitlement_id FROM (")
        if wanted and not many:
            sid = connection.savepoint()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                self.plans.append(head + "\n" + "\n".join(r[0] for r in cursor.fetchall()))
            connection.savepoint_rollback(sid)
        return execute(sql, params, many, context)


def month_batch(explain: Explain | None = None) -> tuple[float, float, int, int]:
    """Compute and approve PERIOD for every programme: (compute s, approve s, persons,
    lines); then delete the batches again (raw SQL: an approved batch is kept for ever
    by the services) so that the next run finds the same ledger."""
    from contextlib import nullcontext

    from django.db import connection, transaction

    from shuangyong.care import payments
    from shuangyong.care.categories import Programme
    from shuangyong.care.models import PaymentBatch

    maker, checker = users()
    computing = approving = 0.0
    persons = lines = 0
    done = []
    for programme in Programme.values:
        wrap = (
            connection.execute_wrapper(explain)
            if explain and programme == Programme.DISABILITY
            else nullcontext()
        )
        with wrap:
            started = time.perf_counter()
            batch = payments.compute(programme=programme, period=PERIOD, actor=maker)
            computed = time.perf_counter()
            payments.approve(batch=batch, actor=checker)
            approving += time.perf_counter() - computed
        computing += computed - started
        persons += batch.persons
        lines += batch.lines.count()
        done.append(batch.pk)
    with transaction.atomic(), connection.cursor() as cursor:
        marks = ", ".join(str(pk) for pk in done)
        cursor.execute(f"DELETE FROM care_recovery WHERE batch_id IN ({marks})")
        cursor.execute(f"DELETE FROM care_batchline WHERE batch_id IN ({marks})")
        cursor.execute(f"DELETE FROM care_paymentbatch WHERE id IN ({marks})")
    assert not PaymentBatch.objects.filter(pk__in=done).exists()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE care_batchline")
    return computing, approving, persons, lines


def batch_per_person() -> tuple[float, int]:
    """The same lines computed one entitlement at a time in Python, then written with
    bulk_create into a draft batch (rolled back): what the set-based INSERT replaces."""
    from django.db import transaction

    from shuangyong.care import months, payments
    from shuangyong.care.categories import Programme
    from shuangyong.care.models import BatchLine, PaymentBatch

    span = months.parse_period(PERIOD)
    started = time.perf_counter()
    count = 0
    with transaction.atomic():
        for programme in Programme.values:
            lines = payments.reference_lines(programme=programme, period=PERIOD)
            batch = PaymentBatch.objects.create(
                programme=programme, period=f"{PERIOD}x", first_month=span.first,
                last_month=span.last,
            )  # fmt: skip
            BatchLine.objects.bulk_create(
                [
                    BatchLine(batch=batch, entitlement_id=e, person_id=p, month=m, kind=k,
                              amount_cents=c)
                    for e, p, m, k, c in lines
                ],
                batch_size=5000,
            )  # fmt: skip
            count += len(lines)
        transaction.set_rollback(True)
    return time.perf_counter() - started, count


def figures(values: list[float]) -> str:
    ordered = sorted(values)
    middle = ordered[len(ordered) // 2]
    return f"min {ordered[0]:5.2f} s, median {middle:5.2f} s"


def import_section(orm_rate: float) -> None:
    for rows in SIZES:
        print(f"Roster import, {rows:,} rows")
        path = roster(rows)
        read_seconds, count = bare_read(path)
        fresh_district()
        import_seconds, created = import_roster(path)
        print(
            f"  calamine bare read: {read_seconds:6.1f} s  ({count - 2:,} rows, "
            f"{(count - 2) / read_seconds:,.0f} rows/s)"
        )
        print(
            f"  import:             {import_seconds:6.1f} s  ({created:,} persons, "
            f"{rows / import_seconds:,.0f} rows/s) = {import_seconds / read_seconds:.2f}× the read "
            "(target ≤ 3×)"
        )
        scaled = rows / orm_rate
        print(
            f"  ORM row by row, scaled: {scaled:,.0f} s = "
            f"{scaled / import_seconds:.0f}× the import\n"
        )


def main() -> None:
    engine = setup_database()
    print(
        f"Care services bench on {engine}; sizes {SIZES}; batch {PERIOD} with the batches "
        f"from {YEAR_STARTS} approved; {REPEAT} runs each\n"
    )
    if os.environ.get("BENCH_IMPORT") == "1":
        fresh_district()
        orm_seconds = orm_row_by_row(roster(BASELINE_ROWS))
        print(f"ORM row by row, first {BASELINE_ROWS:,} rows: {orm_seconds:.1f} s\n")
        import_section(BASELINE_ROWS / orm_seconds)

    fresh_district()
    registry(BASELINE_ROWS)
    ledger()
    loop_seconds, loop_lines = batch_per_person()
    print(
        f"Per-person Python batch ({BASELINE_ROWS:,} persons, same ledger): "
        f"{loop_seconds:.2f} s for {loop_lines:,} lines\n"
    )

    results = {}
    for rows in SIZES:
        print(f"{rows:,} persons")
        fresh_district()
        started = time.perf_counter()
        registry(rows)
        existing = ledger()
        print(
            f"  registry and ledger built in {time.perf_counter() - started:.0f} s "
            f"({existing:,} approved lines)"
        )
        explain = Explain() if EXPLAIN and engine == "PostgreSQL" else None
        computes, approves = [], []
        for _run in range(REPEAT):
            computing, approving, persons, lines = month_batch()
            computes.append(computing)
            approves.append(approving)
        if explain:  # one more run, not counted
            month_batch(explain)
            OUT.mkdir(parents=True, exist_ok=True)
            (OUT / f"explain-{rows}.txt").write_text("\n\n".join(explain.plans))
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        both = [c + a for c, a in zip(computes, approves, strict=True)]
        scaled_loop = loop_seconds * rows / BASELINE_ROWS
        results[rows] = (min(computes), min(approves), min(both))
        print(
            f"  compute (INSERT … SELECT):  {figures(computes)}  "
            f"({persons:,} persons, {lines:,} lines)"
        )
        print(f"  approve (re-check):         {figures(approves)}")
        print(f"  compute + approve:          {figures(both)}  (target < 10 s at 1,000,000)")
        print(f"  machine load after the runs: {load} (1, 5, 15 min; {os.cpu_count()} cores)")
        print(
            f"  per-person Python, scaled:  {scaled_loop:,.1f} s = "
            f"{scaled_loop / min(computes):.1f}× the set-based compute\n"
        )
    if len(SIZES) > 1:
        small, large = SIZES[0], SIZES[-1]
        ratios = [results[large][i] / results[small][i] for i in range(3)]
        print(
            f"{large:,} / {small:,} persons ({large / small:.0f}×): compute {ratios[0]:.1f}×, "
            f"approve {ratios[1]:.1f}×, both {ratios[2]:.1f}× (target ≤ 12×)"
        )


if __name__ == "__main__":
    main()
