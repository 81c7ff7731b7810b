"""shuangyong export KIND [ID] -o FILE"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shuangyong.core.imports import EXPORTERS


class Command(BaseCommand):
    help = _("Export KIND (units, people, …) as a workbook in the same shape as its import.")

    def add_arguments(self, parser):
        parser.add_argument("kind", help=", ".join(sorted(EXPORTERS)))
        parser.add_argument(
            "id", nargs="?", help=_("the object to export, where the kind needs one")
        )
        parser.add_argument("-o", "--output", required=True, metavar="FILE")
        parser.add_argument(
            "--full-id-numbers",
            action="store_true",
            help=_("write ID numbers unmasked (recorded in the audit trail; needs --reason)"),
        )
        parser.add_argument("--reason", default="", help=_("why the full values are needed"))

    def handle(self, *args, **options):
        exporter = EXPORTERS.get(options["kind"])
        if exporter is None:
            raise CommandError(
                _("Unknown export kind “%(kind)s”; known: %(known)s")
                % {"kind": options["kind"], "known": ", ".join(sorted(EXPORTERS))}
            )
        if exporter.takes_id and not options["id"]:
            raise CommandError(_("%(kind)s needs an ID") % {"kind": options["kind"]})
        suffix = options["output"].rsplit(".", 1)[-1].lower()
        fmt = {"yaml": "yaml", "yml": "yaml", "pdf": "pdf"}.get(suffix, "xlsx")
        if fmt not in exporter.formats:
            raise CommandError(
                _("%(kind)s exports as %(formats)s")
                % {"kind": options["kind"], "formats": ", ".join(exporter.formats)}
            )
        try:
            exporter.write(
                options["output"],
                actor=None,
                object_id=options["id"],
                full=options["full_id_numbers"],
                reason=options["reason"],
                format=fmt,
            )
        except (ValueError, ValidationError) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(_("Written to %(path)s") % {"path": options["output"]})
