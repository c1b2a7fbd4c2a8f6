"""Backups proven by restore (ASVS 14.x; issue 15 item 9): one archive, checked on the way back."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from nyata.core import backup

ROOT = Path(__file__).resolve().parents[2]


def _nyata(data_dir: Path, *args: str, key_file: Path | None = None,
           anchors: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "NYATA_BACKUP_KEY", "NYATA_MEDIA_ROOT", "NYATA_AUDIT_ANCHOR_DIR")}
    env["NYATA_DATA_DIR"] = str(data_dir)
    if anchors is not None:  # a mount of its own, as in production
        env["NYATA_AUDIT_ANCHOR_DIR"] = str(anchors)
    extra = ["--key-file", str(key_file)] if key_file else []
    cmd = [str(Path(sys.executable).parent / "nyata"), *args, *extra]
    return subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def test_a_backup_restores_into_a_fresh_data_folder_and_proves_itself(tmp_path: Path) -> None:
    """The drill, small: a Pemda is created, backed up encrypted, restored elsewhere and verified;
    a wrong key, a damaged archive and a target that is not empty are refused, naming why."""
    src, dst = tmp_path / "src", tmp_path / "dst"
    assert _nyata(src, "migrate", "--no-input").returncode == 0
    made = _nyata(src, "pemda", "create", "--code", "16.07", "--name", "Kabupaten Banyuasin", "--kind", "kabupaten",
                  "--admin-username", "admin.banyuasin", "--admin-email", "admin@banyuasinkab.go.id")
    assert made.returncode == 0, made.stderr
    (src / "media" / "evidence").mkdir(parents=True)
    (src / "media" / "evidence" / "x").write_bytes(b"bukti")
    key = tmp_path / "key"
    key.write_text(Fernet.generate_key().decode())
    archive = tmp_path / "b.tar.gz.enc"
    done = _nyata(src, "backup", "--out", str(archive), key_file=key)
    assert done.returncode == 0, done.stderr
    assert archive.stat().st_mode & 0o077 == 0  # it holds the seal's key
    assert archive.read_bytes()[:2] != b"\x1f\x8b"  # encrypted, not a plain gzip

    with pytest.raises(backup.BackupError, match="wrong key"):
        backup._open_archive(archive, Fernet.generate_key())

    restored = _nyata(dst, "restore", str(archive), key_file=key)
    assert restored.returncode == 0, restored.stderr
    assert "restored and verified" in restored.stdout
    assert (dst / "media" / "evidence" / "x").read_bytes() == b"bukti"
    assert "0 checks failed" not in restored.stdout  # restore ran audit verify and every count itself
    import sqlite3

    with sqlite3.connect(dst / "nyata.sqlite3") as db:
        assert db.execute("SELECT name FROM core_pemda WHERE code = '16.07'").fetchone() == ("Kabupaten Banyuasin",)

    again = _nyata(dst, "restore", str(archive), key_file=key)
    assert again.returncode != 0 and "empty database only" in again.stderr


ADD_AGENCY = ("from nyata.core import actions; from nyata.core.models import Agency, Pemda; "
              "from nyata.core.tenancy import tenant_scope, unscoped\n"
              "with unscoped(): p = Pemda.objects.get(code='16.07')\n"
              "with tenant_scope(p): actions.record_save(actor=None, obj=Agency(pemda=p, code='X1', "
              "name='Dinas Baru', kind='dinas'))")


def test_anchors_stay_outside_the_archive_and_a_restore_is_checked_against_them(tmp_path: Path) -> None:
    """Anchors are the witness the database cannot rewrite, so they are not in its backup: a
    restore is verified against the anchors where they live, and an older backup restored
    after a later anchor fails, naming the first event it lost."""
    src, anchors = tmp_path / "src", tmp_path / "anchors"
    assert _nyata(src, "migrate", "--no-input").returncode == 0
    made = _nyata(src, "pemda", "create", "--code", "16.07", "--name", "Kabupaten Banyuasin", "--kind", "kabupaten",
                  "--admin-username", "admin.banyuasin", "--admin-email", "admin@banyuasinkab.go.id")
    assert made.returncode == 0, made.stderr
    anchored = _nyata(src, "audit", "anchor", anchors=anchors)
    assert anchored.returncode == 0, anchored.stderr
    archive = tmp_path / "b.tar.gz"
    assert _nyata(src, "backup", "--out", str(archive)).returncode == 0
    with tarfile.open(archive) as tar:
        assert not [n for n in tar.getnames() if "anchor" in n]

    restored = _nyata(tmp_path / "dst", "restore", str(archive), anchors=anchors)
    assert restored.returncode == 0, restored.stderr

    added = _nyata(src, "shell", "-c", ADD_AGENCY)
    assert added.returncode == 0, added.stderr
    assert _nyata(src, "audit", "anchor", anchors=anchors).returncode == 0
    stale = _nyata(tmp_path / "dst2", "restore", str(archive), anchors=anchors)
    assert stale.returncode != 0
    assert "Pemda 16.07: chain broken at seq" in stale.stderr and "events deleted, head rewound" in stale.stderr


def test_a_damaged_archive_is_refused_before_anything_is_written(tmp_path: Path, settings: Any,
                                                                  monkeypatch: Any) -> None:
    manifest = {"format": 1, "database": "db.sqlite3", "tables": {}, "files": {"db.sqlite3": "0" * 64}}
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        for name, data in (("manifest.json", json.dumps(manifest).encode()), ("db.sqlite3", b"not the db")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    path = tmp_path / "b.tar.gz"
    path.write_bytes(raw.getvalue())
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(backup, "_require_empty_target", lambda media: None)
    restored: list[Path] = []
    monkeypatch.setattr(backup, "_restore_database", restored.append)
    with pytest.raises(backup.BackupError, match=r"damaged: db\.sqlite3"):
        backup.restore(path)
    assert restored == [] and not (tmp_path / "media").exists()


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(tmp_path: Path) -> None:
    with pytest.raises(backup.BackupError, match="empty database only"):
        backup.restore(tmp_path / "whatever.tar.gz")


def test_an_encrypted_archive_needs_its_key(tmp_path: Path) -> None:
    path = tmp_path / "b.enc"
    path.write_bytes(Fernet(Fernet.generate_key()).encrypt(b"x"))
    with pytest.raises(backup.BackupError, match="encrypted"):
        backup._open_archive(path, None)
    with pytest.raises(backup.BackupError, match="not a valid key"):
        backup.fernet("short")
