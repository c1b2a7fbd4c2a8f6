"""What a sealed PK needs in production: a QR code at its Pemda's public address (never a development
one), the Pemda's own seal, and a file store that can be written."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from nyata.agreements import actions, documents
from nyata.core.accounts import is_development_url
from nyata.core.apps import public_url_check
from nyata.core.tenancy import tenant_scope
from tests.agreements.conftest import Plan


def test_the_verification_link_uses_the_pemdas_public_address(plan: Plan, settings: Any) -> None:
    settings.PUBLIC_BASE_URL = "https://nyata.contoh.go.id"
    with tenant_scope(plan.world.a):
        assert documents.verify_url(plan.pk).startswith("https://nyata.contoh.go.id/perjanjian/verifikasi/?kode=")
        plan.world.a.public_base_url = "https://kinerja.provinsiuji.go.id/"
        plan.world.a.save()
        plan.pk.refresh_from_db()
        assert documents.verify_url(plan.pk).startswith("https://kinerja.provinsiuji.go.id/perjanjian/verifikasi/")


@pytest.mark.parametrize(("url", "dev"), [
    ("http://127.0.0.1:8000", True), ("http://localhost", True), ("http://[::1]:8000", True),
    ("http://0.0.0.0", True), ("https://nyata.local", True), ("http://169.254.1.1", True),
    ("https://kinerja.banyuasinkab.go.id", False), ("https://103.10.20.30", False),
])
def test_development_addresses_are_recognised(url: str, dev: bool) -> None:
    assert is_development_url(url) is dev


def test_production_refuses_to_sign_a_document_whose_qr_would_point_at_a_loopback(plan: Plan, settings: Any,
                                                                                 production_seal: None) -> None:
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    w = plan.world
    with tenant_scope(w.a):
        a = actions.agreement_lock(actor=w.users["perf_admin"], agreement=plan.pk)
        with pytest.raises(ValidationError, match="NYATA_PUBLIC_BASE_URL"):
            actions.agreement_sign(actor=w.users["agency_head"], agreement=a, party="first",
                                   otp_token=plan.token("agency_head"))
        a.refresh_from_db()
        assert a.status == "locked" and not a.signatures.exists()
        w.a.public_base_url = "https://kinerja.provinsiuji.go.id"
        w.a.save()
        a = type(a).objects.get(pk=a.pk)
        actions.agreement_sign(actor=w.users["agency_head"], agreement=a, party="first",
                               otp_token=plan.token("agency_head"))
        assert a.signatures.count() == 1


def test_check_deploy_warns_about_a_development_fallback(settings: Any) -> None:
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    assert [w.id for w in public_url_check()] == ["nyata.W001"]
    settings.PUBLIC_BASE_URL = "https://nyata.contoh.go.id"
    assert public_url_check() == []


def test_production_refuses_to_sign_what_it_could_not_seal(plan: Plan, settings: Any) -> None:
    """No seal configured: the demo seal's passphrase is public, so nobody signs at all."""
    settings.PRODUCTION, settings.SEAL_P12 = True, ""
    settings.PUBLIC_BASE_URL = "https://nyata.contoh.go.id"
    w = plan.world
    with tenant_scope(w.a):
        a = actions.agreement_lock(actor=w.users["perf_admin"], agreement=plan.pk)
        with pytest.raises(ValidationError, match="NYATA_SEAL_P12"):
            actions.agreement_sign(actor=w.users["agency_head"], agreement=a, party="first",
                                   otp_token=plan.token("agency_head"))
        a.refresh_from_db()
        assert a.status == "locked" and not a.signatures.exists()


def test_locking_with_a_store_that_cannot_be_written_says_so_and_keeps_the_draft(plan: Plan, settings: Any,
                                                                                 tmp_path: Any) -> None:
    from django.urls import reverse

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker / "media"
    w = plan.world
    resp = w.client("perf_admin").post(reverse("agreement_lock", args=[plan.pk.pk]), follow=True)
    assert resp.status_code == 200
    assert "tidak dapat ditulis" in resp.content.decode()
    with tenant_scope(w.a):
        plan.pk.refresh_from_db()
        assert plan.pk.status == "draft" and not plan.pk.locked_pdf
