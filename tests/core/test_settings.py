from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from nyata.settings import env_bool, env_choice, env_int, env_secret


def test_env_helpers_fail_loudly(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("X_BOOL", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL"):
        env_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_INT"):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("X_INT", 1, minimum=1)
    monkeypatch.setenv("X_CHOICE", "bogus")
    with pytest.raises(ImproperlyConfigured, match="one of"):
        env_choice("X_CHOICE", "a", ("a", "b"))


def test_secrets_can_come_from_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(tmp_path, "key")
    Path(path).write_text("from-a-file\n")
    monkeypatch.setenv("X_SECRET_FILE", path)
    assert env_secret("X_SECRET") == "from-a-file"


def _settings_in_subprocess(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NYATA_", "SECRET_KEY", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", "import nyata.settings as s; print(s.DATABASES['default']['ENGINE'], s.DEBUG)"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path: os.PathLike[str]) -> None:
    result = _settings_in_subprocess(
        {"NYATA_ENV": "production", "NYATA_ALLOWED_HOSTS": "x", "NYATA_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_development_generates_and_keeps_a_secret_key(tmp_path: os.PathLike[str]) -> None:
    env = {"NYATA_DATA_DIR": str(tmp_path)}
    assert _settings_in_subprocess(env).returncode == 0
    keyfile = Path(tmp_path, "secret_key.txt")
    key1 = keyfile.read_text()
    assert _settings_in_subprocess(env).returncode == 0
    assert keyfile.read_text() == key1 and len(key1) >= 50


def test_database_url_selects_postgresql_with_the_native_pool(tmp_path: os.PathLike[str]) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import nyata.settings as s; d=s.DATABASES['default'];"
            " print(d['ENGINE'], d['CONN_MAX_AGE'], 'pool' in d['OPTIONS'])",
        ],
        env={**os.environ, "DATABASE_URL": "postgresql://u@127.0.0.1:5432/x", "NYATA_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "0", "True"]


def test_sqlite_default_uses_wal_immediate_and_a_busy_timeout(tmp_path: os.PathLike[str]) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import nyata.settings as s; o=s.DATABASES['default']['OPTIONS'];"
            " print(o['transaction_mode'], 'journal_mode=WAL' in o['init_command'], o['timeout'])",
        ],
        env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"NYATA_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["IMMEDIATE", "True", "20"]


def test_a_bad_database_url_is_refused(tmp_path: os.PathLike[str]) -> None:
    result = _settings_in_subprocess({"DATABASE_URL": "mysql://x/y", "NYATA_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0 and "DATABASE_URL" in result.stderr
