"""Vectorised (numpy) scoring engine for bulk work: no Python loops over rows.

Layout: every (pemda, agency, indicator) is a group ``g``, every distinct year an index ``y``;
a *series* is ``s = g * Y + y`` and its cells are columns 0 (annual row) and 1..4 (quarters).
All per-cell quantities are (S, 5) or (S, 4) matrices. The rules are those of
``formulas.py`` (the scalar twin) and docs/scoring.md.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from .formulas import deadline_for
from .model import (
    AMBITION_ORDER,
    FLAG_BIT,
    Aggregation,
    Ambition,
    Flag,
    LowerFormula,
    Observation,
    PolarityKind,
    ScoringConfig,
)

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
BoolA = npt.NDArray[np.bool_]
AnyA = npt.NDArray[Any]

_B = {f: np.int32(v) for f, v in FLAG_BIT.items()}
_AMB = {a: i for i, a in enumerate(AMBITION_ORDER)}
_SUM, _LAST, _MEAN, _MAX = (int(a) for a in Aggregation)
_HI, _LO, _RG = (int(k) for k in PolarityKind)


class DuplicateRowError(ValueError):
    def __init__(self, rows: Sequence[int]) -> None:
        super().__init__(f"duplicate (pemda, agency, indicator, year, quarter) rows: {rows}")
        self.rows = list(rows)


@dataclass
class Columns:
    """Columnar input. Codes are small non-negative ints; labels map code -> text.

    ``quarter`` 0 is an annual row; ``target``/``realisation`` NaN is missing;
    ``evidence`` -1 is unknown; ``weight`` NaN falls back to config.weights / 1.
    Agency codes must sort like the agency labels (ties are displayed by agency code).
    """

    pemda: I64
    agency: I64
    indicator: I64
    year: I64
    quarter: I64
    target: F64
    realisation: F64
    polarity: I64
    low: F64
    high: F64
    aggregation: I64
    verified: BoolA
    evidence: I64
    weight: F64
    min_value: F64 | None = None  # plausible values of the realisation (NaN: unbounded)
    max_value: F64 | None = None
    pemda_labels: Sequence[str] = ()
    agency_labels: Sequence[str] = ()
    indicator_labels: Sequence[str] = ()
    units: Sequence[str] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.year.shape[0])

    @classmethod
    def from_rows(cls, rows: Sequence[Observation]) -> Columns:
        """Factorise plain rows (one Python pass; label codes sorted so ties order by code)."""
        pem_l = sorted({r.pemda for r in rows})
        ag_l = sorted({r.agency for r in rows})
        ind_l = sorted({r.indicator for r in rows})
        pm = {v: i for i, v in enumerate(pem_l)}
        am = {v: i for i, v in enumerate(ag_l)}
        im = {v: i for i, v in enumerate(ind_l)}
        nan = float("nan")

        def arr(vals: list[Any], dt: Any) -> AnyA:
            return np.array(vals, dtype=dt)

        return cls(
            pemda=arr([pm[r.pemda] for r in rows], np.int64),
            agency=arr([am[r.agency] for r in rows], np.int64),
            indicator=arr([im[r.indicator] for r in rows], np.int64),
            year=arr([r.year for r in rows], np.int64),
            quarter=arr([r.quarter or 0 for r in rows], np.int64),
            target=arr([nan if r.target is None else r.target for r in rows], np.float64),
            realisation=arr(
                [nan if r.realisation is None else r.realisation for r in rows], np.float64
            ),
            polarity=arr([int(r.polarity.kind) for r in rows], np.int64),
            low=arr([nan if r.polarity.low is None else r.polarity.low for r in rows], np.float64),
            high=arr(
                [nan if r.polarity.high is None else r.polarity.high for r in rows], np.float64
            ),
            aggregation=arr([int(r.aggregation) for r in rows], np.int64),
            verified=arr([r.verified for r in rows], np.bool_),
            evidence=arr(
                [-1 if r.evidence_count is None else r.evidence_count for r in rows], np.int64
            ),
            weight=arr([nan if r.weight is None else r.weight for r in rows], np.float64),
            min_value=arr([nan if r.min_value is None else r.min_value for r in rows], np.float64),
            max_value=arr([nan if r.max_value is None else r.max_value for r in rows], np.float64),
            pemda_labels=pem_l,
            agency_labels=ag_l,
            indicator_labels=ind_l,
            units=[r.unit for r in rows],
        )


@dataclass
class BulkResult:
    """Columnar output. Row arrays follow input order; series arrays are (S,) / (S, 5)."""

    # per input row
    achievement: F64
    category: I64  # index into CATEGORY_CODES, -1 none
    ytd_target: F64
    ytd_realisation: F64
    ytd_achievement: F64
    ytd_category: I64
    flags: I64  # bit mask, see model.FLAG_BIT
    row_series: I64
    # per agency entry (pemda, agency, year, period); period 0 = annual, 1..4 quarters
    entry_pemda: I64
    entry_agency: I64
    entry_year: I64
    entry_period: I64
    entry_score: F64
    entry_category: I64
    entry_rank: I64  # 0 = unranked
    entry_completeness: F64
    entry_awaiting: I64  # values awaiting verification: the score and rank are provisional
    # per series s = g * Y + y (all arrays (S,) unless noted)
    series_exists: BoolA
    series_pemda: I64
    series_agency: I64
    series_indicator: I64
    series_year: I64
    series_weight: F64  # effective weight (after ambition factor)
    agency_value: F64  # (S, 5) capped value used in the agency score (0 when not reported)
    agency_raw: F64  # (S, 5) raw value before cap
    # (S, 5): 0 not in entry, 1 included, 2 not_reported, 3 pending, 4 excluded, 5 awaiting
    agency_status: I64
    forecast_quarter: I64  # 0 = no forecast
    forecast_point: F64
    forecast_low: F64
    forecast_high: F64
    forecast_ach: F64
    forecast_ach_low: F64
    forecast_ach_high: F64
    forecast_status: I64  # index into FORECAST_ORDER, -1 none
    annual_target: F64
    last_value: F64
    trend_value: F64
    ambition_ratio: F64
    ambition: I64  # index into AMBITION_ORDER


def _factorize(key: I64) -> tuple[I64, I64]:
    """(codes, uniques) for non-negative int keys; dense O(n) map when the range is small."""
    if key.size == 0:
        return key.astype(np.int64), key.astype(np.int64)
    kmin = int(key.min())
    if kmin == int(key.max()):  # one value (a single year): all codes 0
        return np.zeros(key.size, dtype=np.int64), np.array([kmin], dtype=np.int64)
    if key.size > 1 and bool((key[1:] >= key[:-1]).all()):
        # already sorted (the usual bulk layout): codes are a running count of changes
        new = np.empty(key.size, dtype=np.bool_)
        new[0] = True
        np.not_equal(key[1:], key[:-1], out=new[1:])
        codes = np.cumsum(new, dtype=np.int64)
        codes -= 1
        return codes, key[new].astype(np.int64)
    kmax = int(key.max())
    if kmax < 8 * key.size + 1024:
        present = np.zeros(kmax + 1, dtype=np.bool_)
        present[key] = True
        idmap = np.cumsum(present) - 1
        return idmap[key].astype(np.int64), np.flatnonzero(present).astype(np.int64)
    uniq, inv = np.unique(key, return_inverse=True)
    return inv.astype(np.int64), uniq.astype(np.int64)


def achievement_array(
    t: F64,
    r: F64,
    kind: AnyA,
    low: F64,
    high: F64,
    lower_formula: LowerFormula = LowerFormula.DEFAULT,
    inverse_ceiling: float = 1000.0,
) -> tuple[F64, I64]:
    """Vectorised ``formulas.achievement``: (values with NaN for none, flag bits).

    Every branch is evaluated on the whole array and selected with np.where (cheaper than
    boolean fancy indexing); the arithmetic is the same as the scalar twin, bit for bit.
    """
    shape = np.broadcast_shapes(t.shape, r.shape, kind.shape, low.shape, high.shape)
    r = np.broadcast_to(r, shape).ravel()
    t = np.broadcast_to(t, shape).ravel()
    kb = np.broadcast_to(kind, shape).ravel()
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # higher is better everywhere first, then overwrite the lower / range subsets
        v = r / t * 100.0
        i_lo = np.flatnonzero(kb == _LO)
        if i_lo.size:
            rl, tl = r[i_lo], t[i_lo]
            if lower_formula is LowerFormula.INVERSE:
                vl = np.where(
                    rl <= 0, inverse_ceiling, np.minimum(tl / rl * 100.0, inverse_ceiling)
                )
            else:
                vl = (2.0 - rl / tl) * 100.0
            v[i_lo] = np.where(tl == 0, np.where(rl <= 0, 100.0, 0.0), vl)
        i_rg = np.flatnonzero(kb == _RG)
        lo_ok = np.ones(0, dtype=np.bool_)
        if i_rg.size:
            rr = r[i_rg]
            lo_r = np.broadcast_to(low, shape).ravel()[i_rg]
            hi_r = np.broadcast_to(high, shape).ravel()[i_rg]
            lo_r = np.where(np.isnan(lo_r), 0.0, lo_r)
            hi_r = np.where(np.isnan(hi_r), lo_r, hi_r)
            # below R/LOW, inside 100, above (2 - R/HIGH); LOW or HIGH = 0 -> -inf -> floor
            below, above = rr < lo_r, rr > hi_r
            vr = np.where(
                below, rr / lo_r * 100.0, np.where(above, (2.0 - rr / hi_r) * 100.0, 100.0)
            )
            vr = np.where((below & (lo_r == 0)) | (above & (hi_r == 0)), -np.inf, vr)
            v[i_rg] = vr
            lo_ok = lo_r >= 0
        rp = ~np.isnan(r)
        t_zero = t == 0
        t_nan = np.isnan(t)
        # validity / negative targets for target-based polarities
        valid = rp & (t >= 0) & ~(t_zero & (kb == _HI))
        neg = rp & (t < 0)
        no_t = rp & t_nan
        tz = rp & t_zero
        if i_rg.size:
            rp_r = rp[i_rg]
            valid[i_rg] = rp_r & lo_ok
            neg[i_rg] = rp_r & ~lo_ok
            no_t[i_rg] = False
            tz[i_rg] = False
        floor = valid & (v < 0)
        out = np.where(valid, np.where(floor, 0.0, v), np.nan)
    # flag bits, built in int8 (the four bits fit) and widened once
    b8 = np.multiply(floor, np.int8(_B[Flag.FLOORED]), dtype=np.int8)
    b8 |= np.multiply(no_t, np.int8(_B[Flag.NO_TARGET]), dtype=np.int8)
    b8 |= np.multiply(neg, np.int8(_B[Flag.NEGATIVE_TARGET]), dtype=np.int8)
    b8 |= np.multiply(tz, np.int8(_B[Flag.TARGET_ZERO]), dtype=np.int8)
    bits: I64 = b8.astype(np.int64)
    return out.reshape(shape), bits.reshape(shape)


def target_usable_array(t: F64, kind: AnyA, low: F64) -> BoolA:
    lo = np.where(np.isnan(low), 0.0, low)
    with np.errstate(invalid="ignore"):
        res: BoolA = np.where(kind == _RG, lo >= 0, (t >= 0) & ~((kind == _HI) & (t == 0)))
    return res


def category_array(v: F64, thresholds: Sequence[float]) -> I64:
    """Index into CATEGORY_CODES (-1 for NaN)."""
    th = [float(x) for x in thresholds]
    if all(a > b for a, b in itertools.pairwise(th)):
        # strictly descending: the category is the number of thresholds above v
        # (NaN compares False everywhere, so it is fixed up below)
        with np.errstate(invalid="ignore"):
            c8 = np.zeros(v.shape, dtype=np.int8)
            for x in th:
                c8 += v < x
            c8[np.isnan(v)] = -1
        out: I64 = c8.astype(np.int64)
        return out
    cat = np.full(v.shape, len(thresholds), dtype=np.int64)
    with np.errstate(invalid="ignore"):
        for i in range(len(thresholds) - 1, -1, -1):
            cat[v >= thresholds[i]] = i
    cat[np.isnan(v)] = -1
    return cat


def ytd_matrix(m: F64, agg: I64) -> tuple[F64, I64]:
    """YTD over quarter columns (S, 4) by aggregation code; also the present-count.

    Runs quarter by quarter over (S,) columns: the running sum is the same sequence of
    additions as a cumsum, so the values are bit for bit those of the scalar twin.
    """
    n_s = m.shape[0]
    out = np.empty((n_s, 4))
    cnt_out = np.empty((n_s, 4), dtype=np.int64)
    is_mean = agg == _MEAN
    is_last = agg == _LAST
    is_max = agg == _MAX
    any_mean, any_last, any_max = bool(is_mean.any()), bool(is_last.any()), bool(is_max.any())
    cnt = np.zeros(n_s, dtype=np.int64)
    s = np.zeros(n_s)
    mx = np.full(n_s, np.nan)
    last = np.full(n_s, np.nan)
    for j in range(4):
        x = np.ascontiguousarray(m[:, j])  # one strided read, then contiguous passes
        p = ~np.isnan(x)
        cnt += p
        if j == 0:
            s = np.where(p, x, 0.0)
        else:
            np.add(s, x, out=s, where=p)
        col = s.copy()
        if any_mean:
            with np.errstate(invalid="ignore", divide="ignore"):
                np.divide(s, cnt, out=col, where=is_mean)
        if any_max:
            np.fmax(mx, x, out=mx)
            np.copyto(col, mx, where=is_max)
        if any_last:
            np.copyto(last, x, where=p)
            np.copyto(col, last, where=is_last)
        col[cnt == 0] = np.nan
        out[:, j] = col
        cnt_out[:, j] = cnt
    return out, cnt_out


def _nanmedian_rows(x: F64) -> tuple[F64, I64, F64]:
    """Row-wise median ignoring NaN (mean of the two middle values), count, sorted rows."""
    n = np.count_nonzero(~np.isnan(x), axis=1)
    s = np.sort(x, axis=1)  # NaN last
    i1 = np.clip((n - 1) // 2, 0, None)[:, None]
    i2 = np.clip(n // 2, 0, x.shape[1] - 1)[:, None]
    med = (np.take_along_axis(s, i1, 1) + np.take_along_axis(s, i2, 1))[:, 0] / 2
    med[n == 0] = np.nan
    return med, n.astype(np.int64), s


def _sort4(c: list[F64]) -> list[F64]:
    """Sort four (S,) columns element-wise, NaN last: a 5-comparator sorting network."""
    c = list(c)
    for i, j in ((0, 1), (2, 3), (0, 2), (1, 3), (1, 2)):
        # fmin keeps the number when one side is NaN; maximum moves NaN up
        c[i], c[j] = np.fmin(c[i], c[j]), np.maximum(c[i], c[j])
    return c


def _median4(s: list[F64], n: I64) -> F64:
    """Median of sorted columns with ``n`` values (NaN last): mean of the two middle ones."""
    i1 = np.clip((n - 1) // 2, 0, None)
    i2 = np.clip(n // 2, 0, 3)
    a = np.choose(i1, s)
    b = np.choose(i2, s)
    med: F64 = (a + b) / 2
    med[n == 0] = np.nan
    return med


def _robust_z4(x: F64) -> tuple[F64, I64]:
    """``robust_z_rows`` for four columns (one year of quarters), column by column."""
    cols = [np.ascontiguousarray(x[:, j]) for j in range(4)]
    nan_c = [np.isnan(col) for col in cols]
    n = 4 - (nan_c[0].astype(np.int64) + nan_c[1] + nan_c[2] + nan_c[3])
    med = _median4(_sort4(cols), n)
    diff = [col - med for col in cols]
    dev = _sort4([np.abs(d) for d in diff])
    mad = _median4(dev, n)
    z = np.empty(x.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.zeros(x.shape[0])
        for col in dev:  # sequential sum over sorted deviations (scalar order)
            np.add(total, col, out=total, where=~np.isnan(col))
        mean_ad = np.where(n > 0, total / n, np.nan)
        use_mad = mad > 0
        use_mean = ~use_mad & (mean_ad > 0)
        for j in range(4):
            zj = np.where(
                use_mad,
                0.6745 * diff[j] / mad,
                np.where(use_mean, diff[j] / (1.253314 * mean_ad), 0.0),
            )
            zj[nan_c[j]] = np.nan
            z[:, j] = zj
    return z, n


def robust_z_rows(x: F64) -> tuple[F64, I64]:
    """Row-wise twin of ``formulas.robust_z`` (NaN cells ignored, their z NaN)."""
    if x.shape[1] == 4:
        return _robust_z4(x)
    med, n, _ = _nanmedian_rows(x)
    dev = np.abs(x - med[:, None])
    mad, _, dev_sorted = _nanmedian_rows(dev)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.zeros(x.shape[0])
        for j in range(x.shape[1]):  # sequential sum over sorted deviations (scalar order)
            col = dev_sorted[:, j]
            total = np.where(np.isnan(col), total, total + col)
        mean_ad = np.where(n > 0, total / n, np.nan)
        z_mad = 0.6745 * (x - med[:, None]) / mad[:, None]
        z_mean = (x - med[:, None]) / (1.253314 * mean_ad[:, None])
    z = np.where((mad > 0)[:, None], z_mad, np.where((mean_ad > 0)[:, None], z_mean, 0.0))
    z = np.where(np.isnan(x), np.nan, z)
    return z, n


def _shift_cumsum(a: F64) -> F64:
    """Exclusive prefix sums along axis 1 (sum over earlier columns), sequential order."""
    c = np.cumsum(a, axis=1)
    out = np.zeros_like(c)
    out[:, 1:] = c[:, :-1]
    return out


def _past_table(years: I64, config: ScoringConfig) -> BoolA:
    """(Y, 5): whether the reporting deadline of (year, column) has passed at ``as_of``."""
    out = np.ones((len(years), 5), dtype=np.bool_)
    if config.as_of is None:
        return out
    as_of: date = config.as_of
    for i, yr in enumerate(years.tolist()):
        for c in range(5):
            out[i, c] = as_of > deadline_for(int(yr), c or None, config)
    return out


class _Index:
    """Where each input row sits: its series (agency × indicator × year) and its cell."""

    def __init__(self, c: Columns) -> None:
        n = len(c)
        self.n_ind = int(c.indicator.max()) + 1 if n else 1
        self.n_ag = int(c.agency.max()) + 1 if n else 1
        self.pa_key = c.pemda * self.n_ag + c.agency
        self.g, self.ug = _factorize(self.pa_key * self.n_ind + c.indicator)
        y0 = int(c.year.min()) if n else 0
        self.y, uy = _factorize(c.year - y0)
        self.uy = uy + y0
        self.n_g, self.n_y = len(self.ug), max(len(self.uy), 1)
        self.n_s = self.n_g * self.n_y
        self.s_row = self.g * self.n_y + self.y
        self.cell = self.s_row * 5 + c.quarter
        counts = np.bincount(self.cell, minlength=self.n_s * 5)
        if n and counts.max() > 1:
            raise DuplicateRowError(np.flatnonzero(counts[self.cell] > 1).tolist())

    def cube(self, values: npt.NDArray[Any], fill: float | bool) -> npt.NDArray[Any]:
        """(S, 5): each row's value in its cell (quarter 0 is the annual row), `fill` elsewhere."""
        flat: npt.NDArray[Any] = np.full(self.n_s * 5, fill, dtype=np.float64 if isinstance(fill, float) else np.bool_)
        flat[self.cell] = values
        return flat.reshape(self.n_s, 5)

    def per_series(self, values: npt.NDArray[Any], fill: float | int) -> npt.NDArray[Any]:
        """(S,): a per-row attribute of the series (the same on each of its rows)."""
        out = np.full(self.n_s, fill, dtype=np.float64 if isinstance(fill, float) else np.int64)
        out[self.s_row] = values
        return out


def _series_weights(c: Columns, ix: _Index, cfg: ScoringConfig, weights: Mapping[str, float] | None) -> F64:
    """Row weight, else the config/override mapping by indicator label, else 1."""
    wmap = dict(cfg.weights)
    if weights is not None:
        wmap.update(weights)
    ind_w = np.ones(ix.n_ind)
    if wmap and c.indicator_labels:
        for i, lab in enumerate(c.indicator_labels):
            if lab in wmap:
                ind_w[i] = float(wmap[lab])
    w = np.ones(ix.n_s)
    w[ix.s_row] = np.where(np.isnan(c.weight), ind_w[c.indicator], c.weight)
    return w


def _history(AR: F64, ann_t: F64, kind: I64, ix: _Index) -> tuple[F64, F64, F64, I64]:
    """Last year's value, the trend of earlier years, the ambition ratio and class of each target."""
    n_g, n_y, n_s = ix.n_g, ix.n_y, ix.n_s
    AR2 = AR.reshape(n_g, n_y)
    valid = ~np.isnan(AR2)
    ff = np.maximum.accumulate(np.where(valid, np.arange(n_y), -1), axis=1)
    prev = np.full_like(ff, -1)
    prev[:, 1:] = ff[:, :-1]
    last_v = np.where(prev >= 0, np.take_along_axis(AR2, np.clip(prev, 0, None), 1), np.nan)
    xs = np.broadcast_to(ix.uy.astype(np.float64), AR2.shape)
    yv = np.where(valid, AR2, 0.0)
    xv = np.where(valid, xs, 0.0)
    pn = _shift_cumsum(valid.astype(np.float64))
    psx = _shift_cumsum(xv)
    psy = _shift_cumsum(yv)
    psxy = _shift_cumsum(xv * yv)
    psxx = _shift_cumsum(xv * xv)
    with np.errstate(invalid="ignore", divide="ignore"):
        den = pn * psxx - psx * psx
        fit_ok = (pn >= 2) & (den > 0)
        slope = (pn * psxy - psx * psy) / den
        icpt = (psy - slope * psx) / pn
        trend = np.where(fit_ok, icpt + slope * xs, np.nan)
    last_v = last_v.reshape(n_s)
    trend = trend.reshape(n_s)
    with np.errstate(invalid="ignore", divide="ignore"):
        is_lo = kind == _LO
        worse_last = np.where(is_lo, ann_t > last_v, ann_t < last_v)
        worse_trend = np.where(is_lo, ann_t > trend, ann_t < trend)
        ratio = np.where(
            is_lo,
            np.where(ann_t > 0, last_v / ann_t, np.nan),
            np.where(last_v > 0, ann_t / last_v, np.nan),
        )
    ratio = np.where(np.isnan(last_v) | np.isnan(ann_t) | (kind == _RG), np.nan, ratio)
    amb = np.full(n_s, _AMB[Ambition.AMBITIOUS], dtype=np.int64)
    amb[worse_trend & ~np.isnan(trend)] = _AMB[Ambition.MODEST]
    amb[worse_last] = _AMB[Ambition.NOT_AMBITIOUS]
    amb[np.isnan(last_v) | np.isnan(ann_t)] = _AMB[Ambition.UNKNOWN]
    amb[kind == _RG] = _AMB[Ambition.NOT_APPLICABLE]
    return last_v, trend, ratio, amb


def _cell_red_flags(R: F64, has_q: BoolA, agg: I64, ix: _Index, cfg: ScoringConfig) -> tuple[BoolA, BoolA, BoolA]:
    """Outliers among a series' quarters (and annual values), and values copied quarter to quarter."""
    n_g, n_y, n_s = ix.n_g, ix.n_y, ix.n_s
    Rq = R[:, 1:]
    thr = cfg.outlier_z
    zq, nq = robust_z_rows(Rq.reshape(n_g, n_y * 4))
    out_q = ((np.abs(zq) > thr) & (nq >= cfg.outlier_min_points)[:, None]).reshape(n_s, 4)
    if has_q.all():  # no annual-only series: no annual outliers
        out_a = np.zeros(n_s, dtype=np.bool_)
    else:
        ann_vals = np.where(has_q, np.nan, R[:, 0]).reshape(n_g, n_y)
        za, na = robust_z_rows(ann_vals)
        out_a = ((np.abs(za) > thr) & (na >= cfg.outlier_min_points)[:, None]).reshape(n_s)
    same = [(Rq[:, i] == Rq[:, i + 1]) & (Rq[:, i] != 0) for i in range(3)]
    run123 = same[0] & same[1]
    run234 = same[1] & same[2]
    is_sum = agg == _SUM
    copied = np.zeros((n_s, 4), dtype=np.bool_)
    copied[:, :3] |= (run123 & is_sum)[:, None]
    copied[:, 1:] |= (run234 & is_sum)[:, None]
    copied |= (run123 & same[2])[:, None]
    return out_q, out_a, copied


def _period_matrix(quarterly: npt.NDArray[Any], annual: npt.NDArray[Any],
                   fill: float | bool) -> npt.NDArray[Any]:
    """(S, 5) from the four quarter columns and the year column (quarter 0)."""
    dtype = np.float64 if isinstance(fill, float) else np.bool_
    out: npt.NDArray[Any] = np.full((quarterly.shape[0], 5), fill, dtype=dtype)
    out[:, 1:] = quarterly
    out[:, 0] = annual
    return out


@dataclass
class _AgencyCells:
    """Per (series, period): the value it gives its agency's score and why (domain.md A4)."""

    value: F64
    raw: F64
    status: I64
    included: BoolA
    in_entry: BoolA
    waits: BoolA
    complete: BoolA


def _agency_cells(*, YT: F64, YA: F64, AA: F64, A: F64, R: F64, kind: I64, low: F64, has_q: BoolA,
                  series_exists: BoolA, PD: BoolA, V: BoolA, W: BoolA, OB: BoolA, cfg: ScoringConfig) -> _AgencyCells:
    capv = np.inf if cfg.cap is None else float(cfg.cap)
    Rq = R[:, 1:]
    tu_q = target_usable_array(YT, np.repeat(kind[:, None], 4, 1), np.repeat(low[:, None], 4, 1))
    rp_q = ~np.isnan(Rq)

    def year_or_q4(m: BoolA, col: int = 4) -> BoolA:  # the year's column: Q4's for quarterly series
        return np.where(has_q, m[:, col], m[:, 0])

    in_entry = _period_matrix(np.broadcast_to(has_q[:, None], (len(has_q), 4)), series_exists, False)
    rp_m = _period_matrix(rp_q, np.where(has_q, rp_q[:, 3], ~np.isnan(R[:, 0])), False)
    tu_m = _period_matrix(tu_q, np.where(has_q, tu_q[:, 3], target_usable_array(A, kind, low)), False)
    pd_m = _period_matrix(PD[:, 1:], year_or_q4(PD), False)
    ver_m = _period_matrix(V[:, 1:], year_or_q4(V), False)
    aw_m = _period_matrix(W[:, 1:], year_or_q4(W), False)
    out_m = _period_matrix(OB[:, 1:], year_or_q4(OB), False)
    raw = _period_matrix(np.where(rp_q, YA, 0.0), np.where(rp_m[:, 0], np.where(has_q, YA[:, 3], AA), 0.0), 0.0)
    raw = np.where(np.isnan(raw), 0.0, raw)
    waits = in_entry & tu_m & aw_m
    included = in_entry & tu_m & (rp_m | pd_m) & ~aw_m & ~out_m
    status = np.zeros(in_entry.shape, dtype=np.int64)
    status[in_entry] = 4
    status[included & rp_m] = 1
    status[included & ~rp_m] = 2
    status[in_entry & tu_m & ~rp_m & ~pd_m] = 3
    status[in_entry & out_m] = 4
    status[waits] = 5
    return _AgencyCells(value=np.minimum(raw, capv), raw=raw, status=status, included=included,
                        in_entry=in_entry, waits=waits, complete=in_entry & rp_m & ver_m)


@dataclass
class _Entries:
    """One (Pemda, agency, year, period) score with its rank and completeness."""

    pemda: I64
    agency: I64
    year: I64
    period: I64
    score: F64
    rank: I64
    completeness: F64
    awaiting: I64


def _entries(c: Columns, ix: _Index, cells: _AgencyCells, w_eff: F64, cfg: ScoringConfig) -> _Entries:
    n_y, n_s = ix.n_y, ix.n_s
    g_pa = np.zeros(ix.n_g, dtype=np.int64)
    g_pa[ix.g] = ix.pa_key
    a_of_g, ua = _factorize(g_pa)
    n_e = len(ua) * n_y * 5
    ay_s = (a_of_g[:, None] * n_y + np.arange(n_y)[None, :]).reshape(n_s)
    e_idx = (ay_s[:, None] * 5 + np.arange(5)[None, :]).ravel()

    def per_entry(weights: npt.NDArray[Any]) -> F64:
        return np.bincount(e_idx, weights=np.asarray(weights, dtype=np.float64).ravel(),
                           minlength=n_e).astype(np.float64, copy=False)

    num = per_entry(w_eff[:, None] * cells.value * cells.included)
    dnm = per_entry(np.broadcast_to(w_eff[:, None], (n_s, 5)) * cells.included)
    cin, cver, cwait = per_entry(cells.in_entry), per_entry(cells.complete), per_entry(cells.waits)
    present_e = np.zeros(n_e, dtype=np.bool_)
    present_e[(a_of_g[ix.g] * n_y + ix.y) * 5 + c.quarter] = True
    eids = np.flatnonzero(present_e)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(dnm[eids] > 0, num[eids] / dnm[eids], np.nan)
        completeness = np.where(cin[eids] > 0, cver[eids] / cin[eids], 0.0)
    e_y, e_p = (eids // 5) % n_y, eids % 5
    e_pa = ua[eids // (n_y * 5)]
    e_pem = e_pa // ix.n_ag
    return _Entries(pemda=e_pem, agency=e_pa % ix.n_ag, year=ix.uy[e_y] if len(ix.uy) else e_y, period=e_p,
                    score=score, rank=_ranks(score, (e_pem * n_y + e_y) * 5 + e_p, cfg.rank_decimals),
                    completeness=completeness, awaiting=cwait[eids].astype(np.int64))


def _ranks(score: F64, group: I64, decimals: int) -> I64:
    """Rank within each group, "min" method on rounded scores (ties share the better rank)."""
    rank = np.zeros(len(score), dtype=np.int64)
    scored = ~np.isnan(score)
    if not scored.any():
        return rank
    si = np.flatnonzero(scored)
    rs = np.round(score[si], decimals)
    grp = group[si]
    order = np.lexsort((-rs, grp))
    rs_o, grp_o = rs[order], grp[order]
    pos = np.arange(len(order))
    new_g = np.ones(len(order), dtype=np.bool_)
    new_g[1:] = grp_o[1:] != grp_o[:-1]
    new_b = new_g.copy()
    new_b[1:] |= rs_o[1:] != rs_o[:-1]
    g_start = np.maximum.accumulate(np.where(new_g, pos, 0))
    b_start = np.maximum.accumulate(np.where(new_b, pos, 0))
    rk = np.empty(len(order), dtype=np.int64)
    rk[order] = b_start - g_start + 1
    rank[si] = rk
    return rank


def _forecast_status(fa: F64, fa_hi: F64, cfg: ScoringConfig) -> I64:
    """0 on track, 1 at risk, 2 off track, -1 no forecast (domain.md A5)."""
    fst = np.full(len(fa), -1, dtype=np.int64)
    with np.errstate(invalid="ignore"):
        ok = ~np.isnan(fa) & ~np.isnan(fa_hi)
        fst[ok] = 2
        fst[ok & ((fa >= cfg.forecast_at_risk) | (fa_hi >= cfg.forecast_on_track))] = 1
        fst[ok & (fa >= cfg.forecast_on_track)] = 0
    return fst


def score_columns(
    c: Columns,
    config: ScoringConfig | None = None,
    *,
    weights: Mapping[str, float] | None = None,
) -> BulkResult:
    """Score every row, series and agency entry of ``c`` (all years at once).

    The steps: place rows in a dense (series × period) cube; year-to-date sums and achievements;
    each target against its history (ambition); red flags on cells; what each cell gives its
    agency; agency scores and ranks; row outputs and flags; the year-end forecast.
    """
    cfg = config or ScoringConfig()
    th = cfg.thresholds
    ix = _Index(c)
    n_y = ix.n_y
    # ---- cube: a value awaiting verification is absent for every rule (domain.md A1), and so
    # is one outside the indicator's plausible values (left out until corrected)
    out_row = np.zeros(len(c), dtype=np.bool_)
    with np.errstate(invalid="ignore"):
        if c.min_value is not None:
            out_row |= c.realisation < c.min_value
        if c.max_value is not None:
            out_row |= c.realisation > c.max_value
    waiting_row = ~np.isnan(c.realisation) & ~c.verified & ~out_row
    r_eff = np.where(waiting_row | out_row, np.nan, c.realisation)
    R, T = ix.cube(r_eff, np.nan), ix.cube(c.target, np.nan)
    exists, V = ix.cube(np.ones(len(c), dtype=np.bool_), False), ix.cube(c.verified, False)
    W, OB = ix.cube(waiting_row, False), ix.cube(out_row, False)
    kind, agg = ix.per_series(c.polarity, 0), ix.per_series(c.aggregation, 0)
    low, high = ix.per_series(c.low, np.nan), ix.per_series(c.high, np.nan)
    w = _series_weights(c, ix, cfg, weights)
    series_exists: BoolA = np.asarray(exists.any(axis=1))
    has_q: BoolA = np.asarray(exists[:, 1:].any(axis=1))
    Rq, Tq, A = R[:, 1:], T[:, 1:], T[:, 0]
    has_qt: BoolA = np.asarray((~np.isnan(Tq)).any(axis=1))
    ksum = (agg == _SUM)[:, None]
    # ---- year to date, and each cell's own achievement -----------------------------------
    YR, cntR = ytd_matrix(Rq, agg)
    YTq, _ = ytd_matrix(Tq, agg)
    YT = np.where(has_qt[:, None], YTq, np.where(ksum, A[:, None] * np.arange(1, 5) / 4.0, A[:, None]))
    del YTq  # the cube's matrices are the peak of memory: drop each as soon as it is used
    k2, lo2, hi2 = kind[:, None], low[:, None], high[:, None]
    lf, ic = cfg.lower_formula, cfg.inverse_ceiling
    YA, YAb = achievement_array(YT, YR, k2, lo2, hi2, lf, ic)
    q_own_t = np.where(np.isnan(Tq) & ~has_qt[:, None], np.where(ksum, A[:, None] / 4.0, A[:, None]), Tq)
    QA, QAb = achievement_array(q_own_t, Rq, k2, lo2, hi2, lf, ic)
    del q_own_t
    AA, AAb = achievement_array(A, R[:, 0], kind, low, high, lf, ic)
    s_y = np.tile(np.arange(n_y), ix.n_g)
    PD = _past_table(ix.uy, cfg)[s_y]  # (S, 5): the period's deadline has passed
    # ---- the year's target against history -------------------------------------------------
    # annual target: the annual row's target, else the YTD target after Q4 when it covers
    # the whole year (all four quarterly targets, or none and derived from an annual row)
    all_qt = (~np.isnan(Tq)).all(axis=1)
    ann_t = np.where(~np.isnan(A), A, np.where(has_q & (all_qt | ~has_qt), YT[:, 3], np.nan))
    last_v, trend, ratio, amb = _history(np.where(has_q, YR[:, 3], R[:, 0]), ann_t, kind, ix)
    not_amb = amb == _AMB[Ambition.NOT_AMBITIOUS]
    out_q, out_a, copied = _cell_red_flags(R, has_q, agg, ix, cfg)
    # ---- agency values, scores and ranks -----------------------------------------------------
    cells = _agency_cells(YT=YT, YA=YA, AA=AA, A=A, R=R, kind=kind, low=low, has_q=has_q,
                          series_exists=series_exists, PD=PD, V=V, W=W, OB=OB, cfg=cfg)
    w_eff = np.where(not_amb, w * cfg.sandbag_weight, w) if cfg.ambition_factor else w
    ent = _entries(c, ix, cells, w_eff, cfg)
    # ---- row outputs ------------------------------------------------------------------------
    qi = c.quarter
    is_q = qi > 0
    sr = ix.s_row
    hq = has_q.take(sr)
    ann_ytd = hq & ~is_q
    use_ytd = is_q | ann_ytd
    ycol = np.where(is_q, qi - 1, 3)
    li4 = sr * 4 + ycol  # cell in (S, 4) matrices: own quarter, or Q4 for annual rows
    aa_row = AA.take(sr)
    ach = np.where(is_q, QA.take(li4), aa_row)
    flags = np.where(is_q, QAb.take(li4), AAb.take(sr))
    ytd_t = np.where(use_ytd, YT.take(li4), c.target)
    ytd_r = np.where(use_ytd, YR.take(li4), r_eff)
    ytd_a = np.where(use_ytd, YA.take(li4), aa_row)
    del aa_row
    np.bitwise_or(flags, YAb.take(li4), out=flags, where=use_ytd)

    def put(mask: BoolA, flag: Flag) -> None:
        np.bitwise_or(flags, int(_B[flag]), out=flags, where=mask)

    r_missing = np.isnan(r_eff)
    miss_counts = r_missing & ~ann_ytd & ~waiting_row & ~out_row
    past_row = PD.take(sr * 5 + qi)
    put(miss_counts & past_row, Flag.NOT_REPORTED)
    put(miss_counts & ~past_row, Flag.PENDING)
    put((agg == _SUM).take(sr) & use_ytd & (cntR.take(li4) < ycol + 1), Flag.MISSING_QUARTER)
    with np.errstate(invalid="ignore"):
        put((ach > cfg.target_too_low) | (ytd_a > cfg.target_too_low), Flag.TARGET_TOO_LOW)
    put(np.where(is_q, out_q.take(li4), out_a.take(sr) & ~hq), Flag.OUTLIER)
    put(is_q & copied.take(li4), Flag.COPIED_VALUES)
    put(~r_missing & (c.evidence == 0), Flag.NO_EVIDENCE)
    put(not_amb.take(sr), Flag.TARGET_BELOW_LAST_YEAR)
    put(waiting_row, Flag.AWAITING_VERIFICATION)
    put(out_row, Flag.OUT_OF_BOUNDS)
    del li4, ycol, r_missing, miss_counts, past_row, hq, ann_ytd, use_ytd, is_q
    del YAb, QAb, QA, YA, YT, cntR, out_q, copied
    # ---- forecast ---------------------------------------------------------------------------
    fq, fp, flo, fhi = _forecast(Rq, YR, agg, has_q, ix.n_g, n_y)
    fa, _ = achievement_array(ann_t, fp, kind, low, high, lf, ic)
    fal, _ = achievement_array(ann_t, flo, kind, low, high, lf, ic)
    fah, _ = achievement_array(ann_t, fhi, kind, low, high, lf, ic)
    fa_lo, fa_hi = np.fmin(fal, fah), np.fmax(fal, fah)
    s_g = np.repeat(np.arange(ix.n_g), n_y)
    s_pa = ix.ug[s_g] // ix.n_ind
    return BulkResult(
        achievement=ach,
        category=category_array(ach, th),
        ytd_target=ytd_t,
        ytd_realisation=ytd_r,
        ytd_achievement=ytd_a,
        ytd_category=category_array(ytd_a, th),
        flags=flags,
        row_series=sr,
        entry_pemda=ent.pemda,
        entry_agency=ent.agency,
        entry_year=ent.year,
        entry_period=ent.period,
        entry_score=ent.score,
        entry_category=category_array(ent.score, th),
        entry_rank=ent.rank,
        entry_completeness=ent.completeness,
        entry_awaiting=ent.awaiting,
        series_exists=series_exists,
        series_pemda=s_pa // ix.n_ag,
        series_agency=s_pa % ix.n_ag,
        series_indicator=ix.ug[s_g] % ix.n_ind,
        series_year=ix.uy[s_y] if len(ix.uy) else s_y,
        series_weight=w_eff,
        agency_value=cells.value,
        agency_raw=cells.raw,
        agency_status=cells.status,
        forecast_quarter=fq,
        forecast_point=fp,
        forecast_low=flo,
        forecast_high=fhi,
        forecast_ach=fa,
        forecast_ach_low=fa_lo,
        forecast_ach_high=fa_hi,
        forecast_status=_forecast_status(fa, fa_hi, cfg),
        annual_target=ann_t,
        last_value=last_v,
        trend_value=trend,
        ambition_ratio=ratio,
        ambition=amb,
    )


def _forecast(
    Rq: F64, YR: F64, agg: I64, has_q: BoolA, n_g: int, n_y: int
) -> tuple[I64, F64, F64, F64]:
    """Twin of ``formulas.forecast_year_end`` at each series' last reported quarter ``k``.

    Sums run quarter by quarter over 1-D (S,) columns, in the scalar code's order.
    """
    n_s = Rq.shape[0]
    cols = [np.ascontiguousarray(Rq[:, j]) for j in range(4)]
    pres = [~np.isnan(col) for col in cols]
    k = np.zeros(n_s, dtype=np.int64)
    for j in range(4):
        k[pres[j]] = j + 1
    k[~has_q] = 0
    kk = np.clip(k - 1, 0, 3)
    cur = YR.ravel().take(np.arange(n_s) * 4 + kk)
    nn = np.zeros(n_s)
    a_sx = np.zeros(n_s)
    a_sy = np.zeros(n_s)
    a_sxy = np.zeros(n_s)
    a_sxx = np.zeros(n_s)
    for j in range(4):
        qj = float(j + 1)
        use = pres[j] & (j < k)
        x = np.where(use, cols[j], 0.0)
        pf = use.astype(np.float64)
        nn += pf
        a_sx += pf * qj
        a_sy += x
        a_sxy += qj * x
        a_sxx += pf * qj * qj
    # seasonal share for sum indicators: mean over earlier complete years of C_k / C_4
    shr = np.full(n_s, np.nan)
    hshare = np.zeros(n_s, dtype=np.bool_)
    if n_y > 1:
        c4 = YR[:, 3]
        complete = pres[0] & pres[1] & pres[2] & pres[3] & (agg == _SUM) & (c4 > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(complete[:, None], YR / c4[:, None], 0.0)
        share3 = share.reshape(n_g, n_y, 4)
        cnt3 = complete.astype(np.float64).reshape(n_g, n_y)
        csum = np.zeros_like(share3)
        csum[:, 1:, :] = np.cumsum(share3, axis=1)[:, :-1, :]
        ccnt = np.zeros_like(cnt3)
        ccnt[:, 1:] = np.cumsum(cnt3, axis=1)[:, :-1]
        with np.errstate(invalid="ignore", divide="ignore"):
            mshare = (csum / ccnt[:, :, None]).reshape(n_s, 4)
        shr = mshare.ravel().take(np.arange(n_s) * 4 + kk)
        hshare = (ccnt.reshape(n_s) > 0) & (shr > 0)
    q = k.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        den = nn * a_sxx - a_sx * a_sx
        fit = (nn >= 2) & (den > 0)
        b = np.where(fit, (nn * a_sxy - a_sx * a_sy) / den, 0.0)
        a = np.where(fit, (a_sy - b * a_sx) / nn, a_sy / nn)
        rest_sum = np.zeros(n_s)
        rest_max = cur.copy()
        for jj in range(2, 5):
            rv = a + b * float(jj)
            later = jj > k
            rest_sum = np.where(later, rest_sum + rv, rest_sum)
            rest_max = np.where(later, np.fmax(rest_max, rv), rest_max)
        p_sum = np.where(hshare, cur / shr, cur + (4.0 - q) * (cur / nn))
        p_last = a + b * 4.0
        p_mean = (a_sy + rest_sum) / (nn + (4.0 - q))
        p = np.where(
            agg == _SUM,
            p_sum,
            np.where(agg == _LAST, p_last, np.where(agg == _MEAN, p_mean, rest_max)),
        )
        alt = np.where(agg == _SUM, cur + rest_sum, cur)
        final = k == 4
        p = np.where(final, cur, p)
        alt = np.where(final, cur, alt)
    none = k == 0
    fp = np.where(none, np.nan, p)
    fl = np.where(none, np.nan, np.minimum(p, alt))
    fh = np.where(none, np.nan, np.maximum(p, alt))
    return k, fp, fl, fh


def efficiency_array(
    achievement: F64,
    absorption: F64,
    thresholds: Sequence[float] = (91.0, 76.0, 66.0, 51.0),
    gap: float = 15.0,
) -> dict[str, AnyA]:
    """Vectorised ``formulas.efficiency`` (NaN inputs give False flags, category -1)."""
    ca = category_array(achievement, thresholds)
    cb = category_array(absorption, thresholds)
    ok = (ca >= 0) & (cb >= 0)
    with np.errstate(invalid="ignore"):
        snd = ok & (
            ((ca - cb) >= 2) | ((absorption >= thresholds[1]) & (achievement < thresholds[2]))
        )
        dfl = ok & (achievement >= thresholds[0]) & (absorption < achievement - gap)
        eff = ok & (achievement >= absorption)
    return {
        "achievement_category": ca,
        "absorption_category": cb,
        "efficient": eff,
        "spent_not_delivered": snd,
        "delivered_for_less": dfl,
    }
