"""What the public portal may show of the plan: headline indicators against their targets.

Only official published values (`IndicatorActual`, e.g. BPS statistics) count as
realisations here, so every row is final; achievement comes from the scoring engine.
"""

from __future__ import annotations

from collections.abc import Iterator

from nyata.core.models import Pemda
from nyata.core.typealiases import JSONObject
from nyata.planning.models import Indicator, IndicatorActual, IndicatorTarget, PlanPeriod, engine_polarity
from nyata.scoring import achievement


def headline_indicators(pemda: Pemda, year: int) -> Iterator[JSONObject]:
    """Province key indicators: the latest published value up to `year` against its target."""
    period = PlanPeriod.objects.filter(is_current=True, start_year__lte=year, end_year__gte=year).first()
    if period is None:
        return
    indicators = list(
        Indicator.objects.filter(period=period, agency_objective__isnull=True, is_key=True).order_by("code")
    )
    ids = [i.pk for i in indicators]
    actuals: dict[int, IndicatorActual] = {}
    for a in IndicatorActual.objects.filter(indicator_id__in=ids, year__lte=year).order_by("year"):
        actuals[a.indicator_id] = a  # the latest year wins
    targets = {(t.indicator_id, t.year): t for t in IndicatorTarget.objects.filter(indicator_id__in=ids)}
    for ind in indicators:
        actual = actuals.get(ind.pk)
        if actual is None:
            continue
        target = targets.get((ind.pk, actual.year))
        value = float(target.value) if target is not None and target.value is not None else None
        high = target.value_high if target is not None else None
        ach = None
        if target is not None and value is not None:
            ach, _flags = achievement(value, float(actual.value), engine_polarity(ind.polarity, target.value, high))
        yield {
            "code": ind.code,
            "name": f"{ind.name} ({actual.year})",
            "unit": ind.get_unit_display() if ind.unit else "",
            "target": target.value if target is not None else None,
            "target_max": high,
            "realisation": actual.value,
            "achievement": None if ach is None else round(ach, 2),
            "status": "verified",
        }
