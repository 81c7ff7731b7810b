"""shuangyong keys init | rotate | retire | check

init    create the key file (refuses to overwrite one)
rotate  add a new active key and re-encrypt every value with it (no downtime)
retire  drop keys that no stored value uses any more
check   decrypt every stored value; exit 1 naming those that fail
"""

import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shuangyong.audit.models import Action
from shuangyong.audit.services import record
from shuangyong.core import crypto, keys


class Command(BaseCommand):
    help = _("Manage the encryption keys of sensitive fields.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["init", "rotate", "retire", "check"])

    def handle(self, *args, **options):
        action = options["action"]
        if action == "init":
            path = crypto.key_file()
            if path.exists():
                raise CommandError(
                    _("%(path)s exists already; nothing was changed.") % {"path": path}
                )
            crypto.write_key_file(crypto.new_ring(), path)
            self.stdout.write(
                _(
                    "Key file written to %(path)s (readable by its owner only). "
                    "Back it up apart from the database."
                )
                % {"path": path}
            )
            return
        try:
            crypto.key_ring()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if action == "rotate":
            if crypto.inline_keys():
                raise CommandError(
                    _(
                        "Keys come from SHUANGYONG_KEYS: rotate them in the "
                        "environment's key store, or switch to a key file."
                    )
                )
            count = keys.rotate(progress=self.stdout.write)
            record(
                Action.KEY_ROTATION, detail={"active": crypto.key_ring().active, "rewritten": count}
            )
            self.stdout.write(_("Rotation complete: %(n)d values re-encrypted.") % {"n": count})
        elif action == "retire":
            dropped = keys.retire()
            self.stdout.write(_("Retired keys: %(keys)s") % {"keys": ", ".join(dropped) or "—"})
        else:
            problems = keys.check()
            for problem in problems:
                self.stderr.write(problem)
            if problems:
                sys.exit(1)
            self.stdout.write(_("All encrypted values open with the configured keys."))
