"""What the public portal may show of quarterly reports: accepted (verified) values only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from nyata.core.models import Pemda
from nyata.reporting.models import Realisation, Status
from nyata.scoring import HIGHER, LOWER, Polarity, PolarityKind, achievement


def _polarity(ai: Any) -> Polarity:
    if ai.polarity == "lower_is_better":
        return LOWER
    if ai.polarity == "range" and ai.range_low is not None:
        high = ai.range_high if ai.range_high is not None else ai.range_low
        return Polarity(PolarityKind.RANGE, float(ai.range_low), float(high))
    return HIGHER


def verified_results(pemda: Pemda, year: int) -> Iterator[dict[str, Any]]:
    rows = (
        Realisation.objects.filter(status=Status.ACCEPTED, quarter__fiscal_year__year=year)
        .select_related("agency", "agreement_indicator", "quarter")
        .order_by("agency__code", "agreement_indicator_id", "quarter__number")
    )
    for r in rows:
        ai = r.agreement_indicator
        target = getattr(ai, f"q{r.quarter.number}_target", None)
        if target is None:
            target = ai.annual_target
        ach = None
        if target is not None and r.value is not None:
            ach, _flags = achievement(float(target), float(r.value), _polarity(ai))
        yield {
            "agency_code": r.agency.code,
            "agency_name": r.agency.name,
            "indicator": ai.name,
            "unit": ai.unit,
            "period": f"TW {r.quarter.number} {year}",
            "target": target,
            "realisation": r.value,
            "achievement": None if ach is None else round(ach, 2),
            "status": "verified",
        }
