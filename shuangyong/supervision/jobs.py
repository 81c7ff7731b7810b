"""Supervision's periodic jobs (Django tasks API), registered with the messaging worker.

The domain code lives in ``reminders`` and ``evaluation``; these wrappers only
let the worker call it, so nothing depends on which task backend is used.
"""

from django_tasks import task

from shuangyong.campaigns.lights import refresh_stale
from shuangyong.supervision.evaluation import take_due_snapshots
from shuangyong.supervision.reminders import run_reminders


@task()
def reminders_job() -> dict:
    return run_reminders()


@task()
def snapshots_job() -> int:
    return take_due_snapshots()


@task()
def lights_job() -> int:
    """Each day's lights (a deadline passes without a write): the rows not yet worked out
    today, across campaigns; one query when there are none."""
    return refresh_stale()
