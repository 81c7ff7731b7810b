"""shuangyong payments compute --period 2026-11 [--programme P] [--kind adjustment] [--json]

Computes draft batches (one per programme unless ``--programme`` names one). Batches
computed here are recorded as computed by the command line; approving one always
takes a person in the browser (maker-checker). Exit status 0, or 2 when refused.
"""

import json
import sys
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils.translation import gettext as _

from shuangyong.care import payments
from shuangyong.care.categories import Programme
from shuangyong.care.models import BatchKind


class Command(BaseCommand):
    help = _("Compute payment batches.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["compute"])
        parser.add_argument("--period", required=True, help="2026-11, 2026-Q4 or 2026")
        parser.add_argument("--programme", choices=Programme.values)
        parser.add_argument("--kind", choices=BatchKind.values, default=BatchKind.REGULAR)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        programmes = [options["programme"]] if options["programme"] else Programme.values
        results = []
        try:
            for programme in programmes:
                started = time.perf_counter()
                batch = payments.compute(
                    programme=programme, period=options["period"], kind=options["kind"], actor=None
                )
                kinds = dict(
                    batch.lines.values("kind").annotate(n=Count("id")).values_list("kind", "n")
                )
                results.append(
                    {
                        "batch": batch.pk,
                        "programme": programme,
                        "period": batch.period,
                        "kind": batch.kind,
                        "persons": batch.persons,
                        "lines": sum(kinds.values()),
                        "lines_by_kind": kinds,
                        "total": str(batch.total),
                        "seconds": round(time.perf_counter() - started, 3),
                    }
                )
        except (ValidationError, ValueError) as exc:
            message = "；".join(getattr(exc, "messages", [str(exc)]))
            if options["json"]:
                self.stdout.write(json.dumps({"error": message}, ensure_ascii=False))
            self.stderr.write(message)
            sys.exit(2)
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False))
            return
        for r in results:
            self.stdout.write(
                _("%(programme)s %(period)s: batch %(batch)d, %(persons)d persons, %(total)s yuan")
                % r
            )
