"""The one reader of human numbers: web forms, Excel cells, CSV fields, the API, the command line.

Django-free (the scoring engine's command line uses it too). Every front calls `read_number`
and turns a `NumberError` into a message in its own way: the Django side through gettext
(`nyata.core.xlsx.number_message`), the command line in Indonesian and English.

Rules:
* Indonesian (85,5 · 1.234.567,5) and English (85.5 · 1,234,567.5) conventions; spaces,
  no-break spaces, a leading "Rp" and a Unicode minus are tolerated, and a trailing "%" where
  the unit is percent (or not known).
* A lone group of three after one separator ("1.234", "1,234") reads either way. The
  indicator decides when it can: a reading outside the bounds, or with more decimals than the
  indicator keeps, is impossible. When both readings remain, or neither, it is refused
  (`ambiguous`), never guessed. A leading 0 ("0.855", "0,855") is always a decimal.
* Exponents ("1E+999999999"), infinities and anything of 10^15 or more are refused: no field of
  Nyata holds such a number.
* Excel: a number in a cell formatted as percent is a fraction (0,855 shown as 85,5 %): it
  reads as 85,5 when the unit is percent, and is refused for another unit. A formula cell
  without a saved value is refused (`formula`), never read as empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from nyata.core.typealiases import RawValue

MAX_ABS = Decimal("1e15")
MAX_LENGTH = 64  # characters of text: longer is not a number a person typed
PERCENT_UNITS = frozenset({"persen", "%", "percent", "persentase"})
INDEX_UNITS = frozenset({"indeks", "index", "poin indeks"})

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_BODY = re.compile(r"[0-9.,]+")
_DOT_GROUPS = re.compile(r"\d{1,3}(\.\d{3})+")
_COMMA_GROUPS = re.compile(r"\d{1,3}(,\d{3})+")
_ID_FULL = re.compile(r"\d{1,3}(\.\d{3})*,\d+")  # 1.234,5
_EN_FULL = re.compile(r"\d{1,3}(,\d{3})*\.\d+")  # 1,234.5


class NumberError(ValueError):
    """Why a text is not read as a number; `code` is one of the class constants."""

    EMPTY = "empty"
    NOT_A_NUMBER = "not_a_number"
    TOO_LARGE = "too_large"
    AMBIGUOUS = "ambiguous"
    PERCENT_CELL = "percent_cell"
    FORMULA = "formula"

    def __init__(self, code: str, raw: Any, readings: tuple[Decimal, ...] = ()) -> None:
        super().__init__(f"{code}: {raw!r}")
        self.code = code
        self.raw = raw
        self.readings = readings


@dataclass(frozen=True)
class PercentCell:
    """A numeric Excel cell formatted as percent: `fraction` is the stored value (0.855)."""

    fraction: Decimal

    def __str__(self) -> str:
        return f"{plain(self.fraction * 100)} %" if self.fraction.is_finite() else str(self.fraction)


@dataclass(frozen=True)
class FormulaCell:
    """An Excel formula cell whose workbook holds no saved (cached) value."""

    formula: str

    def __str__(self) -> str:
        return self.formula


def is_percent_unit(unit: str | None) -> bool:
    return (unit or "").strip().lower() in PERCENT_UNITS


def unit_bounds(unit: str | None) -> tuple[Decimal | None, Decimal | None]:
    """The bounds a unit implies by itself: percent and index 0–100; other units none."""
    u = (unit or "").strip().lower()
    if u in PERCENT_UNITS or u in INDEX_UNITS:
        return Decimal(0), Decimal(100)
    return None, None


def plain(d: Decimal) -> str:
    """A Decimal without exponent or trailing zeros (for messages): 1234, 1.234, 0.5."""
    text = format(d.normalize(), "f")
    return text


def read_number(
    value: RawValue,
    *,
    decimals: int | None = None,
    low: Decimal | None = None,
    high: Decimal | None = None,
    unit: str | None = None,
) -> Decimal:
    """Read one number; raise NumberError. `decimals`, `low`, `high` and `unit` are what the
    field allows, used only to tell the two readings of "1.234" apart and for percent cells."""
    if value is None:
        raise NumberError(NumberError.EMPTY, value)
    if isinstance(value, bool):
        raise NumberError(NumberError.NOT_A_NUMBER, value)
    if isinstance(value, FormulaCell):
        raise NumberError(NumberError.FORMULA, value)
    if isinstance(value, PercentCell):
        if not value.fraction.is_finite():
            raise NumberError(NumberError.NOT_A_NUMBER, value)
        if unit is not None and not is_percent_unit(unit):
            raise NumberError(NumberError.PERCENT_CELL, value)
        return _bounded(value.fraction * 100, value)
    if isinstance(value, int):
        if abs(value) >= MAX_ABS:  # kept as a Decimal: an int of 4,300+ digits has no str()
            raise NumberError(NumberError.TOO_LARGE, Decimal(value).normalize())
        return _bounded(Decimal(value), value)
    if isinstance(value, float | Decimal):
        try:
            d = Decimal(str(value))
        except InvalidOperation:
            raise NumberError(NumberError.NOT_A_NUMBER, value) from None
        if not d.is_finite():
            raise NumberError(NumberError.NOT_A_NUMBER, value)
        return _bounded(d, value)
    return _read_text(str(value), value, decimals=decimals, low=low, high=high,
                      percent_ok=unit is None or is_percent_unit(unit))


def _bounded(d: Decimal, raw: Any) -> Decimal:
    if abs(d) >= MAX_ABS:
        raise NumberError(NumberError.TOO_LARGE, raw)
    return d


def _read_text(
    text: str, raw: Any, *, decimals: int | None, low: Decimal | None, high: Decimal | None, percent_ok: bool,
) -> Decimal:
    s = _SPACES.sub("", text)
    if not s:
        raise NumberError(NumberError.EMPTY, raw)
    if len(s) > MAX_LENGTH:
        raise NumberError(NumberError.NOT_A_NUMBER, raw)
    if s[:2].lower() == "rp":
        s = s[2:]
    if s.endswith("%"):
        if not percent_ok:  # "12%" for a count of people: not what the field holds
            raise NumberError(NumberError.NOT_A_NUMBER, raw)
        s = s[:-1]
    s = s.replace("\u2212", "-")
    sign = ""
    if s and s[0] in "+-":
        sign, s = ("-" if s[0] == "-" else ""), s[1:]
    if not s or not _BODY.fullmatch(s) or not any(ch.isdigit() for ch in s):
        raise NumberError(NumberError.NOT_A_NUMBER, raw)
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        last = max(s.rfind("."), s.rfind(","))
        if s[last] == "," and _ID_FULL.fullmatch(s):
            return _bounded(Decimal(sign + s.replace(".", "").replace(",", ".")), raw)
        if s[last] == "." and _EN_FULL.fullmatch(s):
            return _bounded(Decimal(sign + s.replace(",", "")), raw)
        raise NumberError(NumberError.NOT_A_NUMBER, raw)
    sep = "." if dots else ","
    n = dots or commas
    if n == 0:
        return _bounded(Decimal(sign + s), raw)
    if n > 1:
        if (_DOT_GROUPS if sep == "." else _COMMA_GROUPS).fullmatch(s):
            return _bounded(Decimal(sign + s.replace(sep, "")), raw)
        raise NumberError(NumberError.NOT_A_NUMBER, raw)
    whole, frac = s.split(sep)
    as_decimal = Decimal(sign + (whole or "0") + "." + (frac or "0"))
    if len(frac) == 3 and 1 <= len(whole) <= 3 and whole[0] != "0":
        as_thousands = Decimal(sign + whole + frac)
        return _bounded(_choose(as_decimal, as_thousands, raw, decimals=decimals, low=low, high=high), raw)
    return _bounded(as_decimal, raw)


def _choose(
    as_decimal: Decimal, as_thousands: Decimal, raw: Any, *, decimals: int | None, low: Decimal | None,
    high: Decimal | None,
) -> Decimal:
    def fits(d: Decimal) -> bool:
        return (low is None or d >= low) and (high is None or d <= high)

    decimal_ok = fits(as_decimal) and (decimals is None or decimals >= 3)
    thousands_ok = fits(as_thousands)
    if decimal_ok and not thousands_ok:
        return as_decimal
    if thousands_ok and not decimal_ok:
        return as_thousands
    raise NumberError(NumberError.AMBIGUOUS, raw, (as_decimal, as_thousands))
