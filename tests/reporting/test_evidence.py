"""Evidence: content checks, size limit, malware hook, random storage names, permission-checked download."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nyata.core.models import AuditEvent
from nyata.core.tenancy import tenant_scope
from nyata.reporting import actions
from nyata.reporting.models import Evidence, Realisation
from tests.conftest import World
from tests.reporting.factories import EICAR, PDF, PNG, Pk, signed_pk


@pytest.fixture
def item(world: World) -> tuple[Pk, Realisation]:
    pk = signed_pk(world, world.a1)
    with tenant_scope(world.a):
        r = actions.realisation_save_draft(actor=world.users["agency_operator"], agency=pk.agency, quarter_id=pk.q1.pk,
                                           agreement_indicator_id=pk.indicators["I1"].pk, value="91")
    return pk, r


def _upload(world: World, r: Realisation, name: str, data: bytes, who: str = "agency_operator") -> Any:
    return world.client(who).post(reverse("report_evidence_add", args=[r.pk]),
                                  {"file": SimpleUploadedFile(name, data)})


def test_a_pdf_is_stored_under_a_random_name_with_its_hash_in_the_audit_chain(world: World, item: Any) -> None:
    _pk, r = item
    assert _upload(world, r, "Daftar hadir.pdf", PDF).status_code == 302
    with tenant_scope(world.a):
        ev = Evidence.objects.get()
        digest = hashlib.sha256(PDF).hexdigest()
        assert ev.sha256 == digest and ev.kind == "pdf" and ev.original_name == "Daftar hadir.pdf"
        assert "Daftar" not in ev.file.name and not ev.file.name.endswith(".pdf")
        path = Path(ev.file.path)
        assert path.is_relative_to(Path(settings.MEDIA_ROOT))
        assert not path.is_relative_to(Path(settings.STATIC_ROOT))
        event = AuditEvent.objects.get(action="nyata.evidence.added")
        assert event.data["sha256"] == digest
    resp = world.client("leader").get(reverse("report_evidence_download", args=[ev.pk]))
    assert resp.status_code == 200
    assert resp["Content-Disposition"].startswith("attachment;")
    assert resp["Content-Type"] == "application/pdf"
    assert resp.content == PDF


@pytest.mark.parametrize("name,data,message", [
    ("virus.exe.pdf", b"MZ\x90\x00" + b"\x00" * 100, "bukan PDF"),
    ("foto.jpg", PNG, "tidak sesuai"),
    ("bukti.pdf", PDF + EICAR, "malware"),
])
def test_bad_files_are_refused_and_nothing_is_stored(world: World, item: Any, name: str, data: bytes,
                                                     message: str) -> None:
    _pk, r = item
    resp = _upload(world, r, name, data)
    assert resp.status_code == 400
    assert message in resp.content.decode()
    with tenant_scope(world.a):
        assert not Evidence.objects.exists()
        assert not AuditEvent.objects.filter(action="nyata.evidence.added").exists()
    media = Path(settings.MEDIA_ROOT) / "evidence"
    assert not media.exists() or not any(media.rglob("*"))


def test_a_file_over_the_limit_is_refused(world: World, item: Any, settings: Any) -> None:
    settings.NYATA_EVIDENCE_MAX_MB = 1
    _pk, r = item
    resp = _upload(world, r, "besar.pdf", PDF + b"0" * (1024 * 1024 + 1))
    assert resp.status_code == 400 and "terlalu besar" in resp.content.decode()


def test_an_unreachable_scanner_refuses_the_file(world: World, item: Any, settings: Any) -> None:
    settings.NYATA_EVIDENCE_SCANNER = "tests.reporting.doubles.BrokenScanner"
    _pk, r = item
    resp = _upload(world, r, "a.pdf", PDF)
    assert resp.status_code == 400 and "Pemindai malware" in resp.content.decode()


def test_downloads_are_limited_to_the_agency(world: World, item: Any) -> None:
    _pk, r = item
    _upload(world, r, "a.png", PNG)
    with tenant_scope(world.a):
        ev = Evidence.objects.get()
    url = reverse("report_evidence_download", args=[ev.pk])
    assert world.client("agency_operator").get(url).status_code == 200
    assert world.client("outsider").get(url).status_code == 404
    assert world.client(None).get(url).status_code == 302
    other = signed_pk(world, world.a2)
    with tenant_scope(world.a):
        r2 = actions.realisation_save_draft(actor=None, agency=other.agency, quarter_id=other.q1.pk,
                                            agreement_indicator_id=other.indicators["I1"].pk, value="90")
        ev2 = Evidence.objects.create(pemda=world.a, realisation=r2, agency=world.a2, file=ev.file.name,
                                      original_name="x.png", kind="png", size=1, sha256="0" * 64)
    assert world.client("agency_operator").get(reverse("report_evidence_download", args=[ev2.pk])).status_code == 404


def test_no_evidence_after_submission(world: World, item: Any) -> None:
    pk, r = item
    with tenant_scope(world.a):
        for code in ("I2", "I3"):
            actions.realisation_save_draft(actor=world.users["agency_operator"], agency=pk.agency, quarter_id=pk.q1.pk,
                                           agreement_indicator_id=pk.indicators[code].pk, value="1")
        actions.realisation_submit(actor=world.users["agency_head"], agency=pk.agency, quarter=pk.q1)
    resp = _upload(world, r, "a.pdf", PDF)
    assert resp.status_code == 400 and "tidak dapat ditambah" in resp.content.decode()


def test_a_store_that_cannot_be_written_refuses_with_a_message_and_alerts(world: World, item: Any, settings: Any,
                                                                          tmp_path: Path, mailoutbox: Any) -> None:
    """A full or read-only disk (here: the media folder's parent is a file, which even root cannot
    write under) answered a bare 500; now the operator reads why, nothing is kept, the admins know."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker / "media"
    world.users["perf_admin"].email = "admin@provinsiuji.go.id"
    world.users["perf_admin"].save()
    _pk, r = item
    with tenant_scope(world.a):
        before = AuditEvent.objects.count()
    resp = _upload(world, r, "bukti.pdf", PDF)
    assert resp.status_code == 400
    assert "tidak dapat ditulis" in resp.content.decode()
    with tenant_scope(world.a):
        assert not Evidence.objects.filter(realisation=r).exists()
        assert AuditEvent.objects.count() == before
    assert [m.to for m in mailoutbox] == [["admin@provinsiuji.go.id"]]
    assert "storage_failed" in mailoutbox[0].subject


def test_an_evidence_file_changed_on_disk_no_longer_matches_its_record(world: World, item: Any) -> None:
    """What `nyata restore` (and any integrity check) relies on: the SHA-256 held by the record."""
    from nyata.core import integrity

    _pk, r = item
    assert _upload(world, r, "bukti.pdf", PDF).status_code in (200, 302)
    checked, problems = integrity.problems()
    assert checked == 1 and problems == []
    with tenant_scope(world.a):
        ev = Evidence.objects.get(realisation=r)
    Path(settings.MEDIA_ROOT, ev.file.name).write_bytes(PDF + b"%changed")
    assert ["SHA-256" in p and f"#{ev.pk}" in p for p in integrity.problems()[1]] == [True]
    Path(settings.MEDIA_ROOT, ev.file.name).unlink()
    assert ["tidak ada" in p for p in integrity.problems()[1]] == [True]
