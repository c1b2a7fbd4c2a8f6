"""Scalar (plain Python) formulas. The vectorised twins live in ``vector.py``.

Each function documents the rule it implements; see docs/scoring.md for the citations.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from .model import (
    CATEGORY_CODES,
    Aggregation,
    Flag,
    ForecastStatus,
    LowerFormula,
    Polarity,
    PolarityKind,
    ScoringConfig,
)

K = TypeVar("K", bound=Hashable)

_QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


def achievement(
    target: float | None,
    realisation: float | None,
    polarity: Polarity,
    *,
    lower_formula: LowerFormula = LowerFormula.DEFAULT,
    inverse_ceiling: float = 1000.0,
) -> tuple[float | None, frozenset[Flag]]:
    """Raw (uncapped) achievement in percent and the flags it raises (domain.md A1).

    A missing realisation returns (None, {}): the caller decides pending/not_reported.
    """
    if realisation is None:
        return None, frozenset()
    r = realisation
    if polarity.kind is PolarityKind.RANGE:
        low = polarity.low if polarity.low is not None else 0.0
        high = polarity.high if polarity.high is not None else low
        if low < 0:
            return None, frozenset({Flag.NEGATIVE_TARGET})
        if r < low:
            if low == 0:
                return 0.0, frozenset({Flag.FLOORED})
            v = r / low * 100.0
        elif r <= high:
            return 100.0, frozenset()
        elif high == 0:
            return 0.0, frozenset({Flag.FLOORED})
        else:
            v = (2.0 - r / high) * 100.0
        if v < 0:
            return 0.0, frozenset({Flag.FLOORED})
        return v, frozenset()
    if target is None:
        return None, frozenset({Flag.NO_TARGET})
    t = target
    if t < 0:
        return None, frozenset({Flag.NEGATIVE_TARGET})
    if polarity.kind is PolarityKind.HIGHER:
        if t == 0:
            return None, frozenset({Flag.TARGET_ZERO})
        v = r / t * 100.0
        if v < 0:
            return 0.0, frozenset({Flag.FLOORED})
        return v, frozenset()
    # lower is better
    if t == 0:
        return (100.0 if r <= 0 else 0.0), frozenset({Flag.TARGET_ZERO})
    if lower_formula is LowerFormula.INVERSE:
        if r <= 0:
            return inverse_ceiling, frozenset()
        return min(t / r * 100.0, inverse_ceiling), frozenset()
    v = (2.0 - r / t) * 100.0
    if v < 0:
        return 0.0, frozenset({Flag.FLOORED})
    return v, frozenset()


def target_usable(target: float | None, polarity: Polarity) -> bool:
    """Whether an achievement can be computed for this target whatever the realisation."""
    if polarity.kind is PolarityKind.RANGE:
        return (polarity.low if polarity.low is not None else 0.0) >= 0
    if target is None or target < 0:
        return False
    return not (polarity.kind is PolarityKind.HIGHER and target == 0)


def category(
    value: float | None, thresholds: Sequence[float] = (91.0, 76.0, 66.0, 51.0)
) -> str | None:
    """Category code by lower bounds (domain.md A3): >=91, >=76, >=66, >=51, else lowest."""
    if value is None:
        return None
    for code, bound in zip(CATEGORY_CODES, thresholds, strict=False):
        if value >= bound:
            return code
    return CATEGORY_CODES[-1]


def band(value: float, thresholds: Sequence[float] = (91.0, 76.0, 66.0, 51.0)) -> int:
    """Band index 0 (sangat_tinggi) .. 4 (sangat_rendah)."""
    for i, bound in enumerate(thresholds):
        if value >= bound:
            return i
    return len(thresholds)


def cap_value(value: float, cap: float | None) -> float:
    return value if cap is None else min(value, cap)


def ytd(values: Sequence[float | None], aggregation: Aggregation) -> float | None:
    """Combine quarters 1..q (domain.md A2). Missing quarters are skipped; None if none."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    if aggregation is Aggregation.SUM:
        s = 0.0
        for v in present:
            s += v
        return s
    if aggregation is Aggregation.LAST:
        return present[-1]
    if aggregation is Aggregation.MEAN:
        s = 0.0
        for v in present:
            s += v
        return s / len(present)
    m = present[0]
    for v in present[1:]:
        m = max(m, v)
    return m


def ytd_target_without_quarterly(
    annual_target: float | None, aggregation: Aggregation, quarter: int
) -> float | None:
    """YTD target when no quarterly targets exist: sum -> annual x q / 4, others annual."""
    if annual_target is None:
        return None
    if aggregation is Aggregation.SUM:
        return annual_target * quarter / 4.0
    return annual_target


def deadline(year: int, quarter: int | None, days: int = 10) -> date:
    """Reporting deadline: ``days`` after quarter end; annual rows after 31 December."""
    month, day = _QUARTER_END[quarter if quarter is not None else 4]
    return date(year, month, day) + timedelta(days=days)


def deadline_for(year: int, quarter: int | None, config: ScoringConfig) -> date:
    """The Pemda's own deadline for (year, quarter) when configured, else ``deadline_days`` after its end."""
    return config.deadlines.get((year, quarter)) or deadline(year, quarter, config.deadline_days)


def past_deadline(year: int, quarter: int | None, config: ScoringConfig) -> bool:
    if config.as_of is None:
        return True
    return config.as_of > deadline_for(year, quarter, config)


def rank_min(scores: Mapping[K, float | None], decimals: int = 9) -> dict[K, int | None]:
    """'min' ranking, highest first: rank = 1 + number of strictly greater (rounded) scores."""
    rounded = {k: round(v, decimals) for k, v in scores.items() if v is not None}
    values = sorted(rounded.values(), reverse=True)
    first: dict[float, int] = {}
    for i, v in enumerate(values):
        first.setdefault(v, i + 1)
    return {k: (first[rounded[k]] if k in rounded else None) for k in scores}


def weighted_score(
    items: Sequence[tuple[float, float]],
) -> float | None:
    """Weighted mean of (weight, capped achievement) pairs; None if the weights sum to 0."""
    num = 0.0
    den = 0.0
    for w, v in items:
        num += w * v
        den += w
    if den <= 0:
        return None
    return num / den


def robust_z(values: Sequence[float]) -> list[float]:
    """Modified z-scores 0.6745 (x - median) / MAD; if MAD = 0, (x - median) / (1.2533 meanAD).

    Returns zeros when both spreads are 0.
    """
    n = len(values)
    if n == 0:
        return []
    s = sorted(values)
    med = (s[(n - 1) // 2] + s[n // 2]) / 2
    dev = sorted(abs(v - med) for v in values)
    mad = (dev[(n - 1) // 2] + dev[n // 2]) / 2
    if mad > 0:
        return [0.6745 * (v - med) / mad for v in values]
    total = 0.0
    for d in dev:
        total += d
    mean_ad = total / n
    if mean_ad > 0:
        return [(v - med) / (1.253314 * mean_ad) for v in values]
    return [0.0 for _ in values]


def linear_fit(points: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    """Least-squares line (intercept, slope) through (x, y) points; None if fewer than 2."""
    n = 0.0
    sx = sy = sxy = sxx = 0.0
    for x, y in points:
        n += 1.0
        sx += x
        sy += y
        sxy += x * y
        sxx += x * x
    if n < 2:
        return None
    den = n * sxx - sx * sx
    if den <= 0:
        return None
    slope = (n * sxy - sx * sy) / den
    return (sy - slope * sx) / n, slope


@dataclass(frozen=True, slots=True)
class Forecast:
    point: float
    low: float
    high: float


def forecast_year_end(
    quarters: Sequence[float | None],
    aggregation: Aggregation,
    seasonal_share: float | None = None,
) -> Forecast | None:
    """Year-end realisation from quarters 1..q (len(quarters) == q), docs/scoring.md "Forecast".

    A line a + b*i is fitted to the reported quarterly values (i = quarter number);
    with fewer than 2 values the line is flat at their mean.
    * sum: point = YTD / seasonal share when a share from past years is given, else
      YTD + (4 - q) x mean of reported quarters (pro-rata); alternative = YTD + line over
      the remaining quarters.
    * last: point = line at quarter 4; alternative = last reported value.
    * mean: point = mean of reported values and the line over the remaining quarters;
      alternative = mean so far.
    * max: point = max(max so far, line over remaining quarters); alternative = max so far.
    low/high = min/max of point and alternative.
    """
    q = len(quarters)
    pts = [(float(i + 1), v) for i, v in enumerate(quarters) if v is not None]
    if not pts:
        return None
    current = ytd(list(quarters), aggregation)
    assert current is not None
    if q >= 4:
        return Forecast(current, current, current)
    n = len(pts)
    fit = linear_fit(pts)
    if fit is None:
        total = 0.0
        for _, v in pts:
            total += v
        a, b = total / n, 0.0
    else:
        a, b = fit
    rest = [a + b * float(j) for j in range(q + 1, 5)]
    rest_sum = 0.0
    for v in rest:
        rest_sum += v
    if aggregation is Aggregation.SUM:
        if seasonal_share is not None and seasonal_share > 0:
            point = current / seasonal_share
        else:
            point = current + (4 - q) * (current / n)
        alt = current + rest_sum
    elif aggregation is Aggregation.LAST:
        point = a + b * 4.0
        alt = pts[-1][1]
    elif aggregation is Aggregation.MEAN:
        total = 0.0
        for _, v in pts:
            total += v
        point = (total + rest_sum) / (n + (4 - q))
        alt = current
    else:
        point = max([current, *rest])
        alt = current
    return Forecast(point, min(point, alt), max(point, alt))


def forecast_status(
    point: float | None, high: float | None, config: ScoringConfig
) -> ForecastStatus | None:
    """on_track: point >= 91; at_risk: point >= 76 or the high end >= 91; else off_track."""
    if point is None or high is None:
        return None
    if point >= config.forecast_on_track:
        return ForecastStatus.ON_TRACK
    if point >= config.forecast_at_risk or high >= config.forecast_on_track:
        return ForecastStatus.AT_RISK
    return ForecastStatus.OFF_TRACK


def copied_runs(quarters: Sequence[float | None], aggregation: Aggregation) -> set[int]:
    """Quarter numbers (1-4) in a copied run: a sum indicator with the same non-zero value in
    3 consecutive quarters, or any indicator with the same non-zero value in all four."""
    v = list(quarters) + [None] * (4 - len(quarters))
    out: set[int] = set()

    def same(i: int, j: int) -> bool:
        a, b = v[i], v[j]
        return a is not None and b is not None and a == b and a != 0

    if aggregation is Aggregation.SUM:
        if same(0, 1) and same(1, 2):
            out |= {1, 2, 3}
        if same(1, 2) and same(2, 3):
            out |= {2, 3, 4}
    if same(0, 1) and same(1, 2) and same(2, 3):
        out |= {1, 2, 3, 4}
    return out


# --- efficiency (domain.md §3.4 practice 1) ---------------------------------------------


@dataclass(frozen=True, slots=True)
class Efficiency:
    achievement: float
    absorption: float
    achievement_category: str
    absorption_category: str
    efficient: bool
    spent_not_delivered: bool
    delivered_for_less: bool


def efficiency(
    achievement_value: float,
    absorption: float,
    config: ScoringConfig | None = None,
    *,
    gap: float = 15.0,
) -> Efficiency:
    """Compare achievement with budget absorption (both %) on the same A3 scale.

    * efficient: achievement >= absorption;
    * spent_not_delivered: absorption band at least 2 bands above the achievement band, or
      absorption >= 76 while achievement < 66;
    * delivered_for_less: achievement >= 91 and absorption < achievement - ``gap`` (15).
    """
    th = (config or ScoringConfig()).thresholds
    ba, bb = band(achievement_value, th), band(absorption, th)
    snd = (ba - bb >= 2) or (absorption >= th[1] and achievement_value < th[2])
    dfl = achievement_value >= th[0] and absorption < achievement_value - gap
    return Efficiency(
        achievement_value,
        absorption,
        CATEGORY_CODES[ba],
        CATEGORY_CODES[bb],
        achievement_value >= absorption,
        snd,
        dfl,
    )


def absorption_pct(allocation: float, realised: float) -> float | None:
    """Budget absorption (serapan) = realised / allocation x 100; None if allocation <= 0."""
    if allocation <= 0:
        return None
    return realised / allocation * 100.0


# --- SDG-style progress for multi-year plan indicators -----------------------------------


def sdg_progress(
    baseline: float,
    baseline_year: int,
    target: float,
    target_year: int,
    current: float,
    current_year: int,
    polarity: Polarity,
) -> tuple[str, float | None]:
    """UN SDG progress-chart style status and ratio (docs/scoring.md "SDG progress").

    ratio = (current - baseline) / (needed change by now), where the needed change by now is
    (target - baseline) x (current_year - baseline_year) / (target_year - baseline_year).
    achieved: target reached in its direction; ratio >= 0.95 on_track; 0.5..0.95
    acceleration_needed; 0..0.5 limited_progress; < 0 deterioration.
    """
    lower = polarity.kind is PolarityKind.LOWER
    reached = current <= target if lower else current >= target
    if reached:
        return "achieved", None
    span = target_year - baseline_year
    elapsed = current_year - baseline_year
    needed = (target - baseline) * (elapsed / span) if span > 0 else target - baseline
    if needed == 0 or elapsed <= 0:
        # no change needed yet: judge by direction of the movement
        moved = current - baseline
        moved = -moved if lower else moved
        if moved < 0:
            return "deterioration", None
        return "on_track", None
    ratio = (current - baseline) / needed
    if ratio >= 0.95:
        return "on_track", ratio
    if ratio >= 0.5:
        return "acceleration_needed", ratio
    if ratio >= 0:
        return "limited_progress", ratio
    return "deterioration", ratio


def is_finite(v: float | None) -> bool:
    return v is not None and math.isfinite(v)
