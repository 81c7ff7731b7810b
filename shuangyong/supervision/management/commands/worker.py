"""shuangyong worker — runs the background jobs.

Every ``--every`` seconds (default: hourly) it queues the periodic jobs
(reminders, weekly snapshots), then works through the queue with the
database worker of the Django tasks API. Run one or several on any machine;
the jobs are idempotent and lock against each other.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from shuangyong.supervision.jobs import PERIODIC


class Command(BaseCommand):
    help = _("Run the background jobs: reminders, escalations, snapshots, queued work.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=int, default=3600, help=_("seconds between runs of the periodic jobs")
        )
        parser.add_argument(
            "--once", action="store_true", help=_("queue the jobs, run the queue once, exit")
        )

    def handle(self, *args, **options):
        next_run = 0.0
        while True:
            if time.monotonic() >= next_run:
                for job in PERIODIC:
                    job.enqueue()
                next_run = time.monotonic() + options["every"]
            call_command(
                "db_worker", batch=True, startup_delay=False, verbosity=options["verbosity"]
            )
            if options["once"]:
                return
            time.sleep(10)
