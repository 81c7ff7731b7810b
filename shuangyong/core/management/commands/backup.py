"""shuangyong backup OUT.tar.gz — database, uploaded files and a manifest of checksums."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shuangyong.audit.models import Action
from shuangyong.audit.services import record
from shuangyong.core.backup import BackupError, backup


class Command(BaseCommand):
    help = _("Write a backup archive: database, uploaded files, manifest of checksums.")

    def add_arguments(self, parser):
        parser.add_argument("out", help=_("the archive to write, e.g. backup-2026-11-29.tar.gz"))

    def handle(self, *args, **options):
        out = Path(options["out"])
        if out.exists():
            raise CommandError(_("%(p)s exists already; choose another name.") % {"p": out})
        try:
            manifest = backup(out)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        record(
            Action.EXPORT,
            object_type="backup",
            object_repr=out.name,
            detail={"tables": len(manifest["tables"]), "files": len(manifest["files"])},
        )
        self.stdout.write(
            _("Backup written to %(p)s: %(t)d tables, %(r)d rows, %(f)d files.")
            % {
                "p": out,
                "t": len(manifest["tables"]),
                "r": sum(manifest["tables"].values()),
                "f": len(manifest["files"]) - 1,
            }
        )
