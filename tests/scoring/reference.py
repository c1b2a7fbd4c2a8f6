"""Scalar reference engine: the same rules as ``vector.score_columns``, written row by row
with the functions of ``formulas.py``. Slow but easy to read; tests check both agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from nyata.scoring.formulas import (
    achievement,
    cap_value,
    category,
    copied_runs,
    forecast_status,
    forecast_year_end,
    linear_fit,
    past_deadline,
    rank_min,
    robust_z,
    target_usable,
    ytd,
    ytd_target_without_quarterly,
)
from nyata.scoring.model import (
    AgencyResult,
    Aggregation,
    Ambition,
    AmbitionResult,
    Flag,
    ForecastResult,
    IndicatorResult,
    Observation,
    Polarity,
    PolarityKind,
    Result,
    ScoringConfig,
)

GKey = tuple[str, str, str]


@dataclass
class _Series:
    polarity: Polarity
    aggregation: Aggregation
    weight: float
    cells: dict[int, Observation] = field(default_factory=dict)  # 0 annual, 1..4

    def r(self, c: int) -> float | None:
        o = self.cells.get(c)
        return None if o is None else o.realisation

    def t(self, c: int) -> float | None:
        o = self.cells.get(c)
        return None if o is None else o.target

    @property
    def has_q(self) -> bool:
        return any(c in self.cells for c in (1, 2, 3, 4))

    @property
    def has_qt(self) -> bool:
        return any(self.t(c) is not None for c in (1, 2, 3, 4))


def score_reference(rows: Sequence[Observation], config: ScoringConfig | None = None) -> Result:
    cfg = config or ScoringConfig()
    th = cfg.thresholds
    # A value awaiting verification is absent for every rule; the output still shows it.
    given = rows
    rows = [replace(o, realisation=None) if awaiting(o) or implausible(o) else o for o in rows]
    kw = {"lower_formula": cfg.lower_formula, "inverse_ceiling": cfg.inverse_ceiling}
    series: dict[tuple[GKey, int], _Series] = {}
    seen: set[tuple[GKey, int, int]] = set()
    for o in rows:
        key = ((o.pemda, o.agency, o.indicator), o.year)
        c = o.quarter or 0
        if (*key, c) in seen:
            raise ValueError("duplicate row")
        seen.add((*key, c))
        w = o.weight if o.weight is not None else float(cfg.weights.get(o.indicator, 1.0))
        s = series.get(key)
        if s is None:
            s = series[key] = _Series(o.polarity, o.aggregation, w)
        s.polarity, s.aggregation, s.weight = o.polarity, o.aggregation, w
        s.cells[c] = o
    years = sorted({y for _, y in series})

    def ytd_r(s: _Series, q: int) -> float | None:
        return ytd([s.r(i) for i in range(1, q + 1)], s.aggregation)

    def ytd_t(s: _Series, q: int) -> float | None:
        if s.has_qt:
            return ytd([s.t(i) for i in range(1, q + 1)], s.aggregation)
        return ytd_target_without_quarterly(s.t(0), s.aggregation, q)

    def ach(t: float | None, r: float | None, s: _Series) -> tuple[float | None, set[Flag]]:
        v, f = achievement(t, r, s.polarity, **kw)  # type: ignore[arg-type]
        return v, set(f)

    # ---- annual values, ambition ---------------------------------------------------------
    def annual(s: _Series) -> tuple[float | None, float | None]:
        ar = ytd_r(s, 4) if s.has_q else s.r(0)
        if s.t(0) is not None:
            return ar, s.t(0)
        all_qt = all(s.t(i) is not None for i in (1, 2, 3, 4))
        if s.has_q and (all_qt or not s.has_qt):
            return ar, ytd_t(s, 4)
        return ar, None

    by_group: dict[GKey, dict[int, _Series]] = defaultdict(dict)
    for (gk, yr), s in series.items():
        by_group[gk][yr] = s
    amb: dict[tuple[GKey, int], AmbitionResult] = {}
    for (gk, yr), s in series.items():
        ar_t = annual(s)[1]
        prior = [
            (float(y), annual(by_group[gk][y])[0]) for y in years if y < yr and y in by_group[gk]
        ]
        pts = [(x, v) for x, v in prior if v is not None]
        last = pts[-1][1] if pts else None
        fit = linear_fit(pts)
        trend = None if fit is None else fit[0] + fit[1] * float(yr)
        ratio: float | None = None
        lower = s.polarity.kind is PolarityKind.LOWER
        if s.polarity.kind is PolarityKind.RANGE:
            label = Ambition.NOT_APPLICABLE
        elif last is None or ar_t is None:
            label = Ambition.UNKNOWN
        else:
            num, den = (last, ar_t) if lower else (ar_t, last)
            ratio = num / den if den > 0 else None
            if (ar_t > last) if lower else (ar_t < last):
                label = Ambition.NOT_AMBITIOUS
            elif trend is not None and ((ar_t > trend) if lower else (ar_t < trend)):
                label = Ambition.MODEST
            else:
                label = Ambition.AMBITIOUS
        amb[(gk, yr)] = AmbitionResult(*gk, yr, ar_t, last, trend, ratio, label.value)

    # ---- outliers: quarterly cells by group over all years; annual-only rows by group ------
    outlier: set[tuple[GKey, int, int]] = set()
    for gk, ys in by_group.items():
        qcells = [((yr, q), s.r(q)) for yr, s in sorted(ys.items()) for q in (1, 2, 3, 4)]
        acells = [((yr, 0), s.r(0)) for yr, s in sorted(ys.items()) if not s.has_q]
        for cells in (qcells, acells):
            vals = [(k, v) for k, v in cells if v is not None]
            if len(vals) < cfg.outlier_min_points:
                continue
            zs = robust_z([v for _, v in vals])
            for (ck, _), z in zip(vals, zs, strict=True):
                if abs(z) > cfg.outlier_z:
                    outlier.add((gk, ck[0], ck[1]))

    # ---- seasonal shares (sum indicators) -------------------------------------------------
    def share(gk: GKey, yr: int, q: int) -> float | None:
        tot = 0.0
        cnt = 0
        for y2 in years:
            if y2 >= yr or y2 not in by_group[gk]:
                continue
            s2 = by_group[gk][y2]
            rs = [s2.r(i) for i in (1, 2, 3, 4)]
            c4 = ytd(rs, s2.aggregation)
            if s2.aggregation is not Aggregation.SUM or any(v is None for v in rs):
                continue
            if c4 is None or c4 <= 0:
                continue
            cq = ytd(rs[:q], s2.aggregation)
            assert cq is not None
            tot += cq / c4
            cnt += 1
        if cnt == 0:
            return None
        m = tot / cnt
        return m if m > 0 else None

    # ---- rows -------------------------------------------------------------------------
    ind_out: list[IndicatorResult] = []
    for o, o_given in zip(rows, given, strict=True):
        gk = (o.pemda, o.agency, o.indicator)
        s = series[(gk, o.year)]
        c = o.quarter or 0
        flags: set[Flag] = set()
        if c > 0:
            t_own = o.target
            a_t = s.t(0)
            if t_own is None and not s.has_qt and a_t is not None:
                t_own = a_t / 4.0 if s.aggregation is Aggregation.SUM else a_t
            a, f = ach(t_own, o.realisation, s)
            flags |= f
        else:
            a, f = ach(o.target, o.realisation, s)
            flags |= f
        ann_ytd = c == 0 and s.has_q
        if c > 0 or ann_ytd:
            q = c if c > 0 else 4
            yt_, yr_ = ytd_t(s, q), ytd_r(s, q)
            ya, f2 = ach(yt_, yr_, s)
            flags |= f2
            if s.aggregation is Aggregation.SUM and any(s.r(i) is None for i in range(1, q + 1)):
                flags.add(Flag.MISSING_QUARTER)
        else:
            yt_, yr_, ya = o.target, o.realisation, a
        if implausible(o_given):
            flags.add(Flag.OUT_OF_BOUNDS)
        elif awaiting(o_given):
            flags.add(Flag.AWAITING_VERIFICATION)
        elif o.realisation is None and not ann_ytd:
            past = past_deadline(o.year, o.quarter, cfg)
            flags.add(Flag.NOT_REPORTED if past else Flag.PENDING)
        if (a is not None and a > cfg.target_too_low) or (
            ya is not None and ya > cfg.target_too_low
        ):
            flags.add(Flag.TARGET_TOO_LOW)
        if (gk, o.year, c) in outlier and not ann_ytd:
            flags.add(Flag.OUTLIER)
        if c > 0 and c in copied_runs([s.r(i) for i in (1, 2, 3, 4)], s.aggregation):
            flags.add(Flag.COPIED_VALUES)
        if o.realisation is not None and o.evidence_count == 0:
            flags.add(Flag.NO_EVIDENCE)
        if amb[(gk, o.year)].label == Ambition.NOT_AMBITIOUS.value:
            flags.add(Flag.TARGET_BELOW_LAST_YEAR)
        ind_out.append(
            IndicatorResult(
                o.pemda,
                o.agency,
                o.indicator,
                o.year,
                o.quarter,
                o.target,
                o_given.realisation,
                a,
                category(a, th),
                yt_,
                yr_,
                ya,
                category(ya, th),
                yt_flags(flags),
            )
        )

    # ---- agency entries -----------------------------------------------------------------
    waiting_cells = {id(o) for o, o_given in zip(rows, given, strict=True) if awaiting(o_given)}
    implausible_cells = {id(o) for o, o_given in zip(rows, given, strict=True) if implausible(o_given)}
    entries = sorted({(o.pemda, o.agency, o.year, o.quarter or 0) for o in rows})
    scores: dict[tuple[str, str, int, int], float | None] = {}
    compl: dict[tuple[str, str, int, int], float] = {}
    waiting: dict[tuple[str, str, int, int], int] = {}
    for pe, ag, yr, p in entries:
        items: list[tuple[float, float]] = []
        n_wait = 0
        n_in = 0
        n_ver = 0
        for (gk, y2), s in series.items():
            if gk[0] != pe or gk[1] != ag or y2 != yr:
                continue
            if p > 0 and not s.has_q:
                continue
            n_in += 1
            if p > 0 or s.has_q:
                q = p or 4
                t_p, cell = ytd_t(s, q), q
                r_p = s.r(q)
                v_p = ach(t_p, ytd_r(s, q), s)[0] if r_p is not None else None
            else:
                t_p, cell, r_p = s.t(0), 0, s.r(0)
                v_p = ach(t_p, r_p, s)[0]
            obs = s.cells.get(cell)
            if r_p is not None and obs is not None and obs.verified:
                n_ver += 1
            if not target_usable(t_p, s.polarity) or (obs is not None and id(obs) in implausible_cells):
                continue
            w = s.weight
            if cfg.ambition_factor and amb[(gk, yr)].label == Ambition.NOT_AMBITIOUS.value:
                w = w * cfg.sandbag_weight
            if obs is not None and id(obs) in waiting_cells:
                n_wait += 1
                continue
            if r_p is None:
                if past_deadline(yr, cell or None, cfg):
                    items.append((w, 0.0))
                continue
            assert v_p is not None
            items.append((w, cap_value(v_p, cfg.cap)))
        num = den = 0.0
        for w, v in items:
            num += w * v
            den += w
        scores[(pe, ag, yr, p)] = num / den if den > 0 else None
        compl[(pe, ag, yr, p)] = n_ver / n_in if n_in else 0.0
        waiting[(pe, ag, yr, p)] = n_wait
    ranks: dict[tuple[str, str, int, int], int | None] = {}
    groups: dict[tuple[str, int, int], dict[tuple[str, str, int, int], float | None]] = defaultdict(
        dict
    )
    for ek, ev in scores.items():
        groups[(ek[0], ek[2], ek[3])][ek] = ev
    for grp in groups.values():
        ranks.update(rank_min(grp, cfg.rank_decimals))
    ag_out = [
        AgencyResult(
            pe,
            ag,
            yr,
            p or None,
            scores[(pe, ag, yr, p)],
            category(scores[(pe, ag, yr, p)], th),
            ranks[(pe, ag, yr, p)],
            compl[(pe, ag, yr, p)],
            awaiting=waiting[(pe, ag, yr, p)],
        )
        for pe, ag, yr, p in entries
    ]
    ag_out.sort(
        key=lambda a: (
            a.pemda,
            a.year,
            a.quarter or 5,
            a.rank if a.rank is not None else 10**9,
            a.agency,
        )
    )

    # ---- forecasts ----------------------------------------------------------------------
    fc_out: list[ForecastResult] = []
    for (gk, yr), s in sorted(series.items()):
        if not s.has_q:
            continue
        rs = [s.r(i) for i in (1, 2, 3, 4)]
        kq = max((i + 1 for i, v in enumerate(rs) if v is not None), default=0)
        if kq == 0:
            continue
        sh = share(gk, yr, kq) if s.aggregation is Aggregation.SUM else None
        fc = forecast_year_end(rs[:kq], s.aggregation, sh)
        assert fc is not None
        at = annual(s)[1]
        fa = ach(at, fc.point, s)[0]
        fl_, fh_ = ach(at, fc.low, s)[0], ach(at, fc.high, s)[0]
        lo_a = hi_a = None
        if fl_ is not None and fh_ is not None:
            lo_a, hi_a = min(fl_, fh_), max(fl_, fh_)
        st = forecast_status(fa, hi_a, cfg)
        fc_out.append(
            ForecastResult(
                *gk,
                yr,
                kq,
                fc.point,
                fc.low,
                fc.high,
                fa,
                lo_a,
                hi_a,
                None if st is None else st.value,
            )
        )
    return Result(tuple(ind_out), tuple(ag_out), tuple(fc_out), tuple(amb[k] for k in sorted(amb)))


def implausible(o: Observation) -> bool:
    """Outside the indicator's plausible values: red-flagged and left out until corrected."""
    r = o.realisation
    return r is not None and (
        (o.min_value is not None and r < o.min_value) or (o.max_value is not None and r > o.max_value)
    )


def awaiting(o: Observation) -> bool:
    """Submitted but not yet verified (domain.md A1): left out, never 0 or not reported."""
    return o.realisation is not None and not o.verified and not implausible(o)


def yt_flags(flags: set[Flag]) -> tuple[str, ...]:
    """Flags in the canonical (bit) order."""
    return tuple(f.value for f in Flag if f in flags)
