"""Care services at scale: the roster import and the monthly payment batch.

1. Roster import (优抚对象花名册) of 100,000 and 1,000,000 rows: the time the
   whole import takes (read, check every ID, write persons, entitlements and
   payable spans) beside the time python-calamine alone needs to read the same
   file (the floor: nothing can import faster than it reads), and beside a
   row-by-row ORM import (one save per person and per entitlement) of the first
   10,000 rows, scaled. Target: import within 3× of the bare read.
2. The monthly batch (every programme, 2026-11) for the persons just imported,
   computed in set-based SQL, beside the straightforward per-person Python
   computation (``payments.reference_lines``) on 10,000 persons, scaled.
   Target: under 30 s for 1,000,000 persons on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangyong_bench \\
        .venv/bin/python bench/care.py                 # the issue's figures
    BENCH_ROWS=20000,100000 .venv/bin/python bench/care.py   # smaller, on SQLite

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
PERIOD = "2026-11"
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

    person = Person.objects.create(name="基准优抚员", unit=root)
    User.objects.create(username="bench", role=Role.CARE_OFFICER, person=person, scope_unit=root)


def allowance_standards() -> None:
    """A national amount per category (and per grade and cause for disability) plus a
    provincial and a local top-up, as a district's table looks."""
    from shuangyong.care.categories import Category
    from shuangyong.care.imports import save_standards

    since = dt.date(2026, 8, 1)
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
    from shuangyong.care.testing import write_roster

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


def batch_set_based() -> tuple[float, int, int]:
    from shuangyong.care import payments
    from shuangyong.care.categories import Programme

    started = time.perf_counter()
    persons = lines = 0
    for programme in Programme.values:
        batch = payments.compute(programme=programme, period=PERIOD, actor=None)
        persons += batch.persons
        lines += batch.lines.count()
    return time.perf_counter() - started, persons, lines


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


def main() -> None:
    engine = setup_database()
    print(f"Care services bench on {engine}; sizes {SIZES}; baseline {BASELINE_ROWS:,} rows\n")

    print("Row-by-row ORM import and per-person batch, first 10,000 rows")
    fresh_district()
    orm_seconds = orm_row_by_row(roster(BASELINE_ROWS))
    orm_rate = BASELINE_ROWS / orm_seconds
    print(f"  ORM row by row: {orm_seconds:.1f} s = {orm_rate:,.0f} rows/s")
    loop_seconds, loop_lines = batch_per_person()
    print(
        f"  per-person Python batch: {loop_seconds:.2f} s for {loop_lines:,} lines "
        f"({BASELINE_ROWS:,} persons)\n"
    )

    for rows in SIZES:
        print(f"{rows:,} rows")
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
            f"  ORM row by row, scaled: {scaled:,.0f} s = {scaled / import_seconds:.0f}× the import"
        )
        batch_seconds, persons, lines = batch_set_based()
        scaled_loop = loop_seconds * persons / BASELINE_ROWS
        print(
            f"  monthly batch, set-based: {batch_seconds:6.1f} s  ({persons:,} persons, "
            f"{lines:,} lines; target < 30 s)"
        )
        print(
            f"  per-person Python, scaled: {scaled_loop:,.0f} s = "
            f"{scaled_loop / batch_seconds:.1f}× the set-based batch\n"
        )


if __name__ == "__main__":
    main()
