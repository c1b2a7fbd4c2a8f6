"""Whole numbers from a query string or a form field: ids, years, quarters, row counts.

`str.isdigit()` is true for "²" (which `int()` refuses) and for 20 digits (which SQLite's driver
cannot bind: a 500 on SQLite, a quiet miss on PostgreSQL). Every such value goes through here.
"""

from __future__ import annotations

import re

MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def as_int(value: object, *, low: int = 1, high: int = MAX_ID) -> int | None:
    """The number written in ASCII digits when it lies in [low, high], else None."""
    text = value.strip() if isinstance(value, str) else str(value) if isinstance(value, int) else ""
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if low <= number <= high else None
