from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Score a spreadsheet of targets and realisations: `nyata score FILE [--format json]`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("args", nargs="*")

    def run_from_argv(self, argv: list[str]) -> None:
        # Hand the arguments straight to the pure scoring CLI (it owns its own parser).
        from nyata.scoring.cli import main

        sys.exit(main(argv[2:]))

    def handle(self, *args: Any, **options: Any) -> None:  # pragma: no cover - run_from_argv
        from nyata.scoring.cli import main

        sys.exit(main(list(args)))
