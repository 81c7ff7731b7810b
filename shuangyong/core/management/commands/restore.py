"""shuangyong restore IN.tar.gz — into an empty database; verifies checksums, rows and the chain."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shuangyong.audit.models import Action
from shuangyong.audit.services import record
from shuangyong.core.backup import BackupError, restore


class Command(BaseCommand):
    help = _("Restore a backup archive into an empty database and verify it.")

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, **options):
        try:
            report = restore(Path(options["archive"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if report.mismatches:
            for line in report.mismatches:
                self.stderr.write(line)
            self.stderr.write(_("The restored data does not match the backup (see above)."))
            sys.exit(1)
        record(
            Action.RESTORE,
            object_type="backup",
            object_repr=Path(options["archive"]).name,
            detail={"tables": report.tables, "rows": report.rows, "files": report.files},
        )
        self.stdout.write(
            _(
                "Restored and verified: %(t)d tables, %(r)d rows, %(f)d files; audit chain intact "
                "(%(a)d events)."
            )
            % {"t": report.tables, "r": report.rows, "f": report.files, "a": report.audit_events}
        )
