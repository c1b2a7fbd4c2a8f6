"""GET /api/v1/ratings/individual/{id}: the rating with the data behind it, for those item 6 lists."""

from __future__ import annotations

from typing import Any

import pytest

from nyata.core.tenancy import tenant_scope
from nyata.ratings import actions
from nyata.ratings.models import IndividualRating
from tests.conftest import World
from tests.ratings.builders import YEAR, Unit, build_unit


@pytest.fixture
def rating(world: World) -> IndividualRating:
    with tenant_scope(world.a):
        unit: Unit = build_unit(world, score=95.0, staff=[80])
        return actions.rating_propose(actor=None, official=unit.staff[0], year=YEAR, behaviour="meeting",
                                      work="meeting", reason="Target dipotong")


def test_the_inspectorate_reads_the_departure_and_its_reason(world: World, rating: IndividualRating) -> None:
    body = world.client("inspector").get(f"/api/v1/ratings/individual/{rating.pk}").json()
    assert (body["proposed_work"], body["work"], body["departs"], body["departure_reason"]) == (
        "below", "meeting", True, "Target dipotong")
    assert body["achievement"] in ("80.0000", 80.0, "80")


@pytest.mark.parametrize(("who", "status"), [
    ("agency_head", 200), ("perf_admin", 200), ("leader", 403), ("agency_operator", 403), ("outsider", 404),
])
def test_who_reads_it(world: World, rating: IndividualRating, who: str, status: int) -> None:
    assert world.client(who).get(f"/api/v1/ratings/individual/{rating.pk}").status_code == status


def test_the_list_gives_each_caller_only_what_privacy_allows(world: World, rating: IndividualRating) -> None:
    url = f"/api/v1/ratings/individual?year={YEAR}"
    assert [r["id"] for r in world.client("inspector").get(url).json()] == [rating.pk]
    assert world.client("leader").get(url).json() == []
    assert world.client("agency_operator").get(url).json() == []


def test_the_list_costs_a_constant_number_of_queries(
    world: World, rating: IndividualRating, django_assert_max_num_queries: Any
) -> None:
    client = world.client("inspector")
    url = f"/api/v1/ratings/individual?year={YEAR}"
    client.get(url)  # warm the session
    with tenant_scope(world.a):
        for _ in range(5):
            actions.rating_propose(actor=None, official=rating.official, year=YEAR, behaviour="above",
                                   work="meeting", reason="uji")
    with django_assert_max_num_queries(12):
        assert len(client.get(url).json()) == 6
