"""The campaign pages at 1× and 100× of a small district, server side.

Builds the district of bench/responsibility.py (1×: 3 units, 50 tasks, 200
indicators, 500 evidence files; 100×: 300 units, 5,000 tasks, 20,000
indicators, 50,000 files) plus two progress reports per task (one reviewed,
one waiting), set-based, in a PostgreSQL database it creates and drops. Then
times, through the test client (middleware included), the campaign overview,
the leader's dashboard, the office's task list, a liaison's task list, the
"waiting for review" filter and the unit ranking: min and median of
BENCH_RUNS requests after one warm-up, and the SQL queries of one request.
"cold" is the page before it with the cache emptied before each request: what
the first request after a write that changes the score or the ranking costs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sy_bench_pages \\
        .venv/bin/python bench/pages.py          # BENCH_SCALES=1,100 BENCH_RUNS=7
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/http.py would stand in for the standard library's ``http`` if this folder led
# sys.path (it does for a script): siblings are imported as ``bench.<name>``.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_SCALES", "1,100")
os.environ.setdefault("BENCH_RUNS", "7")

from bench import responsibility as common  # noqa: E402  (sets up the environment first)


def add_reports(campaign, scale: int) -> None:
    """Two reports per task, in bulk: an older accepted one and a newer one waiting
    (every third returned), so the latest report differs from the first."""
    import datetime as dt

    from django.utils import timezone

    from shuangyong.campaigns.models import ProgressReport, Task

    now = timezone.now()
    tasks = list(Task.objects.filter(campaign=campaign).values_list("pk", "lead_unit_id"))
    reports = []
    for i, (pk, unit_id) in enumerate(tasks):
        reports.append(
            ProgressReport(task_id=pk, unit_id=unit_id, text="进展", percent=30, status="accepted")
        )
        reports.append(
            ProgressReport(
                task_id=pk,
                unit_id=unit_id,
                text="进展",
                percent=60,
                status="returned" if i % 3 == 0 else "submitted",
            )
        )
    ProgressReport.objects.bulk_create(reports, batch_size=5000)
    # auto_now_add stamped them all alike: the accepted ones are ten days older.
    ProgressReport.objects.filter(task__campaign=campaign, status="accepted").update(
        submitted_at=now - dt.timedelta(days=10)
    )
    Task.objects.filter(campaign=campaign, pk__in=[pk for pk, _u in tasks[::4]]).update(
        progress=100, done_at=now
    )
    after_build(campaign)


def after_build(campaign) -> None:
    """What the product's own writes would have kept up to date (bulk writes bypass them)."""
    from shuangyong.campaigns import lights

    refresh = getattr(lights, "refresh_campaign", None)
    if refresh is not None:
        refresh(campaign)


def measure(client, url: str, *, cold: bool = False):
    """Min and median ms of RUNS requests, and the queries of one; ``cold``: the cache
    emptied before each request (the first request after a write)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up
    times = []
    for _ in range(common.RUNS):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return min(times), statistics.median(times), len(queries)


def main():
    url = common.setup_database()
    from django.db import connection
    from django.test import Client

    load = os.getloadavg()
    print(
        f"database: {connection.vendor}; runs per page: {common.RUNS}; "
        f"load average at start {load[0]:.1f}; ms min / median (queries)"
    )
    pages = ["overview", "dashboard", "cold", "tasks", "liaison", "pending", "ranking", "cold"]
    print(f"{'scale':>6} {'tasks':>6} | " + " ".join(f"{p:>20}" for p in pages))
    for scale in common.SCALES:
        campaign, liaison, office = common.build(scale)
        add_reports(campaign, scale)
        office_client, liaison_client = Client(), Client()
        office_client.force_login(office)
        liaison_client.force_login(liaison)
        pk = campaign.pk
        figures = [
            measure(office_client, f"/campaigns/{pk}/"),
            measure(office_client, f"/supervision/campaigns/{pk}/dashboard/"),
            measure(office_client, f"/supervision/campaigns/{pk}/dashboard/", cold=True),
            measure(office_client, f"/campaigns/{pk}/tasks/"),
            measure(liaison_client, f"/campaigns/{pk}/tasks/"),
            measure(office_client, f"/campaigns/{pk}/tasks/?state=pending"),
            measure(office_client, f"/supervision/campaigns/{pk}/ranking/"),
            measure(office_client, f"/supervision/campaigns/{pk}/ranking/", cold=True),
        ]
        cells = " ".join(f"{lo:7.1f} /{med:7.1f} ({q:>2})" for lo, med, q in figures)
        print(f"{scale:>5}× {common.BASE['tasks'] * scale:>6} | {cells}", flush=True)
    print(f"load average at end {os.getloadavg()[0]:.1f}")
    if url.startswith("postgres"):
        import psycopg

        connection.close()
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
