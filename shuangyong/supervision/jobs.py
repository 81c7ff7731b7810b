"""Background jobs (Django tasks API, database backend): the worker runs them.

The domain code lives in ``reminders`` and ``evaluation``; these wrappers only
let the worker call it, so nothing depends on which task backend is used.
"""

from django_tasks import task

from shuangyong.supervision.evaluation import take_due_snapshots
from shuangyong.supervision.reminders import run_reminders


@task()
def reminders_job() -> dict:
    return run_reminders()


@task()
def snapshots_job() -> int:
    return take_due_snapshots()


@task()
def housekeeping_job() -> int:
    """Error workbooks past their retention are deleted (core.imports)."""
    from shuangyong.core.imports import prune_error_workbooks

    return prune_error_workbooks()


PERIODIC = [reminders_job, snapshots_job, housekeeping_job]
