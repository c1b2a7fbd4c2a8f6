"""Issue 20 item 6: an individual rating is seen by the official, their appraiser, the appraiser's
superior, the agency head, the performance admin and the inspectorate of that Pemda — nobody else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from nyata.core import actions as core_actions
from nyata.core.models import Account, Assignment, Official, Position, User
from nyata.core.roles import Role
from nyata.core.tenancy import tenant_scope
from nyata.ratings import actions
from nyata.ratings.models import IndividualRating
from nyata.ratings.privacy import may_see_rating, visible_ratings
from tests.conftest import World, make_user
from tests.ratings.builders import YEAR, Unit, build_unit


@pytest.fixture
def unit(world: World) -> Unit:
    with tenant_scope(world.a):
        return build_unit(world, score=95.0, staff=[95, 95])


@pytest.fixture
def rating(world: World, unit: Unit) -> IndividualRating:
    with tenant_scope(world.a):
        return actions.rating_propose(actor=None, official=unit.staff[0], year=YEAR, behaviour="meeting")


def _person(world: World, official: Official, name: str) -> User:
    user = make_user(name)
    with tenant_scope(world.a):
        Account.objects.create(pemda=world.a, user=user, official=official)
    return user


@pytest.mark.parametrize(("role", "sees"), [
    ("perf_admin", True), ("inspector", True), ("agency_head", True),  # agency_head of A1, the rating's agency
    ("leader", False), ("planner", False), ("agency_operator", False), ("platform_operator", False),
])
def test_by_office(world: World, rating: IndividualRating, role: str, sees: bool) -> None:
    assert may_see_rating(world.users[role], rating) is sees


def test_an_agency_head_of_another_agency_does_not_see_it(world: World, rating: IndividualRating) -> None:
    head_of_a2 = make_user("head_a2")
    with tenant_scope(world.a):
        core_actions.membership_grant(actor=None, pemda=world.a, user=head_of_a2, role=Role.AGENCY_HEAD,
                                      agency=world.a2)
    assert may_see_rating(head_of_a2, rating) is False


def test_visible_ratings_lists_only_what_the_rule_allows(world: World, unit: Unit,
                                                         rating: IndividualRating) -> None:
    with tenant_scope(world.a):
        other = actions.rating_propose(actor=None, official=unit.staff[1], year=YEAR, behaviour="meeting")
        me = _person(world, unit.staff[0], "self")
        assert list(visible_ratings(me, world.a.pk)) == [rating]
        assert set(visible_ratings(world.users["inspector"], world.a.pk)) == {rating, other}
        assert list(visible_ratings(world.users["leader"], world.a.pk)) == []


def test_another_pemda_and_anonymous_do_not_see_it(world: World, rating: IndividualRating) -> None:
    assert world.outsider is not None
    assert may_see_rating(world.outsider, rating) is False  # perf_admin, but of Pemda B
    assert may_see_rating(AnonymousUser(), rating) is False


def test_by_person(world: World, unit: Unit, rating: IndividualRating) -> None:
    with tenant_scope(world.a):
        governor = Official.objects.create(pemda=world.a, name="Gubernur Uji")
        Assignment.objects.create(pemda=world.a, official=governor, position=Position.objects.get(code="GUB"),
                                  start=dt.date(2024, 1, 1))
    assert may_see_rating(_person(world, unit.staff[0], "self"), rating) is True
    assert may_see_rating(_person(world, unit.head, "appraiser"), rating) is True  # holds the superior post
    assert may_see_rating(_person(world, governor, "appraisers_superior"), rating) is True
    assert may_see_rating(_person(world, unit.staff[1], "colleague"), rating) is False


def test_a_post_held_outside_the_year_gives_no_sight(world: World, unit: Unit, rating: IndividualRating) -> None:
    with tenant_scope(world.a):
        former = Official.objects.create(pemda=world.a, name="Mantan Gubernur")
        Assignment.objects.create(pemda=world.a, official=former, position=Position.objects.get(code="GUB"),
                                  start=dt.date(2019, 1, 1), end=dt.date(YEAR - 1, 12, 31))
    assert may_see_rating(_person(world, former, "former"), rating) is False


def test_an_inactive_account_gives_no_sight(world: World, unit: Unit, rating: IndividualRating) -> None:
    user = _person(world, unit.staff[0], "self")
    with tenant_scope(world.a):
        Account.objects.filter(user=user).update(is_active=False)
    assert may_see_rating(user, rating) is False
