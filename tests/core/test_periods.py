"""A closed fiscal year is frozen wherever its values are written: reporting, scores, plan, PK."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from nyata.agreements import actions as agreement_actions
from nyata.agreements.models import Agreement
from nyata.core.models import FiscalYear
from nyata.core.periods import YearClosed, ensure_open, ensure_year_open, year_is_closed
from nyata.core.tenancy import tenant_scope
from nyata.planning import actions as plan_actions
from nyata.planning.models import Indicator, IndicatorActual, IndicatorTarget, TargetVersion
from nyata.reporting import actions, scores
from nyata.reporting.models import Evidence, Realisation, RealisationVersion, ScoreSnapshot, SelfCritique
from tests.conftest import World
from tests.reporting.factories import PDF, YEAR, Pk, signed_pk


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NYATA_EVIDENCE_SCANNER = "tests.reporting.doubles.EicarScanner"


@pytest.fixture
def pk(world: World) -> Pk:
    return signed_pk(world, world.a1)


def _close(world: World, year: int = YEAR) -> None:
    with tenant_scope(world.a):
        FiscalYear.objects.filter(year=year).update(state=FiscalYear.State.CLOSED)


def test_year_is_closed_names_the_pemda_whatever_the_scope(world: World, pk: Pk) -> None:
    assert not year_is_closed(world.a, YEAR)
    _close(world)
    assert year_is_closed(world.a, YEAR)
    assert year_is_closed(world.a.pk, YEAR)
    with tenant_scope(world.b):  # another Pemda's scope does not hide the answer
        assert year_is_closed(world.a, YEAR)
        assert not year_is_closed(world.b, YEAR)
    assert not year_is_closed(world.a, YEAR + 1)  # a year with no row is not closed


def test_the_refusal_is_a_validation_error_that_names_the_year(world: World, pk: Pk) -> None:
    _close(world)
    with pytest.raises(YearClosed) as e:
        ensure_year_open(world.a, YEAR, what="target")
    assert isinstance(e.value, ValidationError)
    assert "2026" in e.value.messages[0] and "target" in e.value.messages[0]
    with tenant_scope(world.a):
        fy = FiscalYear.objects.get(year=YEAR)
    with pytest.raises(YearClosed):
        ensure_open(fy)


def test_no_realisation_of_a_closed_year_can_be_saved_or_submitted(world: World, pk: Pk) -> None:
    op, head = world.users["agency_operator"], world.users["agency_head"]
    with tenant_scope(world.a):
        r = actions.realisation_save_draft(actor=op, agency=pk.agency, quarter_id=pk.q1.pk,
                                           agreement_indicator_id=pk.indicators["I1"].pk, value="90")
    _close(world)
    with tenant_scope(world.a):
        quarter = type(pk.q1).objects.select_related("fiscal_year").get(pk=pk.q1.pk)
        # the fast path (an existing row) and the general path (a first value) both refuse
        for ai in (pk.indicators["I1"], pk.indicators["I2"]):
            with pytest.raises(YearClosed):
                actions.realisation_save_draft(actor=op, agency=pk.agency, quarter_id=quarter.pk,
                                               agreement_indicator_id=ai.pk, value="91")
        with pytest.raises(YearClosed):
            actions.realisation_submit(actor=head, agency=pk.agency, quarter=quarter)
        with pytest.raises(YearClosed):
            actions.budget_save(actor=op, agency=pk.agency, quarter=quarter, spent={pk.programs[0].pk: "10"})
        with pytest.raises(YearClosed):
            actions.evidence_add(actor=op, realisation=r, name="bukti.pdf", data=PDF)
        with pytest.raises(YearClosed):
            actions.self_critique_save(actor=head, agency=pk.agency, quarter=quarter, summary="x", data={})
        r.refresh_from_db()
        assert r.value == Decimal("90") and r.version == 1
        assert Realisation.objects.count() == 1
        assert not Evidence.objects.exists() and not SelfCritique.objects.exists()


def test_verification_reopening_and_scores_of_a_closed_year_are_refused(
    world: World, pk: Pk, django_capture_on_commit_callbacks: Any
) -> None:
    op, head, insp = world.users["agency_operator"], world.users["agency_head"], world.users["inspector"]
    with tenant_scope(world.a):
        for code, v in {"I1": "90", "I2": "40", "I3": "2"}.items():
            actions.realisation_save_draft(actor=op, agency=pk.agency, quarter_id=pk.q1.pk,
                                           agreement_indicator_id=pk.indicators[code].pk, value=v)
        actions.realisation_submit(actor=head, agency=pk.agency, quarter=pk.q1)
        first, *rest = list(Realisation.objects.order_by("pk"))
        # Rescoring runs after commit.
        with django_capture_on_commit_callbacks(execute=True):
            actions.realisation_verify(actor=insp, realisations=[first], verdict="accept")
        computed = ScoreSnapshot.objects.get(agency=pk.agency, quarter=1).computed_at
    _close(world)
    with tenant_scope(world.a):
        with pytest.raises(YearClosed):
            actions.realisation_verify(actor=insp, realisations=rest, verdict="accept")
        with pytest.raises(YearClosed):
            actions.realisation_reopen(actor=world.users["perf_admin"], realisation=first,
                                       reason="Koreksi setelah tahun ditutup")
        with pytest.raises(YearClosed):
            scores.recompute(world.a, YEAR)
        assert set(Realisation.objects.values_list("status", flat=True)) == {"accepted", "submitted"}
        assert not RealisationVersion.objects.filter(event="reopened").exists()
        assert ScoreSnapshot.objects.get(agency=pk.agency, quarter=1).computed_at == computed


def test_plan_targets_actuals_and_ceilings_of_a_closed_year_are_frozen(world: World, pk: Pk) -> None:
    admin = world.users["perf_admin"]
    with tenant_scope(world.a):
        ind = Indicator.objects.get(code="A1.I1")
        plan_actions.target_set(actor=admin, indicator=ind, year=YEAR, value=Decimal("93"))
        versions = TargetVersion.objects.count()
    _close(world)
    with tenant_scope(world.a):
        with pytest.raises(YearClosed):
            plan_actions.target_set(actor=admin, indicator=ind, year=YEAR, value=Decimal("95"))
        with pytest.raises(YearClosed):
            plan_actions.target_delete(actor=admin, target=IndicatorTarget.objects.get(indicator=ind, year=YEAR))
        with pytest.raises(YearClosed):
            plan_actions.actual_set(actor=admin, indicator=ind, year=YEAR, value=Decimal("1"), source="BPS")
        with pytest.raises(YearClosed):
            plan_actions.ceiling_set(actor=admin, item=pk.programs[0].program, year=YEAR, amount=Decimal("5"))
        # the next year stays open
        plan_actions.target_set(actor=admin, indicator=ind, year=YEAR + 1, value=Decimal("94"))
        assert IndicatorTarget.objects.get(indicator=ind, year=YEAR).value == Decimal("93")
        assert TargetVersion.objects.count() == versions + 1
        assert not IndicatorActual.objects.exists()


def test_a_plan_upload_that_changes_a_closed_years_target_is_refused_whole(world: World) -> None:
    from nyata.core.xlsx import ImportErrors
    from nyata.planning import excel

    admin = world.users["perf_admin"]
    with tenant_scope(world.a):
        from nyata.core import actions as core_actions

        core_actions.fiscal_year_create(actor=None, pemda=world.a, year=2025, state="running")
        rows = _plan_rows()
        plan_actions.plan_import(actor=admin, pemda=world.a, plan=excel.validate_plan(rows))
        FiscalYear.objects.filter(year=2025).update(state=FiscalYear.State.CLOSED)
        # the same file again is fine: nothing of 2025 changes
        plan_actions.plan_import(actor=admin, pemda=world.a, plan=excel.validate_plan(_plan_rows()))
        changed = _plan_rows(t2025="80", t2026="81")
        with pytest.raises(ImportErrors) as e:
            plan_actions.plan_import(actor=admin, pemda=world.a, plan=excel.validate_plan(changed))
        assert "IK1" in str(e.value) and "2025" in str(e.value)
        # nothing half-saved: 2026 did not change either
        targets = dict(IndicatorTarget.objects.values_list("year", "value"))
        assert targets == {2025: Decimal("70"), 2026: Decimal("72")}


def _plan_rows(t2025: str = "70", t2026: str = "72") -> dict[str, list[dict[str, Any]]]:
    from nyata.planning import excel

    rows: dict[str, list[dict[str, Any]]] = {sheet: [] for sheet in excel.SHEETS}
    rows[excel.PERIOD] = [{"jenis": "rpjmd", "nama": "RPJMD Uji", "tahun_awal": 2025, "tahun_akhir": 2026,
                           "tagline": "", "visi": "Visi", "ilustratif": False}]
    rows[excel.GOAL] = [{"kode": "T1", "tujuan": "Tujuan satu", "nomor_misi": None}]
    rows[excel.INDICATOR] = [{
        "kode": "IK1", "kode_induk": "T1", "nama": "Indikator satu", "definisi": "", "rumus": "a/b",
        "satuan": "persen", "tingkat": "impact", "polaritas": "higher_is_better", "penggabungan": "last",
        "desimal": 2, "sumber_data": "", "pd_penanggung_jawab": "", "tahun_awal": 2024,
        "nilai_awal": Decimal("60"), "iku": True, "ilustratif": False}]
    rows[excel.TARGET] = [
        {"kode_indikator": "IK1", "tahun": 2025, "target": Decimal(t2025), "target_atas": None, "ilustratif": False},
        {"kode_indikator": "IK1", "tahun": 2026, "target": Decimal(t2026), "target_atas": None, "ilustratif": False},
    ]
    return rows


def test_agreements_of_a_closed_year_cannot_be_drafted_changed_or_amended(world: World, pk: Pk) -> None:
    admin = world.users["perf_admin"]
    with tenant_scope(world.a):
        signed = pk.agreement
        draft = Agreement.objects.create(pemda=world.a, kind="pk", year=YEAR, position=world.positions["A2"],
                                         agency=world.a2, first_party=world.officials["A2"],
                                         verification_code="TESTCODE01", signing_date=dt.date(YEAR, 1, 20))
    _close(world)
    with tenant_scope(world.a):
        with pytest.raises(YearClosed):
            agreement_actions.agreements_generate(actor=admin, pemda=world.a, year=YEAR,
                                                  signing_date=dt.date(YEAR, 1, 20))
        with pytest.raises(YearClosed):
            agreement_actions.agreement_update_targets(actor=admin, agreement=draft, targets={})
        with pytest.raises(YearClosed):
            agreement_actions.agreement_lock(actor=admin, agreement=draft)
        with pytest.raises(YearClosed):
            agreement_actions.agreement_amend(actor=admin, agreement=signed, reason="priority_change")
        assert Agreement.objects.count() == 2
        assert Agreement.objects.get(pk=draft.pk).status == "draft"
