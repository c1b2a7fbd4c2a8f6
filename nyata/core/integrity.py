"""Files whose hash another record holds: each domain app registers where they are, core checks them.

Core knows no domain model (the dependency arrows run one way), so an app that stores a file
and its SHA-256 registers a source here in its AppConfig.ready; `nyata restore` (and anything
else that must prove the files match their records) asks `problems()`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage

from nyata.core.tenancy import unscoped


@dataclass(frozen=True)
class HeldFile:
    label: str  # what a person would call it, e.g. "PK 2026 Dinkes (bersegel)"
    name: str  # storage name
    sha256: str  # the hash the record holds
    sealed: bool = False  # a PDF that must also carry a valid Pemda seal
    pemda_id: int | None = None  # whose record it is (`audit verify --pemda` checks only theirs)
    # The hash the audit chain recorded for the file when it was stored: a file replaced together
    # with its record's hash still differs from it. None: no such event (nothing to compare).
    chain_sha256: str | None = None


@dataclass(frozen=True)
class HeldHash:
    """An audit-chain hash another record keeps: the head at the moment a PK was signed, printed
    in the sealed PDF. A chain rewritten and re-hashed from some event on no longer matches it."""

    label: str
    seq: int
    hash: str


_sources: list[Callable[[], Iterable[HeldFile]]] = []
_hash_sources: list[Callable[[int], Iterable[HeldHash]]] = []


def register(source: Callable[[], Iterable[HeldFile]]) -> None:
    if source not in _sources:
        _sources.append(source)


def register_chain_hashes(source: Callable[[int], Iterable[HeldHash]]) -> None:
    """`source(pemda_id)` yields the chain hashes the app's records hold for that Pemda."""
    if source not in _hash_sources:
        _hash_sources.append(source)


def recorded_in_chain(object_type: str, action: str, *path: str) -> dict[str, str]:
    """object id → the hash at `path` in the data of the latest `action` event on such objects."""
    from nyata.core.models import AuditEvent

    out: dict[str, str] = {}
    with unscoped():
        rows = (AuditEvent.objects.filter(object_type=object_type, action=action).order_by("pemda_id", "seq")
                .values_list("object_id", "data"))
        for object_id, data in rows.iterator(2000):
            value: Any = data
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            if isinstance(value, str):
                out[object_id] = value
    return out


def held_chain_hashes(pemda_id: int) -> list[HeldHash]:
    with unscoped():
        return [h for source in _hash_sources for h in source(pemda_id)]


def held_files() -> Iterator[HeldFile]:
    with unscoped():
        for source in _sources:
            yield from source()


def sha256_of(name: str) -> str:
    h = hashlib.sha256()
    with default_storage.open(name, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def problems(pemda_ids: set[int] | None = None) -> tuple[int, list[str]]:
    """(files checked, what does not match): a missing file, a changed one, a broken seal.
    `pemda_ids`: only those Pemda's files (default: every file)."""
    from nyata.documents import seal

    checked, out = 0, []
    for f in held_files():
        if pemda_ids is not None and f.pemda_id not in pemda_ids:
            continue
        checked += 1
        if not default_storage.exists(f.name):
            out.append(f"{f.label}: berkas {f.name} tidak ada / file missing")
            continue
        if not f.sha256:
            out.append(f"{f.label}: tidak ada SHA-256 tercatat / no hash on record")
            continue
        if f.chain_sha256 is not None and f.chain_sha256 != f.sha256:
            out.append(f"{f.label}: SHA-256 catatan tidak sama dengan yang tercatat di rantai audit / the record's "
                       "hash differs from the one the audit chain recorded (record changed)")
            continue
        if sha256_of(f.name) != f.sha256:
            out.append(f"{f.label}: SHA-256 berkas tidak sama dengan catatannya / hash differs from its record")
            continue
        if f.sealed:
            with default_storage.open(f.name, "rb") as fh:
                result = seal.validate(fh.read())
            if not result.ok:
                out.append(f"{f.label}: {result.message}")
    return checked, out
