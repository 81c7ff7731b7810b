"""shuangyong remind [--date YYYY-MM-DD] — the day's reminders now (the worker runs it hourly)."""

import datetime as dt
import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from shuangyong.supervision.reminders import run_reminders


class Command(BaseCommand):
    help = _("Send today's reminders and escalations (each once).")

    def add_arguments(self, parser):
        parser.add_argument("--date", type=dt.date.fromisoformat, default=None)

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(run_reminders(today=options["date"]), ensure_ascii=False))
