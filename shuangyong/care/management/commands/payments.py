"""shuangyong payments compute --period 2026-11 --as USERNAME [--programme P]
[--kind adjustment] [--json]

Computes draft batches (one per programme unless ``--programme`` names one) as the named
maker, who must be an active account that may compute batches: the command line is one
more way in, not a way round the maker-checker rule, so another person approves in the
browser or the API. Exit status 0, or 2 when refused.
"""

import json
import sys
import time

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
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
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help=_("the account computing the batches (the maker)"),
        )
        parser.add_argument("--json", action="store_true")

    def fail(self, message: str, as_json: bool):
        if as_json:
            self.stdout.write(json.dumps({"error": message}, ensure_ascii=False))
        self.stderr.write(message)
        sys.exit(2)

    def handle(self, *args, **options):
        programmes = [options["programme"]] if options["programme"] else Programme.values
        maker = get_user_model().objects.filter(username=options["username"]).first()
        if maker is None or not maker.is_active:
            self.fail(_("No active account “%(u)s”.") % {"u": options["username"]}, options["json"])
        if not payments.may_compute(maker):
            self.fail(
                _("“%(u)s” may not compute payment batches.") % {"u": maker.username},
                options["json"],
            )
        results = []
        try:
            for programme in programmes:
                started = time.perf_counter()
                batch = payments.compute(
                    programme=programme,
                    period=options["period"],
                    kind=options["kind"],
                    actor=maker,
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
        except (ValidationError, ValueError, PermissionDenied) as exc:
            self.fail("；".join(getattr(exc, "messages", [str(exc)])), options["json"])
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False))
            return
        for r in results:
            self.stdout.write(
                _("%(programme)s %(period)s: batch %(batch)d, %(persons)d persons, %(total)s yuan")
                % r
            )
