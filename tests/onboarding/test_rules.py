"""The Pemda's own rules per fiscal year: validated, frozen when closed, audited, rescored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from nyata.core import actions as core_actions
from nyata.core.models import AuditEvent, FiscalYear, Quarter, YearRules
from nyata.core.tenancy import tenant_scope
from nyata.onboarding import actions
from nyata.products import ikm
from nyata.products.results import iid_predicates_for
from nyata.reporting import actions as reporting
from nyata.reporting.models import ScoreSnapshot
from nyata.reporting.scores import config_for
from tests.conftest import World
from tests.reporting.factories import Pk, signed_pk


@pytest.fixture
def pk(world: World) -> Pk:
    return signed_pk(world, world.a1)


@pytest.fixture
def verified(world: World, pk: Pk, django_capture_on_commit_callbacks: Any) -> Pk:
    """Quarter I reported and accepted: I3 (lower is better, 1.5 against 2) reaches 125 %, capped at 120."""
    with tenant_scope(world.a), django_capture_on_commit_callbacks(execute=True):
        for code, value in {"I1": "91", "I2": "48", "I3": "1,5"}.items():
            reporting.realisation_save_draft(actor=world.users["agency_operator"], agency=pk.agency,
                                             quarter_id=pk.q1.pk, agreement_indicator_id=pk.indicators[code].pk,
                                             value=value)
        done = reporting.realisation_submit(actor=world.users["agency_head"], agency=pk.agency, quarter=pk.q1)
        reporting.realisation_verify(actor=world.users["inspector"], realisations=done, verdict="accept")
    return pk


def _save(world: World, fy: FiscalYear, reason: str = "", deadlines: dict[int, dt.date] | None = None,
          **values: Any) -> YearRules:
    with tenant_scope(world.a):
        return actions.year_rules_save(actor=world.users["perf_admin"], pemda=world.a, fiscal_year=fy,
                                       values=values, deadlines=deadlines or {}, reason=reason)


def _year(world: World) -> FiscalYear:
    with tenant_scope(world.a):
        return FiscalYear.objects.get(year=2026)


def _events(world: World) -> list[AuditEvent]:
    with tenant_scope(world.a):
        return list(AuditEvent.objects.filter(action="nyata.yearrules.changed"))


def _score(world: World, pk: Pk) -> float:
    with tenant_scope(world.a):
        snap = ScoreSnapshot.objects.get(agency=pk.agency, year=2026, quarter=1)
    assert snap.score is not None
    return snap.score


def test_a_change_to_a_year_with_verified_data_needs_a_reason_is_audited_and_rescores(
        world: World, verified: Pk, django_capture_on_commit_callbacks: Any) -> None:
    before = _score(world, verified)
    assert before == pytest.approx((91 / 90 * 100 + 96 + 120) / 3)
    with pytest.raises(ValidationError) as err:
        _save(world, _year(world), cap="100")
    assert "alasan" in str(err.value.message_dict["reason"])
    assert not _events(world) and _score(world, verified) == before
    with django_capture_on_commit_callbacks(execute=True):
        _save(world, _year(world), reason="Perbup 12/2026: batas capaian 100", cap="100")
    after = _score(world, verified)
    assert after == pytest.approx((100 + 96 + 100) / 3)  # I1 and I3 now count 100
    [event] = _events(world)
    assert event.data["reason"] == "Perbup 12/2026: batas capaian 100"
    assert event.data["after"]["cap"] == "100" and event.data["verified_data"] is True
    with django_capture_on_commit_callbacks(execute=True):
        _save(world, _year(world), reason="bobot", cap="100",
              weights={str(world.a1.pk): {"A1.I1": "1", "A1.I2": "1", "A1.I3": "2"}})
    weighted = _score(world, verified)
    assert weighted == pytest.approx((100 + 96 + 2 * 100) / 4)


def test_a_year_without_verified_data_changes_without_a_reason(world: World, pk: Pk) -> None:
    _save(world, _year(world), lower_formula="inverse")
    with tenant_scope(world.a):
        assert config_for(world.a, 2026).lower_formula.value == "inverse"
        assert config_for(world.a, 2025).lower_formula.value == "default"


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"very_high_from": D(91), "high_from": D(92), "medium_from": D(66), "low_from": D(51)}, "high_from",
     "berurutan turun"),
    ({"very_high_from": D(91), "high_from": D(76), "medium_from": D(66)}, "low_from", "Isi semua ambang"),
    ({"ikm_a_from": D(70), "ikm_b_from": D("76.61"), "ikm_c_from": D(65)}, "ikm_b_from", "A > B > C"),
    ({"iid_very_innovative_from": D(30), "iid_innovative_from": D(35)}, "iid_innovative_from", "Sangat Inovatif"),
    ({"cap": "130"}, "cap", "100, 110 atau 120"),
])
def test_rules_out_of_order_are_refused_with_the_field_named(world: World, pk: Pk, values: dict[str, Any],
                                                              field: str, message: str) -> None:
    with pytest.raises(ValidationError) as err:
        _save(world, _year(world), **values)
    assert message in " ".join(err.value.message_dict[field])
    with tenant_scope(world.a):
        assert not YearRules.objects.exists()
    assert not _events(world)


@pytest.mark.parametrize("weight", ["0", "-1", "abc"])
def test_a_weight_of_zero_or_a_negative_one_is_refused(world: World, pk: Pk, weight: str) -> None:
    key = f"w_{world.a1.pk}_A1.I2"
    with pytest.raises(ValidationError) as err:
        _save(world, _year(world), weights={str(world.a1.pk): {"A1.I1": "2", "A1.I2": weight}})
    assert "harus lebih dari 0" in " ".join(err.value.message_dict[key])
    with tenant_scope(world.a):
        assert not YearRules.objects.exists()


def test_a_deadline_before_the_quarter_ends_is_refused_and_a_later_one_is_used(world: World, pk: Pk) -> None:
    with pytest.raises(ValidationError) as err:
        _save(world, _year(world), deadlines={2: dt.date(2026, 6, 30)})
    assert "sesudah akhir triwulan (2026-06-30)" in " ".join(err.value.message_dict["deadline_2"])
    _save(world, _year(world), deadlines={1: dt.date(2026, 4, 30)})
    with tenant_scope(world.a):
        assert Quarter.objects.get(fiscal_year__year=2026, number=1).report_deadline == dt.date(2026, 4, 30)
        assert config_for(world.a, 2026).deadlines[(2026, 1)] == dt.date(2026, 4, 30)
        assert AuditEvent.objects.filter(action="nyata.quarter.deadline_changed").count() == 1


def test_a_closed_years_rules_are_frozen(world: World, pk: Pk) -> None:
    with tenant_scope(world.a):
        core_actions.fiscal_year_set_state(actor=None, fiscal_year=_year(world), state="closed")
    with pytest.raises(ValidationError, match="sudah ditutup"):
        _save(world, _year(world), cap="110", reason="x")
    page = world.client("perf_admin").get("/persiapan/aturan/2026/")
    assert page.status_code == 200 and "dibekukan" in page.content.decode() and "disabled" in page.content.decode()
    post = world.client("perf_admin").post("/persiapan/aturan/2026/", {"cap": "110"})
    assert post.status_code == 200
    with tenant_scope(world.a):
        assert not YearRules.objects.exists()


def test_the_settings_page_saves_through_the_form(world: World, verified: Pk) -> None:
    admin = world.client("perf_admin")
    page = admin.get("/persiapan/aturan/2026/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="very_high_from" value="91.0"' in html  # domain.md's default is shown
    data = {"cap": "110", "lower_formula": "default", "very_high_from": "91", "high_from": "76",
            "medium_from": "66", "low_from": "51", "ikm_weighting": "exact", "ikm_a_from": "88.31",
            "ikm_b_from": "76.61", "ikm_c_from": "65", "iid_very_innovative_from": "60.01",
            "iid_innovative_from": "35", "deadline_1": "2026-04-10", "deadline_2": "2026-07-10",
            "deadline_3": "2026-10-10", "deadline_4": "2027-01-10",
            f"w_{world.a1.pk}_A1.I1": "1", f"w_{world.a1.pk}_A1.I2": "1", f"w_{world.a1.pk}_A1.I3": "0"}
    bad = admin.post("/persiapan/aturan/2026/", data)
    assert bad.status_code == 400 and "harus lebih dari 0" in bad.content.decode()
    data[f"w_{world.a1.pk}_A1.I3"] = "1"
    missing_reason = admin.post("/persiapan/aturan/2026/", data)
    assert missing_reason.status_code == 400 and "tuliskan alasan" in missing_reason.content.decode()
    ok = admin.post("/persiapan/aturan/2026/", {**data, "reason": "Perbup baru"})
    assert ok.status_code == 302
    with tenant_scope(world.a):
        assert YearRules.objects.get().cap == "110"
    assert world.client("agency_operator").get("/persiapan/aturan/2026/").status_code == 403


def test_ikm_bands_and_iid_thresholds_of_the_year_are_used(world: World, pk: Pk) -> None:
    _save(world, _year(world), ikm_a_from=D(85), ikm_b_from=D(75), ikm_c_from=D(60),
          iid_very_innovative_from=D("65.01"), iid_innovative_from=D("40.01"))
    assert ikm.grade(D("86"), ikm.bands_from(D(85), D(75), D(60))) == ("A", "Sangat Baik")
    assert ikm.grade(D("86")) == ("B", "Baik")  # the regulation's default bands
    with tenant_scope(world.a):
        cfg = iid_predicates_for(2026)
        assert ikm.iid_predicate(D("62"), 2026, cfg) == "Inovatif"
        assert ikm.iid_predicate(D("62"), 2026) == "Sangat Inovatif"
        assert iid_predicates_for(2025).innovative_from == D("35.00")
