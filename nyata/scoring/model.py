"""Plain data types of the scoring engine: enums, input records, configuration, results.

Nothing here imports Django or a database; every rule cites docs/scoring.md / domain.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum, IntEnum, StrEnum


class PolarityKind(IntEnum):
    HIGHER = 0
    LOWER = 1
    RANGE = 2


class Aggregation(IntEnum):
    """How quarters combine into the year to date (domain.md A2)."""

    SUM = 0
    LAST = 1
    MEAN = 2
    MAX = 3

    @property
    def code(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Aggregation:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown aggregation {text!r}") from None


class LowerFormula(Enum):
    """Lower-is-better formula (domain.md A1): default (2 - R/T) x 100, or T/R x 100."""

    DEFAULT = "default"
    INVERSE = "inverse"


_RANGE_RE = re.compile(
    r"^range:\s*([-+]?\d+(?:[.,]\d+)?)\s*\.\.\s*([-+]?\d+(?:[.,]\d+)?)\s*$", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Polarity:
    kind: PolarityKind
    low: float | None = None
    high: float | None = None

    @classmethod
    def parse(cls, text: str) -> Polarity:
        """Parse ``higher_is_better``, ``lower_is_better`` or ``range:LOW..HIGH``."""
        t = text.strip()
        low_t = t.lower()
        if low_t == "higher_is_better":
            return HIGHER
        if low_t == "lower_is_better":
            return LOWER
        m = _RANGE_RE.match(t)
        if m is None:
            if low_t.startswith("range"):
                raise ValueError(f"bad range syntax {text!r} (expected range:LOW..HIGH)")
            raise ValueError(f"unknown polarity {text!r}")
        low = float(m.group(1).replace(",", "."))
        high = float(m.group(2).replace(",", "."))
        if low > high:
            raise ValueError(f"bad range {text!r}: LOW > HIGH")
        return cls(PolarityKind.RANGE, low, high)

    @property
    def code(self) -> str:
        if self.kind is PolarityKind.HIGHER:
            return "higher_is_better"
        if self.kind is PolarityKind.LOWER:
            return "lower_is_better"
        return f"range:{self.low!r}..{self.high!r}"


HIGHER = Polarity(PolarityKind.HIGHER)
LOWER = Polarity(PolarityKind.LOWER)


class Flag(StrEnum):
    """Flags; the order is the bit order of the vectorised path (bit i = 1 << i)."""

    TARGET_ZERO = "target_zero"
    FLOORED = "floored"
    NOT_REPORTED = "not_reported"
    PENDING = "pending"
    MISSING_QUARTER = "missing_quarter"
    NO_TARGET = "no_target"
    NEGATIVE_TARGET = "negative_target"
    TARGET_TOO_LOW = "target_too_low"
    OUTLIER = "outlier"
    COPIED_VALUES = "copied_values"
    NO_EVIDENCE = "no_evidence"
    TARGET_BELOW_LAST_YEAR = "target_below_last_year"
    # submitted but not yet verified: left out of the score, never 0 (domain.md A1)
    AWAITING_VERIFICATION = "awaiting_verification"
    # outside the indicator's plausible values: left out of the score until corrected
    OUT_OF_BOUNDS = "out_of_bounds"


FLAG_ORDER: tuple[Flag, ...] = tuple(Flag)
FLAG_BIT: dict[Flag, int] = {f: 1 << i for i, f in enumerate(FLAG_ORDER)}


def flags_from_bits(bits: int) -> tuple[str, ...]:
    return tuple(f.value for f in FLAG_ORDER if bits & FLAG_BIT[f])


CATEGORY_CODES: tuple[str, ...] = (
    "sangat_tinggi",
    "tinggi",
    "sedang",
    "rendah",
    "sangat_rendah",
)


class Ambition(StrEnum):
    AMBITIOUS = "ambitious"
    MODEST = "modest"
    NOT_AMBITIOUS = "not_ambitious"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


AMBITION_ORDER: tuple[Ambition, ...] = tuple(Ambition)


class ForecastStatus(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


FORECAST_ORDER: tuple[ForecastStatus, ...] = tuple(ForecastStatus)


@dataclass(frozen=True)
class ScoringConfig:
    """Per-Pemda scoring options (docs/scoring.md "Configuration")."""

    # lower bounds of sangat_tinggi, tinggi, sedang, rendah (domain.md A3)
    thresholds: tuple[float, float, float, float] = (91.0, 76.0, 66.0, 51.0)
    cap: float | None = 120.0  # domain.md A1: None, 100, 110, 120
    lower_formula: LowerFormula = LowerFormula.DEFAULT
    inverse_ceiling: float = 1000.0  # T/R formula when R <= 0 (or T/R above it)
    weights: Mapping[str, float] = field(default_factory=dict)  # indicator code -> weight
    as_of: date | None = None  # None: every deadline has passed
    deadline_days: int = 10
    # (year, quarter) -> the Pemda's own reporting deadline; others fall back to deadline_days
    deadlines: Mapping[tuple[int, int | None], date] = field(default_factory=dict)
    target_too_low: float = 150.0
    outlier_z: float = 3.5
    outlier_min_points: int = 4
    forecast_on_track: float = 91.0
    forecast_at_risk: float = 76.0
    ambition_factor: bool = False
    sandbag_weight: float = 0.5
    rank_decimals: int = 9


@dataclass(frozen=True, slots=True)
class Observation:
    """One input row: an indicator's target and realisation for one period.

    ``quarter`` None is an annual row. ``weight`` None falls back to
    ``ScoringConfig.weights[indicator]`` and then 1. A realisation with ``verified`` False is
    awaiting verification: every rule treats it as absent, and it is flagged
    ``awaiting_verification`` instead of ``pending`` or ``not_reported``. A realisation outside
    ``min_value``..``max_value`` is implausible: treated as absent, flagged ``out_of_bounds`` and
    left out of the agency score (never 0) until corrected.
    """

    pemda: str
    agency: str
    indicator: str
    year: int
    quarter: int | None
    target: float | None
    realisation: float | None
    polarity: Polarity = HIGHER
    aggregation: Aggregation = Aggregation.SUM
    unit: str = ""
    verified: bool = True
    evidence_count: int | None = None
    weight: float | None = None
    # plausible values of the realisation (None: unbounded on that side)
    min_value: float | None = None
    max_value: float | None = None


@dataclass(slots=True)
class IndicatorResult:
    pemda: str
    agency: str
    indicator: str
    year: int
    quarter: int | None
    target: float | None
    realisation: float | None
    achievement: float | None
    category: str | None
    ytd_target: float | None
    ytd_realisation: float | None
    ytd_achievement: float | None
    ytd_category: str | None
    flags: tuple[str, ...]


@dataclass(slots=True)
class Contribution:
    """One indicator's part in an agency score: weight_share x capped = contribution."""

    indicator: str
    weight: float
    achievement: float | None  # raw (uncapped) value used; 0 when not reported
    capped: float | None
    weight_share: float | None
    contribution: float | None
    status: str  # "included", "not_reported", "pending", "excluded", "awaiting_verification"


@dataclass(slots=True)
class AgencyResult:
    pemda: str
    agency: str
    year: int
    quarter: int | None
    score: float | None
    category: str | None
    rank: int | None
    completeness: float
    breakdown: tuple[Contribution, ...] = ()
    # values of this entry submitted but not yet verified: the score and rank are provisional
    awaiting: int = 0

    @property
    def provisional(self) -> bool:
        return self.awaiting > 0


@dataclass(slots=True)
class ForecastResult:
    pemda: str
    agency: str
    indicator: str
    year: int
    as_of_quarter: int
    realisation: float | None
    low: float | None
    high: float | None
    achievement: float | None
    achievement_low: float | None
    achievement_high: float | None
    status: str | None


@dataclass(slots=True)
class AmbitionResult:
    pemda: str
    agency: str
    indicator: str
    year: int
    annual_target: float | None
    last_value: float | None
    trend_value: float | None
    ratio: float | None
    label: str


@dataclass(frozen=True)
class Result:
    indicators: tuple[IndicatorResult, ...]
    agencies: tuple[AgencyResult, ...]
    forecasts: tuple[ForecastResult, ...] = ()
    ambitions: tuple[AmbitionResult, ...] = ()
