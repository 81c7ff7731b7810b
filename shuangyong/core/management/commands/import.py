"""shuangyong import KIND FILE [--partial] [--json] [--errors OUT.xlsx]

Exit status: 0 when every row was imported, 1 when rows were rejected,
2 when the file cannot be read.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shuangyong.core.imports import IMPORTERS, ImportFileError


class Command(BaseCommand):
    help = _("Import a spreadsheet of KIND (units, people, …).")

    def add_arguments(self, parser):
        parser.add_argument("kind", help=", ".join(sorted(IMPORTERS)))
        parser.add_argument("file")
        parser.add_argument(
            "--partial",
            action="store_true",
            help=_("import the valid rows and write the rejected ones to an error workbook"),
        )
        parser.add_argument("--json", action="store_true", help=_("print the result as JSON"))
        parser.add_argument(
            "--errors",
            metavar="OUT",
            help=_("where to write the error workbook (default: next to FILE)"),
        )
        seen = set()
        for importer in IMPORTERS.values():
            for option in importer.options:
                if option.flag in seen:
                    continue
                seen.add(option.flag)
                if option.type is bool:
                    parser.add_argument(option.flag, action="store_true", help=option.help)
                else:
                    parser.add_argument(option.flag, type=option.type, help=option.help)

    def handle(self, *args, **options):
        kind, path = options["kind"], Path(options["file"])
        importer_class = IMPORTERS.get(kind)
        if importer_class is None:
            raise CommandError(
                _("Unknown import kind “%(kind)s”; known: %(known)s")
                % {"kind": kind, "known": ", ".join(sorted(IMPORTERS))}
            )
        extra = {
            o.flag.lstrip("-").replace("-", "_"): options.get(o.flag.lstrip("-").replace("-", "_"))
            for o in importer_class.options
        }
        for option in importer_class.options:
            name = option.flag.lstrip("-").replace("-", "_")
            if option.required and extra.get(name) is None:
                raise CommandError(
                    _("%(flag)s is required for %(kind)s") % {"flag": option.flag, "kind": kind}
                )
        importer = importer_class(actor=None, **extra)
        try:
            result = importer.run(path, partial=options["partial"])
        except ImportFileError as exc:
            if options["json"]:
                self.stdout.write(json.dumps({"error": str(exc)}, ensure_ascii=False))
            self.stderr.write(str(exc))
            sys.exit(2)
        error_file = None
        if result.rejected:
            error_file = Path(options["errors"] or path.with_name(f"{path.stem}.errors.xlsx"))
            result.write_error_workbook(error_file)
        if options["json"]:
            payload = result.as_dict()
            if error_file:
                payload["error_file"] = str(error_file)
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self._report(result, error_file, options["partial"])
        if result.exit_code:
            sys.exit(result.exit_code)

    def _report(self, result, error_file, partial):
        for error in result.errors:
            self.stderr.write(_("row %(row)d, column %(column)s: %(message)s") % error.as_dict())
        self.stdout.write(
            _("%(created)d created, %(updated)d updated, %(rejected)d rejected.") % result.as_dict()
        )
        if result.rejected and not partial:
            self.stdout.write(_("Nothing was written. Fix the rows above, or use --partial."))
        if error_file:
            self.stdout.write(_("Error workbook: %(path)s") % {"path": error_file})
