"""An innovation's evidence file keeps the SHA-256 taken at upload; `audit verify` checks the file
against it, as it does reporting evidence and sealed PKs (issue 15 item 7)."""

from __future__ import annotations

import hashlib
import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from nyata.core.models import AuditEvent
from nyata.core.tenancy import tenant_scope, unscoped
from nyata.products import actions
from nyata.products.models import Evidence
from tests.conftest import World
from tests.products import factories


def _upload(world: World) -> Evidence:
    with tenant_scope(world.a):
        inn = factories.innovation(world.a1)
        return actions.evidence_add(actor=world.users["agency_operator"], innovation=inn, title="SK",
                                    upload=SimpleUploadedFile("sk.pdf", factories.PDF))


def _verify_fails() -> str:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--pemda", "99", stdout=StringIO(), stderr=err)
    return err.getvalue()


def test_the_upload_records_the_files_hash_in_the_record_and_the_chain(world: World) -> None:
    ev = _upload(world)
    digest = hashlib.sha256(factories.PDF).hexdigest()
    assert ev.sha256 == digest
    with unscoped():
        event = AuditEvent.objects.get(pemda=world.a, action="nyata.evidence.created", object_id=str(ev.pk))
    assert event.data["after"]["sha256"] == digest
    out = StringIO()
    call_command("audit", "verify", "--pemda", "99", stdout=out)
    assert "1 berkas" in out.getvalue()


def test_verify_names_an_evidence_file_altered_or_removed_on_disk(world: World) -> None:
    ev = _upload(world)
    with default_storage.open(ev.file.name, "wb") as f:
        f.write(factories.PDF + b"% diganti\n")
    message = _verify_fails()
    assert f"Bukti inovasi #{ev.pk}" in message and "hash differs from its record" in message
    default_storage.delete(ev.file.name)
    assert "file missing" in _verify_fails()
    # Another Pemda's verify does not open this Pemda's files.
    call_command("audit", "verify", "--pemda", "98.01", stdout=StringIO())


def test_the_migration_fills_the_hash_of_files_uploaded_before(world: World) -> None:
    with tenant_scope(world.a):
        inn = factories.innovation(world.a1)
        kept, gone = factories.evidence(inn), factories.evidence(inn)
        Evidence.objects.filter(pk__in=[kept.pk, gone.pk]).update(sha256="")
    default_storage.delete(gone.file.name)
    migration = importlib.import_module("nyata.products.migrations.0004_evidence_sha256_backfill")
    with unscoped():
        migration.backfill(apps, None)
        got = dict(Evidence.objects.values_list("pk", "sha256"))
    assert got == {kept.pk: hashlib.sha256(factories.PNG).hexdigest(), gone.pk: ""}
    assert "file missing" in _verify_fails()


def test_a_file_replaced_together_with_its_records_hash_still_differs_from_the_chain(world: World) -> None:
    ev = _upload(world)
    forged = factories.PDF + b"% dokumen lain\n"
    with default_storage.open(ev.file.name, "wb") as f:
        f.write(forged)
    with unscoped():
        Evidence.objects.filter(pk=ev.pk).update(sha256=hashlib.sha256(forged).hexdigest())
    message = _verify_fails()
    assert f"Bukti inovasi #{ev.pk}" in message and "differs from the one the audit chain recorded" in message
