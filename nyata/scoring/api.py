"""Public entry points for the app: plain rows in, plain dataclasses out."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from .model import (
    AMBITION_ORDER,
    CATEGORY_CODES,
    FORECAST_ORDER,
    AgencyResult,
    AmbitionResult,
    Contribution,
    ForecastResult,
    IndicatorResult,
    Observation,
    Result,
    ScoringConfig,
    flags_from_bits,
)
from .vector import BulkResult, Columns, score_columns

_STATUS = {1: "included", 2: "not_reported", 3: "pending", 4: "excluded"}


def _f(v: float) -> float | None:
    return None if math.isnan(v) else float(v)


def _cat(i: int) -> str | None:
    return None if i < 0 else CATEGORY_CODES[i]


def score_pemda(
    rows: Sequence[Observation],
    config: ScoringConfig | None = None,
    *,
    weights: Mapping[str, float] | None = None,
) -> Result:
    """Score rows (any number of Pemda, agencies and years) with the vectorised engine.

    Raises ``vector.DuplicateRowError`` on a repeated (pemda, agency, indicator, year, quarter).
    """
    cfg = config or ScoringConfig()
    if not rows:
        return Result((), ())
    cols = Columns.from_rows(rows)
    br = score_columns(cols, cfg, weights=weights)
    return to_result(rows, cols, br)


def to_result(rows: Sequence[Observation], cols: Columns, br: BulkResult) -> Result:
    """Convert a BulkResult into dataclasses (with per-agency breakdowns)."""
    ach = br.achievement.tolist()
    cat = br.category.tolist()
    yt = br.ytd_target.tolist()
    yr = br.ytd_realisation.tolist()
    ya = br.ytd_achievement.tolist()
    yc = br.ytd_category.tolist()
    fl = br.flags.tolist()
    inds = tuple(
        IndicatorResult(
            r.pemda, r.agency, r.indicator, r.year, r.quarter, r.target, r.realisation,
            _f(ach[i]), _cat(cat[i]), _f(yt[i]), _f(yr[i]), _f(ya[i]), _cat(yc[i]),
            flags_from_bits(fl[i]),
        )
        for i, r in enumerate(rows)
    )
    pl, al, il = cols.pemda_labels, cols.agency_labels, cols.indicator_labels
    # series per (pemda, agency, year)
    by_ay: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    ex = np.flatnonzero(br.series_exists)
    sp, sa, si, sy = (br.series_pemda[ex].tolist(), br.series_agency[ex].tolist(),
                      br.series_indicator[ex].tolist(), br.series_year[ex].tolist())
    for k, s in enumerate(ex.tolist()):
        by_ay[(sp[k], sa[k], sy[k])].append(s)
    ind_of = dict(zip(ex.tolist(), si, strict=True))
    agencies: list[AgencyResult] = []
    for e in range(len(br.entry_score)):
        pe, ag = int(br.entry_pemda[e]), int(br.entry_agency[e])
        yr_e, p = int(br.entry_year[e]), int(br.entry_period[e])
        parts: list[Contribution] = []
        members = by_ay[(pe, ag, yr_e)]
        den = 0.0
        for s in members:
            if br.agency_status[s, p] in (1, 2):
                den += float(br.series_weight[s])
        for s in sorted(members, key=lambda s: il[ind_of[s]]):
            st = int(br.agency_status[s, p])
            if st == 0:
                continue
            w = float(br.series_weight[s])
            if st in (1, 2):
                share = w / den if den > 0 else None
                capped = float(br.agency_value[s, p])
                parts.append(Contribution(
                    il[ind_of[s]], w, float(br.agency_raw[s, p]), capped, share,
                    None if share is None else share * capped, _STATUS[st]))
            else:
                parts.append(Contribution(il[ind_of[s]], w, None, None, None, None, _STATUS[st]))
        rk = int(br.entry_rank[e])
        agencies.append(AgencyResult(
            pl[pe], al[ag], yr_e, p or None, _f(float(br.entry_score[e])),
            _cat(int(br.entry_category[e])), rk or None, float(br.entry_completeness[e]),
            tuple(parts)))
    agencies.sort(key=lambda a: (a.pemda, a.year, a.quarter or 5,
                                 a.rank if a.rank is not None else 10**9, a.agency))
    forecasts: list[ForecastResult] = []
    ambitions: list[AmbitionResult] = []
    for k, s in enumerate(ex.tolist()):
        pem, agn, ind, yy = pl[sp[k]], al[sa[k]], il[si[k]], sy[k]
        fq = int(br.forecast_quarter[s])
        if fq > 0:
            st = int(br.forecast_status[s])
            forecasts.append(ForecastResult(
                pem, agn, ind, yy, fq, _f(br.forecast_point[s]), _f(br.forecast_low[s]),
                _f(br.forecast_high[s]), _f(br.forecast_ach[s]), _f(br.forecast_ach_low[s]),
                _f(br.forecast_ach_high[s]), FORECAST_ORDER[st].value if st >= 0 else None))
        ambitions.append(AmbitionResult(
            pem, agn, ind, yy, _f(br.annual_target[s]), _f(br.last_value[s]),
            _f(br.trend_value[s]), _f(br.ambition_ratio[s]),
            AMBITION_ORDER[int(br.ambition[s])].value))
    return Result(inds, tuple(agencies), tuple(forecasts), tuple(ambitions))


def rank_sensitivity(
    rows: Sequence[Observation],
    scenarios: Mapping[str, Mapping[str, float]],
    config: ScoringConfig | None = None,
) -> dict[str, dict[tuple[str, str, int, int | None], int | None]]:
    """Rank of every (pemda, agency, year, quarter) under each alternative weight scenario.

    A scenario maps indicator code -> weight (indicators not named keep their configured
    weight). Returns {scenario: {(pemda, agency, year, quarter): rank}}; the key "base"
    is added for the configured weights unless a scenario already uses that name.
    """
    cfg = config or ScoringConfig()
    out: dict[str, dict[tuple[str, str, int, int | None], int | None]] = {}
    if not rows:
        return out
    cols = Columns.from_rows(rows)
    all_sc: dict[str, Mapping[str, float] | None] = {"base": None}
    all_sc.update(scenarios)
    for name, wmap in all_sc.items():
        br = score_columns(cols, cfg, weights=wmap)
        ranks: dict[tuple[str, str, int, int | None], int | None] = {}
        for e in range(len(br.entry_rank)):
            key = (cols.pemda_labels[int(br.entry_pemda[e])],
                   cols.agency_labels[int(br.entry_agency[e])],
                   int(br.entry_year[e]), int(br.entry_period[e]) or None)
            ranks[key] = int(br.entry_rank[e]) or None
        out[name] = ranks
    return out
