"""The cast every test can use: two Pemda, three agencies, one user per role.

Pemda A ("99") has agencies A1 and A2; Pemda B ("98.01") has B1. `world.users[role]`
holds a user with that role in Pemda A (agency roles in A1); `world.outsider` is a
performance admin of Pemda B; `world.users["platform_operator"]` is the host's operator
(no role in any Pemda).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from nyata.core import actions, signin
from nyata.core.models import (
    Agency,
    Assignment,
    Membership,
    Official,
    Pemda,
    Position,
    Role,
    User,
)
from nyata.core.tenancy import tenant_scope, unscoped

# One set of browser fixtures for the whole run: a single demo server, a single Chromium.
pytest_plugins = ["tests.e2e.fixtures"]

PASSWORD = "Uji-Sandi-2026!"


@dataclass
class World:
    a: Pemda
    b: Pemda
    a1: Agency
    a2: Agency
    b1: Agency
    users: dict[str, User] = field(default_factory=dict)
    outsider: User | None = None
    positions: dict[str, Position] = field(default_factory=dict)
    officials: dict[str, Official] = field(default_factory=dict)

    def client(self, who: str | None) -> Client:
        c = Client()
        if who == "outsider":
            assert self.outsider is not None
            signed_in(c, self.outsider)
        elif who is not None:
            signed_in(c, self.users[who])
        return c


def signed_in(client: Client, user: User) -> Client:
    """`force_login` as a sign-in that passed its second factor where the user's roles need one
    (tests/security/test_sign_in_second_factor.py walks the real two steps)."""
    client.force_login(user)
    session = client.session
    session[signin.PASSED] = user.pk
    session.save()
    return client


def make_user(username: str) -> User:
    user = User(username=username, first_name=username.title())
    user.set_password(PASSWORD)
    user.save()
    return user


def build_world() -> World:
    with unscoped():
        a = actions.pemda_create(actor=None, code="99", name="Provinsi Uji", kind="provinsi")
        b = actions.pemda_create(actor=None, code="98.01", name="Kabupaten Lain", kind="kabupaten")
    with tenant_scope(a):
        a1 = actions.record_save(actor=None, obj=Agency(pemda=a, code="A1", name="Dinas Satu", kind="dinas"))
        a2 = actions.record_save(actor=None, obj=Agency(pemda=a, code="A2", name="Dinas Dua", kind="dinas"))
        w = World(a=a, b=b, a1=a1, a2=a2, b1=None)  # type: ignore[arg-type]
        gov = actions.record_save(actor=None, obj=Position(pemda=a, code="GUB", name="Gubernur", level="kepala_daerah"))
        for i, ag in enumerate((a1, a2), start=1):
            p = actions.record_save(
                actor=None,
                obj=Position(
                    pemda=a,
                    code=f"KA-{ag.code}",
                    name=f"Kepala {ag.name}",
                    level="jpt_pratama",
                    agency=ag,
                    superior=gov,
                    is_agency_head=True,
                ),
            )
            o = actions.record_save(
                actor=None, obj=Official(pemda=a, name=f"Pejabat {ag.code}", nip=f"19800101200501100{i}")
            )
            actions.assignment_save(
                actor=None, assignment=Assignment(pemda=a, official=o, position=p, start=dt.date(2025, 1, 1))
            )
            w.positions[ag.code] = p
            w.officials[ag.code] = o
        for role in Role:
            if role == Role.PLATFORM_OPERATOR:  # a flag on the user, not a membership in Pemda A
                user = make_user(role.value)
                user.is_platform_operator = True
                user.save(update_fields=["is_platform_operator"])
                w.users[role.value] = user
                continue
            user = make_user(role.value)
            agency = a1 if role in (Role.AGENCY_HEAD, Role.AGENCY_OPERATOR) else None
            actions.membership_grant(actor=None, pemda=a, user=user, role=role, agency=agency)
            w.users[role.value] = user
    with tenant_scope(b):
        w.b1 = actions.record_save(actor=None, obj=Agency(pemda=b, code="B1", name="Dinas Lain", kind="dinas"))
        p = actions.record_save(
            actor=None, obj=Position(pemda=b, code="KA-B1", name="Kepala Dinas Lain", level="jpt_pratama", agency=w.b1)
        )
        w.positions["B1"] = p
        w.officials["B1"] = actions.record_save(
            actor=None, obj=Official(pemda=b, name="Pejabat B1", nip="198202022006042001")
        )
        w.outsider = make_user("outsider")
        actions.membership_grant(actor=None, pemda=b, user=w.outsider, role=Role.PERF_ADMIN)
    return w


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


@pytest.fixture
def scope_a(world: World) -> Iterator[Pemda]:
    with tenant_scope(world.a):
        yield world.a


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Per-address limits and page caches live in the cache: no test inherits another's counts.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _own_anchors(settings: Any, tmp_path: Any) -> None:
    # Each test's database starts a new chain: anchors of an earlier test's chain would not match it.
    settings.AUDIT_ANCHOR_DIR = tmp_path / "anchors"


@pytest.fixture(autouse=True)
def _installation_language() -> Iterator[None]:
    # A request leaves its language active in the thread (LocaleMiddleware never deactivates):
    # each test starts in the installation's language, whatever the test before it requested.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # Real hashing is slow by design; tests only need it to be correct.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def memberships_of(user: User) -> list[Membership]:
    with unscoped():
        return list(Membership.objects.filter(user=user))


@pytest.fixture
def production_seal(settings: Any, tmp_path: Any) -> None:
    """Production with a seal configured as it must be: the Pemda's own PKCS#12 (here the demo
    certificate re-wrapped under another passphrase), a private key file, a secret passphrase."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    from nyata.documents import seal

    settings.DATA_DIR = tmp_path
    demo = seal.ensure_demo_seal()
    key, cert, extra = pkcs12.load_key_and_certificates(demo.p12.read_bytes(), demo.passphrase)
    passphrase = secrets.token_urlsafe(24).encode()
    own = tmp_path / "pemda-seal.p12"
    own.write_bytes(pkcs12.serialize_key_and_certificates(
        b"seal", key, cert, extra, serialization.BestAvailableEncryption(passphrase)))
    own.chmod(0o600)
    settings.PRODUCTION, settings.SEAL_P12, settings.SEAL_PASSPHRASE = True, str(own), passphrase.decode()

