"""Backups that are proven by restoring them: database, media and seal material in one archive.

`create` writes one tar archive: the database (PostgreSQL: `pg_dump` custom format; SQLite: the
online backup API, never a file copy of a live database), the media folder, the seal material,
and `manifest.json` with the row count of every table and the SHA-256 of every file. With a key
(`NYATA_BACKUP_KEY` or `NYATA_BACKUP_KEY_FILE`, a Fernet key) the archive is encrypted.

`restore` goes into an empty database and an empty media folder only, then proves itself: every
file against the manifest, every table's row count, every file another record holds a hash of
(`core.integrity`: evidence, sealed PKs and their seals), and the audit chain of every Pemda.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import connection, connections

from nyata.core.typealiases import JSONObject

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(Exception):
    """Said to the operator as it is: what failed and what to do."""


@dataclass
class Restored:
    tables: int
    rows: int
    files: int
    held_files: int
    problems: list[str] = field(default_factory=list)


# --- what is in the database ------------------------------------------------------------------


def row_counts(alias: str = "default") -> dict[str, int]:
    """Rows per table, straight from the database (the ORM's tenant scope does not apply here)."""
    conn = connections[alias]
    with conn.cursor() as cur:
        names = sorted(conn.introspection.table_names(cur))
        out = {}
        for name in names:
            cur.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(name)}")
            out[name] = int(cur.fetchone()[0])
    return out


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432),
            "-U", str(db.get("USER") or "postgres")]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as e:
        raise BackupError(f"{cmd[0]} tidak ditemukan / not found: install the PostgreSQL client tools") from e
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} gagal / failed: {done.stderr.strip()[:2000]}")


def _dump_database(folder: Path) -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        args, env = _pg_env(db)
        _run(["pg_dump", *args, "-Fc", "--no-owner", "--no-acl", "-f", str(folder / "db.dump"), str(db["NAME"])],
             env)
        return "db.dump"
    if connection.vendor == "sqlite":
        src = sqlite3.connect(str(db["NAME"]))
        dst = sqlite3.connect(str(folder / "db.sqlite3"))
        try:
            src.backup(dst)  # consistent even while others write (WAL)
        finally:
            dst.close()
            src.close()
        return "db.sqlite3"
    raise BackupError(f"database {connection.vendor} is not supported")


# --- archive ---------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _seal_material() -> list[tuple[Path, str]]:
    """The demo seal folder, or the configured PKCS#12: a restored Pemda must still validate its PDFs."""
    if settings.SEAL_P12:
        p = Path(settings.SEAL_P12)
        return [(p, f"seal-configured/{p.name}")] if p.is_file() else []
    folder = Path(settings.DATA_DIR) / "seal"
    return [(p, f"seal/{p.name}") for p in sorted(folder.glob("*")) if p.is_file() and p.suffix != ".tmp"]


def fernet(key: str | bytes | None) -> Fernet | None:
    if not key:
        return None
    try:
        return Fernet(key.encode() if isinstance(key, str) else key)
    except ValueError as e:
        raise BackupError("NYATA_BACKUP_KEY is not a valid key (32 url-safe base64 bytes, e.g. "
                          "from `python -c 'from cryptography.fernet import Fernet; "
                          "print(Fernet.generate_key().decode())'`)") from e


def create(out: Path, *, key: str | bytes | None = None) -> JSONObject:
    """Write the archive to `out` (atomically: a temporary name, then renamed); return its manifest."""
    box = fernet(key)
    with tempfile.TemporaryDirectory(prefix="nyata-backup-") as tmp:
        folder = Path(tmp)
        entries: list[tuple[Path, str]] = []
        db_name = _dump_database(folder)
        entries.append((folder / db_name, db_name))
        media = Path(settings.MEDIA_ROOT)
        if media.is_dir():
            entries += [(p, "media/" + p.relative_to(media).as_posix()) for p in sorted(media.rglob("*"))
                        if p.is_file()]
        entries += _seal_material()
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "vendor": connection.vendor,
            "database": db_name,
            "encrypted": box is not None,
            "tables": row_counts(),
            "files": {arcname: _sha256(path) for path, arcname in entries},
        }
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w:gz") as tar:
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(dt.datetime.now(dt.UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
            for path, arcname in entries:
                tar.add(str(path), arcname=arcname, recursive=False)
        payload = raw.getvalue()
        if box is not None:
            payload = box.encrypt(payload)
        out.parent.mkdir(parents=True, exist_ok=True)
        part = out.with_name(out.name + ".part")
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds the seal's key
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        part.replace(out)
    return manifest


def _open_archive(archive: Path, key: str | bytes | None) -> tarfile.TarFile:
    payload = archive.read_bytes()
    box = fernet(key)
    if payload[:2] != b"\x1f\x8b":  # not gzip: an encrypted archive
        if box is None:
            raise BackupError("the archive is encrypted: give NYATA_BACKUP_KEY / --key-file")
        try:
            payload = box.decrypt(payload)
        except InvalidToken as e:
            raise BackupError("the key does not open this archive (wrong key, or the file was changed)") from e
    try:
        return tarfile.open(fileobj=io.BytesIO(payload), mode="r:gz")
    except tarfile.TarError as e:
        raise BackupError(f"not a Nyata backup archive: {e}") from e


# --- restore ---------------------------------------------------------------------------------


def _require_empty_target(media: Path) -> None:
    with connection.cursor() as cur:
        tables = connection.introspection.table_names(cur)
    if tables:
        raise BackupError(f"the target database already has {len(tables)} tables: restore goes into an empty "
                          "database only (create a new one)")
    if media.exists() and any(media.iterdir()):
        raise BackupError(f"the media folder {media} is not empty: restore goes into an empty folder only")


def _restore_database(path: Path) -> None:
    db = connection.settings_dict
    connection.close()
    if path.name == "db.dump":
        if connection.vendor != "postgresql":
            raise BackupError("this archive holds a PostgreSQL database; set DATABASE_URL to an empty one")
        args, env = _pg_env(db)
        _run(["pg_restore", *args, "--no-owner", "--no-acl", "--exit-on-error", "-d", str(db["NAME"]), str(path)],
             env)
        return
    if connection.vendor != "sqlite":
        raise BackupError("this archive holds a SQLite database; restore it without DATABASE_URL (or a sqlite:// one)")
    target = Path(str(db["NAME"]))
    for suffix in ("", "-wal", "-shm"):  # the empty file Django may have opened
        Path(str(target) + suffix).unlink(missing_ok=True)
    src, dst = sqlite3.connect(str(path)), sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def restore(archive: Path, *, key: str | bytes | None = None) -> Restored:
    """Restore into the configured (empty) database and data folder, then verify everything."""
    media = Path(settings.MEDIA_ROOT)
    _require_empty_target(media)
    with _open_archive(archive, key) as tar, tempfile.TemporaryDirectory(prefix="nyata-restore-") as tmp:
        folder = Path(tmp)
        try:
            manifest = json.loads(tar.extractfile(MANIFEST).read())  # type: ignore[union-attr]  # None only for a folder
        except (KeyError, AttributeError, ValueError) as e:
            raise BackupError("the archive has no readable manifest.json") from e
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown archive format {manifest.get('format')!r}")
        tar.extractall(folder, filter="data")  # "data": no absolute paths, no links out, no devices
        problems = [f"{name}: SHA-256 berbeda dengan manifest / differs from the manifest"
                    for name, sha in manifest["files"].items()
                    if not (folder / name).is_file() or _sha256(folder / name) != sha]
        if problems:
            raise BackupError("the archive is damaged: " + "; ".join(problems[:10]))
        _restore_database(folder / manifest["database"])
        files = [n for n in manifest["files"] if n.startswith(("media/", "seal/", "seal-configured/"))]
        for name in files:
            inside_media = name.startswith("media/")
            dest = media / name.removeprefix("media/") if inside_media else Path(settings.DATA_DIR) / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(folder / name, dest)
            if not inside_media:
                dest.chmod(0o600)
    return verify(manifest, len(files))


def verify(manifest: JSONObject, files: int) -> Restored:
    from nyata.core import audit, integrity

    counts = row_counts()
    problems = [f"{t}: {counts.get(t)} baris, manifest {n} / rows differ from the manifest"
                for t, n in manifest["tables"].items() if counts.get(t) != n]
    checked, held = integrity.problems()
    problems += held
    problems += [str(b) for b in audit.verify()]
    return Restored(len(counts), sum(counts.values()), files, checked, problems)
