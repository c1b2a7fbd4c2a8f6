from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    """Compile the .po catalogues without GNU gettext (a newcomer needs only Python)."""

    help = "Compile translation catalogues (.po → .mo) in pure Python."

    def handle(self, *args: Any, **options: Any) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po
        from django.apps import apps

        roots = [Path(p) for p in settings.LOCALE_PATHS]
        roots += [Path(app.path) / "locale" for app in apps.get_app_configs() if app.name.startswith("nyata.")]
        count = 0
        for root in roots:
            for po in root.glob("*/LC_MESSAGES/*.po"):
                with po.open("rb") as f:
                    catalog = read_po(f)
                with po.with_suffix(".mo").open("wb") as f:
                    write_mo(f, catalog)
                count += 1
        self.stdout.write(f"{count} katalog dikompilasi.")
