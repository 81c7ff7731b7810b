"""shuangyong demo: load the fictional demo district (idempotent)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from shuangyong.core.demo import DEMO_STEPS


class Command(BaseCommand):
    help = _("Load the fictional demo district; running it again changes nothing.")

    def handle(self, *args, **options):
        with transaction.atomic():
            for step in sorted(DEMO_STEPS, key=lambda s: s.order):
                self.stdout.write(self.style.MIGRATE_HEADING(f"» {step.name}"))
                step.run(self.stdout.write)
