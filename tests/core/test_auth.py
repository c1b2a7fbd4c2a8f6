from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, World


def _login(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_then_home_shows_the_role(world: World) -> None:
    client = Client()
    resp = _login(client, "leader", PASSWORD)
    assert resp.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert b'data-role="leader"' in home.content


def test_a_wrong_password_gets_a_message_in_indonesian(world: World) -> None:
    resp = _login(Client(), "leader", "salah")
    assert resp.status_code == 200
    assert "Masukkan nama pengguna" in resp.content.decode() or "benar" in resp.content.decode()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_is_per_username_and_address(world: World) -> None:
    for _ in range(3):
        _login(Client(), "leader", "salah", ip="10.0.0.1")
    locked = _login(Client(), "leader", PASSWORD, ip="10.0.0.1")
    assert locked.status_code == 429
    assert "dikunci" in locked.content.decode()
    # The same official from another address is not locked out ...
    assert _login(Client(), "leader", PASSWORD, ip="10.0.0.2").status_code == 302
    # ... nor is a colleague behind the same office NAT.
    assert _login(Client(), "planner", PASSWORD, ip="10.0.0.1").status_code == 302


def test_owasp_policy_accepts_a_long_passphrase_and_refuses_common_ones() -> None:
    validate_password("kopi susu di pagi hari")
    with pytest.raises(ValidationError):
        validate_password("password123")
    with pytest.raises(ValidationError):
        validate_password("x" * 129)


BSSN = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "nyata.core.passwords.CompositionValidator"},
]


@override_settings(AUTH_PASSWORD_VALIDATORS=BSSN)
@pytest.mark.parametrize(
    "password,ok",
    [
        ("Pendek1!", False),  # too short
        ("semuahurufkecil1!", False),  # no upper case
        ("SemuaHurufTanpaAngka!", False),  # no digit
        ("TanpaSimbol12345", False),  # no symbol
        ("Sandi-Kuat-2026", True),
    ],
)
def test_bssn_profile_requires_length_and_composition(password: str, ok: bool) -> None:
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_an_expired_password_must_be_changed_first(world: World) -> None:
    user = world.users["leader"]
    user.password_changed_at = timezone.now() - dt.timedelta(days=91)
    user.save()
    client = world.client("leader")
    resp = client.get("/")
    assert resp.status_code == 302 and resp["Location"] == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200


def test_security_headers_and_csp_without_inline_scripts(world: World) -> None:
    resp = world.client("leader").get("/")
    csp = resp["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert resp["X-Frame-Options"] == "DENY"
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert b"<script>" not in resp.content  # no inline script blocks


def test_logout_is_post_only_and_ends_the_session(world: World) -> None:
    client = world.client("leader")
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("security")).status_code == 302  # signed out: a member's page sends to sign-in


def test_switching_pemda_is_explicit_and_limited_to_memberships(world: World) -> None:
    from nyata.core import actions
    from nyata.core.models import Role
    from nyata.core.tenancy import tenant_scope

    user = world.users["planner"]
    with tenant_scope(world.b):
        actions.membership_grant(actor=None, pemda=world.b, user=user, role=Role.LEADER)
    client = world.client("planner")
    assert b"Provinsi Uji" in client.get("/").content
    assert client.post(reverse("pemda_switch"), {"pemda": world.b.pk}).status_code == 302
    home = client.get("/")
    assert b'data-testid="active-pemda">Kabupaten Lain' in home.content
    assert b'data-role="leader"' in home.content and b'data-role="planner"' not in home.content
    outsider_only = world.client("leader")
    assert outsider_only.post(reverse("pemda_switch"), {"pemda": world.b.pk}).status_code == 400


# --- the user and their roles, loaded in one query per request --------------------------------------


def test_the_backend_loads_the_user_with_every_membership_in_one_query(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from nyata.core.auth import MembershipModelBackend, memberships_of
    from nyata.core.models import Membership
    from nyata.core.tenancy import unscoped

    op = world.users["agency_operator"]
    with CaptureQueriesContext(connection) as ctx:
        user = MembershipModelBackend().get_user(op.pk)
    assert len(ctx) == 1 and user is not None and user.pk == op.pk
    with unscoped():
        expected = list(Membership.objects.filter(user=op).select_related("pemda", "agency"))
    with CaptureQueriesContext(connection) as ctx:
        loaded = memberships_of(user)
        described = [(m.pemda.code, m.role, m.agency.code if m.agency else None) for m in loaded]
    assert len(ctx) == 0
    assert described == [(m.pemda.code, m.role, m.agency.code if m.agency else None) for m in expected]
    assert all(m.user is user for m in loaded)


def test_a_user_without_roles_an_inactive_user_and_a_bad_id(world: World) -> None:
    from nyata.core.auth import MembershipModelBackend, memberships_of
    from tests.conftest import make_user

    backend = MembershipModelBackend()
    loner = make_user("tanpa.peran")
    user = backend.get_user(loner.pk)
    assert user is not None and memberships_of(user) == []
    loner.is_active = False
    loner.save(update_fields=["is_active"])
    assert backend.get_user(loner.pk) is None
    assert backend.get_user(10**9) is None
    assert backend.get_user("bukan-angka") is None


def test_a_role_revoked_is_gone_on_the_next_request(world: World) -> None:
    from nyata.core.models import Membership
    from nyata.core.tenancy import unscoped

    client = world.client("agency_operator")
    url = "/api/v1/reporting/realisations"
    assert client.get(url).status_code == 200
    with unscoped():
        Membership.objects.filter(user=world.users["agency_operator"]).delete()
    assert client.get(url).status_code == 403


def test_sessions_are_read_only_while_valid(world: World) -> None:
    from django.contrib.sessions.models import Session

    client = world.client("leader")
    assert client.get("/").status_code == 200
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    resp = client.get(reverse("security"))
    assert resp.status_code == 302 and reverse("login") in resp["Location"]
    bogus = Client()
    bogus.cookies["sessionid"] = "x" * 32
    assert bogus.get(reverse("security")).status_code == 302
