"""shuangyong pack CAMPAIGN [-o FILE]

Builds the campaign's readiness pack here and now (the page queues it for
``shuangyong worker``): every evidence file by criterion and year, the Excel index and the
self-assessment report. Prints where it is; ``-o`` copies it elsewhere. The pack
is recorded in the audit trail as an export of the command line.
Exit status 0; 1 when the build failed, another is running or the copy failed; 2 for a
campaign that does not exist or an output folder that does not.
"""

import shutil
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.audit.models import Action
from shuangyong.audit.services import record
from shuangyong.campaigns.models import Campaign
from shuangyong.reports import pack as packs
from shuangyong.reports.models import PackStatus, ReadinessPack


class Command(BaseCommand):
    help = _("Build a campaign's readiness pack (evidence by criterion, index, report).")

    def add_arguments(self, parser):
        parser.add_argument("campaign", type=int)
        parser.add_argument("-o", "--output", metavar="FILE", help=_("also copy the zip here"))
        parser.add_argument(
            "--include-unapproved",
            action="store_true",
            help=_("also pack the files not yet approved"),
        )

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(pk=options["campaign"]).first()
        if campaign is None:
            self.stderr.write(_("No campaign has the ID “%(id)s”.") % {"id": options["campaign"]})
            sys.exit(2)
        output = Path(options["output"]) if options["output"] else None
        if output is not None and not (output.is_dir() or output.parent.is_dir()):
            self.stderr.write(
                _("No folder “%(path)s” to copy the pack to.") % {"path": output.parent}
            )
            sys.exit(2)
        if packs.busy(campaign):
            self.stderr.write(
                _("A pack of this campaign is being built; try again when it is done.")
            )
            sys.exit(1)
        # Made as this process's claim, so no worker takes it meanwhile.
        pack = packs.build(
            ReadinessPack.objects.create(
                campaign=campaign,
                include_unapproved=options["include_unapproved"],
                status=PackStatus.RUNNING,
                attempts=1,
                heartbeat=timezone.now(),
            )
        )
        if pack.status != PackStatus.DONE:
            self.stderr.write(pack.error)
            sys.exit(1)
        target = pack.path
        if output is not None:
            try:
                target = shutil.copy(pack.path, output)  # a folder keeps the zip's name
            except OSError as exc:
                self.stderr.write(
                    _("The pack is built (%(path)s) but could not be copied: %(error)s")
                    % {"path": pack.path, "error": exc.strerror or exc}
                )
                sys.exit(1)
        record(Action.EXPORT, obj=pack, detail={"file": "readiness pack", "size": pack.size,
                                               "to": str(target)})  # fmt: skip
        self.stdout.write(
            _("%(files)s files, %(mb)s MB: %(path)s")
            % {"files": pack.total, "mb": round(pack.size / 2**20, 1), "path": target}
        )
