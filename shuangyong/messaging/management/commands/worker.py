"""shuangyong worker — runs the background jobs and sends the outbox.

Every ``--every`` seconds (default: hourly) it queues the periodic jobs the apps
registered (reminders, weekly snapshots, housekeeping), then, every round, works
through the task queue with the database worker of the Django tasks API and
sends the deliveries that are due. Run one or several on any machine; the jobs
are idempotent and lock against each other, deliveries are claimed one worker
at a time.
"""

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from shuangyong.messaging.worker import queue_periodic, run_round


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
                queue_periodic()
                next_run = time.monotonic() + options["every"]
            run_round(verbosity=options["verbosity"])
            if options["once"]:
                return
            time.sleep(10)
