"""Anchors: each Pemda's audit-chain head, signed with the seal and kept outside the database.

A chain rewritten and re-hashed from some event on is consistent with itself; so is a chain whose
last events were deleted and whose head was rewound. Neither agrees with what was written down
before the tamper, outside the database: `nyata audit anchor` (daily, and on demand) appends the
head of each Pemda's chain (seq, event id, hash, the hash it links to, time, event count), signed
with the Pemda's seal key, as one line of `AUDIT_ANCHOR_DIR/<pemda-code>.jsonl`. Each line holds
the SHA-256 of the line before it, so a line removed from the middle or edited is found; the
file's tail is protected by where it lives (an append-only or WORM mount, docs/deployment.md), by
the security log's record of each line written, and by the latest anchor being printed in the
meeting pack.

`read` checks the file line by line; `compare` checks a chain against its anchors and names the
first event after the last anchor point that still matches. The file is written O_APPEND, 0600,
under an exclusive lock. `audit.anchor` and `audit.verify_pemda` are the ways in.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.core.exceptions import ValidationError

from nyata.core.models import AuditEvent, Pemda
from nyata.core.tenancy import unscoped
from nyata.core.typealiases import JSONObject

VERSION = 1
GENESIS = "0" * 64
SIGNED_FIELDS = ("v", "pemda_id", "pemda", "seq", "event_id", "hash", "prev_hash", "event_at", "events",
                 "anchored_at", "by", "cert_sha256", "cert", "prev_line")


class AnchorError(RuntimeError):
    """Said to the operator as it is: why no anchor was written."""


@dataclass(frozen=True)
class Anchor:
    line_no: int
    pemda_id: int
    pemda_code: str
    seq: int
    event_id: int | None
    hash: str
    prev_hash: str  # the anchored event's link: it vouches for event seq-1 as well
    event_at: str
    events: int
    anchored_at: str
    by: str
    line_sha256: str = ""  # this line's SHA-256 (the next line links to it)
    file_id: str = ""  # the SHA-256 of the file's first line: which file the line belongs to

    @property
    def short_hash(self) -> str:
        return self.hash[:12]

    @property
    def anchored_at_dt(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.anchored_at)


@dataclass(frozen=True)
class FileState:
    path: Path
    anchors: list[Anchor]  # the lines up to the first bad one
    problem: str  # empty when every line checks out


def path_for(pemda: Pemda) -> Path:
    return Path(settings.AUDIT_ANCHOR_DIR) / (re.sub(r"[^0-9A-Za-z._-]", "_", pemda.code) + ".jsonl")


def _canonical(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# --- the seal ---------------------------------------------------------------------------------


def _seal_key() -> tuple[Any, x509.Certificate]:
    from nyata.documents import seal

    files = seal.seal_files()  # production without a configured seal refuses here
    try:
        key, cert, _extra = pkcs12.load_key_and_certificates(files.p12.read_bytes(), files.passphrase or None)
    except (OSError, ValueError) as e:
        raise AnchorError(f"the seal {files.p12} cannot be read: {e}") from e
    if key is None or cert is None:
        raise AnchorError(f"the seal {files.p12} holds no private key and certificate")
    return key, cert


def _sign(key: Any, data: bytes) -> bytes:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(data)
    raise AnchorError(f"the seal's key type {type(key).__name__} is not supported (EC, RSA or Ed25519)")


def _signature_ok(cert: x509.Certificate, data: bytes, signature: bytes) -> bool:
    key = cert.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, data)
        else:
            return False
    except InvalidSignature:
        return False
    return True


def _trusted_certificates() -> list[x509.Certificate]:
    """The seal's certificate and its CA: a line signed by any other key is not the Pemda's."""
    from nyata.documents import seal

    return [x509.load_der_x509_certificate(c.dump()) for c in seal.trust_roots()]


def _is_trusted(cert: x509.Certificate, trusted: list[x509.Certificate]) -> bool:
    for t in trusted:
        if cert == t:
            return True
        try:
            cert.verify_directly_issued_by(t)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return True
    return False


# --- writing ----------------------------------------------------------------------------------


def _append(path: Path, make_line: Callable[[str], bytes]) -> bytes:
    """Append one line under an exclusive lock; `make_line(hash of the last line)` builds it."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # two anchor runs never link to the same line
        content = path.read_bytes()
        lines = content.split(b"\n")
        last = lines[-2] if content.endswith(b"\n") and len(lines) > 1 else lines[-1]
        prev = hashlib.sha256(last).hexdigest() if last else GENESIS
        # A line cut short (a crash mid-write) stays as it is, and is reported; the next starts afresh.
        line = (b"\n" if content and not content.endswith(b"\n") else b"") + make_line(prev) + b"\n"
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)  # and the lock with it
    return line


def head(pemda: Pemda) -> AuditEvent | None:
    with unscoped():
        return AuditEvent.objects.filter(pemda_id=pemda.pk).order_by("-seq").first()


def write(pemda: Pemda, last: AuditEvent | None, *, by: str = "system") -> Anchor:
    """Append `last` (the Pemda's head, read by the caller before verifying the chain) as a signed
    anchor. `audit.anchor` is the way in: it refuses to anchor a chain that does not verify."""
    seq = last.seq if last is not None else 0
    with unscoped():
        events = AuditEvent.objects.filter(pemda_id=pemda.pk, seq__lte=seq).count()
    try:
        key, cert = _seal_key()
    except ValidationError as e:
        raise AnchorError(f"Pemda {pemda.code} not anchored: {' '.join(e.messages)}") from e
    der = cert.public_bytes(serialization.Encoding.DER)
    body: dict[str, Any] = {
        "v": VERSION,
        "pemda_id": pemda.pk,
        "pemda": pemda.code,
        "seq": seq,
        "event_id": last.pk if last is not None else None,
        "hash": last.hash if last is not None else GENESIS,
        "prev_hash": last.prev_hash if last is not None else GENESIS,
        "event_at": last.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds") if last else "",
        "events": events,
        "anchored_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "by": by,
        "cert_sha256": hashlib.sha256(der).hexdigest(),
        "cert": base64.b64encode(der).decode(),
    }

    def make_line(prev_line: str) -> bytes:
        doc = {**body, "prev_line": prev_line}
        return _canonical({**doc, "sig": base64.b64encode(_sign(key, _canonical(doc))).decode()})

    path = path_for(pemda)
    line = _append(path, make_line).strip(b"\n")
    lines = path.read_bytes().splitlines()
    return dataclasses.replace(_anchor_of(json.loads(line), len(lines)), line_sha256=hashlib.sha256(line).hexdigest(),
                               file_id=hashlib.sha256(lines[0]).hexdigest())


def _anchor_of(doc: dict[str, Any], line_no: int) -> Anchor:
    return Anchor(line_no, int(doc["pemda_id"]), str(doc["pemda"]), int(doc["seq"]),
                  None if doc["event_id"] is None else int(doc["event_id"]), str(doc["hash"]),
                  str(doc["prev_hash"]), str(doc["event_at"]), int(doc["events"]), str(doc["anchored_at"]),
                  str(doc["by"]))


# --- reading and checking ---------------------------------------------------------------------


def read(pemda: Pemda) -> FileState:
    """Every anchor line of the Pemda up to the first that does not check out, and what is wrong."""
    path = path_for(pemda)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return FileState(path, [], "")
    except OSError as e:  # an unmounted or unreadable anchors mount is said, not a server error
        return FileState(path, [], f"the file cannot be read: {e.strerror or e}")
    if not content:
        return FileState(path, [], "")
    lines = content.split(b"\n")
    complete = content.endswith(b"\n")
    if complete:
        lines = lines[:-1]
    trusted: list[x509.Certificate] | None = None
    out: list[Anchor] = []
    prev = GENESIS
    for n, raw in enumerate(lines, start=1):
        if n == len(lines) and not complete:
            return FileState(path, out, f"line {n} is cut short (a write was interrupted, or the file was edited)")
        try:
            doc = json.loads(raw)
            signed = {k: doc[k] for k in SIGNED_FIELDS}
            signature = base64.b64decode(doc["sig"], validate=True)
            cert = x509.load_der_x509_certificate(base64.b64decode(doc["cert"], validate=True))
            anchor = _anchor_of(doc, n)
        except (ValueError, KeyError, TypeError):
            return FileState(path, out, f"line {n} is not an anchor (edited or damaged)")
        if doc["prev_line"] != prev:
            return FileState(path, out, f"line {n} does not link to line {n - 1} (a line was removed, inserted "
                                        "or edited)")
        if trusted is None:
            try:
                trusted = _trusted_certificates()
            except (ValidationError, AnchorError) as e:
                reason = " ".join(e.messages) if isinstance(e, ValidationError) else str(e)
                return FileState(path, out, f"the seal is not available to check the anchors' signatures: {reason}")
        if not _signature_ok(cert, _canonical(signed), signature):
            return FileState(path, out, f"line {n}: the seal signature does not match its content (line edited)")
        if not _is_trusted(cert, trusted):
            return FileState(path, out, f"line {n} is signed by a certificate that is not the Pemda's seal "
                                        f"(SHA-256 {doc['cert_sha256'][:16]}…)")
        if anchor.pemda_id != pemda.pk:
            return FileState(path, out, f"line {n} is the anchor of another Pemda (id {anchor.pemda_id})")
        prev = hashlib.sha256(raw).hexdigest()
        out.append(dataclasses.replace(anchor, line_sha256=prev, file_id=hashlib.sha256(lines[0]).hexdigest()))
    return FileState(path, out, "")


def recorded(pemda: Pemda) -> list[JSONObject]:
    """The anchors the Pemda's security log recorded as uses of the seal (line, its hash, file)."""
    from nyata.core import security_events
    from nyata.core.models import SecurityEvent

    rows = (SecurityEvent.objects.filter(chain=pemda.pk, action=security_events.SEAL_USED).order_by("seq")
            .values_list("data", "created_at"))
    return [{**d, "at": at} for d, at in rows if isinstance(d, dict) and d.get("purpose") == "audit_anchor"
            and isinstance(d.get("line"), int)]


def tail_problem(state: FileState, log: list[JSONObject]) -> str:
    """A file cannot prove its own last lines were not removed; the security log, kept in the
    database, remembers each line written. Someone who can change the anchors but not the
    database (or not both consistently) is found here."""
    if not state.anchors:
        return ""  # no file here: a restore into a new place, or removed (the verify command says which to check)
    have = {a.line_no: a.line_sha256 for a in state.anchors}
    for entry in log:
        if entry.get("file") != state.anchors[0].file_id:
            continue  # a file moved aside earlier (after a restore, a new seal)
        line = int(entry["line"])
        if line not in have:
            return (f"line {line} (anchored {entry['at']:%Y-%m-%d %H:%M} UTC), recorded in the security log, is "
                    "missing from the file: its last lines were removed")
        if have[line] != entry.get("line_sha256"):
            return f"line {line} differs from the line the security log recorded"
    return ""


def latest(pemda: Pemda) -> Anchor | None:
    """The newest anchor that checks out (what the meeting pack prints)."""
    state = read(pemda)
    return state.anchors[-1] if state.anchors else None


@dataclass(frozen=True)
class Mismatch:
    seq: int  # the first event after the last good anchor point
    event_id: int | None
    reason: str


def compare(pemda: Pemda, anchors: list[Anchor]) -> Mismatch | None:
    """Compare the chain with its anchors: each anchor vouches for its event (seq, hash) and, by
    the link that event holds, for the one before it. The first point that no longer matches
    means everything after the last point that does is suspect."""
    points = sorted({(a.seq - 1, a.prev_hash, a.line_no) for a in anchors if a.seq > 1}
                    | {(a.seq, a.hash, a.line_no) for a in anchors if a.seq > 0})
    if not points:
        return None
    by_line = {a.line_no: a for a in anchors}
    with unscoped():
        rows = AuditEvent.objects.filter(pemda_id=pemda.pk, seq__in={p[0] for p in points})
        actual = {seq: (h, pk) for seq, h, pk in rows.values_list("seq", "hash", "pk")}
        end = AuditEvent.objects.filter(pemda_id=pemda.pk).order_by("-seq").values_list("seq", flat=True).first()
    good = 0
    for seq, expected, line_no in points:
        got = actual.get(seq)
        if got is not None and got[0] == expected:
            good = max(good, seq)
            continue
        a = by_line[line_no]
        if got is None:
            what = (f"the chain now ends at seq {end or 0}: event {seq} is gone (events deleted, head rewound)"
                    if (end or 0) < seq else f"event {seq} is gone")
        else:
            what = f"event {seq} now has hash {got[0][:12]}… (rewritten)"
        first = good + 1
        with unscoped():
            first_id = AuditEvent.objects.filter(pemda_id=pemda.pk, seq=first).values_list("pk", flat=True).first()
        if first_id is None and first == a.seq:
            first_id = a.event_id  # deleted: the anchor still knows its id
        reason = (f"anchor line {a.line_no} ({a.anchored_at}) holds hash {expected[:12]}… for event {seq}; {what}. "
                  f"Last good anchor point: seq {good}; everything from the first event after it is suspect")
        return Mismatch(first, first_id, reason)
    return None
