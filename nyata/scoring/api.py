"""Public entry points for the app: plain rows in, plain dataclasses out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from .model import (
    AMBITION_ORDER,
    CATEGORY_CODES,
    FORECAST_ORDER,
    AgencyResult,
    Aggregation,
    AmbitionResult,
    Contribution,
    ForecastResult,
    IndicatorResult,
    Observation,
    Polarity,
    Result,
    ScoringConfig,
    flags_from_bits,
)
from .vector import BulkResult, Columns, score_columns

_STATUS = {1: "included", 2: "not_reported", 3: "pending", 4: "excluded", 5: "awaiting_verification"}


def _cat(i: int) -> str | None:
    return None if i < 0 else CATEGORY_CODES[i]


def _floats(a: np.ndarray[Any, Any]) -> list[float | None]:
    """Array -> list with None for NaN (in C, no per-element Python call)."""
    o = a.astype(object)
    o[np.isnan(a)] = None
    out: list[float | None] = o.tolist()
    return out


def _cats(a: np.ndarray[Any, Any]) -> list[str | None]:
    table = np.array([*CATEGORY_CODES, None], dtype=object)
    out: list[str | None] = table[a].tolist()  # -1 -> None (last element)
    return out


@lru_cache(maxsize=4096)
def _flags(bits: int) -> tuple[str, ...]:
    return flags_from_bits(bits)


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


def forecast_series(
    *,
    year: int,
    as_of_quarter: int,
    annual_target: float,
    quarter_targets: Sequence[float | None],
    values: Sequence[float | None],
    polarity: Polarity,
    aggregation: Aggregation,
    config: ScoringConfig | None = None,
) -> ForecastResult | None:
    """The year-end forecast of one indicator's series, by the same rules as a whole Pemda's.

    `values[q - 1]` is quarter q's verified realisation; quarters after `as_of_quarter` are
    ignored. One series scored alone: the forecast of a row does not depend on the others.
    """
    rows = [Observation("-", "-", "-", year, q, t, values[q - 1] if q <= as_of_quarter and q <= len(values)
                        else None, polarity, aggregation)
            for q, t in enumerate(quarter_targets, start=1)]
    rows.append(Observation("-", "-", "-", year, None, annual_target, None, polarity, aggregation))
    result = score_pemda(rows, config)
    return result.forecasts[0] if result.forecasts else None


def to_result(rows: Sequence[Observation], cols: Columns, br: BulkResult) -> Result:
    """Convert a BulkResult into dataclasses (with per-agency breakdowns)."""
    ach = _floats(br.achievement)
    cat = _cats(br.category)
    yt = _floats(br.ytd_target)
    yr = _floats(br.ytd_realisation)
    ya = _floats(br.ytd_achievement)
    yc = _cats(br.ytd_category)
    fl = br.flags.tolist()
    inds = tuple(
        IndicatorResult(
            r.pemda,
            r.agency,
            r.indicator,
            r.year,
            r.quarter,
            r.target,
            r.realisation,
            ach[i],
            cat[i],
            yt[i],
            yr[i],
            ya[i],
            yc[i],
            _flags(fl[i]),
        )
        for i, r in enumerate(rows)
    )
    pl, al, il = cols.pemda_labels, cols.agency_labels, cols.indicator_labels
    # series per (pemda, agency, year)
    by_ay: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    ex = np.flatnonzero(br.series_exists)
    sp, sa, si, sy = (
        br.series_pemda[ex].tolist(),
        br.series_agency[ex].tolist(),
        br.series_indicator[ex].tolist(),
        br.series_year[ex].tolist(),
    )
    for k, s in enumerate(ex.tolist()):
        by_ay[(sp[k], sa[k], sy[k])].append(s)
    ind_of = dict(zip(ex.tolist(), si, strict=True))
    agencies: list[AgencyResult] = []
    status = br.agency_status.tolist()
    aval = br.agency_value.tolist()
    araw = br.agency_raw.tolist()
    sw = br.series_weight.tolist()
    e_sc = _floats(br.entry_score)
    e_cat = _cats(br.entry_category)
    e_rk, e_cm = br.entry_rank.tolist(), br.entry_completeness.tolist()
    e_aw = br.entry_awaiting.tolist()
    e_pe, e_ag = br.entry_pemda.tolist(), br.entry_agency.tolist()
    e_yr, e_p = br.entry_year.tolist(), br.entry_period.tolist()
    # members of each (pemda, agency, year), sorted by indicator code once
    groups: dict[tuple[int, int, int], tuple[list[int], list[str], list[float]]] = {}
    for key, members in by_ay.items():
        ms = sorted(members, key=lambda s: il[ind_of[s]])
        groups[key] = (ms, [il[ind_of[s]] for s in ms], [sw[s] for s in ms])
    for e in range(len(e_sc)):
        pe, ag, yr_e, p = e_pe[e], e_ag[e], e_yr[e], e_p[e]
        ms, names, ws = groups[(pe, ag, yr_e)]
        sts = [status[s][p] for s in ms]
        den = 0.0
        for st, w in zip(sts, ws, strict=True):
            if st == 1 or st == 2:
                den += w
        parts: list[Contribution] = []
        for s, st, name, w in zip(ms, sts, names, ws, strict=True):
            if st == 0:
                continue
            if st == 1 or st == 2:
                share = w / den if den > 0 else None
                capped = aval[s][p]
                parts.append(
                    Contribution(
                        name,
                        w,
                        araw[s][p],
                        capped,
                        share,
                        None if share is None else share * capped,
                        _STATUS[st],
                    )
                )
            else:
                parts.append(Contribution(name, w, None, None, None, None, _STATUS[st]))
        agencies.append(
            AgencyResult(
                pl[pe],
                al[ag],
                yr_e,
                p or None,
                e_sc[e],
                e_cat[e],
                e_rk[e] or None,
                e_cm[e],
                tuple(parts),
                e_aw[e],
            )
        )
    agencies.sort(
        key=lambda a: (
            a.pemda,
            a.year,
            a.quarter or 5,
            a.rank if a.rank is not None else 10**9,
            a.agency,
        )
    )
    forecasts: list[ForecastResult] = []
    ambitions: list[AmbitionResult] = []
    fq_l = br.forecast_quarter[ex].tolist()
    fst_l = br.forecast_status[ex].tolist()
    f_cols = [
        _floats(a[ex])
        for a in (
            br.forecast_point,
            br.forecast_low,
            br.forecast_high,
            br.forecast_ach,
            br.forecast_ach_low,
            br.forecast_ach_high,
        )
    ]
    a_cols = [
        _floats(a[ex]) for a in (br.annual_target, br.last_value, br.trend_value, br.ambition_ratio)
    ]
    amb_l = br.ambition[ex].tolist()
    for k in range(len(fq_l)):
        pem, agn, ind, yy = pl[sp[k]], al[sa[k]], il[si[k]], sy[k]
        if fq_l[k] > 0:
            st_f = fst_l[k]
            fp, flo, fhi, fa, fal, fah = (c[k] for c in f_cols)
            forecasts.append(
                ForecastResult(
                    pem,
                    agn,
                    ind,
                    yy,
                    fq_l[k],
                    fp,
                    flo,
                    fhi,
                    fa,
                    fal,
                    fah,
                    FORECAST_ORDER[st_f].value if st_f >= 0 else None,
                )
            )
        at, lv, tv, ratio = (c[k] for c in a_cols)
        ambitions.append(
            AmbitionResult(pem, agn, ind, yy, at, lv, tv, ratio, AMBITION_ORDER[amb_l[k]].value)
        )
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
            key = (
                cols.pemda_labels[int(br.entry_pemda[e])],
                cols.agency_labels[int(br.entry_agency[e])],
                int(br.entry_year[e]),
                int(br.entry_period[e]) or None,
            )
            ranks[key] = int(br.entry_rank[e]) or None
        out[name] = ranks
    return out
