"""The benchmark's bare numpy pass computes the same outputs as the engine.

``benchmarks/bench_scoring.py`` compares ``score_columns`` with ``bare_pass``; the ratio is
only meaningful when both do the same work. On small random data sets of the benchmark's
shape (quarterly rows, one year, sorted; with missing rows and values, zero, negative and
missing targets, negative realisations, copied values, row weights and tied agencies) both
must give the same achievements, YTD values, flags, agency scores, completeness, ranks and
forecasts.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from nyata.scoring import ScoringConfig
from nyata.scoring.vector import Columns, score_columns

ROOT = Path(__file__).resolve().parents[2]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_scoring", ROOT / "benchmarks" / "bench_scoring.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_scoring", mod)
    spec.loader.exec_module(mod)
    return mod


bench = _bench()


def _subset(c: Columns, keep: np.ndarray[Any, Any]) -> Columns:
    arrays = {
        f: getattr(c, f)[keep]
        for f in (
            "pemda",
            "agency",
            "indicator",
            "year",
            "quarter",
            "target",
            "realisation",
            "polarity",
            "low",
            "high",
            "aggregation",
            "verified",
            "evidence",
            "weight",
        )
    }
    return Columns(
        **arrays,
        pemda_labels=c.pemda_labels,
        agency_labels=c.agency_labels,
        indicator_labels=c.indicator_labels,
    )


def random_columns(seed: int) -> Columns:
    """Benchmark-shaped data with the awkward cases mixed in (rows stay sorted)."""
    rng = np.random.default_rng(seed)
    c = bench.make_columns(4, 6, 5, seed=seed)
    n = len(c)
    t, r = c.target, c.realisation
    # round so that equal values (ties, copies, floors at exact bounds) happen
    t[:] = np.round(t / 10.0) * 10.0
    r[:] = np.round(r / 10.0) * 10.0
    u = rng.random(n)
    t[u < 0.04] = 0.0
    t[(u >= 0.04) & (u < 0.07)] = -10.0
    t[(u >= 0.07) & (u < 0.10)] = np.nan
    v = rng.random(n)
    r[v < 0.05] = 0.0
    r[(v >= 0.05) & (v < 0.08)] = -20.0
    r[(v >= 0.08) & (v < 0.12)] = t[(v >= 0.08) & (v < 0.12)] * 3.0  # target_too_low
    r[(v >= 0.12) & (v < 0.20)] = np.nan
    # copied values: a whole series repeats its first quarter
    series = np.arange(n) // 4
    cp = rng.random(n // 4) < 0.15
    first = r[(np.arange(n) // 4) * 4]
    r[cp[series]] = first[cp[series]]
    # a jump (outlier) in some series
    jump = (rng.random(n) < 0.03) & (c.quarter == 3)
    r[jump] = r[jump] * 50.0 + 1000.0
    # range bounds with LOW = 0 and LOW < 0
    rg = c.polarity == 2
    c.low[rg & (series % 7 == 0)] = 0.0
    c.low[rg & (series % 11 == 0)] = -5.0
    # row weights (per series, as the engine takes the series' last row)
    ws = rng.choice([np.nan, np.nan, 2.0, 0.5], size=n // 4)
    c.weight[:] = ws[series]
    # tie: agency 1 of pemda 0 is a copy of agency 0 of pemda 0
    n_ind = 5
    a0 = np.flatnonzero((c.pemda == 0) & (c.agency == 0))
    a1 = np.flatnonzero((c.pemda == 0) & (c.agency == 1))
    assert len(a0) == len(a1) == n_ind * 4
    for f in ("target", "realisation", "polarity", "low", "high", "aggregation", "weight", "verified"):
        getattr(c, f)[a1] = getattr(c, f)[a0]
    # drop some quarter rows (a quarter with no row at all), keep the order
    keep = rng.random(n) > 0.06
    return _subset(c, keep)


def _close(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any], name: str) -> None:
    assert a.shape == b.shape, name
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-9, equal_nan=True, err_msg=name)


@pytest.mark.parametrize("seed", range(8))
def test_bare_pass_computes_what_the_engine_computes(seed: int) -> None:
    c = random_columns(seed)
    e = score_columns(c, ScoringConfig())
    b = bench.bare_pass(c)
    for f in ("achievement", "ytd_target", "ytd_realisation", "ytd_achievement"):
        _close(b[f], getattr(e, f), f)
    for f in ("category", "ytd_category", "flags"):
        np.testing.assert_array_equal(b[f], getattr(e, f), err_msg=f)
    # agency entries: same set of (pemda, agency, quarter), same scores, ranks, completeness
    assert not (e.entry_period == 0).any()
    eo = np.lexsort((e.entry_period, e.entry_agency, e.entry_pemda))
    bo = np.lexsort((b["entry_period"], b["entry_agency"], b["entry_pemda"]))
    for f in ("entry_pemda", "entry_agency", "entry_period", "entry_rank", "entry_category"):
        np.testing.assert_array_equal(b[f][bo], getattr(e, f)[eo], err_msg=f)
    for f in ("entry_score", "entry_completeness"):
        _close(b[f][bo], getattr(e, f)[eo], f)
    # forecasts per series (the engine's series arrays hold one slot per existing series here)
    assert e.series_exists.all()
    np.testing.assert_array_equal(b["forecast_quarter"], e.forecast_quarter)
    np.testing.assert_array_equal(b["forecast_status"], e.forecast_status)
    for f in (
        "forecast_point",
        "forecast_low",
        "forecast_high",
        "forecast_ach",
        "forecast_ach_low",
        "forecast_ach_high",
    ):
        _close(b[f], getattr(e, f), f)
    # the data exercises the interesting branches
    bits = np.bitwise_or.reduce(e.flags)
    for bit in (1, 2, 4, 16, 32, 64, 128, 512, 1024, 4096):
        assert bits & bit, bit
    ranks = e.entry_rank[e.entry_rank > 0]
    assert (
        len(np.unique(e.entry_score[~np.isnan(e.entry_score)])) < (~np.isnan(e.entry_score)).sum()
    )
    assert ranks.min() == 1
    assert set(e.forecast_status.tolist()) >= {0, 1, 2}


def test_outlier_flag_is_exercised_and_matches() -> None:
    hits = 0
    for seed in range(8):
        c = random_columns(seed)
        e = score_columns(c, ScoringConfig())
        b = bench.bare_pass(c)
        np.testing.assert_array_equal(b["flags"] & 256, e.flags & 256)
        hits += int((e.flags & 256).astype(bool).sum())
    assert hits > 0
