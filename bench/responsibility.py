"""Responsibility pages at 1×, 10× and 100× of a small district.

The small district has 3 units, 50 tasks, 200 indicators and 500 evidence
rows; 100× is the issue's district: 300 units, 5,000 tasks, 20,000 indicators,
50,000 evidence files. For each size the script builds the data set-based,
then times the unit workspace (a liaison's task list), the campaign overview
(the office's task list) and the evidence ledger, server side, and counts their
SQL queries. The queries must not grow; the times show how the rest grows.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/http.py would stand in for the standard library's ``http`` if this folder led
# sys.path (it does for a script): siblings are imported as ``bench.<name>``.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
SCRATCH = tempfile.mkdtemp(prefix="sy-bench-")
os.environ.setdefault("SHUANGYONG_DATA_DIR", SCRATCH)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangyong.settings")
os.environ.setdefault(
    "SHUANGYONG_KEYS",
    '{"active": "b", "keys": {"b": "' + "11" * 16 + '"}, "index": "' + "22" * 32 + '"}',
)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

BASE = {"units": 3, "tasks": 50, "indicators": 200, "evidence": 500}
SCALES = [int(s) for s in os.environ.get("BENCH_SCALES", "1,10,100").split(",")]
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def setup_database():
    import django
    from django.conf import settings

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
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return url


def build(scale: int):
    """A district with ``scale`` × the small one, written in bulk."""
    import datetime as dt

    from django.core.management import call_command

    from shuangyong.access import Role
    from shuangyong.campaigns.models import Campaign, Evidence, Indicator, Task
    from shuangyong.org.models import Person, Unit, User, rebuild_paths
    from shuangyong.standards.demo import example_standard

    call_command("flush", "--noinput", verbosity=0)  # a scratch database: start each size clean
    root, _ = Unit.objects.get_or_create(code="D", defaults={"name": "基准区", "kind": "district"})
    units = Unit.objects.bulk_create(
        [
            Unit(code=f"U{i}", name=f"单位{i}", kind="department", parent=root, is_member=True)
            for i in range(BASE["units"] * scale)
        ]
    )
    rebuild_paths()
    standard = example_standard()
    leaves = list(standard.criteria.exclude(rule_type=""))
    campaign = Campaign.objects.create(
        name="基准",
        standard=standard,
        district=root,
        start_year=2025,
        end_year=2028,
        target_score=90,
    )
    today = dt.date.today()
    tasks = Task.objects.bulk_create(
        [
            Task(
                campaign=campaign,
                criterion=leaves[i % len(leaves)],
                title=f"任务{i}",
                lead_unit=units[i % len(units)],
                deadline=today + dt.timedelta(days=i % 365),
            )
            for i in range(BASE["tasks"] * scale)
        ],
        batch_size=2000,
    )
    through = Task.co_units.through
    through.objects.bulk_create(
        [
            through(task_id=t.pk, unit_id=units[(i + 1) % len(units)].pk)
            for i, t in enumerate(tasks)
        ],
        batch_size=5000,
    )
    Indicator.objects.bulk_create(
        [
            Indicator(task=tasks[i % len(tasks)], name=f"指标{i}", target=100, actual=i % 120)
            for i in range(BASE["indicators"] * scale)
        ],
        batch_size=5000,
    )
    Evidence.objects.bulk_create(
        [
            Evidence(
                campaign=campaign,
                task=tasks[i % len(tasks)],
                criterion_id=tasks[i % len(tasks)].criterion_id,
                unit=units[i % len(units)],
                year=2025 + i % 4,
                title=f"台账{i}",
                file=f"evidence/{i}.pdf",
                original_name=f"{i}.pdf",
                content_type="application/pdf",
                size=1000,
                sha256=f"{i:064x}",
                status=("accepted", "submitted", "returned")[i % 3],
            )
            for i in range(BASE["evidence"] * scale)
        ],
        batch_size=5000,
    )
    liaison_person = Person.objects.create(name="联络员", unit=units[0])
    liaison = User.objects.create(username="liaison", role=Role.UNIT_LIAISON, person=liaison_person)
    office_person = Person.objects.create(name="双拥办", unit=root)
    office = User.objects.create(username="office", role=Role.OFFICE, person=office_person)
    return campaign, liaison, office


def measure(client, url: str):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches
    times = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000, len(queries)


def main():
    url = setup_database()
    from django.db import connection
    from django.test import Client

    print(f"database: {connection.vendor}; runs per page: {RUNS}; median server time")
    print(
        f"{'scale':>6} {'units':>6} {'tasks':>7} {'indic.':>7} {'evidence':>9} | "
        f"{'workspace ms (q)':>17} {'overview ms (q)':>16} {'ledger ms (q)':>14}"
    )
    baseline = None
    for scale in SCALES:
        campaign, liaison, office = build(scale)
        liaison_client, office_client = Client(), Client()
        liaison_client.force_login(liaison)
        office_client.force_login(office)
        pages = [
            measure(liaison_client, f"/campaigns/{campaign.pk}/tasks/"),
            measure(office_client, f"/campaigns/{campaign.pk}/tasks/"),
            measure(office_client, f"/campaigns/{campaign.pk}/ledger/"),
        ]
        baseline = baseline or pages
        cells = " ".join(
            f"{ms:8.1f} ×{ms / base[0]:4.1f} ({q})"
            for (ms, q), base in zip(pages, baseline, strict=True)
        )
        print(
            f"{scale:>5}× {BASE['units'] * scale:>6} {BASE['tasks'] * scale:>7} "
            f"{BASE['indicators'] * scale:>7} {BASE['evidence'] * scale:>9} | {cells}"
        )
    if url.startswith("postgres"):
        connection.close()


if __name__ == "__main__":
    main()
