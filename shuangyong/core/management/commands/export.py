"""shuangyong export KIND [ID] -o FILE"""

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

    def handle(self, *args, **options):
        exporter = EXPORTERS.get(options["kind"])
        if exporter is None:
            raise CommandError(
                _("Unknown export kind “%(kind)s”; known: %(known)s")
                % {"kind": options["kind"], "known": ", ".join(sorted(EXPORTERS))}
            )
        if exporter.takes_id and not options["id"]:
            raise CommandError(_("%(kind)s needs an ID") % {"kind": options["kind"]})
        exporter.write(options["output"], actor=None, object_id=options["id"])
        self.stdout.write(_("Written to %(path)s") % {"path": options["output"]})
