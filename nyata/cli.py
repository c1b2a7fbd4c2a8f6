"""The `nyata` command: Django's management commands under one name.

`nyata migrate`, `nyata demo`, `nyata serve`, `nyata audit verify`, `nyata score FILE`, …
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nyata.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["nyata", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
