"""shuangyong snapshot [--all] — record today's evaluation (the worker does it weekly)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from shuangyong.campaigns.models import Campaign
from shuangyong.supervision.evaluation import take_due_snapshots, take_snapshot


class Command(BaseCommand):
    help = _("Record the dynamic evaluation: weekly by default, every campaign with --all.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help=_("a snapshot of every campaign now")
        )

    def handle(self, *args, **options):
        if options["all"]:
            for campaign in Campaign.objects.all():
                snapshot = take_snapshot(campaign)
                self.stdout.write(f"{campaign}: {snapshot.score}")
        else:
            self.stdout.write(_("%(n)d snapshots taken.") % {"n": take_due_snapshots()})
