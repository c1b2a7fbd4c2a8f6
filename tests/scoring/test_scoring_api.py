"""Bulk API extras: efficiency arrays, rank sensitivity, breakdowns, columnar input."""

from __future__ import annotations

import numpy as np
import pytest

from nyata.scoring import (
    HIGHER,
    Columns,
    DuplicateRowError,
    Observation,
    efficiency,
    efficiency_array,
    rank_sensitivity,
    score_columns,
    score_pemda,
)
from nyata.scoring.model import CATEGORY_CODES

from .helpers import random_rows


def test_efficiency_array_matches_scalar() -> None:
    rng = np.random.default_rng(3)
    ach = rng.uniform(0, 130, 500).round(0)
    absn = rng.uniform(0, 110, 500).round(0)
    res = efficiency_array(ach, absn)
    for i in range(500):
        e = efficiency(float(ach[i]), float(absn[i]))
        assert CATEGORY_CODES[res["achievement_category"][i]] == e.achievement_category
        assert CATEGORY_CODES[res["absorption_category"][i]] == e.absorption_category
        assert bool(res["spent_not_delivered"][i]) == e.spent_not_delivered
        assert bool(res["delivered_for_less"][i]) == e.delivered_for_less
        assert bool(res["efficient"][i]) == e.efficient
    assert res["spent_not_delivered"].any() and res["delivered_for_less"].any()


def test_rank_sensitivity_under_alternative_weights() -> None:
    rows = [
        Observation("P", "A", "x", 2024, None, 100, 100, HIGHER),
        Observation("P", "A", "y", 2024, None, 100, 40, HIGHER),
        Observation("P", "B", "x", 2024, None, 100, 60, HIGHER),
        Observation("P", "B", "y", 2024, None, 100, 70, HIGHER),
    ]
    out = rank_sensitivity(rows, {"x_heavy": {"x": 3.0}, "y_heavy": {"y": 3.0}})
    assert out["base"] == {("P", "A", 2024, None): 1, ("P", "B", 2024, None): 2}
    assert out["x_heavy"][("P", "A", 2024, None)] == 1
    assert out["y_heavy"] == {("P", "A", 2024, None): 2, ("P", "B", 2024, None): 1}


@pytest.mark.parametrize("seed", range(5))
def test_breakdown_explains_every_score(seed: int) -> None:
    res = score_pemda(random_rows(seed))
    for a in res.agencies:
        if a.score is None:
            assert all(c.status in ("excluded", "pending", "awaiting_verification") for c in a.breakdown)
            continue
        total = sum(c.contribution for c in a.breakdown if c.contribution is not None)
        assert total == pytest.approx(a.score, rel=1e-9, abs=1e-9)
        shares = sum(c.weight_share for c in a.breakdown if c.weight_share is not None)
        assert shares == pytest.approx(1.0)


def test_columnar_input_and_duplicates() -> None:
    rows = [Observation("P", "A", "x", 2024, q, 10, 5 * q, HIGHER) for q in (1, 2)]
    cols = Columns.from_rows(rows)
    br = score_columns(cols)
    assert br.achievement.tolist() == [50.0, 100.0]
    assert br.ytd_achievement.tolist() == [50.0, 75.0]
    with pytest.raises(DuplicateRowError) as exc:
        score_pemda([*rows, rows[0]])
    assert exc.value.rows == [0, 2]
