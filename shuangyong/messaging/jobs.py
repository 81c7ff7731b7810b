"""The job worker's registry: periodic jobs, registered by the apps that own them.

Each app calls ``register_periodic(job)`` from its ``AppConfig.ready()`` with a
Django task (``@task()`` from django_tasks); ``shuangyong worker`` queues every
registered job each ``--every`` seconds and sends the outbox every round.
``job_lock`` is the once-at-a-time lock a job takes (a row per job name).

Work that waits in rows of its own (the readiness packs) registers with
``register_queue(work)``: every round calls ``work()``, which claims what it does,
so any number of workers share it. Each round records the worker's sign of life
(``worker_beat``), so a page can say when no worker is running.
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from shuangyong.core.imports import prune_error_workbooks
from shuangyong.messaging.models import JobRun

PERIODIC: list = []
QUEUES: list = []
# The row whose ``last_started`` is the start of the latest round of any worker.
WORKER = "worker"


def register_periodic(job) -> None:
    """Add a task to the periodic jobs (once, whatever the number of calls)."""
    if all(j.module_path != job.module_path for j in PERIODIC):
        PERIODIC.append(job)


def register_queue(work) -> None:
    """Add a function every worker round calls (once, whatever the number of calls).

    Rules: ``work()`` takes its own queued rows with a claim (one worker per row), does
    a bounded amount of it, and returns; the outbox is sent between rounds.
    """
    if work not in QUEUES:
        QUEUES.append(work)


def worker_beat(now=None) -> None:
    """Record that a worker started a round (one UPDATE; the row is made the first time)."""
    now = now or timezone.now()
    if not JobRun.objects.filter(name=WORKER).update(last_started=now):
        JobRun.objects.update_or_create(name=WORKER, defaults={"last_started": now})


def worker_last_seen():
    """When a worker last started a round, or None when none ever did."""
    return JobRun.objects.filter(name=WORKER).values_list("last_started", flat=True).first()


def job_lock(name: str) -> JobRun | None:
    """Hold the job's row for this transaction; None when another run holds it (PostgreSQL)."""
    JobRun.objects.get_or_create(name=name)
    return JobRun.objects.select_for_update(skip_locked=True).filter(name=name).first()


@task()
def housekeeping_job() -> int:
    """Error workbooks past their retention are deleted (core.imports)."""
    return prune_error_workbooks()


def register_builtin() -> None:
    register_periodic(housekeeping_job)
