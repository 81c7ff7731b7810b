"""shuangyong serve [--host 127.0.0.1] [--port 8000] [--threads 8]

Serves the app with waitress, a production-grade pure-Python server that
runs the same on every platform; static files come through whitenoise.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = _("Serve the application over HTTP.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, **options):
        from waitress import serve

        from shuangyong.wsgi import application

        self.stdout.write(
            _("Serving on http://%(host)s:%(port)d/ (Ctrl-C to stop)")
            % {"host": options["host"], "port": options["port"]}
        )
        serve(
            application,
            host=options["host"],
            port=options["port"],
            threads=options["threads"],
            ident="shuangyong",
        )
