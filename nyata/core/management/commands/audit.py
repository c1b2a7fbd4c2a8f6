from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nyata.core.audit import AuditError, verify


class Command(BaseCommand):
    help = "Audit chain tools: `nyata audit verify [--pemda CODE]` recomputes every hash."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--pemda", help="Kemendagri code of one Pemda (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            breaks = verify(options["pemda"])
        except AuditError as e:
            raise CommandError(str(e)) from e
        if breaks:
            for b in breaks:
                self.stderr.write(str(b))
            raise CommandError(f"audit chain broken in {len(breaks)} Pemda")
        self.stdout.write(self.style.SUCCESS("Rantai audit utuh (audit chain intact)."))
