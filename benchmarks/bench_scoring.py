"""Benchmark of nyata.scoring on a national synthetic data set.

Run from the repository root:  PYTHONPATH=. python benchmarks/bench_scoring.py [--quick]

* national: 550 Pemda x 45 agencies x 15 indicators x 4 quarters (~1.5M rows), one year:
  every achievement, YTD, agency score, rank, forecast and flag (``score_columns``);
  compared with a bare numpy pass over the same arrays (R/T x 100 + grouped mean by
  (pemda, agency, quarter) with np.bincount).
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


def bare_pass(c: Columns) -> np.ndarray[Any, Any]:
    """Minimal baseline: R/T x 100 and mean per (pemda, agency, quarter) via bincount."""
    n_ag = int(c.agency.max()) + 1
    key = (c.pemda * n_ag + c.agency) * 5 + c.quarter
    with np.errstate(divide="ignore", invalid="ignore"):
        ach = c.realisation / c.target * 100.0
    ok = ~np.isnan(ach)
    num = np.bincount(key[ok], weights=ach[ok])
    den = np.bincount(key[ok])
    with np.errstate(divide="ignore", invalid="ignore"):
        out: np.ndarray[Any, Any] = num / den
    return out


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
