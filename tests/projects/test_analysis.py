"""The pure rules: deviation thresholds at their boundaries, delay propagation, cycles."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nyata.projects.analysis import (
    CycleError,
    DeviationStatus,
    cycle_if_added,
    deviation,
    deviation_status,
    propagate,
    topological_order,
)

ON, LATE, CRIT = DeviationStatus.ON_TRACK, DeviationStatus.LATE, DeviationStatus.CRITICAL


@pytest.mark.parametrize("planned,actual,want", [
    # period I (planned <= 70): critical only when behind by MORE than 10 points
    (50, 50, ON), (50, 55, ON), (50, "49.99", LATE), (50, 40, LATE), (50, "39.99", CRIT),
    (70, 60, LATE), (70, "59.99", CRIT),  # planned exactly 70 is still period I
    (10, 0, LATE), ("10.01", 0, CRIT),
    # period II (planned > 70): critical when behind by MORE than 5 points
    ("70.01", "65.01", LATE), ("70.01", "65", CRIT),
    (80, 75, LATE), (80, "74.99", CRIT), (100, 95, LATE), (100, "94.99", CRIT), (100, 100, ON),
])
def test_deviation_thresholds_at_their_boundaries(planned: object, actual: object,
                                                  want: DeviationStatus) -> None:
    assert deviation_status(Decimal(str(planned)), Decimal(str(actual))) is want


def test_period_two_is_critical_by_any_amount_when_it_runs_past_the_fiscal_year() -> None:
    assert deviation_status(80, "79.99", runs_past_fiscal_year=True) is CRIT
    assert deviation_status(80, "79.99", runs_past_fiscal_year=False) is LATE
    assert deviation_status(80, 80, runs_past_fiscal_year=True) is ON
    # period I: the fiscal-year rule does not apply
    assert deviation_status(70, 65, runs_past_fiscal_year=True) is LATE


def test_floats_are_compared_exactly() -> None:
    assert deviation_status(47.41, 37.41) is LATE  # 10.000000000000004 in binary floats
    assert deviation(47.41, 43.89) == Decimal("-3.52")


def test_delay_propagates_through_a_chain_of_three_agencies() -> None:
    # agency 1 (land) -> agency 2 (road) -> agency 3 (port) -> agency 3 (operation)
    owners = [1, 2, 3, 3, 4]
    edges = [(0, 1), (1, 2), (2, 3)]
    result = propagate(owners, edges, late=[0])
    assert result.downstream(0) == [1, 2, 3]
    assert result.harm[0] == 3  # every downstream item belongs to another agency
    assert result.agency_harm == {1: 3}
    assert result.agency_victims == {1: {2, 3}}
    # the road is late too: it harms the port, not itself
    result = propagate(owners, edges, late=[0, 1])
    assert result.downstream(1) == [2, 3]
    assert result.harm[1] == 2
    assert result.ranking() == [(1, 3, 2), (2, 2, 1)]


def test_done_items_are_not_at_risk_and_own_items_are_not_harm() -> None:
    owners = [1, 1, 2, 2]
    edges = [(0, 1), (1, 2), (0, 3)]
    result = propagate(owners, edges, late=[0], done=[3])
    assert result.downstream(0) == [1, 2]
    assert result.harm[0] == 1  # item 1 is the agency's own; item 3 is done


def test_harm_counts_each_victim_once_per_agency() -> None:
    owners = [1, 1, 2]
    result = propagate(owners, [(0, 2), (1, 2)], late=[0, 1])
    assert result.harm == {0: 1, 1: 1}
    assert result.agency_harm == {1: 1}


def test_a_cycle_is_refused_and_named() -> None:
    with pytest.raises(CycleError) as e:
        topological_order(4, [[1], [2], [0], []])
    assert e.value.cycle[0] == e.value.cycle[-1]
    assert set(e.value.cycle) == {0, 1, 2}
    with pytest.raises(CycleError):
        propagate([1, 2, 3], [(0, 1), (1, 2), (2, 0)], late=[0])


def test_cycle_if_added_names_the_loop() -> None:
    edges = [(0, 1), (1, 2)]
    assert cycle_if_added(3, edges, (2, 0)) == [2, 0, 1, 2]
    assert cycle_if_added(3, edges, (0, 2)) is None


def test_bitset_decoding_matches_for_small_and_large_sets() -> None:
    import random

    from nyata.projects.analysis import bits_to_list

    rng = random.Random(3)
    for size in (0, 5, 64, 65, 3000):
        chosen = sorted(rng.sample(range(20_000), size))
        assert bits_to_list(sum(1 << i for i in chosen)) == chosen
