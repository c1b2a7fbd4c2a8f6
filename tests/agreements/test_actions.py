"""Drafts, targets within the plan, locking, signing with TOTP, sealing, amendments."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from asn1crypto import x509 as asn1_x509
from django.core.exceptions import ValidationError
from django.test import TestCase
from django_otp.oath import totp
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from nyata.agreements import actions, services
from nyata.agreements.models import Agreement, Signature
from nyata.core import otp
from nyata.core.models import AuditEvent
from nyata.core.tenancy import tenant_scope
from nyata.documents import seal
from nyata.planning.models import IndicatorTarget
from tests.agreements.conftest import KEYS, Plan

pytestmark = pytest.mark.django_db


def _state(a: Agreement) -> tuple[Any, ...]:
    a.refresh_from_db()
    return (a.status, Signature.objects.filter(agreement=a).count(), AuditEvent.objects.count(),
            a.document_sha256)


def test_generate_snapshots_the_plan(plan: Plan) -> None:
    with tenant_scope(plan.world.a):
        pk = plan.pk
        assert pk.first_party == plan.world.officials["A1"] and pk.second_party == plan.governor
        rows = list(pk.indicators.order_by("order"))
        assert [r.name for r in rows] == ["Persentase layanan tepat waktu", "Jumlah kasus ditangani"]
        assert rows[0].annual_target == Decimal("80") and rows[0].q4_target == Decimal("80")
        assert rows[1].range_low == Decimal("100") and rows[1].range_high == Decimal("120")
        assert sum(rows[1].quarter_targets) == Decimal("100")  # type: ignore[arg-type]
        assert [(p.code, p.budget) for p in pk.programs.all()] == [("1.02.01", Decimal("1250000000.00"))]
        assert plan.pakta.indicators.count() == 0
        # Generating again adds nothing.
        assert actions.agreements_generate(actor=None, pemda=plan.world.a, year=2026, signing_date=pk.signing_date,
                                           positions=[plan.world.positions["A1"]]) == []


def test_targets_must_stay_within_the_plan(plan: Plan) -> None:
    admin = plan.world.users["perf_admin"]
    with tenant_scope(plan.world.a):
        row = plan.pk.indicators.get(indicator=plan.indicator)
        rng = plan.pk.indicators.get(indicator=plan.indicator_range)
        before = AuditEvent.objects.count()
        with pytest.raises(ValidationError, match="harus sama dengan target rencana"):
            actions.agreement_update_targets(actor=admin, agreement=plan.pk,
                                             targets={row.pk: {"annual_target": Decimal("85")}})
        with pytest.raises(ValidationError, match="triwulan IV"):
            actions.agreement_update_targets(actor=admin, agreement=plan.pk,
                                             targets={row.pk: {"q4_target": Decimal("79")}})
        with pytest.raises(ValidationError, match="jumlah keempat"):
            actions.agreement_update_targets(actor=admin, agreement=plan.pk, targets={rng.pk: {
                "annual_target": Decimal("110")}})
        with pytest.raises(ValidationError, match="harus sama dengan target rencana"):
            actions.agreement_update_targets(actor=admin, agreement=plan.pk, targets={rng.pk: {
                "annual_target": Decimal("121")}})
        assert AuditEvent.objects.count() == before
        actions.agreement_update_targets(actor=admin, agreement=plan.pk, targets={
            row.pk: {"q1_target": Decimal("71"), "q2_target": Decimal("74")},
            rng.pk: {"annual_target": Decimal("110"), "q1_target": Decimal("20"), "q2_target": Decimal("30"),
                     "q3_target": Decimal("30"), "q4_target": Decimal("30")},
        })
        row.refresh_from_db()
        assert row.q1_target == Decimal("71")
        assert AuditEvent.objects.filter(action="nyata.agreement.targets_updated").exists()


def test_lock_then_no_more_edits(plan: Plan) -> None:
    admin = plan.world.users["perf_admin"]
    with tenant_scope(plan.world.a):
        a = actions.agreement_lock(actor=admin, agreement=plan.pk)
        assert a.status == "locked" and len(a.locked_sha256) == 64 and a.locked_pdf
        row = a.indicators.first()
        with pytest.raises(ValidationError, match="tidak lagi berupa draf"):
            actions.agreement_update_targets(actor=admin, agreement=a, targets={row.pk: {"q1_target": Decimal(1)}})
        with pytest.raises(ValidationError, match="tidak lagi berupa draf"):
            actions.agreement_lock(actor=admin, agreement=a)


def test_sign_refuses_a_draft(plan: Plan) -> None:
    with tenant_scope(plan.world.a):
        before = _state(plan.pk)
        with pytest.raises(ValidationError, match="masih draf"):
            actions.agreement_sign(actor=plan.world.users["agency_head"], agreement=plan.pk, party="first",
                                   otp_token=plan.token("agency_head"))
        assert _state(plan.pk) == before


def test_sign_refuses_anyone_but_the_named_party(plan: Plan) -> None:
    w = plan.world
    with tenant_scope(w.a):
        a = actions.agreement_lock(actor=w.users["perf_admin"], agreement=plan.pk)
        before = _state(a)
        # A signer who is not the party (the leader as first, the head as second) is refused by
        # the party rule; an admin, who signs nothing, already by the role.
        for user, party, refusal in ((w.users["leader"], "first", "Hanya"),
                                     (w.users["perf_admin"], "first", "Peran Anda tidak mengizinkan"),
                                     (w.users["agency_head"], "second", "Hanya")):
            with pytest.raises(ValidationError, match=refusal):
                actions.agreement_sign(actor=user, agreement=a, party=party, otp_token="123456")
        with pytest.raises(ValidationError, match="setelah pihak pertama"):
            actions.agreement_sign(actor=w.users["leader"], agreement=a, party="second",
                                   otp_token=plan.token("leader"))
        assert _state(a) == before


def test_wrong_and_replayed_second_factor(plan: Plan) -> None:
    w = plan.world
    head = w.users["agency_head"]
    with tenant_scope(w.a):
        a = actions.agreement_lock(actor=w.users["perf_admin"], agreement=plan.pk)
        pakta = actions.agreement_lock(actor=w.users["perf_admin"], agreement=plan.pakta)
        before = _state(a)
        good = plan.token("agency_head")
        wrong = f"{(int(good) + 1) % 1_000_000:06d}"
        with pytest.raises(otp.SecondFactorError, match="salah"):
            actions.agreement_sign(actor=head, agreement=a, party="first", otp_token=wrong)
        with pytest.raises(otp.SecondFactorError, match="6 digit"):
            actions.agreement_sign(actor=head, agreement=a, party="first", otp_token="abc")
        assert _state(a) == before
        actions.agreement_sign(actor=head, agreement=a, party="first", otp_token=good)
        before_pakta = _state(pakta)
        with pytest.raises(otp.SecondFactorError, match="sudah pernah dipakai"):
            actions.agreement_sign(actor=head, agreement=pakta, party="first", otp_token=good)
        assert _state(pakta) == before_pakta


def test_sign_twice_refused(plan: Plan) -> None:
    w = plan.world
    with tenant_scope(w.a):
        a = actions.agreement_lock(actor=w.users["perf_admin"], agreement=plan.pk)
        actions.agreement_sign(actor=w.users["agency_head"], agreement=a, party="first",
                               otp_token=plan.token("agency_head"))
        before = _state(a)
        with pytest.raises(ValidationError, match="sudah ditandatangani"):
            actions.agreement_sign(actor=w.users["agency_head"], agreement=a, party="first",
                                   otp_token=f"{totp(bytes.fromhex(KEYS['agency_head']), t0=-30):06d}")
        assert _state(a) == before


def test_signing_seals_and_pyhanko_validates_against_the_demo_ca(plan: Plan) -> None:
    with tenant_scope(plan.world.a):
        a = plan.sign_both()
        assert a.status == "signed" and a.chain_seq and len(a.chain_hash) == 64
        sigs = list(a.signatures.order_by("party"))
        assert [s.party for s in sigs] == ["first", "second"]
        assert all(s.otp_verified and s.document_sha256 == a.locked_sha256 for s in sigs)
        event = AuditEvent.objects.get(action="nyata.agreement.signed", data__party="second")
        assert event.data["document_sha256"] == a.locked_sha256 and event.seq == a.chain_seq
        with a.signed_pdf.open("rb") as f:
            pdf = f.read()
    # pyHanko's own validation, trusting only the demo CA (no network).
    ca = asn1_x509.Certificate.load(seal.ensure_demo_seal().ca_der)  # type: ignore[arg-type]
    vc = ValidationContext(trust_roots=[ca], allow_fetching=False)
    status = validate_pdf_signature(PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0], vc)
    assert status.bottom_line and status.trusted and status.intact
    altered = bytearray(pdf)
    altered[len(pdf) // 3] ^= 0x01
    bad = validate_pdf_signature(PdfFileReader(io.BytesIO(bytes(altered)), strict=False).embedded_signatures[0], vc)
    assert not bad.bottom_line


def test_signed_pk_is_frozen_against_plan_edits(plan: Plan) -> None:
    with tenant_scope(plan.world.a):
        a = plan.sign_both()
        IndicatorTarget.objects.filter(indicator=plan.indicator, year=2026).update(value=Decimal("99"))
        row = a.indicators.get(indicator=plan.indicator)
        assert row.annual_target == Decimal("80")
        with pytest.raises(ValidationError, match="tidak lagi berupa draf"):
            actions.agreement_update_targets(actor=plan.world.users["perf_admin"], agreement=a,
                                             targets={row.pk: {"annual_target": Decimal("99")}})
        assert list(services.signed_indicators(agency=plan.world.a1, year=2026)) == list(a.indicators.all())


def test_amendment_supersedes_after_signing(plan: Plan) -> None:
    w = plan.world
    admin = w.users["perf_admin"]
    with tenant_scope(w.a):
        old = plan.sign_both()
        with pytest.raises(ValidationError, match="tiga alasan"):
            actions.agreement_amend(actor=admin, agreement=old, reason="because")
        IndicatorTarget.objects.filter(indicator=plan.indicator, year=2026).update(value=Decimal("82"))
        new = actions.agreement_amend(actor=admin, agreement=old, reason="priority_change", note="APBD-P")
        assert (new.version, new.supersedes_id, new.status) == (2, old.pk, "draft")
        assert new.indicators.get(indicator=plan.indicator).annual_target == Decimal("82")
        with pytest.raises(ValidationError, match="sedang disusun"):
            actions.agreement_amend(actor=admin, agreement=old, reason="priority_change")
        # The signed version stays current until the amendment is signed.
        assert services.current_agreement(agency=w.a1, year=2026) == old
        new = actions.agreement_lock(actor=admin, agreement=new)
        with TestCase.captureOnCommitCallbacks(execute=True):
            actions.agreement_sign(actor=w.users["agency_head"], agreement=new, party="first",
                                   otp_token=f"{totp(bytes.fromhex(KEYS['agency_head']), t0=-30):06d}")
            actions.agreement_sign(actor=w.users["leader"], agreement=new, party="second",
                                   otp_token=f"{totp(bytes.fromhex(KEYS['leader']), t0=-30):06d}")
        old.refresh_from_db()
        assert old.status == "superseded" and old.signed_pdf
        assert services.current_agreement(agency=w.a1, year=2026) == new
        assert services.signed_indicators(agency=w.a1, year=2026).get(
            indicator=plan.indicator).annual_target == Decimal("82")


@pytest.mark.parametrize("empty", [("indicators",), ("programs",), ("indicators", "programs")])
def test_a_pk_with_nothing_to_promise_or_fund_cannot_be_locked(plan: Plan, empty: tuple[str, ...]) -> None:
    admin = plan.world.users["perf_admin"]
    with tenant_scope(plan.world.a):
        for related in empty:
            getattr(plan.pk, related).all().delete()
        before = _state(plan.pk)
        with pytest.raises(ValidationError) as refused:
            actions.agreement_lock(actor=admin, agreement=plan.pk)
        said = " ".join(refused.value.messages)
        assert ("belum memiliki indikator kinerja" in said) == ("indicators" in empty)
        assert ("belum memiliki program dan anggaran" in said) == ("programs" in empty)
        assert _state(plan.pk) == before
        assert not AuditEvent.objects.filter(action="nyata.agreement.locked").exists()


def test_a_pakta_needs_no_indicators_to_be_locked(plan: Plan) -> None:
    with tenant_scope(plan.world.a):
        assert not plan.pakta.indicators.exists()
        assert actions.agreement_lock(actor=plan.world.users["perf_admin"], agreement=plan.pakta).status == "locked"
