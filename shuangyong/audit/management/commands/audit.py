"""shuangyong audit verify | prune

verify  walk the hash chain; exit 0 with "intact" and the count, or exit 1
        naming the first broken event.
prune   remove events older than AUDIT_RETENTION_DAYS (at least 180); the
        first kept event is anchored so the chain still verifies.
"""

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from shuangyong.audit import chain, services


class Command(BaseCommand):
    help = _("Verify or prune the audit trail.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "prune"])

    def handle(self, *args, **options):
        if options["action"] == "prune":
            removed = services.prune()
            self.stdout.write(
                _("Removed %(n)d events older than %(days)d days.")
                % {"n": removed, "days": services.retention_days()}
            )
            return
        verdict = chain.verify()
        if verdict.intact:
            self.stdout.write(_("intact: %(n)d events") % {"n": verdict.count})
            return
        self.stderr.write(
            _("broken at event #%(seq)d: %(reason)s (%(n)d events before it verified)")
            % {"seq": verdict.broken_seq, "reason": verdict.reason, "n": verdict.count}
        )
        sys.exit(1)
