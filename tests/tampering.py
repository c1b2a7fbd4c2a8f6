"""What an attacker with database access would do to the append-only chains, for the tamper tests.

`tamper` turns the guard off for this transaction only (SQLite: drops the chain's triggers;
PostgreSQL: replica mode, as a superuser could — ALTER TABLE … DISABLE TRIGGER is refused while
the test's deferred foreign-key checks are pending) and runs the change. `rewrite_and_rehash`
goes further: it changes one event and recomputes every later hash and the head, so the chain
verifies on its own and only what is held outside it can tell.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from nyata.core import audit
from nyata.core.models import AuditEvent
from nyata.core.tenancy import unscoped


def tamper(sql: str, params: list[Any], table: str = "core_auditevent") -> None:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            cur.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        else:
            cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute(sql, params)


def rewrite_and_rehash(pemda_id: int, seq: int, object_repr: str = "Dinas Palsu") -> None:
    with unscoped():
        events = list(AuditEvent.objects.filter(pemda_id=pemda_id).order_by("seq"))
    tamper("SELECT 1", [])
    prev = audit.GENESIS
    with connection.cursor() as cur:
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
