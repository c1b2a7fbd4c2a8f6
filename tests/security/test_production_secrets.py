"""Production refuses demo secrets (ASVS 2.10, 6.4): no demo seal, no demo accounts, keys kept 0600."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from nyata.core.apps import seal_check
from nyata.core.models import User
from nyata.documents import seal


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_demo_seal_key_is_written_readable_by_its_owner_only(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    files = seal.ensure_demo_seal()
    assert _mode(files.p12) == 0o600
    assert _mode(files.p12.parent) == 0o700
    files.p12.chmod(0o644)  # as an older version wrote it
    seal.ensure_demo_seal()
    assert _mode(files.p12) == 0o600


def test_production_without_a_seal_is_an_error_for_check_deploy_and_for_sealing(settings: Any) -> None:
    settings.PRODUCTION, settings.SEAL_P12 = True, ""
    errors = seal_check()
    assert [e.id for e in errors] == ["nyata.E001"] and "NYATA_SEAL_P12" in errors[0].msg
    with pytest.raises(ValidationError, match="NYATA_SEAL_P12"):
        seal.seal_files()
    check = seal.validate(b"%PDF-1.7 not really")
    assert not check.ok
    settings.PRODUCTION = False
    assert seal_check() == []


def test_a_configured_seal_needs_a_private_key_file_and_a_secret_passphrase(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    demo = seal.ensure_demo_seal()
    settings.PRODUCTION, settings.SEAL_P12, settings.SEAL_PASSPHRASE = True, str(demo.p12), ""
    demo.p12.chmod(0o640)
    messages = " ".join(e.msg for e in seal_check())
    assert "0600" in messages and "NYATA_SEAL_PASSPHRASE_FILE" in messages
    demo.p12.chmod(0o600)
    settings.SEAL_PASSPHRASE = demo.passphrase.decode()
    assert "demo" in seal_check()[0].msg  # the demo seal's passphrase is in the source
    settings.PRODUCTION = False
    assert seal_check() == []
    settings.PRODUCTION = True
    settings.SEAL_P12 = str(tmp_path / "missing.p12")
    settings.SEAL_PASSPHRASE = "a-secret-from-a-file"
    assert "missing.p12" in seal_check()[0].msg


@pytest.mark.django_db
def test_the_demo_refuses_to_run_in_production(settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("demo", "--no-serve")
    assert not User.objects.filter(username="gubernur").exists()


def test_a_pemdas_own_seal_configured_as_it_must_be_passes(production_seal: None) -> None:
    assert seal_check() == []
    assert seal.signer() is not None


def test_serve_refuses_to_start_production_with_a_readable_seal_key(production_seal: None, settings: Any) -> None:
    Path(settings.SEAL_P12).chmod(0o644)
    with pytest.raises(CommandError, match="0600"):
        call_command("serve")
