"""One translation of a stored polarity into the engine's, used by the dashboard and the portal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nyata.core.tenancy import tenant_scope
from nyata.dashboard import queries
from nyata.planning import public
from nyata.planning.models import (
    Goal,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    Objective,
    PlanPeriod,
    engine_polarity,
)
from nyata.planning.models import Polarity as Stored
from nyata.scoring import HIGHER, LOWER, Polarity, PolarityKind
from tests.conftest import World


@pytest.mark.parametrize(("stored", "low", "high", "expected"), [
    (Stored.HIGHER, None, None, HIGHER),
    (Stored.LOWER, Decimal(5), None, LOWER),
    (Stored.RANGE, Decimal("2.5"), Decimal("3.5"), Polarity(PolarityKind.RANGE, 2.5, 3.5)),
    # A range whose upper bound is missing is the single value (as the engine reads it).
    (Stored.RANGE, Decimal(3), None, Polarity(PolarityKind.RANGE, 3.0, 3.0)),
    # A range without bounds cannot be scored as one: higher is better, as every copy did.
    (Stored.RANGE, None, None, HIGHER),
])
def test_each_stored_polarity_has_one_engine_polarity(
    stored: str, low: Decimal | None, high: Decimal | None, expected: Polarity,
) -> None:
    assert engine_polarity(stored, low, high) == expected


def test_an_unknown_polarity_is_refused() -> None:
    with pytest.raises(ValueError, match="sideways"):
        engine_polarity("sideways")


def test_the_inflation_range_reads_the_same_on_the_dashboard_and_the_portal(world: World) -> None:
    """It read "—" on the dashboard (the range was dropped) and 100 % on the portal."""
    with tenant_scope(world.a):
        period = PlanPeriod.objects.create(pemda=world.a, name="RPJMD", start_year=2025, end_year=2029,
                                           is_current=True)
        goal = Goal.objects.create(pemda=world.a, period=period, code="T1", name="Ekonomi")
        obj = Objective.objects.create(pemda=world.a, period=period, goal=goal, code="S1", name="Harga stabil")
        ind = Indicator.objects.create(pemda=world.a, period=period, objective=obj, code="INF",
                                       name="Inflasi", unit="persen", polarity=Stored.RANGE, is_key=True)
        IndicatorTarget.objects.create(pemda=world.a, indicator=ind, year=2025, value=Decimal("1.5"),
                                       value_high=Decimal("3.5"))
        IndicatorActual.objects.create(pemda=world.a, indicator=ind, year=2025, value=Decimal("2.1"),
                                       source="BPS")
        dashboard = queries.headline_indicators(2025)
        portal = list(public.headline_indicators(world.a, 2025))
    assert portal[0]["achievement"] == 100
    assert dashboard[0].achievement == pytest.approx(100)
