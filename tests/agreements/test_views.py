"""Pages: signing with a second factor, the board, downloads, the public verification page, API."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from nyata.agreements import actions, documents
from nyata.agreements.models import Agreement, Ceremony
from nyata.core import security_events
from nyata.core.models import SecurityEvent
from nyata.core.tenancy import tenant_scope
from nyata.documents import seal
from tests.agreements.conftest import Plan

pytestmark = pytest.mark.django_db


def _pdf(a: Agreement) -> bytes:
    with a.signed_pdf.open("rb") as f:
        return f.read()


def _verify(client: Any, content: bytes, name: str = "pk.pdf") -> Any:
    return client.post(reverse("agreement_verify"), {"berkas": SimpleUploadedFile(name, content)})


def test_admin_locks_and_parties_sign_through_the_pages(plan: Plan) -> None:
    w = plan.world
    url = reverse("agreement_detail", args=[plan.pk.pk])
    admin = w.client("perf_admin")
    assert admin.post(reverse("agreement_lock", args=[plan.pk.pk])).status_code == 302
    head = w.client("agency_head")
    page = BeautifulSoup(head.get(url).content, "html.parser")
    assert page.select_one("[data-testid=sign]") is not None
    # Wrong code: refused with a message tied to the field; nothing signed.
    resp = head.post(reverse("agreement_sign", args=[plan.pk.pk]),
                     {"party": "first", "otp_token": "000000", "confirm": "on"})
    assert resp.status_code == 400
    assert "salah" in BeautifulSoup(resp.content, "html.parser").select_one("#otp-error").text
    # The failure counts for throttling even though the signing transaction rolled back.
    device = TOTPDevice.objects.get(user=w.users["agency_head"])
    assert device.throttling_failure_count == 1
    assert SecurityEvent.objects.filter(action=security_events.SECOND_FACTOR_FAILED,
                                        actor=w.users["agency_head"]).count() == 1
    device.throttle_reset()
    resp = head.post(reverse("agreement_sign", args=[plan.pk.pk]),
                     {"party": "first", "otp_token": plan.token("agency_head"), "confirm": "on"})
    assert resp.status_code == 302
    with TestCase.captureOnCommitCallbacks(execute=True):
        resp = w.client("leader").post(reverse("agreement_sign", args=[plan.pk.pk]),
                                       {"party": "second", "otp_token": plan.token("leader"), "confirm": "on"})
    assert resp.status_code == 302
    with tenant_scope(w.a):
        plan.pk.refresh_from_db()
        assert plan.pk.status == "signed"
    pdf = w.client("inspector").get(reverse("agreement_pdf", args=[plan.pk.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content == _pdf(plan.pk)


def test_inspector_cannot_sign(plan: Plan) -> None:
    resp = plan.world.client("inspector").post(reverse("agreement_sign", args=[plan.pk.pk]),
                                               {"party": "first", "otp_token": "123456", "confirm": "on"})
    assert resp.status_code == 403


def test_target_page_refuses_a_target_outside_the_plan(plan: Plan) -> None:
    with tenant_scope(plan.world.a):
        row = plan.pk.indicators.get(indicator=plan.indicator)
    resp = plan.world.client("perf_admin").post(reverse("agreement_targets", args=[plan.pk.pk]),
                                                {f"annual_target-{row.pk}": "95,00"})
    assert resp.status_code == 400
    assert "target rencana" in BeautifulSoup(resp.content, "html.parser").select_one("#form-errors").text
    with tenant_scope(plan.world.a):
        row.refresh_from_db()
        assert row.annual_target == 80


def test_verification_by_upload(plan: Plan) -> None:
    a = plan.sign_both()
    anon = plan.world.client(None)
    pdf = _pdf(a)
    resp = _verify(anon, pdf)
    page = BeautifulSoup(resp.content, "html.parser")
    assert page.select_one("[data-testid=verify-result]")["data-ok"] == "1"
    text = page.text
    assert plan.world.officials["A1"].name in text and "Gubernur Uji" in text
    assert "Berlaku" in text
    assert plan.world.officials["A1"].nip not in text  # names and positions only
    # One byte altered anywhere: refused.
    altered = bytearray(pdf)
    altered[len(pdf) // 2] ^= 0x20
    resp = _verify(anon, bytes(altered))
    assert resp.status_code == 400
    assert BeautifulSoup(resp.content, "html.parser").select_one("[data-testid=verify-result]")["data-ok"] == "0"
    # Not a PDF.
    resp = _verify(anon, b"PK\x03\x04 not a pdf", "x.pdf")
    assert resp.status_code == 400 and "bukan PDF" in resp.content.decode()


def test_verification_refuses_a_pdf_signed_by_another_certificate(plan: Plan, settings: Any, tmp_path: Any) -> None:
    a = plan.sign_both()
    with tenant_scope(plan.world.a):
        unsigned = documents.compile_pdf([a], final=True)
    ours = settings.DATA_DIR
    settings.DATA_DIR = tmp_path / "other"  # a look-alike seal from another CA
    forged = seal.seal_pdf(unsigned, reason="palsu", location="Palembang")
    settings.DATA_DIR = ours
    resp = _verify(plan.world.client(None), forged)
    assert resp.status_code == 400
    assert "tidak dipercaya" in resp.content.decode()


def test_verification_by_code_and_superseded(plan: Plan) -> None:
    a = plan.sign_both()
    anon = plan.world.client(None)
    resp = anon.get(reverse("agreement_verify"), {"kode": a.display_code.lower()})
    assert "Berlaku" in resp.content.decode()
    assert anon.get(reverse("agreement_verify"), {"kode": "ZZZZZ-ZZZZZ"}).content.decode().count("tidak dikenal") == 1
    w = plan.world
    with tenant_scope(w.a):
        new = actions.agreement_amend(actor=w.users["perf_admin"], agreement=a, reason="official_change")
        new = actions.agreement_lock(actor=w.users["perf_admin"], agreement=new)
        from django_otp.oath import totp

        from tests.agreements.conftest import KEYS

        with TestCase.captureOnCommitCallbacks(execute=True):
            actions.agreement_sign(actor=w.users["agency_head"], agreement=new, party="first",
                                   otp_token=f"{totp(bytes.fromhex(KEYS['agency_head']), t0=-30):06d}")
            actions.agreement_sign(actor=w.users["leader"], agreement=new, party="second",
                                   otp_token=f"{totp(bytes.fromhex(KEYS['leader']), t0=-30):06d}")
    resp = _verify(anon, _pdf(a))  # the old PDF is still authentic, but superseded
    page = BeautifulSoup(resp.content, "html.parser")
    assert page.select_one("[data-testid=verify-result]")["data-ok"] == "1"
    assert "digantikan" in page.select_one("[data-testid=verify-status]").text
    assert new.display_code in page.select_one("[data-testid=verify-status]").text
    diff = w.client("leader").get(reverse("agreement_diff", args=[new.pk]))
    assert diff.status_code == 200 and "Versi 1" in diff.content.decode()


def test_board_zip_and_merged_pdf(plan: Plan, django_assert_max_num_queries: Any) -> None:
    w = plan.world
    with tenant_scope(w.a):
        c = Ceremony.objects.create(pemda=w.a, name="Acara", place="Palembang", date=plan.pk.signing_date, year=2026)
        Agreement.objects.filter(pk__in=[plan.pk.pk, plan.pakta.pk]).update(ceremony=c)
    plan.sign_both()
    admin = w.client("perf_admin")
    with django_assert_max_num_queries(12):
        resp = admin.get(reverse("ceremony_board", args=[c.pk]), headers={"HX-Request": "true"})
    page = BeautifulSoup(resp.content, "html.parser")
    board = page.select_one("#ag-board")
    assert board["hx-trigger"] == "every 10s" and page.select_one("main") is None
    assert board.select_one("[data-status=signed]") is not None
    z = zipfile.ZipFile(io.BytesIO(admin.get(reverse("ceremony_zip", args=[c.pk])).content))
    assert sorted(z.namelist()) == ["PK-2026-KA-A1.pdf", "Pakta-2026-KA-A1.pdf"]
    merged = admin.get(reverse("ceremony_pdf", args=[c.pk]))
    assert merged.content.startswith(b"%PDF-")
    assert w.client("agency_head").get(reverse("ceremony_board", args=[c.pk])).status_code == 403


def test_api_list_detail_pdf_and_public_verify(plan: Plan) -> None:
    a = plan.sign_both()
    w = plan.world
    data = w.client("agency_head").get("/api/v1/agreements?year=2026").json()
    assert {d["kind"] for d in data} == {"pk", "pakta"}
    detail = w.client("leader").get(f"/api/v1/agreements/{a.pk}").json()
    assert detail["indicators"][0]["annual_target"] and len(detail["signatures"]) == 2
    pdf = w.client("leader").get(f"/api/v1/agreements/{a.pk}/pdf")
    assert pdf.content == _pdf(a)
    pub = w.client(None).get(f"/api/v1/agreements/verify/{a.display_code}").json()
    assert pub["current"] is True and pub["first_party"] == w.officials["A1"].name
    assert "nip" not in str(pub).lower()
    assert w.client(None).get("/api/v1/agreements/verify/0000000000").status_code == 404
    assert w.client("agency_operator").get(f"/api/v1/agreements/{a.pk}").status_code == 200
    assert w.client("outsider").get(f"/api/v1/agreements/{a.pk}").status_code == 404


def test_inbox_signs_a_selection_with_one_code(plan: Plan) -> None:
    w = plan.world
    with tenant_scope(w.a):
        for a in (plan.pk, plan.pakta):
            actions.agreement_lock(actor=w.users["perf_admin"], agreement=a)
    head = w.client("agency_head")
    page = BeautifulSoup(head.get(reverse("agreement_inbox")).content, "html.parser")
    ids = [i["value"] for i in page.select("input[name=agreement]")]
    assert len(ids) == 2
    resp = head.post(reverse("agreement_inbox"), {"agreement": ids, "otp_token": plan.token("agency_head"),
                                                  "confirm": "on"})
    assert resp.status_code == 302
    with tenant_scope(w.a):
        assert set(Agreement.objects.values_list("status", flat=True)) == {"signed_first"}


def test_the_inbox_ticks_nothing_for_the_signer_and_keeps_their_own_ticks_on_a_refusal(plan: Plan) -> None:
    w = plan.world
    with tenant_scope(w.a):
        for a in (plan.pk, plan.pakta):
            actions.agreement_lock(actor=w.users["perf_admin"], agreement=a)
    head = w.client("agency_head")
    page = BeautifulSoup(head.get(reverse("agreement_inbox")).content, "html.parser")
    boxes = page.select("input[type=checkbox]")
    assert len(boxes) == 3  # two documents and the "I have read" confirmation
    assert [b for b in boxes if b.has_attr("checked")] == []
    resp = head.post(reverse("agreement_inbox"), {"agreement": [str(plan.pk.pk)], "otp_token": "000000",
                                                  "confirm": "on"})
    assert resp.status_code == 400
    redrawn = BeautifulSoup(resp.content, "html.parser")
    assert [b["value"] for b in redrawn.select("input[name=agreement][checked]")] == [str(plan.pk.pk)]


def test_locking_an_empty_pk_says_what_is_missing_on_its_page(plan: Plan) -> None:
    w = plan.world
    with tenant_scope(w.a):
        plan.pk.indicators.all().delete()
    admin = w.client("perf_admin")
    resp = admin.post(reverse("agreement_lock", args=[plan.pk.pk]), follow=True)
    assert resp.status_code == 200
    page = BeautifulSoup(resp.content, "html.parser")
    said = " ".join(m.get_text() for m in page.select(".messages li, [role=alert]"))
    assert "belum memiliki indikator kinerja" in said
    with tenant_scope(w.a):
        plan.pk.refresh_from_db()
        assert plan.pk.status == "draft"
