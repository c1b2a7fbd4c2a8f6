"""What the public portal may show of quarterly reports: accepted (verified) values only."""

from __future__ import annotations

from collections.abc import Iterator

from nyata.core.models import Pemda
from nyata.core.typealiases import JSONObject
from nyata.planning.models import engine_polarity
from nyata.reporting.models import Realisation, Status
from nyata.scoring import achievement


def verified_results(pemda: Pemda, year: int) -> Iterator[JSONObject]:
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
            polarity = engine_polarity(ai.polarity, ai.range_low, ai.range_high)
            ach, _flags = achievement(float(target), float(r.value), polarity)
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
