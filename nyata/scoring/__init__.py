"""Nyata scoring engine: pure Python + numpy (no Django). See docs/scoring.md."""

from __future__ import annotations

from .api import rank_sensitivity, score_pemda, to_result
from .formulas import (
    absorption_pct,
    achievement,
    category,
    efficiency,
    forecast_year_end,
    rank_min,
    sdg_progress,
    ytd,
)
from .model import (
    HIGHER,
    LOWER,
    AgencyResult,
    Aggregation,
    AmbitionResult,
    Contribution,
    Flag,
    ForecastResult,
    IndicatorResult,
    LowerFormula,
    Observation,
    Polarity,
    PolarityKind,
    Result,
    ScoringConfig,
)
from .reference import score_reference
from .vector import (
    BulkResult,
    Columns,
    DuplicateRowError,
    achievement_array,
    efficiency_array,
    score_columns,
)

__all__ = [
    "HIGHER",
    "LOWER",
    "AgencyResult",
    "Aggregation",
    "AmbitionResult",
    "BulkResult",
    "Columns",
    "Contribution",
    "DuplicateRowError",
    "Flag",
    "ForecastResult",
    "IndicatorResult",
    "LowerFormula",
    "Observation",
    "Polarity",
    "PolarityKind",
    "Result",
    "ScoringConfig",
    "absorption_pct",
    "achievement",
    "achievement_array",
    "category",
    "efficiency",
    "efficiency_array",
    "forecast_year_end",
    "rank_min",
    "rank_sensitivity",
    "score_columns",
    "score_pemda",
    "score_reference",
    "sdg_progress",
    "to_result",
    "ytd",
]
