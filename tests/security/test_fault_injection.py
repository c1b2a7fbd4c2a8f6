"""The database lost in the middle of a write: nothing half-written, a clear answer, and recovery.

Each test patches a function the operation calls inside its transaction (the audit record of
the write, after the rows before it were inserted) so that, at that point, the connection dies:
on PostgreSQL the session's own backend is terminated for real (`pg_terminate_backend`), on
SQLite `OperationalError` is raised there. Then: no version, audit event or media file of the
failed write remains, the user reads a 503 with a sentence in their language (not a 500 page),
the audit chain still verifies, and the next request, on a fresh connection, succeeds.

On PostgreSQL the tests are transactional: the test's own data is committed, so a terminated
backend loses nothing of it, and Django reopens the test's connection before its next query
(the flush afterwards truncates, which the append-only triggers allow). On SQLite the flush
would delete rows of the append-only logs, so the test keeps its outer transaction and the
action's own transaction is a savepoint that the raised error rolls back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from nyata.agreements import actions as agreement_actions
from nyata.agreements.models import Agreement, Signature
from nyata.core import audit
from nyata.core.models import AuditEvent
from nyata.core.tenancy import tenant_scope, unscoped
from nyata.reporting.models import Evidence, Realisation, RealisationVersion
from tests.agreements.conftest import Plan, _plan_for_world
from tests.conftest import World
from tests.reporting.factories import PDF, Pk, signed_pk

ON_POSTGRESQL = django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
pytestmark = pytest.mark.django_db(transaction=ON_POSTGRESQL)

MESSAGE_ID = "Basis data sedang tidak dapat dihubungi"
MESSAGE_EN = "The database cannot be reached"


def backend_pid() -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as c:
        c.execute("SELECT pg_backend_pid()")
        return int(c.fetchone()[0])


def kill_connection() -> None:
    """The database goes away under the running transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("SELECT pg_terminate_backend(pg_backend_pid())")
            c.execute("SELECT 1")  # in case the termination is noticed only by the next statement
        raise AssertionError("the backend survived pg_terminate_backend")
    raise OperationalError("disk I/O error (injected by the test)")


@dataclass
class Fault:
    action: str
    fired: int = 0
    pids: list[int | None] = field(default_factory=list)


@pytest.fixture
def fault(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """`fault("nyata.realisation.")`: the first audit record of that action kills the connection,
    after the event's row (and every row before it) was written inside the transaction."""
    real = audit.record
    faults: list[Fault] = []

    def record(*args: Any, **kwargs: Any) -> Any:
        event = real(*args, **kwargs)
        for f in faults:
            if not f.fired and str(kwargs.get("action", "")).startswith(f.action):
                f.fired += 1
                f.pids.append(backend_pid())
                kill_connection()
        return event

    monkeypatch.setattr(audit, "record", record)

    def arm(action: str) -> Fault:
        f = Fault(action)
        faults.append(f)
        return f

    yield arm
    faults.clear()


@pytest.fixture(autouse=True)
def _files(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEAL_P12 = ""
    settings.PUBLIC_BASE_URL = "https://nyata.example"
    settings.NYATA_EVIDENCE_SCANNER = "tests.reporting.doubles.EicarScanner"


def media_files() -> set[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def events() -> int:
    with unscoped():
        return AuditEvent.objects.count()


def assert_unavailable(resp: Any, fault: Fault, *, english: bool = False) -> None:
    assert fault.fired == 1, "the fault was not reached"
    assert resp.status_code == 503, resp.status_code
    assert resp["Retry-After"]
    text = (resp.json()["detail"] if resp["Content-Type"].startswith("application/json")
            else BeautifulSoup(resp.content, "html.parser").select_one("[data-testid=db-unavailable]").text)
    assert (MESSAGE_EN if english else MESSAGE_ID) in text
    assert "Traceback" not in resp.content.decode()
    if connection.vendor == "postgresql":  # the kill was real: the next query runs on a new backend
        assert backend_pid() != fault.pids[0]


def chain_intact(world: World) -> None:
    with unscoped():
        assert not audit.verify_pemda(world.a)


@pytest.fixture
def pk(world: World) -> Pk:
    return signed_pk(world, world.a1)


def test_a_realisation_save_killed_mid_transaction_writes_nothing_and_the_next_save_works(
        world: World, pk: Pk, fault: Any) -> None:
    ai = pk.indicators["I1"]
    url = reverse("report_row_save", args=[pk.agency.pk, pk.q1.pk, ai.pk])
    client = world.client("agency_operator")
    before = events()
    f = fault("nyata.realisation.")
    assert_unavailable(client.post(url, {"value": "91,5", "narrative": "uji"}), f)
    with tenant_scope(world.a):
        assert not RealisationVersion.objects.exists()
        assert not Realisation.objects.filter(value__isnull=False).exists()
    assert events() == before
    chain_intact(world)
    assert client.post(url, {"value": "91,5", "narrative": "uji"}).status_code == 302
    with tenant_scope(world.a):
        assert Realisation.objects.get(agreement_indicator=ai).value == 915 / 10
        assert RealisationVersion.objects.count() == 1
    chain_intact(world)


def test_the_api_answers_503_in_its_error_shape_and_in_the_users_language(world: World, pk: Pk, fault: Any) -> None:
    ai = pk.indicators["I2"]
    url = f"/api/v1/reporting/agencies/{pk.agency.pk}/quarters/{pk.q1.pk}/realisations"
    client = world.client("agency_operator")
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    f = fault("nyata.realisation.")
    resp = client.post(url, {"agreement_indicator_id": ai.pk, "value": "40"}, content_type="application/json")
    assert_unavailable(resp, f, english=True)
    assert set(resp.json()) == {"detail"}
    with tenant_scope(world.a):
        assert not RealisationVersion.objects.exists()
    resp = client.post(url, {"agreement_indicator_id": ai.pk, "value": "40"}, content_type="application/json")
    assert resp.status_code == 200, resp.content


def test_an_evidence_upload_killed_mid_save_leaves_no_row_event_or_file(world: World, pk: Pk, fault: Any) -> None:
    from nyata.reporting import actions as reporting_actions

    with tenant_scope(world.a):
        r = reporting_actions.realisation_save_draft(actor=world.users["agency_operator"], agency=pk.agency,
                                                     quarter_id=pk.q1.pk, agreement_indicator_id=pk.indicators["I1"].pk,
                                                     value="91")
    url = reverse("report_evidence_add", args=[r.pk])
    client = world.client("agency_operator")
    before, files_before = events(), media_files()
    f = fault("nyata.evidence.")
    assert_unavailable(client.post(url, {"file": SimpleUploadedFile("bukti.pdf", PDF)}), f)
    with tenant_scope(world.a):
        assert not Evidence.objects.exists()
    assert events() == before and media_files() == files_before
    chain_intact(world)
    assert client.post(url, {"file": SimpleUploadedFile("bukti.pdf", PDF)}).status_code == 302
    with tenant_scope(world.a):
        assert Evidence.objects.count() == 1
    assert len(media_files() - files_before) == 1


@pytest.fixture
def plan(world: World) -> Plan:
    return _plan_for_world(world)


def test_locking_a_pk_killed_mid_save_leaves_it_draft_with_no_pdf_in_media(plan: Plan, fault: Any) -> None:
    w = plan.world
    url = reverse("agreement_lock", args=[plan.pk.pk])
    admin = w.client("perf_admin")
    before, files_before = events(), media_files()
    f = fault("nyata.agreement.locked")
    assert_unavailable(admin.post(url), f)
    with tenant_scope(w.a):
        a = Agreement.objects.get(pk=plan.pk.pk)
        assert a.status == Agreement.Status.DRAFT and not a.locked_sha256 and not a.locked_pdf
    assert events() == before
    assert media_files() == files_before, "the locked PDF of a rolled-back lock stayed in media"
    chain_intact(w)
    assert admin.post(url).status_code == 302
    with tenant_scope(w.a):
        assert Agreement.objects.get(pk=plan.pk.pk).status == Agreement.Status.LOCKED


def _locked(plan: Plan) -> Agreement:
    with tenant_scope(plan.world.a):
        return agreement_actions.agreement_lock(actor=plan.world.users["perf_admin"], agreement=plan.pk)


def test_a_signature_killed_mid_save_is_not_recorded_and_the_signer_can_sign_again(plan: Plan, fault: Any) -> None:
    w = plan.world
    a = _locked(plan)
    url = reverse("agreement_sign", args=[a.pk])
    head = w.client("agency_head")
    before = events()
    f = fault("nyata.agreement.signed")
    resp = head.post(url, {"party": "first", "otp_token": plan.token("agency_head"), "confirm": "on"})
    assert_unavailable(resp, f)
    with tenant_scope(w.a):
        assert not Signature.objects.exists()
        assert Agreement.objects.get(pk=a.pk).status == Agreement.Status.LOCKED
    assert events() == before
    chain_intact(w)
    resp = head.post(url, {"party": "first", "otp_token": plan.token("agency_head"), "confirm": "on"})
    assert resp.status_code == 302
    with tenant_scope(w.a):
        assert Signature.objects.filter(agreement=a, party="first").count() == 1


def test_sealing_killed_mid_save_keeps_the_pk_signed_unsealed_with_no_file_and_a_retry_seals(
        plan: Plan, fault: Any, django_capture_on_commit_callbacks: Any) -> None:
    w = plan.world
    a = _locked(plan)
    url = reverse("agreement_sign", args=[a.pk])
    assert w.client("agency_head").post(
        url, {"party": "first", "otp_token": plan.token("agency_head"), "confirm": "on"}).status_code == 302
    files_before = media_files()
    f = fault("nyata.agreement.sealed")
    # The second signature commits; the seal runs after the commit and loses its connection.
    with django_capture_on_commit_callbacks(execute=True):  # SQLite: the test's transaction never commits
        resp = w.client("leader").post(url, {"party": "second", "otp_token": plan.token("leader"),
                                             "confirm": "on"})
    assert resp.status_code == 302 and f.fired == 1
    with tenant_scope(w.a):
        a.refresh_from_db()
        assert a.status == Agreement.Status.SIGNED and not a.signed_pdf and not a.document_sha256
        assert not AuditEvent.objects.filter(action="nyata.agreement.sealed").exists()
        assert AuditEvent.objects.filter(action="nyata.agreement.seal_failed").count() == 1
    assert media_files() == files_before, "the sealed PDF of a rolled-back seal stayed in media"
    chain_intact(w)
    with tenant_scope(w.a):  # the retry (the task is idempotent) seals it
        sealed = agreement_actions.agreement_seal(actor=None, agreement_id=a.pk)
        assert sealed.document_sha256 and sealed.signed_pdf
    assert w.client("inspector").get(reverse("agreement_pdf", args=[a.pk])).status_code == 200


def test_an_outage_in_a_middleware_answers_503_too(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def gone(user: Any) -> Any:
        raise OperationalError("server closed the connection unexpectedly (injected by the test)")

    monkeypatch.setattr("nyata.core.middleware.memberships_of", gone)
    client = Client(raise_request_exception=False)
    client.force_login(world.users["leader"])
    resp = client.get(reverse("home"))
    assert resp.status_code == 503 and MESSAGE_ID in resp.content.decode()
    assert "Traceback" not in resp.content.decode()
    monkeypatch.undo()
    assert client.get(reverse("home")).status_code in (200, 302)


def test_an_htmx_save_gets_the_sentence_in_place_of_the_page(world: World, pk: Pk, fault: Any) -> None:
    ai = pk.indicators["I1"]
    url = reverse("report_row_save", args=[pk.agency.pk, pk.q1.pk, ai.pk])
    f = fault("nyata.realisation.")
    resp = world.client("agency_operator").post(url, {"value": "91"}, HTTP_HX_REQUEST="true")
    assert_unavailable(resp, f)
    assert resp["HX-Retarget"] == "#main" and not resp.content.decode().lstrip().startswith("<!doctype")
