from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nyata.core import backup
from nyata.core.management.commands.backup import backup_key


class Command(BaseCommand):
    help = ("Restore a `nyata backup` archive into an EMPTY database and data folder, then verify it: "
            "checksums, row counts, evidence and sealed PDFs, and the audit chain.")
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument("--key-file", help="file holding the Fernet key (overrides NYATA_BACKUP_KEY)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup.restore(Path(options["archive"]), key=backup_key(options["key_file"]))
        except backup.BackupError as e:
            raise CommandError(str(e)) from e
        summary = (f"{result.tables} tables, {result.rows} rows, {result.files} files, "
                   f"{result.held_files} files checked against their records")
        if result.problems:
            for p in result.problems:
                self.stderr.write(p)
            raise CommandError(f"restored, but {len(result.problems)} checks failed ({summary})")
        self.stdout.write(self.style.SUCCESS(f"Dipulihkan dan terverifikasi / restored and verified: {summary}"))
