from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nyata.core import backup


def backup_key(key_file: str | None) -> str | None:
    if key_file:
        try:
            return Path(key_file).read_text().strip()
        except OSError as e:
            raise CommandError(f"--key-file {key_file}: {e}") from e
    return settings.BACKUP_KEY or None


class Command(BaseCommand):
    help = ("Back up the database, the media folder and the seal material into one archive with a manifest "
            "and checksums, encrypted with NYATA_BACKUP_KEY(_FILE) or --key-file.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", help="archive path (default: DATA_DIR/backups/nyata-<time>.tar.gz[.enc])")
        parser.add_argument("--key-file", help="file holding the Fernet key (overrides NYATA_BACKUP_KEY)")

    def handle(self, *args: Any, **options: Any) -> None:
        key = backup_key(options["key_file"])
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        default = Path(settings.DATA_DIR) / "backups" / f"nyata-{stamp}.tar.gz{'.enc' if key else ''}"
        out = Path(options["out"]) if options["out"] else default
        try:
            manifest = backup.create(out, key=key)
        except backup.BackupError as e:
            raise CommandError(str(e)) from e
        rows = sum(manifest["tables"].values())
        self.stdout.write(self.style.SUCCESS(
            f"Cadangan tersimpan / backup written: {out} ({len(manifest['tables'])} tables, {rows} rows, "
            f"{len(manifest['files'])} files)"))
        if not key:
            self.stderr.write("Peringatan / warning: the archive is NOT encrypted and holds the seal's key; "
                              "set NYATA_BACKUP_KEY_FILE.")
