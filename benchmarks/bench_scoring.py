"""Benchmark of nyata.scoring on a national synthetic data set.

Run from the repository root:  PYTHONPATH=. python benchmarks/bench_scoring.py [--quick]

* national: 550 Pemda x 45 agencies x 15 indicators x 4 quarters (~1.5M rows), one year:
  every achievement, YTD, agency score, rank, forecast and flag (``score_columns``);
  compared with ``bare_pass``: direct numpy code, written for this data's shape, that
  computes the same outputs from the same (sorted) arrays.
  tests/scoring/test_bench_baseline.py checks that both give the same results.
* one Pemda: 50 agencies x 15 indicators x 4 quarters through ``score_pemda`` (plain
  Observation rows in, dataclasses out) and through ``score_columns``.
Each measurement runs in a fresh subprocess; peak memory is ru_maxrss of that process
(includes the input arrays and the interpreter) plus the tracemalloc peak of the scoring
call alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from nyata.scoring import Aggregation, Observation, Polarity, PolarityKind, ScoringConfig
from nyata.scoring.api import score_pemda
from nyata.scoring.vector import Columns, score_columns


def make_columns(n_pemda: int, n_agency: int, n_ind: int, seed: int = 1) -> Columns:
    rng = np.random.default_rng(seed)
    n_series = n_pemda * n_agency * n_ind
    n = n_series * 4
    s = np.repeat(np.arange(n_series), 4)
    q = np.tile(np.arange(1, 5), n_series)
    ind = s % n_ind
    ag = (s // n_ind) % n_agency
    pem = s // (n_ind * n_agency)
    pol_s = rng.choice(3, size=n_series, p=[0.7, 0.2, 0.1])
    agg_s = rng.choice(4, size=n_series, p=[0.4, 0.3, 0.2, 0.1])
    t_s = rng.uniform(10, 1000, size=n_series).round(1)
    target = t_s[s] * np.where(agg_s[s] == 0, 0.25, 1.0)
    real = target * rng.normal(0.9, 0.25, size=n)
    real[rng.random(n) < 0.03] = np.nan
    low = np.where(pol_s[s] == 2, t_s[s] * 0.9, np.nan)
    high = np.where(pol_s[s] == 2, t_s[s] * 1.1, np.nan)
    return Columns(
        pemda=pem.astype(np.int64),
        agency=ag.astype(np.int64),
        indicator=ind.astype(np.int64),
        year=np.full(n, 2024, dtype=np.int64),
        quarter=q.astype(np.int64),
        target=target,
        realisation=real,
        polarity=pol_s[s].astype(np.int64),
        low=low,
        high=high,
        aggregation=agg_s[s].astype(np.int64),
        verified=rng.random(n) > 0.05,
        evidence=rng.integers(-1, 3, size=n).astype(np.int64),
        weight=np.full(n, np.nan),
        pemda_labels=[f"P{i:03d}" for i in range(n_pemda)],
        agency_labels=[f"A{i:02d}" for i in range(n_agency)],
        indicator_labels=[f"I{i:02d}" for i in range(n_ind)],
    )


def bare_pass(c: Columns) -> dict[str, np.ndarray[Any, Any]]:
    """The same outputs as ``score_columns`` for this benchmark's data, in direct numpy.

    Input contract (the one the benchmark data meets, and the same arrays the engine gets):
    quarterly rows only (quarter 1..4, no annual rows), one year, rows sorted by
    (pemda, agency, indicator, quarter), default ``ScoringConfig`` (cap 120, every deadline
    passed, outlier z 3.5 over >= 4 values, thresholds 91/76/66/51). A quarter row may be
    absent. No validation, no dataclasses, no configuration.

    Computes: per-row achievement by polarity (higher, lower (2 - R/T), range), its
    category and flags; YTD target / realisation per series by aggregation (sum, last,
    mean, max) in quarter order; YTD achievement and category; the capped weighted agency
    score, category and completeness per (pemda, agency, quarter); the "min" rank within
    (pemda, quarter) on scores rounded to 9 decimals; the year-end forecast per series
    (point / low / high, their achievements against the annual target, status); the red
    flags not_reported, awaiting_verification, missing_quarter, target_too_low, outlier, copied_values, no_evidence.
    """
    pem, ag, ind, q = c.pemda, c.agency, c.indicator, c.quarter
    r, t, pol, agg_r = c.realisation, c.target, c.polarity, c.aggregation
    waiting = ~np.isnan(r) & ~c.verified  # awaiting verification: absent, never 0
    r = np.where(waiting, np.nan, r)
    n = len(q)
    nan = np.nan

    def ach_and_bits(
        t: np.ndarray[Any, Any],
        r: np.ndarray[Any, Any],
        k: np.ndarray[Any, Any],
        lo: np.ndarray[Any, Any],
        hi: np.ndarray[Any, Any],
    ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        # achievement (NaN = none) and flag bits: 1 target_zero, 2 floored, 32 no_target,
        # 64 negative_target
        lo = np.where(np.isnan(lo), 0.0, lo)
        hi = np.where(np.isnan(hi), lo, hi)
        rg = k == 2
        v = np.where(
            k == 0,
            r / t * 100.0,
            np.where(
                k == 1,
                np.where(t == 0, np.where(r <= 0, 100.0, 0.0), (2.0 - r / t) * 100.0),
                np.where(
                    r < lo,
                    np.where(lo == 0, -np.inf, r / lo * 100.0),
                    np.where(r > hi, np.where(hi == 0, -np.inf, (2.0 - r / hi) * 100.0), 100.0),
                ),
            ),
        )
        rp = ~np.isnan(r)
        neg = rp & np.where(rg, lo < 0, t < 0)
        no_t = rp & ~rg & np.isnan(t)
        tz = rp & ~rg & (t == 0)
        valid = rp & ~neg & ~no_t & ~(tz & (k == 0))
        floor = valid & (v < 0)
        out = np.where(valid, np.where(floor, 0.0, v), nan)
        bits = tz * 1 | floor * 2 | no_t * 32 | neg * 64
        return out, bits

    def cat(v: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        k = 4 - np.searchsorted(np.array([51.0, 66.0, 76.0, 91.0]), v, side="right")
        return np.where(np.isnan(v), -1, k)

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # ---- series: boundaries of the sorted rows, (S, 4) quarter matrices -----------------
        new = np.empty(n, dtype=bool)
        new[0] = True
        new[1:] = (ind[1:] != ind[:-1]) | (ag[1:] != ag[:-1]) | (pem[1:] != pem[:-1])
        s = np.cumsum(new) - 1
        n_s = int(s[-1]) + 1
        last = np.flatnonzero(np.append(new[1:], True))  # series attributes: its last row
        k, agg = pol[last], agg_r[last]
        lo, hi = c.low[last], c.high[last]
        w = np.where(np.isnan(c.weight[last]), 1.0, c.weight[last])
        cell = s * 4 + (q - 1)
        R = np.full(n_s * 4, nan)
        R[cell] = r
        R = R.reshape(n_s, 4)
        T = np.full(n_s * 4, nan)
        T[cell] = t
        T = T.reshape(n_s, 4)
        # ---- row achievement (own target) --------------------------------------------------
        ach, bits = ach_and_bits(t, r, pol, c.low, c.high)

        # ---- YTD per series, in quarter order ----------------------------------------------
        def ytd(m: np.ndarray[Any, Any]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
            p = ~np.isnan(m)
            cnt = np.cumsum(p, axis=1)
            sm = np.cumsum(np.where(p, m, 0.0), axis=1)
            ffill = np.take_along_axis(
                m, np.maximum.accumulate(np.where(p, np.arange(4), 0), axis=1), axis=1
            )
            a = agg[:, None]
            out = np.where(
                a == 0,
                sm,
                np.where(a == 1, ffill, np.where(a == 2, sm / cnt, np.fmax.accumulate(m, axis=1))),
            )
            return np.where(cnt > 0, out, nan), cnt

        YR, cnt_r = ytd(R)
        YT, _ = ytd(T)
        YA, ybits = ach_and_bits(YT, YR, k[:, None], lo[:, None], hi[:, None])
        # ---- agency score, completeness, rank per (pemda, agency, quarter) -----------------
        rp = ~np.isnan(R)
        usable = np.where(  # the YTD target can give an achievement (range: LOW >= 0)
            (k == 2)[:, None],
            (np.where(np.isnan(lo), 0.0, lo) >= 0)[:, None],
            (YT >= 0) & ~((k == 0)[:, None] & (YT == 0)),
        )
        val = np.where(rp & usable, np.minimum(np.where(np.isnan(YA), 0.0, YA), 120.0), 0.0)
        V = np.zeros(n_s * 4, dtype=bool)
        V[cell] = c.verified
        E = np.zeros(n_s * 4, dtype=bool)
        E[cell] = True
        Wt = np.zeros(n_s * 4, dtype=bool)
        Wt[cell] = waiting
        a_new = np.empty(n_s, dtype=bool)
        a_new[0] = True
        a_new[1:] = (ag[last[1:]] != ag[last[:-1]]) | (pem[last[1:]] != pem[last[:-1]])
        a_start = np.flatnonzero(a_new)
        wu = w[:, None] * (usable & ~Wt.reshape(n_s, 4))
        score = np.add.reduceat(wu * val, a_start, axis=0) / np.add.reduceat(wu, a_start, axis=0)
        n_in = np.diff(np.append(a_start, n_s))[:, None]
        compl = np.add.reduceat(rp & V.reshape(n_s, 4), a_start, axis=0) / n_in
        present = np.add.reduceat(E.reshape(n_s, 4), a_start, axis=0) > 0
        e_pem = pem[last[a_start]]
        rs = np.round(score, 9)
        grp = (e_pem[:, None] * 4 + np.arange(4)).ravel()
        ok = (present & ~np.isnan(score)).ravel()
        order = np.lexsort((-rs.ravel(), grp))
        order = order[ok[order]]
        g_o, r_o = grp[order], rs.ravel()[order]
        pos = np.arange(len(order))
        g_new = np.append(True, g_o[1:] != g_o[:-1])
        b_new = g_new | np.append(True, r_o[1:] != r_o[:-1])
        rank = np.zeros(score.size, dtype=np.int64)
        rank[order] = (
            np.maximum.accumulate(np.where(b_new, pos, 0))
            - np.maximum.accumulate(np.where(g_new, pos, 0))
            + 1
        )
        # ---- forecast per series at its last reported quarter kq ------------------------
        qn = np.arange(1.0, 5.0)
        kq = np.where(
            rp[:, 3], 4, np.where(rp[:, 2], 3, np.where(rp[:, 1], 2, np.where(rp[:, 0], 1, 0)))
        )
        cur = np.take_along_axis(YR, np.maximum(kq - 1, 0)[:, None], axis=1)[:, 0]
        x = np.where(rp, R, 0.0)
        nn = cnt_r[:, 3].astype(np.float64)
        sx = (rp * qn).sum(axis=1)
        sxx = (rp * qn * qn).sum(axis=1)
        sy = x[:, 0] + x[:, 1] + x[:, 2] + x[:, 3]
        sxy = 1.0 * x[:, 0] + 2.0 * x[:, 1] + 3.0 * x[:, 2] + 4.0 * x[:, 3]
        den = nn * sxx - sx * sx
        fit = (nn >= 2) & (den > 0)
        b = np.where(fit, (nn * sxy - sx * sy) / den, 0.0)
        a0 = np.where(fit, (sy - b * sx) / nn, sy / nn)
        later = qn > kq[:, None]
        line = a0[:, None] + b[:, None] * qn
        rest = np.where(later, line, 0.0)
        rest_sum = rest[:, 1] + rest[:, 2] + rest[:, 3]
        rest_max = np.fmax(cur, np.where(later, line, -np.inf).max(axis=1))
        point = np.where(
            agg == 0,
            cur + (4 - kq) * (cur / nn),
            np.where(
                agg == 1,
                a0 + b * 4.0,
                np.where(agg == 2, (sy + rest_sum) / (nn + (4 - kq)), rest_max),
            ),
        )
        alt = np.where(agg == 0, cur + rest_sum, cur)
        point = np.where(kq == 4, cur, np.where(kq == 0, nan, point))
        alt = np.where(kq == 4, cur, alt)
        f_lo, f_hi = np.minimum(point, alt), np.maximum(point, alt)
        ann_t = np.where(np.isnan(T).any(axis=1), nan, YT[:, 3])
        f3, _ = ach_and_bits(
            ann_t[:, None],
            np.stack([point, f_lo, f_hi], axis=1),
            k[:, None],
            lo[:, None],
            hi[:, None],
        )
        fa, fa_lo, fa_hi = f3[:, 0], np.fmin(f3[:, 1], f3[:, 2]), np.fmax(f3[:, 1], f3[:, 2])
        f_status = np.where(
            np.isnan(fa) | np.isnan(fa_hi),
            -1,
            np.where(fa >= 91, 0, np.where((fa >= 76) | (fa_hi >= 91), 1, 2)),
        )
        # ---- outliers (robust z over the series' quarters) and copied values -------------
        srt = np.sort(R, axis=1)
        med = (srt[:, 1] + srt[:, 2]) / 2
        dev = np.abs(R - med[:, None])
        dsrt = np.sort(dev, axis=1)
        mad = (dsrt[:, 1] + dsrt[:, 2]) / 2
        mean_ad = (dsrt[:, 0] + dsrt[:, 1] + dsrt[:, 2] + dsrt[:, 3]) / 4
        z = np.where(
            (mad > 0)[:, None],
            0.6745 * (R - med[:, None]) / mad[:, None],
            np.where(
                (mean_ad > 0)[:, None], (R - med[:, None]) / (1.253314 * mean_ad[:, None]), 0.0
            ),
        )
        outl = (np.abs(z) > 3.5) & (cnt_r[:, 3] == 4)[:, None]
        same = (R[:, :3] == R[:, 1:]) & (R[:, :3] != 0)
        r123, r234 = same[:, 0] & same[:, 1], same[:, 1] & same[:, 2]
        sm_ = agg == 0
        copied = np.zeros((n_s, 4), dtype=bool)
        copied[:, :3] = (r123 & sm_)[:, None]
        copied[:, 1:] |= (r234 & sm_)[:, None]
        copied |= (r123 & same[:, 2])[:, None]
        # ---- back to rows -----------------------------------------------------------------
        ytd_t, ytd_r, ytd_a = YT.ravel()[cell], YR.ravel()[cell], YA.ravel()[cell]
        rmiss = np.isnan(r)
        bits = (
            bits
            | ybits.ravel()[cell]
            | (rmiss & ~waiting) * 4
            | waiting * 4096
            | ((agg_r == 0) & (cnt_r.ravel()[cell] < q)) * 16
            | ((ach > 150) | (ytd_a > 150)) * 128
            | outl.ravel()[cell] * 256
            | copied.ravel()[cell] * 512
            | (~rmiss & (c.evidence == 0)) * 1024
        )
    return {
        "achievement": ach,
        "category": cat(ach),
        "ytd_target": ytd_t,
        "ytd_realisation": ytd_r,
        "ytd_achievement": ytd_a,
        "ytd_category": cat(ytd_a),
        "flags": bits,
        "entry_pemda": np.repeat(e_pem, 4)[present.ravel()],
        "entry_agency": np.repeat(ag[last[a_start]], 4)[present.ravel()],
        "entry_period": np.tile(np.arange(1, 5), len(a_start))[present.ravel()],
        "entry_score": score.ravel()[present.ravel()],
        "entry_category": cat(score.ravel()[present.ravel()]),
        "entry_rank": rank[present.ravel()],
        "entry_completeness": compl.ravel()[present.ravel()],
        "forecast_quarter": kq,
        "forecast_point": point,
        "forecast_low": f_lo,
        "forecast_high": f_hi,
        "forecast_ach": fa,
        "forecast_ach_low": fa_lo,
        "forecast_ach_high": fa_hi,
        "forecast_status": f_status,
    }


def to_rows(c: Columns) -> list[Observation]:
    pols = {0: Polarity(PolarityKind.HIGHER), 1: Polarity(PolarityKind.LOWER)}
    rows = []
    for i in range(len(c)):
        k = int(c.polarity[i])
        pol = pols.get(k) or Polarity(PolarityKind.RANGE, float(c.low[i]), float(c.high[i]))
        r = float(c.realisation[i])
        ev = int(c.evidence[i])
        rows.append(
            Observation(
                c.pemda_labels[int(c.pemda[i])],
                c.agency_labels[int(c.agency[i])],
                c.indicator_labels[int(c.indicator[i])],
                int(c.year[i]),
                int(c.quarter[i]),
                float(c.target[i]),
                None if r != r else r,
                pol,
                Aggregation(int(c.aggregation[i])),
                verified=bool(c.verified[i]),
                evidence_count=None if ev < 0 else ev,
            )
        )
    return rows


def child(kind: str, size: list[int], repeat: int) -> dict[str, Any]:
    cfg = ScoringConfig()
    c = make_columns(*size)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times: list[float] = []
    fn: Callable[[], object]
    if kind == "national":
        score_columns(c, cfg)  # warm-up
        for _ in range(repeat):
            t0 = time.perf_counter()
            score_columns(c, cfg)
            times.append(time.perf_counter() - t0)
        fn = lambda: score_columns(c, cfg)  # noqa: E731
    elif kind == "bare":
        bare_pass(c)
        for _ in range(repeat):
            t0 = time.perf_counter()
            bare_pass(c)
            times.append(time.perf_counter() - t0)
        fn = lambda: bare_pass(c)  # noqa: E731
    elif kind == "pemda_rows":
        rows = to_rows(c)
        score_pemda(rows, cfg)
        for _ in range(repeat):
            t0 = time.perf_counter()
            score_pemda(rows, cfg)
            times.append(time.perf_counter() - t0)
        fn = lambda: score_pemda(rows, cfg)  # noqa: E731
    else:  # pemda_columns
        score_columns(c, cfg)
        for _ in range(repeat):
            t0 = time.perf_counter()
            score_columns(c, cfg)
            times.append(time.perf_counter() - t0)
        fn = lambda: score_columns(c, cfg)  # noqa: E731
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "kind": kind,
        "rows": len(c),
        "best_s": min(times),
        "median_s": float(np.median(times)),
        "rss_before_mib": rss_before / 1024,
        "peak_rss_mib": rss_after / 1024,
        "tracemalloc_peak_mib": peak / 2**20,
    }


def run_child(kind: str, size: list[int], repeat: int) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            kind,
            "--size",
            ",".join(map(str, size)),
            "--repeat",
            str(repeat),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    res: dict[str, Any] = json.loads(out.stdout)
    return res


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small smoke size")
    ap.add_argument("--child", default=None)
    ap.add_argument("--size", default="")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(a.child, [int(x) for x in a.size.split(",")], a.repeat)))
        return 0
    national = [20, 45, 15] if a.quick else [550, 45, 15]
    pemda = [1, 50, 15]
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"{platform.machine()}, cpus={len(os.sched_getaffinity(0))}"
    )
    res = {
        "national": run_child("national", national, 3),
        "bare": run_child("bare", national, 5),
        "pemda_columns": run_child("pemda_columns", pemda, 20),
        "pemda_rows": run_child("pemda_rows", pemda, 20),
    }
    for k, v in res.items():
        print(
            f"{k:14s} rows={v['rows']:>9,}  best={v['best_s'] * 1000:9.1f} ms  "
            f"median={v['median_s'] * 1000:9.1f} ms  peak_rss={v['peak_rss_mib']:7.1f} MiB  "
            f"(before scoring {v['rss_before_mib']:7.1f} MiB)  "
            f"tracemalloc_peak={v['tracemalloc_peak_mib']:7.1f} MiB"
        )
    ratio = res["national"]["best_s"] / res["bare"]["best_s"]
    print(f"ratio national / bare numpy pass: {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
