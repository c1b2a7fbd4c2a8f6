"""Pure rules of quarterly reporting (no database): value checks, workflow, inbox order.

**Decision (bounded percentages).** A PK indicator in `persen` or `indeks` is bounded to 0–100, unless its
name says it is a rate of change (growth, inflation, change: "pertumbuhan", "laju", "inflasi",
"perubahan", "selisih"), which may be negative and exceed 100. Every other unit is a count or a
level and may not be negative, except `poin` and `indeks`/`rasio` rates of change named as
above. Values are rounded half-up to the indicator's frozen number of decimals.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nyata.core.typealiases import RawValue
from nyata.core.xlsx import number_message, parse_decimal
from nyata.numbers import NumberError, plain, unit_bounds

RATE_OF_CHANGE = re.compile(r"pertumbuhan|laju|inflasi|perubahan|selisih|growth|change", re.IGNORECASE)


@dataclass(frozen=True)
class Bounds:
    low: Decimal | None
    high: Decimal | None


def bounds_for(unit: str, name: str, value_min: Decimal | None = None, value_max: Decimal | None = None) -> Bounds:
    """The plausible values of an indicator: those set on it, else what its unit and name imply.

    The one rule, used at entry (refusal) and by the scores (a stored value outside is flagged
    `out_of_bounds` and left out of the score)."""
    if value_min is not None or value_max is not None:
        return Bounds(value_min, value_max)
    changing = bool(RATE_OF_CHANGE.search(name or ""))
    if changing:
        return Bounds(None, None)
    low, high = unit_bounds(unit)
    if high is not None:
        return Bounds(low, high)
    return Bounds(Decimal(0), None)


def _shown(d: Decimal | None) -> str:
    return "…" if d is None else plain(d).replace(".", ",")


def parse_value(
    raw: RawValue, *, unit: str, name: str, decimals: int, value_min: Decimal | None = None,
    value_max: Decimal | None = None,
) -> Decimal:
    """Read and check one realisation value; raise ValidationError with a message for the person."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValidationError(_("Nilai realisasi wajib diisi."))
    b = bounds_for(unit, name, value_min, value_max)
    try:
        value = parse_decimal(raw, decimals=decimals, low=b.low, high=b.high, unit=unit)
    except NumberError as e:  # named: the API and the workbook show the message without the row around it
        raise ValidationError(number_message(e, field=name)) from None
    if b.low is not None and value < b.low:
        if b.low == 0 and b.high is None:
            raise ValidationError(
                _("Nilai tidak boleh negatif untuk satuan %(unit)s.") % {"unit": unit or _("tanpa satuan")}
            )
        raise ValidationError(
            _("Nilai %(v)s di bawah %(low)s: indikator ini dibatasi %(low)s–%(high)s.")
            % {"v": raw, "low": _shown(b.low), "high": _shown(b.high)}
        )
    if b.high is not None and value > b.high:
        raise ValidationError(
            _("Nilai %(v)s melebihi %(high)s: indikator ini dibatasi %(low)s–%(high)s.")
            % {"v": raw, "low": _shown(b.low), "high": _shown(b.high)}
        )
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


# --- workflow -----------------------------------------------------------------------------------

DRAFT, SUBMITTED, RETURNED, ACCEPTED = "draft", "submitted", "returned", "accepted"


def can_edit(status: str | None) -> bool:
    """An operator may change the value while it is new, a draft, or returned."""
    return status in (None, DRAFT, RETURNED)


def can_submit(statuses: Iterable[str | None], has_value: Iterable[bool]) -> tuple[bool, str]:
    """The head submits a quarter when every PK indicator has a value and something is open."""
    sts, vals = list(statuses), list(has_value)
    if not sts:
        return False, _("Belum ada indikator PK yang ditandatangani untuk triwulan ini.")
    missing = sum(1 for s, v in zip(sts, vals, strict=True) if not v and s != ACCEPTED)
    if missing:
        return False, _("%(n)d indikator belum diisi nilainya; lengkapi dulu sebelum mengajukan.") % {"n": missing}
    if not any(s in (DRAFT, RETURNED) for s in sts):
        return False, _("Tidak ada realisasi draf atau dikembalikan yang dapat diajukan.")
    return True, ""


def can_verify(status: str) -> bool:
    return status == SUBMITTED


def can_reopen(status: str) -> bool:
    return status == ACCEPTED


def quarter_state(statuses: Iterable[str | None], indicators: int) -> str:
    """One word for a whole agency quarter on the completion board."""
    sts = [s for s in statuses if s is not None]
    if indicators and len(sts) == indicators and all(s == ACCEPTED for s in sts):
        return "final"
    if any(s == RETURNED for s in sts):
        return "returned"
    if any(s == SUBMITTED for s in sts):
        return "submitted"
    if sts:
        return "draft"
    return "missing"


# --- inbox --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxItem:
    kind: str  # enter | fix | submit | critique | verify
    title: str
    detail: str
    url: str
    deadline: dt.date
    agency: str = ""
    note: str = ""  # the inspectorate's comment on a returned value, so the fix starts from the task list

    def overdue(self, today: dt.date) -> bool:
        return self.deadline < today


KIND_ORDER = {"fix": 0, "enter": 1, "submit": 2, "critique": 3, "verify": 4}


def order_inbox(items: Iterable[InboxItem]) -> list[InboxItem]:
    """Earliest deadline first; within a day, fixes before new entries before submissions."""
    return sorted(items, key=lambda i: (i.deadline, KIND_ORDER.get(i.kind, 9), i.agency, i.title))
