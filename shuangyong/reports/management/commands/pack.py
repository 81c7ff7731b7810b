"""shuangyong pack CAMPAIGN [-o FILE]

Builds the campaign's readiness pack here and now (the page builds it in the
background): every evidence file by criterion and year, the Excel index and the
self-assessment report. Prints where it is; ``-o`` copies it elsewhere. The pack
is recorded in the audit trail as an export of the command line.
Exit status 0, 1 when the build failed, 2 for a campaign that does not exist.
"""

import shutil
import sys

from django.core.management.base import BaseCommand
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

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(pk=options["campaign"]).first()
        if campaign is None:
            self.stderr.write(_("No campaign has the ID “%(id)s”.") % {"id": options["campaign"]})
            sys.exit(2)
        pack = packs.build(ReadinessPack.objects.create(campaign=campaign))
        if pack.status != PackStatus.DONE:
            self.stderr.write(pack.error)
            sys.exit(1)
        target = pack.path
        if options["output"]:
            target = shutil.copyfile(pack.path, options["output"])
        record(Action.EXPORT, obj=pack, detail={"file": "readiness pack", "size": pack.size,
                                               "to": str(target)})  # fmt: skip
        self.stdout.write(
            _("%(files)s files, %(mb)s MB: %(path)s")
            % {"files": pack.total, "mb": round(pack.size / 2**20, 1), "path": target}
        )
