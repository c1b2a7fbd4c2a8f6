"""The bulk fast paths of ``vector.py`` give what the general paths and the scalar twin give."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nyata.scoring import Aggregation, ScoringConfig, score_pemda
from nyata.scoring.formulas import robust_z, ytd
from nyata.scoring.vector import Columns, robust_z_rows, score_columns, ytd_matrix

from .helpers import close, random_rows


@pytest.mark.parametrize("seed", range(6))
def test_sorted_input_scores_like_shuffled_input(seed: int) -> None:
    rows = random_rows(seed, years=(2023, 2024))
    srt = sorted(rows, key=lambda o: (o.pemda, o.agency, o.indicator, o.year, o.quarter or 0))
    a = score_pemda(rows, ScoringConfig())
    b = score_pemda(srt, ScoringConfig())
    pos = {id(o): i for i, o in enumerate(rows)}
    close(tuple(a.indicators[pos[id(o)]] for o in srt), b.indicators, "indicators")
    close(a.agencies, b.agencies, "agencies")
    close(a.forecasts, b.forecasts, "forecasts")
    close(a.ambitions, b.ambitions, "ambitions")
    # and the sorted columns take the sorted-key path without changing the codes' meaning
    cb = Columns.from_rows(srt)
    assert bool((np.diff(cb.pemda) >= 0).all())
    score_columns(cb)


def test_four_column_robust_z_matches_the_scalar_twin() -> None:
    rng = np.random.default_rng(3)
    x = rng.choice([0.0, 1.0, 2.0, 5.0, 100.0, -3.0, 7.5, np.nan], size=(3000, 4))
    z, n = robust_z_rows(x)
    for i in range(len(x)):
        vals = [float(v) for v in x[i] if not math.isnan(v)]
        assert n[i] == len(vals)
        want = iter(robust_z(vals))
        for v, got in zip(x[i], z[i], strict=True):
            if math.isnan(v):
                assert math.isnan(got)
            else:
                assert got == next(want)


def test_ytd_matrix_matches_the_scalar_twin() -> None:
    rng = np.random.default_rng(4)
    m = rng.choice([0.0, -0.0, 1.5, 2.0, -4.0, 10.0, np.nan], size=(2000, 4))
    agg = rng.integers(0, 4, size=2000)
    out, cnt = ytd_matrix(m, agg)
    for i in range(len(m)):
        vals = [None if math.isnan(v) else float(v) for v in m[i]]
        for q in range(1, 5):
            want = ytd(vals[:q], Aggregation(int(agg[i])))
            got = float(out[i, q - 1])
            assert (want is None and math.isnan(got)) or got == want
            assert cnt[i, q - 1] == sum(v is not None for v in vals[:q])
