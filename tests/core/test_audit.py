from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from nyata.core import actions, audit
from nyata.core.models import Agency, AuditChainHead, AuditEvent
from nyata.core.tenancy import tenant_scope, unscoped
from tests.conftest import World
from tests.tampering import tamper


def test_every_write_appends_a_chained_event(world: World) -> None:
    with tenant_scope(world.a):
        agency = Agency.objects.get(code="A1")
        before = AuditEvent.objects.count()
        agency.name = "Dinas Satu Baru"
        actions.record_save(actor=world.users["perf_admin"], obj=agency)
        events = list(AuditEvent.objects.order_by("seq"))
    assert len(events) == before + 1
    last = events[-1]
    assert last.action == "nyata.agency.updated"
    assert last.data == {"before": {"name": "Dinas Satu"}, "after": {"name": "Dinas Satu Baru"}}
    assert last.prev_hash == events[-2].hash
    assert last.actor_id == world.users["perf_admin"].pk


def test_chains_are_per_pemda(world: World) -> None:
    with unscoped():
        a_seqs = list(AuditEvent.objects.filter(pemda=world.a).values_list("seq", flat=True))
        b_seqs = list(AuditEvent.objects.filter(pemda=world.b).values_list("seq", flat=True))
        heads = {h.pemda_id: h.seq for h in AuditChainHead.objects.all()}
    assert a_seqs == list(range(1, len(a_seqs) + 1))
    assert b_seqs == list(range(1, len(b_seqs) + 1))
    assert heads[world.a.pk] == len(a_seqs)


def test_verify_passes_on_an_intact_chain(world: World) -> None:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "utuh" in out.getvalue()
    assert audit.verify() == []


def test_the_database_refuses_to_update_or_delete_events(world: World) -> None:
    with unscoped():
        event = AuditEvent.objects.filter(pemda=world.a).first()
    assert event is not None
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE core_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])


def test_verify_names_an_altered_event(world: World) -> None:
    with unscoped():
        target = AuditEvent.objects.filter(pemda=world.a).order_by("seq")[3]
    tamper("UPDATE core_auditevent SET object_repr = %s WHERE id = %s", ["Dinas Palsu", target.pk])
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--pemda", "99", stderr=err)
    message = err.getvalue()
    assert f"seq {target.seq}" in message
    assert f"event id {target.pk}" in message
    assert "altered" in message
    # The other Pemda's chain is untouched and still verifies.
    call_command("audit", "verify", "--pemda", "98.01", stdout=StringIO())


def test_verify_names_a_removed_event(world: World) -> None:
    with unscoped():
        target = AuditEvent.objects.filter(pemda=world.a).order_by("seq")[2]
    tamper("DELETE FROM core_auditevent WHERE id = %s", [target.pk])
    breaks = audit.verify("99")
    assert len(breaks) == 1
    assert breaks[0].seq == target.seq + 1
    assert "missing" in breaks[0].reason


def test_verify_detects_a_removed_tail(world: World) -> None:
    with unscoped():
        last = AuditEvent.objects.filter(pemda=world.a).order_by("-seq").first()
    assert last is not None
    tamper("DELETE FROM core_auditevent WHERE id = %s", [last.pk])
    breaks = audit.verify("99")
    assert breaks and "tail removed" in breaks[0].reason


def test_verify_detects_an_inserted_event(world: World) -> None:
    with unscoped():
        events = list(AuditEvent.objects.filter(pemda=world.a).order_by("seq"))
    # Shift the sequence of every later event up by one and slip a forged one in at seq 3.
    tamper(
        "UPDATE core_auditevent SET seq = seq + 1000 WHERE pemda_id = %s AND seq >= 3", [world.a.pk]
    )
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE core_auditevent SET seq = seq - 999 WHERE pemda_id = %s AND seq >= 1003",
            [world.a.pk],
        )
    forged = AuditEvent(
        pemda=world.a,
        seq=3,
        created_at=events[2].created_at,
        action="nyata.agency.created",
        data={},
        prev_hash=events[1].hash,
        hash="f" * 64,
    )
    with unscoped():
        forged.save(force_insert=True)
    breaks = audit.verify("99")
    assert breaks and breaks[0].seq == 3


def test_record_refuses_to_run_outside_a_transaction(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    class Autocommit:
        in_atomic_block = False

    monkeypatch.setattr(audit, "connection", Autocommit())
    with pytest.raises(audit.AuditError, match="inside the transaction"):
        audit.record(pemda=world.a, actor=None, action="nyata.test.loose")


def test_secrets_are_masked_in_events(world: World) -> None:
    with transaction.atomic():
        event = audit.record(
            pemda=world.a,
            actor=None,
            action="nyata.test.secret",
            data={"password": "rahasia", "nested": {"otp_token": "123456"}, "ok": 1},
        )
    assert event.data == {"password": "***", "nested": {"otp_token": "***"}, "ok": 1}


def test_unknown_pemda_is_a_clear_error(world: World) -> None:
    with pytest.raises(CommandError, match="no Pemda"):
        call_command("audit", "verify", "--pemda", "00", stderr=StringIO())
