"""The job worker's registry: periodic jobs, registered by the apps that own them.

Each app calls ``register_periodic(job)`` from its ``AppConfig.ready()`` with a
Django task (``@task()`` from django_tasks); ``shuangyong worker`` queues every
registered job each ``--every`` seconds and sends the outbox every round.
``job_lock`` is the once-at-a-time lock a job takes (a row per job name).
"""

from __future__ import annotations

from django_tasks import task

from shuangyong.core.imports import prune_error_workbooks
from shuangyong.messaging.models import JobRun

PERIODIC: list = []


def register_periodic(job) -> None:
    """Add a task to the periodic jobs (once, whatever the number of calls)."""
    if all(j.module_path != job.module_path for j in PERIODIC):
        PERIODIC.append(job)


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
