"""One round of the worker: what ``shuangyong worker`` does every few seconds.

Tests call ``run_round()`` to see exactly what a worker round does.
"""

from __future__ import annotations

from django.core.management import call_command

from shuangyong.messaging import jobs, outbox


def queue_periodic() -> None:
    for job in jobs.PERIODIC:
        job.enqueue()


def run_round(*, now=None, tasks: bool = True, verbosity: int = 0) -> dict[str, int]:
    """Run the queued tasks, send the deliveries that are due, then the registered queues'
    work (readiness packs); returns the outbox counts."""
    jobs.worker_beat()
    if tasks:
        call_command("db_worker", batch=True, startup_delay=False, verbosity=verbosity)
    counts = outbox.work(now=now)
    if tasks:
        for work in jobs.QUEUES:
            work()
    return counts
