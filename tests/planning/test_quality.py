"""Each target-quality rule, on both polarities (range indicators are exempt from direction)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from nyata.planning.quality import IndicatorFacts, ObjectiveFacts, Rule, check, check_indicator

YEARS = [2025, 2026, 2027]
HIGH, LOW, RANGE = "higher_is_better", "lower_is_better", "range"


def ind(polarity: str, targets: list[str], baseline: str | None = None,
        actuals: dict[int, str] | None = None) -> IndicatorFacts:
    return IndicatorFacts(
        code="X", name="x", polarity=polarity, unit="persen", baseline_year=2024,
        baseline_value=D(baseline) if baseline else None,
        targets={y: D(t) for y, t in zip(YEARS, targets, strict=False)},
        actuals={y: D(v) for y, v in (actuals or {}).items()})


def rules(facts: IndicatorFacts) -> set[tuple[Rule, int | None]]:
    return {(f.rule, f.year) for f in check_indicator(facts, YEARS)}


@pytest.mark.parametrize("polarity,targets,baseline,flagged", [
    (HIGH, ["79", "81", "82"], "80", {2025}),
    (HIGH, ["80", "81", "82"], "80", set()),
    (LOW, ["11", "9", "8"], "10", {2025}),
    (LOW, ["10", "9", "8"], "10", set()),
    (RANGE, ["1", "1", "1"], "10", set()),
])
def test_below_baseline(polarity: str, targets: list[str], baseline: str, flagged: set[int]) -> None:
    assert {y for r, y in rules(ind(polarity, targets, baseline)) if r == Rule.BELOW_BASELINE} == flagged


@pytest.mark.parametrize("polarity,targets,actuals,flagged", [
    (HIGH, ["70", "74", "76"], {2024: "72", 2025: "75"}, {2025, 2026}),
    (HIGH, ["73", "76", "77"], {2024: "72", 2025: "75"}, set()),
    (LOW, ["5", "4.5", "3"], {2024: "4", 2025: "4"}, {2025, 2026}),
    (LOW, ["3.9", "3.8", "3.7"], {2024: "4", 2025: "3.9"}, set()),
])
def test_below_last_actual(polarity: str, targets: list[str], actuals: dict[int, str],
                           flagged: set[int]) -> None:
    found = {y for r, y in rules(ind(polarity, targets, actuals=actuals))
             if r == Rule.BELOW_LAST_ACTUAL}
    assert found == flagged


@pytest.mark.parametrize("polarity,targets,flat", [
    (HIGH, ["80", "80", "80"], True), (HIGH, ["80", "80", "81"], False),
    (LOW, ["5", "5", "5"], True), (LOW, ["5", "4", "4"], False),
    (RANGE, ["2", "2", "2"], False),
])
def test_flat_targets(polarity: str, targets: list[str], flat: bool) -> None:
    assert ((Rule.FLAT, None) in rules(ind(polarity, targets))) is flat


@pytest.mark.parametrize("polarity", [HIGH, LOW, RANGE])
def test_missing_years(polarity: str) -> None:
    assert {y for r, y in rules(ind(polarity, ["1", "2"])) if r == Rule.MISSING_YEAR} == {2027}
    assert not {y for r, y in rules(ind(polarity, ["3", "2", "1"])) if r == Rule.MISSING_YEAR}


def test_output_only_objectives() -> None:
    objs = [ObjectiveFacts("A", "a", "D1", ("dokumen", "laporan")),
            ObjectiveFacts("B", "b", "D1", ("dokumen", "persen")),
            ObjectiveFacts("C", "c", "", ("rapat",)),
            ObjectiveFacts("E", "e", "", ())]
    found = check([], objs, YEARS)
    assert [(f.rule, f.subject_code) for f in found] == [(Rule.OUTPUT_ONLY, "C"),
                                                         (Rule.OUTPUT_ONLY, "A")]
    assert "dokumen" in found[1].message and found[1].label
