"""A value submitted on time but not yet verified is awaiting verification (domain.md A1).

It is left out of the agency score and the rank, is never 0 and never ``not_reported``, and
makes the entry provisional with a count of the values that wait. Only a value missing at the
deadline counts as 0. Both engines (vectorised and scalar reference) say the same.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from nyata.scoring import HIGHER, Observation, ScoringConfig, score_pemda
from nyata.scoring.model import AgencyResult, Aggregation, Result
from tests.scoring.reference import score_reference

Engine = Callable[..., Result]

LAST = Aggregation.LAST
PAST = ScoringConfig(as_of=date(2025, 1, 31))  # every 2024 deadline has passed


def obs(agency: str, ind: str, q: int, r: float | None, *, verified: bool = True) -> Observation:
    return Observation("P", agency, ind, 2024, q, 100.0, r, HIGHER, LAST, "persen", verified)


def demo_like() -> list[Observation]:
    """Like the demo's Bappeda: reported on time, the inspectorate has not verified yet."""
    return [
        obs("A", "x", 1, 80.0), obs("A", "y", 1, 60.0),            # verified: 70
        obs("B", "x", 1, 95.0, verified=False), obs("B", "y", 1, 90.0, verified=False),
        obs("C", "x", 1, 50.0), obs("C", "y", 1, None),             # y missing: counts 0
        obs("D", "x", 1, 100.0), obs("D", "y", 1, 99.0, verified=False),
    ]


def entry(res: Result, agency: str) -> AgencyResult:
    return next(a for a in res.agencies if a.agency == agency and a.quarter == 1)


@pytest.mark.parametrize("engine", [score_pemda, score_reference])
def test_values_awaiting_verification_are_left_out_never_zero(engine: Engine) -> None:
    res = engine(demo_like(), PAST)
    a, b, c, d = (entry(res, x) for x in "ABCD")
    assert b.score is None and b.category is None and b.rank is None
    assert b.awaiting == 2 and b.provisional
    assert d.score == pytest.approx(100.0) and d.awaiting == 1
    assert a.score == pytest.approx(70.0) and a.awaiting == 0 and not a.provisional
    assert c.score == pytest.approx(25.0)  # the missing value still counts 0
    assert [x.rank for x in (d, a, c)] == [1, 2, 3]


@pytest.mark.parametrize("engine", [score_pemda, score_reference])
def test_the_flag_is_awaiting_verification_not_not_reported(engine: Engine) -> None:
    res = engine(demo_like(), PAST)
    flags = {(i.agency, i.indicator): i.flags for i in res.indicators}
    assert flags[("B", "x")] == ("awaiting_verification",)
    assert "not_reported" in flags[("C", "y")]
    b = next(i for i in res.indicators if (i.agency, i.indicator) == ("B", "x"))
    assert b.realisation == 95.0 and b.achievement is None  # shown, not scored


def test_the_breakdown_names_the_waiting_values() -> None:
    res = score_pemda(demo_like(), PAST)
    d = next(a for a in res.agencies if a.agency == "D" and a.quarter == 1)
    assert {c.indicator: c.status for c in d.breakdown} == {"x": "included", "y": "awaiting_verification"}
    y = next(c for c in d.breakdown if c.indicator == "y")
    assert y.weight_share is None and y.contribution is None


def test_a_year_to_date_treats_a_waiting_quarter_as_absent() -> None:
    rows = [
        Observation("P", "A", "s", 2024, 1, 10.0, 10.0, HIGHER, Aggregation.SUM),
        Observation("P", "A", "s", 2024, 2, 10.0, 10.0, HIGHER, Aggregation.SUM, verified=False),
    ]
    for engine in (score_pemda, score_reference):
        res = engine(rows, PAST)
        q2 = next(i for i in res.indicators if i.quarter == 2)
        assert q2.ytd_realisation == 10.0 and "awaiting_verification" in q2.flags
        e2 = next(a for a in res.agencies if a.quarter == 2)
        assert e2.score is None and e2.awaiting == 1
