"""The ratings actions: organisational predicate, individual ratings, the distribution check.

Expected values are hand-computed from the default scales (docs/scoring.md §11).
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from nyata.core.models import AuditEvent, Official
from nyata.core.tenancy import tenant_scope
from nyata.ratings import actions
from nyata.ratings.models import IndividualRating, OrganisationalPredicate
from nyata.ratings.services import Departures, departures_by_agency
from nyata.scoring.merit import Band, MeritConfig, OrgPredicate
from tests.conftest import World
from tests.ratings.builders import YEAR, Unit, build_unit


def _events(prefix: str) -> list[str]:
    return list(AuditEvent.objects.filter(action__startswith=prefix).values_list("action", flat=True))


@pytest.fixture
def unit(world: World) -> Unit:
    # head 95 (Baik); staff: two above (115), seven meeting (95), one below (80)
    with tenant_scope(world.a):
        return build_unit(world, score=95.0, staff=[115, 115, 95, 95, 95, 95, 95, 95, 95, 80])


def test_org_predicate_is_computed_from_the_stored_score_and_confirmed(world: World, unit: Unit) -> None:
    with tenant_scope(world.a):
        row = actions.org_predicate_propose(actor=world.users["leader"], agency=unit.agency, year=YEAR)
        assert (row.score, row.computed, row.basis["quarter"]) == (D("95.0000"), "baik", 4)
        actions.org_predicate_confirm(actor=world.users["leader"], predicate=row, confirmed="baik")
        row.refresh_from_db()
        assert row.confirmed == "baik" and row.confirmed_by == world.users["leader"]
        assert _events("nyata.rating.org") == ["nyata.rating.org_proposed", "nyata.rating.org_confirmed"]


def test_the_bands_of_the_pemda_and_year_apply(world: World, unit: Unit) -> None:
    with tenant_scope(world.a):
        actions.merit_settings_save(actor=None, pemda=world.a, year=YEAR,
                                    config=MeritConfig(org_bands=(Band(D("95"), OrgPredicate.ISTIMEWA),)))
        row = actions.org_predicate_propose(actor=None, agency=unit.agency, year=YEAR)
        assert row.computed == "istimewa"


def test_departing_from_the_computed_predicate_needs_a_reason(world: World, unit: Unit) -> None:
    with tenant_scope(world.a):
        row = actions.org_predicate_propose(actor=None, agency=unit.agency, year=YEAR)
        with pytest.raises(ValidationError) as e:
            actions.org_predicate_confirm(actor=None, predicate=row, confirmed="istimewa", reason="  ")
        assert "reason" in e.value.message_dict
        row.refresh_from_db()
        assert row.confirmed == ""
        actions.org_predicate_confirm(actor=None, predicate=row, confirmed="istimewa", reason="Bencana diatasi")
        with pytest.raises(ValidationError, match="sudah ditetapkan"):
            actions.org_predicate_confirm(actor=None, predicate=row, confirmed="baik")


def test_an_unknown_org_predicate_is_refused(world: World, unit: Unit) -> None:
    with tenant_scope(world.a):
        row = actions.org_predicate_propose(actor=None, agency=unit.agency, year=YEAR)
        with pytest.raises(ValidationError) as e:
            actions.org_predicate_confirm(actor=None, predicate=row, confirmed="hebat", reason="x")
        assert "confirmed" in e.value.message_dict


def test_no_org_predicate_without_the_heads_signed_pk(world: World) -> None:
    with tenant_scope(world.a), pytest.raises(ValidationError, match="Perjanjian Kinerja"):
        actions.org_predicate_propose(actor=None, agency=world.a2, year=YEAR)


def test_work_result_is_proposed_from_the_officials_own_pk(world: World, unit: Unit) -> None:
    with tenant_scope(world.a):
        above = actions.rating_propose(actor=None, official=unit.staff[0], year=YEAR, behaviour="above")
        below = actions.rating_propose(actor=None, official=unit.staff[9], year=YEAR, behaviour="meeting")
        head = actions.rating_propose(actor=None, official=unit.head, year=YEAR, behaviour="meeting")
        assert (above.achievement, above.proposed_work, above.predicate) == (D("115.0000"), "above", "sangat_baik")
        assert (below.achievement, below.proposed_work, below.predicate) == (D("80.0000"), "below", "butuh_perbaikan")
        assert (head.achievement, head.proposed_work, head.predicate) == (D("95.0000"), "meeting", "baik")


def test_a_rating_for_an_official_with_no_pk_is_refused(world: World, unit: Unit) -> None:
    with tenant_scope(world.a):
        nobody = Official.objects.create(pemda=world.a, name="Tanpa PK")
        with pytest.raises(ValidationError) as e:
            actions.rating_propose(actor=None, official=nobody, year=YEAR, behaviour="meeting")
        assert "official" in e.value.message_dict
        assert not IndividualRating.objects.exists()


def test_a_behaviour_outside_the_scale_is_refused(world: World, unit: Unit) -> None:
    with tenant_scope(world.a):
        with pytest.raises(ValidationError) as e:
            actions.rating_propose(actor=None, official=unit.staff[0], year=YEAR, behaviour="excellent")
        assert "behaviour" in e.value.message_dict
        assert not IndividualRating.objects.exists()
        assert _events("nyata.rating") == []


def test_a_departure_from_the_data_needs_a_reason_and_is_audited(world: World, unit: Unit) -> None:
    with tenant_scope(world.a):
        with pytest.raises(ValidationError) as e:
            actions.rating_propose(actor=None, official=unit.staff[9], year=YEAR, behaviour="meeting", work="meeting")
        assert "departure_reason" in e.value.message_dict
        assert not IndividualRating.objects.exists()
        row = actions.rating_propose(actor=None, official=unit.staff[9], year=YEAR, behaviour="meeting",
                                     work="meeting", reason="Target dipotong di tengah tahun")
        assert (row.proposed_work, row.work, row.predicate, row.departs) == ("below", "meeting", "baik", True)
        event = AuditEvent.objects.get(action="nyata.rating.proposed")
        assert event.data["departs"] is True and event.data["reason"] == "Target dipotong di tengah tahun"


def test_a_new_proposal_appends_a_version(world: World, unit: Unit) -> None:
    with tenant_scope(world.a):
        actions.rating_propose(actor=None, official=unit.staff[0], year=YEAR, behaviour="above")
        actions.rating_propose(actor=None, official=unit.staff[0], year=YEAR, behaviour="meeting")
        rows = list(IndividualRating.objects.filter(official=unit.staff[0]).values_list("version", "predicate"))
        assert rows == [(1, "sangat_baik"), (2, "baik")]


def _rate_all(unit: Unit, behaviours: list[str]) -> None:
    for official, b in zip(unit.staff, behaviours, strict=True):
        actions.rating_propose(actor=None, official=official, year=YEAR, behaviour=b)


def _confirmed(unit: Unit, predicate: str = "baik") -> OrganisationalPredicate:
    row = actions.org_predicate_propose(actor=None, agency=unit.agency, year=YEAR)
    return actions.org_predicate_confirm(actor=None, predicate=row, confirmed=predicate,
                                         reason="" if predicate == row.computed else "uji")


def test_finalising_needs_a_confirmed_org_predicate(world: World, unit: Unit) -> None:
    with tenant_scope(world.a):
        _rate_all(unit, ["meeting"] * 10)
        with pytest.raises(ValidationError, match="belum ditetapkan"):
            actions.ratings_finalise(actor=None, agency=unit.agency, year=YEAR)


def test_a_distribution_outside_the_pattern_is_refused_with_the_share(world: World, unit: Unit) -> None:
    with tenant_scope(world.a):
        _confirmed(unit)
        # staff 0,1: above×above = Sangat Baik; 2..8: Baik; 9: below → Butuh Perbaikan; head: Baik
        _rate_all(unit, ["above", "above"] + ["meeting"] * 8)
        actions.rating_propose(actor=None, official=unit.head, year=YEAR, behaviour="meeting")
        # 8 Baik of 11 = 72.7 % > 70 %
        with pytest.raises(ValidationError) as e:
            actions.ratings_finalise(actor=None, agency=unit.agency, year=YEAR)
        (message,) = e.value.message_dict["agency"]
        assert "Baik paling banyak 70,0 %" in message and "72,7 %" in message and "8 dari 11" in message
        assert not IndividualRating.objects.filter(status="final").exists()
        assert _events("nyata.rating.finalised") == []


def test_a_distribution_within_the_pattern_is_finalised_as_new_versions(world: World, unit: Unit) -> None:
    with tenant_scope(world.a):
        _confirmed(unit)
        # 7 Baik of 10 = exactly 70 %; 1 Butuh Perbaikan; 2 Sangat Baik
        _rate_all(unit, ["above", "above"] + ["meeting"] * 8)
        finals = actions.ratings_finalise(actor=None, agency=unit.agency, year=YEAR)
        assert len(finals) == 10 and {f.version for f in finals} == {2}
        assert IndividualRating.objects.filter(status="draft").count() == 10  # history kept
        assert len(_events("nyata.rating.finalised")) == 10


def test_no_second_final_rating(world: World, unit: Unit) -> None:
    with tenant_scope(world.a):
        _confirmed(unit)
        _rate_all(unit, ["above", "above"] + ["meeting"] * 8)
        actions.ratings_finalise(actor=None, agency=unit.agency, year=YEAR)
        with pytest.raises(ValidationError, match="sudah final"):
            actions.rating_propose(actor=None, official=unit.staff[0], year=YEAR, behaviour="meeting")
        with pytest.raises(ValidationError, match="sudah final"):
            actions.ratings_finalise(actor=None, agency=unit.agency, year=YEAR)
        assert IndividualRating.objects.filter(status="final").count() == 10


def test_departures_are_counted_per_agency_on_the_latest_version(world: World, unit: Unit) -> None:
    with tenant_scope(world.a):
        actions.rating_propose(actor=None, official=unit.staff[9], year=YEAR, behaviour="meeting",
                               work="meeting", reason="Target dipotong")
        actions.rating_propose(actor=None, official=unit.staff[0], year=YEAR, behaviour="meeting",
                               work="meeting", reason="uji")
        actions.rating_propose(actor=None, official=unit.staff[0], year=YEAR, behaviour="meeting")  # back to data
        actions.rating_propose(actor=None, official=unit.staff[1], year=YEAR, behaviour="meeting")
        assert departures_by_agency(YEAR) == {unit.agency.pk: Departures(rated=3, departed=1)}
