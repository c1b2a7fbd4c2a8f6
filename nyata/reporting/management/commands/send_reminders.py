"""`nyata send_reminders`: enqueue today's deadline reminders for every Pemda (run it from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nyata.core.models import Pemda
from nyata.core.tenancy import unscoped
from nyata.reporting.reminders import send_reminders_task


class Command(BaseCommand):
    help = "Enqueue (or, with the immediate backend, send) reporting-deadline reminder e-mails."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pemda", help="only this Pemda code")

    def handle(self, *args: Any, **options: Any) -> None:
        with unscoped():
            qs = Pemda.objects.all()
            if options.get("pemda"):
                qs = qs.filter(code=options["pemda"])
            ids = list(qs.values_list("pk", flat=True))
        for pk in ids:
            result = send_reminders_task.enqueue(pk)
            status = getattr(result, "status", "")
            value = getattr(result, "return_value", None) if str(status).endswith("SUCCEEDED") else None
            self.stdout.write(f"Pemda {pk}: {status}" + (f", {value} e-mail" if value is not None else ""))
