"""A chain rewritten and re-hashed end to end is consistent with itself; `audit verify` still
finds it, because each signed PK holds the chain's head at its signing (issue 15 item 7)."""

from __future__ import annotations

from django.db import connection

from nyata.core import audit
from nyata.core.models import AuditChainHead, AuditEvent
from nyata.core.tenancy import unscoped
from tests.agreements.conftest import Plan


def _rewrite_and_rehash(pemda_id: int, seq: int, object_repr: str) -> None:
    """What an attacker with database access and the source would do: change one event, then
    recompute every later hash and the head, so the chain verifies on its own."""
    with unscoped():
        events = list(AuditEvent.objects.filter(pemda_id=pemda_id).order_by("seq"))
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("DROP TRIGGER core_auditevent_no_update")
        else:
            cur.execute("SET LOCAL session_replication_role = replica")
        prev = audit.GENESIS
        for ev in events:
            if ev.seq == seq:
                ev.object_repr = object_repr
            new = audit.compute_hash(pemda_id=pemda_id, seq=ev.seq, created_at=ev.created_at, actor_id=ev.actor_id,
                                     actor_label=ev.actor_label, action=ev.action, object_type=ev.object_type,
                                     object_id=ev.object_id, object_repr=ev.object_repr, data=ev.data,
                                     prev_hash=prev)
            cur.execute("UPDATE core_auditevent SET object_repr = %s, prev_hash = %s, hash = %s WHERE id = %s",
                        [ev.object_repr, prev, new, ev.pk])
            prev = new
        cur.execute("UPDATE core_auditchainhead SET hash = %s WHERE pemda_id = %s", [prev, pemda_id])


def test_a_rehashed_chain_no_longer_matches_the_head_a_signed_pk_holds(plan: Plan) -> None:
    a = plan.sign_both()
    assert a.chain_seq is not None and a.chain_hash
    assert audit.verify("99") == []
    _rewrite_and_rehash(plan.world.a.pk, 2, "Dinas Palsu")
    with unscoped():
        head = AuditChainHead.objects.get(pk=plan.world.a.pk)
        last = AuditEvent.objects.filter(pemda=plan.world.a).order_by("-seq").first()
    assert last is not None and head.hash == last.hash  # the chain is consistent with itself
    breaks = audit.verify("99")
    assert len(breaks) == 1
    assert breaks[0].seq == a.chain_seq and f"#{a.pk}" in breaks[0].reason and "rewritten" in breaks[0].reason
