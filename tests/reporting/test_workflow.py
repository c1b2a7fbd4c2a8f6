"""The quarter's life: draft → submit → return/accept → fix → accept, reopening, history, bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from nyata.core.models import AuditEvent
from nyata.core.tenancy import tenant_scope
from nyata.reporting import actions
from nyata.reporting.models import Realisation, RealisationVersion, ScoreSnapshot, Verification
from tests.conftest import World
from tests.reporting.factories import Pk, fill_quarter, signed_pk


def test_a_quarter_walks_from_draft_to_accepted(world: World, pk: Pk) -> None:
    with tenant_scope(world.a):
        rows = fill_quarter(world, pk)
        actions.realisation_save_draft(actor=world.users["agency_operator"], agency=pk.agency, quarter_id=pk.q1.pk,
                                       agreement_indicator_id=pk.indicators["I1"].pk, value="92")
        done = actions.realisation_submit(actor=world.users["agency_head"], agency=pk.agency, quarter=pk.q1)
        assert len(done) == 3
        i1, i2 = Realisation.objects.get(pk=rows["I1"].pk), Realisation.objects.get(pk=rows["I2"].pk)
        actions.realisation_verify(actor=world.users["inspector"], realisations=[i2], verdict="return",
                                   comment="Bukti daftar hadir pelatihan belum ada")
        others = list(Realisation.objects.exclude(pk=i2.pk))
        with TestCase.captureOnCommitCallbacks(execute=True):  # scores follow after commit
            actions.realisation_verify(actor=world.users["inspector"], realisations=others, verdict="accept")
        snap = ScoreSnapshot.objects.get(agency=pk.agency, year=2026, quarter=1)
        assert snap.completeness == pytest.approx(2 / 3)
        # the operator fixes the returned item; the head resubmits; the inspector accepts
        fixed = actions.realisation_save_draft(actor=world.users["agency_operator"], agency=pk.agency,
                                               quarter_id=pk.q1.pk, agreement_indicator_id=pk.indicators["I2"].pk,
                                               value="50")
        assert fixed.status == "draft"
        assert actions.realisation_submit(actor=world.users["agency_head"], agency=pk.agency,
                                          quarter=pk.q1)[0].pk == i2.pk
        with TestCase.captureOnCommitCallbacks(execute=True):  # scores follow after commit
            actions.realisation_verify(actor=world.users["inspector"], realisations=[i2], verdict="accept")
        snap.refresh_from_db()
        assert snap.completeness == 1
        assert snap.score is not None and snap.rank == 1
        assert {i["indicator"] for i in snap.indicators} == {"A1.I1", "A1.I2", "A1.I3"}
        events = [v.event for v in RealisationVersion.objects.filter(realisation=i2).order_by("number")]
        assert events == ["saved", "submitted", "returned", "saved", "submitted", "accepted"]
        assert Realisation.objects.get(pk=i1.pk).value == Decimal("92")
        assert [v.value for v in RealisationVersion.objects.filter(realisation=i1, event="saved")] == [
            Decimal("91"), Decimal("92")]


def test_returning_needs_a_comment(world: World, pk: Pk) -> None:
    with tenant_scope(world.a):
        fill_quarter(world, pk)
        actions.realisation_submit(actor=world.users["agency_head"], agency=pk.agency, quarter=pk.q1)
        r = Realisation.objects.first()
        with pytest.raises(ValidationError, match="alasan"):
            actions.realisation_verify(actor=world.users["inspector"], realisations=[r], verdict="return")
        assert not Verification.objects.exists()


def test_submit_needs_every_value(world: World, pk: Pk) -> None:
    with tenant_scope(world.a):
        fill_quarter(world, pk, {"I1": "91"})
        with pytest.raises(ValidationError, match="2 indikator belum diisi"):
            actions.realisation_submit(actor=world.users["agency_head"], agency=pk.agency, quarter=pk.q1)
        assert not Realisation.objects.filter(status="submitted").exists()


def test_a_locked_value_cannot_change_and_nothing_is_half_saved(world: World, pk: Pk) -> None:
    with tenant_scope(world.a):
        fill_quarter(world, pk)
        actions.realisation_submit(actor=world.users["agency_head"], agency=pk.agency, quarter=pk.q1)
        n_events = AuditEvent.objects.count()
        with pytest.raises(ValidationError, match="tidak dapat diubah"):
            actions.realisation_save_draft(actor=world.users["agency_operator"], agency=pk.agency, quarter_id=pk.q1.pk,
                                           agreement_indicator_id=pk.indicators["I1"].pk, value="10")
        with pytest.raises(ValidationError, match="Tidak ada realisasi draf"):
            actions.realisation_submit(actor=world.users["agency_head"], agency=pk.agency, quarter=pk.q1)
        assert AuditEvent.objects.count() == n_events
        assert Realisation.objects.get(agreement_indicator=pk.indicators["I1"]).value == Decimal("91")


def test_the_verifier_never_edits_a_value(world: World, pk: Pk) -> None:
    with tenant_scope(world.a):
        rows = fill_quarter(world, pk)
        with pytest.raises(ValidationError, match="Peran Anda"):
            actions.realisation_save_draft(actor=world.users["inspector"], agency=pk.agency, quarter_id=pk.q1.pk,
                                           agreement_indicator_id=pk.indicators["I1"].pk, value="10")
    resp = world.client("inspector").post(reverse("report_realisation", args=[rows["I1"].pk]), {"value": "10"})
    assert resp.status_code == 403
    with tenant_scope(world.a):
        assert Realisation.objects.get(pk=rows["I1"].pk).value == Decimal("91")


def test_an_operator_of_another_agency_is_refused(world: World, pk: Pk) -> None:
    with tenant_scope(world.a):
        rows = fill_quarter(world, pk)
    other = signed_pk(world, world.a2)
    url = reverse("report_row_save", args=[other.agency.pk, other.q1.pk, other.indicators["I1"].pk])
    assert world.client("agency_operator").post(url, {"value": "10"}).status_code == 404
    assert world.client("agency_operator").get(reverse("report_realisation", args=[rows["I1"].pk])).status_code == 200
    with tenant_scope(world.a):
        with pytest.raises(ValidationError, match="Peran Anda"):
            actions.realisation_save_draft(actor=world.users["agency_operator"], agency=other.agency,
                                           quarter_id=other.q1.pk, agreement_indicator_id=other.indicators["I1"].pk,
                                           value="10")
        assert not Realisation.objects.filter(agency=world.a2).exists()


def test_a_value_for_an_indicator_not_in_the_signed_pk_is_refused(world: World, pk: Pk) -> None:
    other = signed_pk(world, world.a2)
    with tenant_scope(world.a):
        with pytest.raises(ValidationError, match="tidak ada dalam PK"):
            actions.realisation_save_draft(actor=world.users["agency_operator"], agency=pk.agency, quarter_id=pk.q1.pk,
                                           agreement_indicator_id=other.indicators["I1"].pk, value="10")
        pk.agreement.status = "superseded"
        pk.agreement.save()
        with pytest.raises(ValidationError, match="tidak ada dalam PK"):
            actions.realisation_save_draft(actor=world.users["agency_operator"], agency=pk.agency, quarter_id=pk.q1.pk,
                                           agreement_indicator_id=pk.indicators["I1"].pk, value="10")


@pytest.mark.parametrize("raw,message", [("abc", "bukan angka"), ("-5", "negatif"), ("100,01", "melebihi 100")])
def test_bad_values_are_refused_on_the_page_with_a_message(world: World, pk: Pk, raw: str, message: str) -> None:
    code = "I2" if raw == "-5" else "I1"
    url = reverse("report_row_save", args=[pk.agency.pk, pk.q1.pk, pk.indicators[code].pk])
    resp = world.client("agency_operator").post(url, {"value": raw}, headers={"HX-Request": "true"})
    assert resp.status_code == 400
    assert message in resp.content.decode()
    with tenant_scope(world.a):
        assert not Realisation.objects.filter(value__isnull=False).exists()


def test_reopening_needs_a_performance_admin_and_a_reason(world: World, pk: Pk) -> None:
    with tenant_scope(world.a):
        rows = fill_quarter(world, pk)
        actions.realisation_submit(actor=world.users["agency_head"], agency=pk.agency, quarter=pk.q1)
        with TestCase.captureOnCommitCallbacks(execute=True):  # scores follow after commit
            actions.realisation_verify(actor=world.users["inspector"], realisations=list(Realisation.objects.all()),
                                       verdict="accept")
        r = rows["I1"]
        with pytest.raises(ValidationError, match="Peran Anda"):
            actions.realisation_reopen(actor=world.users["inspector"], realisation=r, reason="alasan yang cukup")
        with pytest.raises(ValidationError, match="alasan"):
            actions.realisation_reopen(actor=world.users["perf_admin"], realisation=r, reason="")
    url = reverse("report_reopen", args=[r.pk])
    assert world.client("agency_head").post(url, {"reason": "x" * 20}).status_code == 403
    with TestCase.captureOnCommitCallbacks(execute=True):  # scores follow after commit
        resp = world.client("perf_admin").post(url, {"reason": "Salah ketik angka pada laporan BPS"})
    assert resp.status_code == 302
    with tenant_scope(world.a):
        r.refresh_from_db()
        assert r.status == "draft"
        last = RealisationVersion.objects.filter(realisation=r).order_by("-number").first()
        assert last.event == "reopened" and "BPS" in last.note
        assert AuditEvent.objects.filter(action="nyata.realisation.reopened").exists()
        snap = ScoreSnapshot.objects.get(agency=pk.agency, year=2026, quarter=1)
        assert snap.completeness == pytest.approx(2 / 3)
    history = world.client("leader").get(reverse("report_history", args=[r.pk])).content.decode()
    for word in ("disimpan", "diajukan", "diterima", "dibuka kembali", "BPS"):
        assert word in history


def test_late_submission_is_recorded_and_shown(world: World, pk: Pk) -> None:
    with tenant_scope(world.a):
        fill_quarter(world, pk)
        actions.realisation_submit(actor=world.users["agency_head"], agency=pk.agency, quarter=pk.q1)
        assert Realisation.objects.first().is_late  # Q1 2026 deadline (10 April) has passed
        assert AuditEvent.objects.filter(action="nyata.realisation.submitted", data__late=True).exists()
    body = world.client("leader").get(reverse("report_board") + f"?tw={pk.q1.pk}").content.decode()
    assert "Terlambat" in body


def test_a_missing_report_counts_as_zero_after_the_deadline(world: World, pk: Pk) -> None:
    other = signed_pk(world, world.a2)
    with tenant_scope(world.a):
        fill_quarter(world, pk)
        actions.realisation_submit(actor=world.users["agency_head"], agency=pk.agency, quarter=pk.q1)
        with TestCase.captureOnCommitCallbacks(execute=True):  # scores follow after commit
            actions.realisation_verify(actor=world.users["inspector"], realisations=list(Realisation.objects.all()),
                                       verdict="accept")
        snap = ScoreSnapshot.objects.get(agency=other.agency, year=2026, quarter=1)
        assert snap.score == 0 and "not_reported" in snap.flags
    body = world.client("leader").get(reverse("report_board") + f"?tw={pk.q1.pk}").content.decode()
    assert "Tidak melapor" in body  # A2 has not reported Q1 and its deadline has passed


def test_budget_realisation_is_checked(world: World, pk: Pk) -> None:
    prog = pk.programs[0]
    with tenant_scope(world.a):
        with pytest.raises(ValidationError) as e:
            actions.budget_save(actor=world.users["agency_operator"], agency=pk.agency, quarter=pk.q1,
                                spent={prog.pk: "-1"})
        assert "negatif" in str(e.value)
        with pytest.raises(ValidationError, match="melebihi pagu"):
            actions.budget_save(actor=world.users["agency_operator"], agency=pk.agency, quarter=pk.q1,
                                spent={prog.pk: "2.000.000.000"})
        rows = actions.budget_save(actor=world.users["agency_operator"], agency=pk.agency, quarter=pk.q1,
                                   spent={prog.pk: "250.000.000"})
        assert rows[0].absorption == 25.0


def test_a_quarter_that_has_not_started_cannot_be_reported(world: World, pk: Pk, monkeypatch: Any) -> None:
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 2, 1))
    with tenant_scope(world.a), pytest.raises(ValidationError, match="belum dimulai"):
        actions.realisation_save_draft(actor=world.users["agency_operator"], agency=pk.agency,
                                       quarter_id=pk.quarters[2].pk, agreement_indicator_id=pk.indicators["I1"].pk,
                                       value="10")


@pytest.mark.parametrize("lang,system", [("id", "Sistem"), ("en", "System")])
def test_a_value_written_by_no_person_opens_and_names_the_system(
    world: World, pk: Pk, lang: str, system: str
) -> None:
    """An import or the demo load writes with no actor: the value's page and its history still open
    (they answered 500 on 218 of the demo's 221 values) and name the system as the writer."""
    with tenant_scope(world.a):
        saved = {code: actions.realisation_save_draft(actor=None, agency=pk.agency, quarter_id=pk.q1.pk,
                                                      agreement_indicator_id=pk.indicators[code].pk, value=value)
                 for code, value in (("I1", "91"), ("I2", "48"), ("I3", "1,5"))}
        r = saved["I1"]
        actions.realisation_submit(actor=None, agency=pk.agency, quarter=pk.q1)
        actions.realisation_verify(actor=None, realisations=[r], verdict="return", comment="Bukti belum ada")
    client = world.client("leader")
    client.cookies["django_language"] = lang
    for name in ("report_realisation", "report_history"):
        resp = client.get(reverse(name, args=[r.pk]), HTTP_ACCEPT_LANGUAGE=lang)
        assert resp.status_code == 200, name
        assert system in resp.content.decode(), name
