"""The tamper-evident audit chain.

Each Pemda has its own chain: event n stores the SHA-256 of event n-1, and its own
hash covers every field. Appending locks the Pemda's head row, so Pemda never wait
on each other. Events are written in the caller's transaction, so a change and its
event commit or roll back together.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from nyata.core import anchors
from nyata.core.models import AuditChainHead, AuditEvent, Pemda, User
from nyata.core.rawrows import column, table
from nyata.core.tenancy import unscoped
from nyata.core.typealiases import JSONObject, JSONValue

GENESIS = "0" * 64
SECRET_WORDS = ("password", "secret", "token", "otp", "totp", "passphrase", "key_material")
MASK = "***"


class AuditError(RuntimeError):
    pass


def _mask(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: (MASK if any(w in str(k).lower() for w in SECRET_WORDS) else _mask(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [_mask(v) for v in data]
    return data


def normalise(data: JSONValue) -> JSONValue:
    """JSON round-trip so the hashed form equals what the database gives back (secrets masked)."""
    return json.loads(json.dumps(_mask(data), cls=DjangoJSONEncoder))


def _value(field: models.Field[Any, Any], obj: models.Model) -> Any:
    value = getattr(obj, field.attname)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | uuid.UUID):
        return value.isoformat() if not isinstance(value, uuid.UUID) else str(value)
    return value


def snapshot(obj: models.Model, exclude: Iterable[str] = ()) -> JSONObject:
    """The record's own concrete fields (no related rows: personal data stays minimal)."""
    skip = {"password", *exclude}
    return {
        f.attname: _value(f, obj) for f in obj._meta.concrete_fields if f.attname not in skip and f.name not in skip
    }


def diff(before: JSONObject, after: JSONObject) -> JSONObject:
    keys = sorted(set(before) | set(after))
    changed = [k for k in keys if before.get(k) != after.get(k)]
    return {
        "before": {k: before.get(k) for k in changed},
        "after": {k: after.get(k) for k in changed},
    }


def compute_hash(
    *,
    pemda_id: int,
    seq: int,
    created_at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    data: JSONValue,
    prev_hash: str,
) -> str:
    payload = json.dumps(
        {
            "pemda": pemda_id,
            "seq": seq,
            "at": created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "actor": actor_id,
            "actor_label": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "object_repr": object_repr,
            "data": data,
            "prev": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    *,
    pemda: Pemda | int,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    data: JSONObject | None = None,
) -> AuditEvent:
    """Append one event to the Pemda's chain, inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise AuditError("audit.record must run inside the transaction of the change it records")
    pemda_id = pemda if isinstance(pemda, int) else pemda.pk
    # One locked row per Pemda: appends of different Pemda never wait on each other.
    head = _lock_head(pemda_id)
    if head is None:  # the Pemda's first event
        AuditChainHead.objects.get_or_create(pk=pemda_id, defaults={"hash": GENESIS})
        head = _lock_head(pemda_id)
        assert head is not None
    seq, prev_hash = head
    fields = {
        "pemda_id": pemda_id,
        "seq": seq + 1,
        # Truncated to microseconds: what both SQLite and PostgreSQL keep.
        "created_at": timezone.now(),
        "actor_id": actor.pk if actor is not None else None,
        "actor_label": (actor.get_full_name() or actor.get_username()) if actor else "system",
        "action": action,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
        "object_repr": str(obj)[:300] if obj is not None else "",
        "data": normalise(data or {}),
        "prev_hash": prev_hash,
    }
    digest = compute_hash(**fields)
    event = AuditEvent(**fields, hash=digest)
    with unscoped():
        event.save(force_insert=True)
    with connection.cursor() as cur:
        cur.execute(_head_sql()[1], [event.seq, digest, pemda_id])
    return event


# The head is read and written with plain SQL: it is on the path of every write in Nyata,
# and these two statements cost a fraction of the ORM's query building.
@functools.cache
def _head_sql() -> tuple[str, str]:
    head = table(AuditChainHead)
    seq, digest, pk = (column(AuditChainHead, name) for name in ("seq", "hash", "pemda"))
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""  # SQLite: the write transaction
    return (
        f"SELECT {seq}, {digest} FROM {head} WHERE {pk} = %s{lock}",
        f"UPDATE {head} SET {seq} = %s, {digest} = %s WHERE {pk} = %s",
    )


def _lock_head(pemda_id: int) -> tuple[int, str] | None:
    """The Pemda's (seq, hash), its row locked until commit (SQLite: the write transaction is the lock)."""
    with connection.cursor() as cur:
        cur.execute(_head_sql()[0], [pemda_id])
        row = cur.fetchone()
    return (int(row[0]), str(row[1])) if row is not None else None


def record_create(actor: User | None, obj: models.Model, action: str | None = None) -> AuditEvent:
    return record(
        pemda=_pemda_of(obj),
        actor=actor,
        action=action or _code(obj, "created"),
        obj=obj,
        data={"after": snapshot(obj)},
    )


def record_update(
    actor: User | None, obj: models.Model, before: JSONObject, action: str | None = None
) -> AuditEvent | None:
    changes = diff(before, snapshot(obj))
    if not changes["after"] and not changes["before"]:
        return None
    return record(
        pemda=_pemda_of(obj),
        actor=actor,
        action=action or _code(obj, "updated"),
        obj=obj,
        data=changes,
    )


def record_delete(actor: User | None, obj: models.Model, action: str | None = None) -> AuditEvent:
    return record(
        pemda=_pemda_of(obj),
        actor=actor,
        action=action or _code(obj, "deleted"),
        obj=obj,
        data={"before": snapshot(obj)},
    )


def _pemda_of(obj: models.Model) -> int:
    if isinstance(obj, Pemda):
        return int(obj.pk)
    return int(obj.pemda_id)  # type: ignore[attr-defined]  # every audited model but Pemda is a TenantModel


def _code(obj: models.Model, verb: str) -> str:
    return f"nyata.{obj._meta.model_name}.{verb}"


@dataclass(frozen=True)
class Break:
    pemda_code: str
    seq: int
    event_id: int | None
    reason: str
    anchors_file: str = ""  # set when the break is in the anchors file, not in the chain

    def __str__(self) -> str:
        if self.anchors_file:
            return f"Pemda {self.pemda_code}: anchors file {self.anchors_file} tampered: {self.reason}"
        where = f"event id {self.event_id}" if self.event_id is not None else "no event"
        return f"Pemda {self.pemda_code}: chain broken at seq {self.seq} ({where}): {self.reason}"


def _events(pemda_id: int) -> Iterator[AuditEvent]:
    with unscoped():
        yield from AuditEvent.objects.filter(pemda_id=pemda_id).order_by("seq").iterator(2000)


class ChainEvent(Protocol):
    pk: Any
    seq: int
    created_at: dt.datetime
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    data: Any
    prev_hash: str
    hash: str


def verify_events(
    events: Iterable[ChainEvent], chain_id: int, head: tuple[int, str] | None, label: str
) -> Break | None:
    """Recompute a chain; return the first break (altered, removed or inserted event)."""
    prev_hash, expected_seq = GENESIS, 1
    for ev in events:
        if ev.seq != expected_seq:
            reason = (
                f"event(s) {expected_seq}..{ev.seq - 1} missing (removed)"
                if ev.seq > expected_seq
                else "duplicate or inserted sequence number"
            )
            return Break(label, ev.seq, ev.pk, reason)
        if ev.prev_hash != prev_hash:
            return Break(label, ev.seq, ev.pk, "link to previous event does not match (inserted or removed)")
        recomputed = compute_hash(
            pemda_id=chain_id,
            seq=ev.seq,
            created_at=ev.created_at,
            actor_id=ev.actor_id,
            actor_label=ev.actor_label,
            action=ev.action,
            object_type=ev.object_type,
            object_id=ev.object_id,
            object_repr=ev.object_repr,
            data=ev.data,
            prev_hash=ev.prev_hash,
        )
        if recomputed != ev.hash:
            return Break(label, ev.seq, ev.pk, "content altered (hash mismatch)")
        prev_hash, expected_seq = ev.hash, ev.seq + 1
    last_seq = expected_seq - 1
    if head is not None and (head[0] != last_seq or head[1] != prev_hash):
        return Break(
            label,
            last_seq + 1,
            None,
            f"chain head says seq {head[0]} but the log ends at {last_seq} (tail removed)",
        )
    return None


def verify_pemda(pemda: Pemda) -> list[Break]:
    """What is wrong with the Pemda's chain, most telling first (empty: intact).

    1. Recompute the chain: the first altered, removed or inserted event.
    2. Compare it with its anchors (`core.anchors`), signed heads kept outside the database: a tail
       deleted with the head rewound, or a chain rewritten and re-hashed from some event on, is
       consistent with itself but not with an anchor taken before. A tampered anchors file is named.
    3. Cross-check every chain hash another record holds (`core.integrity`): the head each signed
       PK recorded and its sealed PDF prints.
    """
    from nyata.core import integrity

    out: list[Break] = []
    head = AuditChainHead.objects.filter(pk=pemda.pk).first()
    found = verify_events(_events(pemda.pk), pemda.pk, (head.seq, head.hash) if head else None, pemda.code)
    if found is not None:
        out.append(found)
    state = anchors.read(pemda)
    problem = state.problem or anchors.tail_problem(state, anchors.recorded(pemda))
    if problem:
        out.append(Break(pemda.code, 0, None, problem, anchors_file=str(state.path)))
    mismatch = anchors.compare(pemda, state.anchors)
    if mismatch is not None:
        out.append(Break(pemda.code, mismatch.seq, mismatch.event_id, mismatch.reason))
    held = sorted(integrity.held_chain_hashes(pemda.pk), key=lambda h: h.seq)
    with unscoped():
        actual = dict(AuditEvent.objects.filter(pemda_id=pemda.pk, seq__in=[h.seq for h in held])
                      .values_list("seq", "hash"))
    for h in held:
        if actual.get(h.seq) != h.hash:
            out.append(Break(pemda.code, h.seq, None,
                             f"{h.label} holds hash {h.hash[:12]}… for this event, the chain has "
                             f"{(actual.get(h.seq) or 'none')[:12]}… (chain rewritten)"))
            break
    return out


def pemdas(pemda_code: str | None = None) -> list[Pemda]:
    with unscoped():
        found = list(Pemda.objects.all() if pemda_code is None else Pemda.objects.filter(code=pemda_code))
    if pemda_code is not None and not found:
        raise AuditError(f"no Pemda with code {pemda_code!r}")
    return found


def verify(pemda_code: str | None = None) -> list[Break]:
    return [b for p in pemdas(pemda_code) for b in verify_pemda(p)]


def anchor(pemda: Pemda, *, by: str = "system") -> anchors.Anchor:
    """Anchor the Pemda's chain head outside the database, after proving the chain up to it.

    An anchor says "up to here the chain was intact": a chain that does not verify (against its
    earlier anchors too) is refused, with the reason, and nothing is written.
    """
    last = anchors.head(pemda)  # read first: the chain verified below covers it
    broken = verify_pemda(pemda)
    if broken:
        raise anchors.AnchorError(f"Pemda {pemda.code} not anchored, its chain does not verify: {broken[0]}")
    return anchors.write(pemda, last, by=by)
