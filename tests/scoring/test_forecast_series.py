"""One series' forecast (the indicator page) is the same as that series' forecast in a whole Pemda's run."""

from __future__ import annotations

import pytest

from nyata.scoring import HIGHER, LOWER, Aggregation, Observation, Polarity, forecast_series, score_pemda


@pytest.mark.parametrize(("polarity", "aggregation"), [(HIGHER, Aggregation.SUM), (LOWER, Aggregation.LAST),
                                                       (HIGHER, Aggregation.MEAN)])
def test_one_series_forecasts_as_it_does_among_others(polarity: Polarity, aggregation: Aggregation) -> None:
    targets = [10.0, 20.0, 30.0, 40.0] if aggregation is Aggregation.SUM else [40.0] * 4
    values: list[float | None] = [9.0, 21.0, None, None]
    annual = 100.0 if aggregation is Aggregation.SUM else 40.0
    rows = [Observation("P", "A", "I", 2026, q, t, values[q - 1], polarity, aggregation)
            for q, t in enumerate(targets, start=1)]
    rows.append(Observation("P", "A", "I", 2026, None, annual, None, polarity, aggregation))
    others = [Observation("P", "B", "J", 2026, q, 5.0, 1.0, HIGHER, Aggregation.SUM) for q in (1, 2)]
    whole = next(f for f in score_pemda(rows + others).forecasts if f.indicator == "I")
    alone = forecast_series(year=2026, as_of_quarter=2, annual_target=annual, quarter_targets=targets,
                            values=values, polarity=polarity, aggregation=aggregation)
    assert alone is not None
    assert (alone.realisation, alone.low, alone.high, alone.achievement, alone.status) == (
        whole.realisation, whole.low, whole.high, whole.achievement, whole.status)
    assert alone.as_of_quarter == 2 and alone.status is not None


def test_quarters_after_the_period_are_ignored() -> None:
    def at_q1(values: list[float | None]) -> object:
        return forecast_series(year=2026, as_of_quarter=1, annual_target=100.0, quarter_targets=[25.0] * 4,
                               values=values, polarity=HIGHER, aggregation=Aggregation.SUM)

    early = at_q1([20.0, 90.0, 90.0, 90.0])
    assert early is not None and early == at_q1([20.0, None, None, None])
