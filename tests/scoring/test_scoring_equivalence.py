"""The vectorised engine and the scalar reference agree on random data."""

from __future__ import annotations

from datetime import date

import pytest

from nyata.scoring import LowerFormula, ScoringConfig, score_pemda
from tests.scoring.reference import score_reference

from .helpers import close, random_rows

CONFIGS = [
    ScoringConfig(),
    ScoringConfig(cap=None, lower_formula=LowerFormula.INVERSE, as_of=date(2024, 7, 5)),
    ScoringConfig(cap=100.0, ambition_factor=True, weights={"i1": 3.0}, as_of=date(2024, 4, 10)),
    ScoringConfig(cap=110.0, as_of=date(2024, 4, 11), outlier_min_points=3),
]


@pytest.mark.parametrize("seed", range(12))
def test_vector_and_scalar_paths_agree(seed: int) -> None:
    rows = random_rows(seed)
    cfg = CONFIGS[seed % len(CONFIGS)]
    vec = score_pemda(rows, cfg)
    ref = score_reference(rows, cfg)
    assert len(vec.indicators) == len(rows)
    close(vec.indicators, ref.indicators, "indicators")
    close(vec.agencies, ref.agencies, "agencies")
    close(vec.forecasts, ref.forecasts, "forecasts")
    close(vec.ambitions, ref.ambitions, "ambitions")
    # the random data must exercise the interesting branches
    flags = {f for i in vec.indicators for f in i.flags}
    assert {"not_reported", "missing_quarter", "floored"} <= flags


def test_random_data_covers_the_branches() -> None:
    flags: set[str] = set()
    labels: set[str] = set()
    statuses: set[str | None] = set()
    for seed in range(12):
        res = score_pemda(random_rows(seed), CONFIGS[seed % len(CONFIGS)])
        flags |= {f for i in res.indicators for f in i.flags}
        labels |= {a.label for a in res.ambitions}
        statuses |= {f.status for f in res.forecasts}
    assert flags >= {
        "target_zero",
        "floored",
        "not_reported",
        "pending",
        "missing_quarter",
        "no_target",
        "negative_target",
        "target_too_low",
        "outlier",
        "copied_values",
        "no_evidence",
        "target_below_last_year",
        "awaiting_verification",
        "out_of_bounds",
    }
    assert labels >= {"ambitious", "not_ambitious", "unknown", "not_applicable"}
    assert statuses >= {"on_track", "at_risk", "off_track"}
