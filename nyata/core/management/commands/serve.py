from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Serve Nyata: gunicorn with threaded workers in production, runserver in development."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default=os.environ.get("NYATA_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("NYATA_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("NYATA_THREADS", "8")))

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.PRODUCTION:
            call_command("runserver", options["addr"], use_reloader=False)
            return
        from nyata.documents.seal import problems

        found = problems()  # checked at start: a seal key others can read is not a seal
        if found:
            raise CommandError(" ".join(found))
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        os.execv(
            gunicorn,
            [
                gunicorn,
                "nyata.wsgi:application",
                "--bind",
                options["addr"],
                "--workers",
                str(options["workers"]),
                "--threads",
                str(options["threads"]),
                "--worker-class",
                "gthread",
                "--access-logfile",
                "-",
            ],
        )
