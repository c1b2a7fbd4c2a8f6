"""Worked examples from domain.md and every documented edge case."""

from __future__ import annotations

from datetime import date

import pytest

from nyata.scoring import (
    HIGHER,
    LOWER,
    Aggregation,
    Flag,
    LowerFormula,
    Observation,
    Polarity,
    PolarityKind,
    ScoringConfig,
    achievement,
    category,
    efficiency,
    forecast_year_end,
    rank_min,
    score_pemda,
    sdg_progress,
    ytd,
)
from nyata.scoring.formulas import deadline, robust_z

RANGE = Polarity(PolarityKind.RANGE, 80.0, 90.0)


# ---- A1 achievement ---------------------------------------------------------------------
def test_lower_is_better_worked_example() -> None:
    assert achievement(10, 12, LOWER) == (80.0, frozenset())


def test_higher_is_better_basic() -> None:
    assert achievement(80, 60, HIGHER)[0] == 75.0
    assert achievement(80, 0, HIGHER) == (0.0, frozenset())  # realisation zero


def test_target_zero_higher_is_excluded() -> None:
    assert achievement(0, 5, HIGHER) == (None, frozenset({Flag.TARGET_ZERO}))


@pytest.mark.parametrize(("r", "expected"), [(0, 100.0), (3, 0.0), (-1, 100.0)])
def test_target_zero_lower(r: float, expected: float) -> None:
    assert achievement(0, r, LOWER) == (expected, frozenset({Flag.TARGET_ZERO}))


def test_lower_floor_at_zero() -> None:
    assert achievement(10, 25, LOWER) == (0.0, frozenset({Flag.FLOORED}))
    assert achievement(10, 20, LOWER) == (0.0, frozenset())  # exactly 2T is 0, not floored


def test_lower_realisation_zero_is_200() -> None:
    assert achievement(10, 0, LOWER)[0] == 200.0


def test_inverse_lower_formula() -> None:
    inv = LowerFormula.INVERSE
    assert achievement(10, 12, LOWER, lower_formula=inv)[0] == pytest.approx(83.3333333333)
    assert achievement(10, 0, LOWER, lower_formula=inv)[0] == 1000.0  # ceiling, no inf
    assert achievement(10, 0.001, LOWER, lower_formula=inv)[0] == 1000.0


@pytest.mark.parametrize(
    ("r", "expected", "flags"),
    [
        (85, 100.0, frozenset()),
        (80, 100.0, frozenset()),
        (90, 100.0, frozenset()),
        (60, 75.0, frozenset()),  # below: R / LOW
        (99, 90.0, frozenset()),  # above: (2 - R / HIGH)
        (200, 0.0, frozenset({Flag.FLOORED})),
        (-8, 0.0, frozenset({Flag.FLOORED})),
    ],
)
def test_range(r: float, expected: float, flags: frozenset[Flag]) -> None:
    v, f = achievement(None, r, RANGE)
    assert v == pytest.approx(expected)
    assert f == flags


def test_negative_values() -> None:
    assert achievement(-5, 3, HIGHER) == (None, frozenset({Flag.NEGATIVE_TARGET}))
    assert achievement(-5, 3, LOWER) == (None, frozenset({Flag.NEGATIVE_TARGET}))
    assert achievement(10, -2, HIGHER) == (0.0, frozenset({Flag.FLOORED}))
    assert achievement(10, -2, LOWER)[0] == pytest.approx(220.0)
    neg_range = Polarity(PolarityKind.RANGE, -2.0, 2.0)
    assert achievement(None, 1, neg_range) == (None, frozenset({Flag.NEGATIVE_TARGET}))


def test_missing_realisation_has_no_value() -> None:
    assert achievement(10, None, HIGHER) == (None, frozenset())
    assert achievement(None, 5, HIGHER) == (None, frozenset({Flag.NO_TARGET}))


# ---- A3 categories ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("v", "code"),
    [
        (91, "sangat_tinggi"),
        (90.99, "tinggi"),
        (76, "tinggi"),
        (75.99, "sedang"),
        (66, "sedang"),
        (65.99, "rendah"),
        (51, "rendah"),
        (50.99, "sangat_rendah"),
        (0, "sangat_rendah"),
        (250, "sangat_tinggi"),
        (None, None),
    ],
)
def test_category_boundaries(v: float | None, code: str | None) -> None:
    assert category(v) == code


def test_category_thresholds_configurable() -> None:
    assert category(86, (85.0, 70.0, 55.0, 30.0)) == "sangat_tinggi"


# ---- A2 YTD -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("agg", "expected"),
    [
        (Aggregation.SUM, 60.0),
        (Aggregation.LAST, 30.0),
        (Aggregation.MEAN, 20.0),
        (Aggregation.MAX, 30.0),
    ],
)
def test_ytd_rules_with_missing_quarter(agg: Aggregation, expected: float) -> None:
    assert (
        ytd([10.0, None, 30.0, 20.0], agg)
        == {
            Aggregation.SUM: 60.0,
            Aggregation.LAST: 20.0,
            Aggregation.MEAN: 20.0,
            Aggregation.MAX: 30.0,
        }[agg]
    )
    assert ytd([10.0, 20.0, 30.0], agg) == expected
    assert ytd([None, None], agg) is None


def _q(
    agg: Aggregation, qt: list[float | None], rs: list[float | None], annual: float | None = None
) -> list[Observation]:
    rows = [
        Observation("P", "A", "i", 2024, q + 1, qt[q], rs[q], HIGHER, agg) for q in range(len(rs))
    ]
    if annual is not None:
        rows.append(Observation("P", "A", "i", 2024, None, annual, None, HIGHER, agg))
    return rows


@pytest.mark.parametrize(
    ("agg", "ytd_t", "ytd_r"),
    [
        (Aggregation.SUM, [10, 30, 60], [8, 28, 58]),
        (Aggregation.LAST, [10, 20, 30], [8, 20, 30]),
        (Aggregation.MEAN, [10, 15, 20], [8, 14, 58 / 3]),
        (Aggregation.MAX, [10, 20, 30], [8, 20, 30]),
    ],
)
def test_ytd_with_quarterly_targets(
    agg: Aggregation, ytd_t: list[float], ytd_r: list[float]
) -> None:
    res = score_pemda(_q(agg, [10, 20, 30], [8, 20, 30]))
    assert [i.ytd_target for i in res.indicators] == pytest.approx(ytd_t)
    assert [i.ytd_realisation for i in res.indicators] == pytest.approx(ytd_r)
    assert res.indicators[2].ytd_achievement == pytest.approx(ytd_r[2] / ytd_t[2] * 100)


@pytest.mark.parametrize(
    ("agg", "ytd_t"),
    [
        (Aggregation.SUM, [25, 50, 75, 100]),
        (Aggregation.LAST, [100] * 4),
        (Aggregation.MEAN, [100] * 4),
        (Aggregation.MAX, [100] * 4),
    ],
)
def test_ytd_without_quarterly_targets(agg: Aggregation, ytd_t: list[float]) -> None:
    res = score_pemda(_q(agg, [None] * 4, [20, 30, 25, 40], annual=100))
    assert [i.ytd_target for i in res.indicators[:4]] == pytest.approx(ytd_t)
    # the annual row's YTD is the YTD after quarter 4
    assert res.indicators[4].ytd_target == pytest.approx(ytd_t[3])
    assert res.indicators[4].ytd_realisation == res.indicators[3].ytd_realisation
    # a quarterly row without its own target uses annual/4 (sum) or the annual target
    assert res.indicators[0].achievement == pytest.approx(
        20 / (25 if agg is Aggregation.SUM else 100) * 100
    )


def test_sum_missing_quarter_adds_nothing_and_is_flagged() -> None:
    res = score_pemda(_q(Aggregation.SUM, [10, 10, 10], [10, None, 10]))
    assert res.indicators[2].ytd_realisation == 20.0
    assert "missing_quarter" in res.indicators[2].flags
    assert "missing_quarter" not in res.indicators[0].flags
    last = score_pemda(_q(Aggregation.LAST, [10, 10, 10], [10, None, 10]))
    assert "missing_quarter" not in last.indicators[2].flags


# ---- missing realisation: deadline ---------------------------------------------------------
def test_deadline_dates() -> None:
    assert deadline(2024, 1) == date(2024, 4, 10)
    assert deadline(2024, 4) == date(2025, 1, 10)
    assert deadline(2024, None) == date(2025, 1, 10)


@pytest.mark.parametrize(
    ("as_of", "flag", "score"),
    [(date(2024, 4, 10), "pending", 100.0), (date(2024, 4, 11), "not_reported", 50.0)],
)
def test_missing_before_and_after_deadline(as_of: date, flag: str, score: float) -> None:
    rows = [
        Observation("P", "A", "a", 2024, 1, 10, 10, HIGHER),
        Observation("P", "A", "b", 2024, 1, 10, None, HIGHER),
    ]
    res = score_pemda(rows, ScoringConfig(as_of=as_of))
    assert flag in res.indicators[1].flags
    assert res.agencies[0].score == pytest.approx(score)
    assert res.agencies[0].completeness == 0.5


# ---- A4 agency score, rank, cap -------------------------------------------------------------
def test_agency_score_cap_weights_and_breakdown() -> None:
    rows = [
        Observation("P", "A", "a", 2024, None, 10, 15, HIGHER),  # 150 -> capped 120
        Observation("P", "A", "b", 2024, None, 10, 6, HIGHER, weight=3.0),  # 60
        Observation("P", "A", "c", 2024, None, 0, 6, HIGHER),
    ]  # target zero: excluded
    res = score_pemda(rows)
    ag = res.agencies[0]
    assert ag.score == pytest.approx((120 + 3 * 60) / 4)
    assert ag.category == "sedang"
    parts = {c.indicator: c for c in ag.breakdown}
    assert parts["a"].achievement == 150.0 and parts["a"].capped == 120.0
    assert parts["a"].weight_share == pytest.approx(0.25)
    assert parts["c"].status == "excluded"
    assert sum(c.contribution or 0 for c in ag.breakdown) == pytest.approx(ag.score)
    assert res.indicators[0].achievement == 150.0  # raw stays uncapped
    uncapped = score_pemda(rows, ScoringConfig(cap=None)).agencies[0]
    assert uncapped.score == pytest.approx((150 + 180) / 4)


def test_ranking_ties_1_2_2_4() -> None:
    assert list(rank_min({"a": 90.0, "b": 80.0, "c": 80.0, "d": 70.0}).values()) == [1, 2, 2, 4]
    rows = [
        Observation("P", ag, "i", 2024, None, 100, r, HIGHER)
        for ag, r in [("D", 70), ("C", 80), ("B", 80), ("A", 90)]
    ]
    res = score_pemda(rows)
    assert [(a.agency, a.rank) for a in res.agencies] == [("A", 1), ("B", 2), ("C", 2), ("D", 4)]


def test_ranks_are_per_pemda_year_quarter() -> None:
    rows = [
        Observation(p, "X", "i", 2024, q, 100, 50 + q, HIGHER) for p in ("P1", "P2") for q in (1, 2)
    ]
    res = score_pemda(rows)
    assert all(a.rank == 1 for a in res.agencies)
    assert len(res.agencies) == 4


# ---- red flags ------------------------------------------------------------------------------
def test_copied_values_outlier_no_evidence_target_too_low() -> None:
    rows = [
        Observation("P", "A", "i", 2024, q, 10, r, HIGHER, Aggregation.SUM)
        for q, r in [(1, 7), (2, 8), (3, 9)]
    ]
    rows.append(
        Observation("P", "A", "i", 2024, 4, 10, 400, HIGHER, Aggregation.SUM, evidence_count=0)
    )
    res = score_pemda(rows)
    assert "outlier" in res.indicators[3].flags
    assert "outlier" not in res.indicators[2].flags
    assert "target_too_low" in res.indicators[3].flags
    assert "target_too_low" not in res.indicators[2].flags
    assert "no_evidence" in res.indicators[3].flags
    assert "no_evidence" not in res.indicators[2].flags  # evidence_count unknown
    copied = [
        Observation("P", "A", "i", 2024, q, 10, r, HIGHER, Aggregation.SUM)
        for q, r in [(1, 9), (2, 7), (3, 7), (4, 7)]
    ]
    flags = [i.flags for i in score_pemda(copied).indicators]
    assert ["copied_values" in f for f in flags] == [False, True, True, True]


def test_copied_values_needs_three_for_sum_and_four_otherwise() -> None:
    two = [
        Observation("P", "A", "i", 2024, q, 10, r, HIGHER, Aggregation.SUM)
        for q, r in [(1, 7), (2, 7), (3, 8), (4, 9)]
    ]
    assert not any("copied_values" in i.flags for i in score_pemda(two).indicators)
    last3 = [
        Observation("P", "A", "i", 2024, q, 10, r, HIGHER, Aggregation.LAST)
        for q, r in [(1, 7), (2, 7), (3, 7), (4, 9)]
    ]
    assert not any("copied_values" in i.flags for i in score_pemda(last3).indicators)
    last4 = [
        Observation("P", "A", "i", 2024, q, 10, 7, HIGHER, Aggregation.LAST) for q in (1, 2, 3, 4)
    ]
    assert all("copied_values" in i.flags for i in score_pemda(last4).indicators)


def test_robust_z_uses_mean_deviation_when_mad_is_zero() -> None:
    z = robust_z([10, 10, 10, 10, 100])
    assert z[4] > 3.5 and z[0] == 0
    # with only four values the mean-deviation z cannot exceed 4 / 1.2533 (documented)
    assert max(robust_z([10, 10, 10, 100])) < 3.5
    assert robust_z([5, 5, 5, 5]) == [0.0, 0.0, 0.0, 0.0]


def test_target_below_last_year_and_ambition() -> None:
    rows = [
        Observation("P", "A", "i", y, None, t, r, HIGHER)
        for y, t, r in [(2021, 50, 60), (2022, 60, 70), (2023, 70, 80), (2024, 75, 82)]
    ]
    res = score_pemda(rows)
    amb = {a.year: a for a in res.ambitions}
    assert amb[2021].label == "unknown"
    assert amb[2024].label == "not_ambitious"  # 75 < last year's 80
    assert amb[2024].ratio == pytest.approx(75 / 80)
    assert amb[2024].trend_value == pytest.approx(90.0)
    assert "target_below_last_year" in res.indicators[3].flags
    assert "target_below_last_year" not in res.indicators[2].flags
    assert amb[2023].label == "modest"  # 70 >= 70 (last) but < trend 80
    # ambition factor down-weights the sandbagged indicator in the score
    rows2 = [*rows, Observation("P", "A", "j", 2024, None, 100, 50, HIGHER)]
    plain = next(a for a in score_pemda(rows2).agencies if a.year == 2024)
    damped = next(
        a
        for a in score_pemda(rows2, ScoringConfig(ambition_factor=True)).agencies
        if a.year == 2024
    )
    assert plain.score == pytest.approx((82 / 75 * 100 + 50) / 2)
    assert damped.score == pytest.approx((0.5 * 82 / 75 * 100 + 50) / 1.5)


# ---- forecast ---------------------------------------------------------------------------------
def test_forecast_pro_rata_and_trend_for_sum() -> None:
    fc = forecast_year_end([10.0, 20.0], Aggregation.SUM)
    assert fc is not None
    assert fc.point == pytest.approx(60.0)  # 30 + 2 x 15
    assert fc.high == pytest.approx(30 + 30 + 40)  # trend: 30 and 40 to come
    assert forecast_year_end([10.0, 20.0], Aggregation.SUM, seasonal_share=0.25) is not None
    assert forecast_year_end([10.0, 20.0], Aggregation.SUM, 0.25).point == 120.0  # type: ignore[union-attr]


def test_forecast_last_and_status() -> None:
    fc = forecast_year_end([50.0, 60.0, 70.0], Aggregation.LAST)
    assert fc is not None and fc.point == pytest.approx(80.0) and fc.low == 70.0
    rows = [
        Observation("P", "A", "i", 2024, q, 100, r, HIGHER, Aggregation.LAST)
        for q, r in [(1, 50), (2, 60), (3, 70)]
    ]
    assert score_pemda(rows).forecasts[0].achievement is None  # annual target unknown
    rows.append(Observation("P", "A", "i", 2024, None, 100, None, HIGHER, Aggregation.LAST))
    res = score_pemda(rows)
    assert res.indicators[3].flags == ()  # annual target row: empty realisation not flagged
    f = res.forecasts[0]
    assert f.as_of_quarter == 3
    assert f.achievement == pytest.approx(80.0)
    assert f.status == "at_risk"


def test_seasonal_profile_from_history() -> None:
    rows = [
        Observation("P", "A", "i", 2023, q, None, r, HIGHER, Aggregation.SUM)
        for q, r in [(1, 10), (2, 10), (3, 10), (4, 70)]
    ]
    rows += [
        Observation("P", "A", "i", 2023, None, 100, None, HIGHER, Aggregation.SUM),
        Observation("P", "A", "i", 2024, None, 100, None, HIGHER, Aggregation.SUM),
        Observation("P", "A", "i", 2024, 1, None, 11, HIGHER, Aggregation.SUM),
    ]
    f = next(f for f in score_pemda(rows).forecasts if f.year == 2024)
    assert f.realisation == pytest.approx(110.0)  # Q1 was 10 % of the year last year
    assert f.status == "on_track"


# ---- efficiency, SDG progress -----------------------------------------------------------------
def test_efficiency_flags() -> None:
    e = efficiency(55.0, 95.0)
    assert e.spent_not_delivered and not e.efficient
    assert efficiency(60.0, 80.0).spent_not_delivered  # absorption >= 76, achievement < 66
    assert not efficiency(70.0, 80.0).spent_not_delivered
    d = efficiency(98.0, 70.0)
    assert d.delivered_for_less and d.efficient
    assert not efficiency(98.0, 90.0).delivered_for_less


@pytest.mark.parametrize(
    ("current", "status"),
    [
        (100.0, "achieved"),
        (70.0, "on_track"),
        (64.0, "acceleration_needed"),
        (55.0, "limited_progress"),
        (45.0, "deterioration"),
    ],
)
def test_sdg_progress(current: float, status: str) -> None:
    # baseline 50 in 2020, target 100 in 2030, in 2024 needed +20 -> 70
    assert sdg_progress(50, 2020, 100, 2030, current, 2024, HIGHER)[0] == status


def test_sdg_progress_lower_is_better() -> None:
    assert sdg_progress(20, 2020, 10, 2030, 16, 2024, LOWER) == ("on_track", pytest.approx(1.0))
    assert sdg_progress(20, 2020, 10, 2030, 22, 2024, LOWER)[0] == "deterioration"
