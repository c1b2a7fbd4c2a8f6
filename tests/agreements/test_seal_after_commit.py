"""Sealing a PK runs after the signing committed, so it never holds the Pemda's audit lock."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction

from nyata.agreements import actions
from nyata.agreements.models import Agreement
from nyata.core import audit
from nyata.core.models import AuditEvent
from nyata.core.tenancy import tenant_scope
from nyata.documents import seal
from tests.agreements.conftest import Plan


@pytest.mark.django_db
def test_signing_records_the_fact_and_the_seal_follows_with_its_own_event(
        plan: Plan, django_capture_on_commit_callbacks: Any) -> None:
    w = plan.world
    with tenant_scope(w.a):
        a = actions.agreement_lock(actor=w.users["perf_admin"], agreement=plan.pk)
        actions.agreement_sign(actor=w.users["agency_head"], agreement=a, party="first",
                               otp_token=plan.token("agency_head"))
        with django_capture_on_commit_callbacks(execute=False) as pending:
            actions.agreement_sign(actor=w.users["leader"], agreement=a, party="second",
                                   otp_token=plan.token("leader"))
        a.refresh_from_db()
        # Committed: signed, chained, with the locked document's hash; no PDF made yet.
        assert a.status == Agreement.Status.SIGNED and a.chain_seq and not a.signed_pdf
        assert not AuditEvent.objects.filter(action="nyata.agreement.sealed").exists()
        assert len(pending) == 1
        pending[0]()
        a.refresh_from_db()
        assert a.signed_pdf and len(a.document_sha256) == 64
        sealed = AuditEvent.objects.get(action="nyata.agreement.sealed")
        assert sealed.data["document_sha256"] == a.document_sha256 and sealed.seq > a.chain_seq
        # Running it again changes nothing (a retried task).
        pending[0]()
        assert AuditEvent.objects.filter(action="nyata.agreement.sealed").count() == 1


# Decided before any fixture runs: a transactional test on SQLite could not flush the
# append-only audit log afterwards. CI runs the suite on PostgreSQL too.
@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                    reason="row locks between sessions need PostgreSQL (SQLite locks the whole file)")
@pytest.mark.django_db(transaction=True)
def test_an_audit_append_from_another_session_does_not_wait_for_a_seal(
        plan: Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    w = plan.world
    sealing, appended = threading.Event(), threading.Event()
    real_seal = seal.seal_pdf

    def slow_seal(pdf: bytes, **kwargs: Any) -> bytes:
        sealing.set()
        appended.wait(timeout=15)  # a seal inside the lock would keep the append waiting here
        return real_seal(pdf, **kwargs)

    monkeypatch.setattr(seal, "seal_pdf", slow_seal)
    with tenant_scope(w.a):
        a = actions.agreement_lock(actor=w.users["perf_admin"], agreement=plan.pk)
        actions.agreement_sign(actor=w.users["agency_head"], agreement=a, party="first",
                               otp_token=plan.token("agency_head"))
    errors: list[BaseException] = []

    def sign_second() -> None:
        try:
            with tenant_scope(w.a):
                actions.agreement_sign(actor=w.users["leader"], agreement=a, party="second",
                                       otp_token=plan.token("leader"))
        except BaseException as e:  # reported to the main thread
            errors.append(e)
        finally:
            connection.close()

    signer = threading.Thread(target=sign_second)
    signer.start()
    assert sealing.wait(timeout=60), "the seal never started"
    started = time.monotonic()
    with tenant_scope(w.a), transaction.atomic():
        with connection.cursor() as cursor:  # a wait for the seal fails instead of hanging
            cursor.execute("SET LOCAL lock_timeout = '5s'")
        audit.record(pemda=w.a.pk, actor=None, action="nyata.test.appended")
    waited = time.monotonic() - started
    appended.set()
    signer.join(timeout=60)
    assert not errors, errors
    assert waited < 2.0
    with tenant_scope(w.a):
        a.refresh_from_db()
        assert a.signed_pdf
        actions_in_order = list(AuditEvent.objects.filter(
            action__in=["nyata.agreement.signed", "nyata.test.appended", "nyata.agreement.sealed"],
        ).order_by("seq").values_list("action", flat=True))
    assert actions_in_order[-2:] == ["nyata.test.appended", "nyata.agreement.sealed"]
