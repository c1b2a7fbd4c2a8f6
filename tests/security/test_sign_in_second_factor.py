"""Signing in with a second factor (issue 15 item 4): the password alone opens nothing for the
roles that need a code; the code is checked once; a Pemda can add roles; nobody skips enrolment."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nyata.core import otp, security_events, signin
from nyata.core.models import AuditEvent, Pemda, SecurityEvent, User
from nyata.core.tenancy import tenant_scope, unscoped
from tests.conftest import PASSWORD, World

KEY = "3132333435363738393031323334353637383930"
REQUIRED = ["perf_admin", "inspector", "platform_operator"]
# A page each of them may open once signed in.
HOME_OF = {"perf_admin": "/organisasi/pd/", "inspector": "/organisasi/pd/", "platform_operator": "/platform/",
           "agency_head": "/organisasi/pd/", "planner": "/organisasi/pd/"}
_addresses = itertools.count(1)


def _client() -> Client:
    # Each client from its own address: the per-address sign-in limit is not what these tests are about.
    return Client(REMOTE_ADDR=f"10.88.{next(_addresses) % 250}.{next(_addresses) % 250 + 1}")


def _code(step: int = 0) -> str:
    return f"{totp(bytes.fromhex(KEY), drift=step):06d}"


def _wrong() -> str:
    good = {_code(-1), _code(), _code(1)}
    return next(c for c in ("000000", "111111", "222222") if c not in good)


def _enrol(user: User) -> TOTPDevice:
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name="uji", key=KEY, confirmed=True)
    return device


def _password(client: Client, user: User, **extra: Any) -> HttpResponse:
    resp: HttpResponse = client.post(reverse("login"), {"username": user.username, "password": PASSWORD, **extra})
    return resp


def _type_code(client: Client, code: str) -> HttpResponse:
    resp: HttpResponse = client.post(reverse("login_code"), {"token": code})
    return resp


def _session_user(client: Client) -> str | None:
    value = client.session.get("_auth_user_id")
    return None if value is None else str(value)


def _alert(resp: HttpResponse) -> str:
    el = BeautifulSoup(resp.content, "html.parser").find(attrs={"role": "alert"})
    return el.get_text(" ", strip=True) if el else ""


@pytest.mark.parametrize("role", REQUIRED)
def test_a_right_password_without_the_code_signs_no_one_in(world: World, role: str) -> None:
    user = world.users[role]
    _enrol(user)
    client = _client()
    resp = _password(client, user)
    assert resp.status_code == 302 and resp["Location"] == reverse("login_code")
    assert _session_user(client) is None
    page = client.get(HOME_OF[role])
    assert page.status_code == 302 and page["Location"].startswith(reverse("login"))
    code_page = client.get(reverse("login_code"))
    assert code_page.status_code == 200
    assert user.username in code_page.content.decode()


@pytest.mark.parametrize("role", REQUIRED)
def test_the_right_code_after_the_password_signs_them_in(world: World, role: str) -> None:
    user = world.users[role]
    device = _enrol(user)
    client = _client()
    _password(client, user, next=HOME_OF[role])
    resp = _type_code(client, _code())
    assert resp.status_code == 302 and resp["Location"] == HOME_OF[role]
    assert _session_user(client) == str(user.pk)
    assert client.get(HOME_OF[role]).status_code == 200
    event = SecurityEvent.objects.filter(action=security_events.SECOND_FACTOR_LOGIN).get()
    assert event.actor_id == user.pk and event.data["device"] == device.pk


def test_a_code_once_used_is_refused_and_recorded(world: World) -> None:
    admin = world.users["perf_admin"]
    _enrol(admin)
    first = _client()
    _password(first, admin)
    code = _code()
    assert _type_code(first, code).status_code == 302
    second = _client()
    _password(second, admin)
    resp = _type_code(second, code)
    assert resp.status_code == 400
    assert "sudah pernah dipakai" in _alert(resp)
    assert _session_user(second) is None
    assert second.get("/organisasi/pd/").status_code == 302
    assert SecurityEvent.objects.filter(action=security_events.SECOND_FACTOR_FAILED, actor_id=admin.pk).count() == 1


def test_a_wrong_code_waits_a_named_time_and_each_refusal_is_an_event(world: World) -> None:
    inspector = world.users["inspector"]
    _enrol(inspector)
    client = _client()
    _password(client, inspector)
    assert "salah" in _alert(_type_code(client, _wrong()))
    held = _type_code(client, _code())  # even the right code waits out the back-off
    assert held.status_code == 400 and "coba lagi dalam" in _alert(held) and "detik" in _alert(held)
    assert _session_user(client) is None
    actions = list(SecurityEvent.objects.filter(actor_id=inspector.pk).values_list("action", flat=True))
    assert security_events.SECOND_FACTOR_FAILED in actions and security_events.SECOND_FACTOR_THROTTLED in actions


def test_the_pending_sign_in_expires_after_a_few_minutes(world: World, settings: Any) -> None:
    admin = world.users["perf_admin"]
    _enrol(admin)
    client = _client()
    _password(client, admin)
    session = client.session
    pending = session[signin.PENDING]
    pending["at"] -= settings.SIGN_IN_CODE_MINUTES * 60 + 1
    session[signin.PENDING] = pending
    session.save()
    resp = _type_code(client, _code())
    assert resp.status_code == 302 and resp["Location"] == reverse("login")
    assert _session_user(client) is None
    assert "berakhir" in client.get(reverse("login")).content.decode()
    assert TOTPDevice.objects.get(user=admin).last_t == -1  # the code was never even checked


def test_the_pending_sign_in_is_bound_to_the_password_that_began_it(world: World) -> None:
    admin = world.users["perf_admin"]
    _enrol(admin)
    client = _client()
    assert _password(client, admin)["Location"] == reverse("login_code")
    admin.set_password("Sandi-Baru-2026!")  # changed elsewhere meanwhile (a reset)
    admin.save()
    assert _type_code(client, _code())["Location"] == reverse("login")
    assert _session_user(client) is None
    assert TOTPDevice.objects.get(user=admin).last_t == -1


def test_a_role_that_needs_no_code_signs_in_with_the_password(world: World) -> None:
    planner = world.users["planner"]
    client = _client()
    resp = _password(client, planner)
    assert resp.status_code == 302 and resp["Location"] == reverse("home")
    assert _session_user(client) == str(planner.pk)
    assert client.get(HOME_OF["planner"]).status_code == 200


def test_a_pemda_that_adds_agency_heads_makes_them_type_a_code(world: World) -> None:
    head = world.users["agency_head"]
    _enrol(head)
    before = _client()
    _password(before, head)
    assert _session_user(before) == str(head.pk)  # not required by default

    admin = world.client("perf_admin")
    page = admin.get(reverse("pemda_profile"))
    assert 'value="agency_head"' in page.content.decode()
    resp = admin.post(reverse("pemda_profile"), {"name": world.a.name, "capital": "", "head_title": "Gubernur",
                                                 "public_base_url": "", "sign_in_factor_roles": ["agency_head"]})
    assert resp.status_code == 302, resp.content.decode()
    with unscoped():
        assert Pemda.objects.get(pk=world.a.pk).sign_in_factor_roles == ["agency_head"]
    with tenant_scope(world.a):
        audited = AuditEvent.objects.filter(action="nyata.pemda.updated").order_by("-seq").first()
    assert audited is not None and audited.data["after"]["sign_in_factor_roles"] == ["agency_head"]
    assert SecurityEvent.objects.filter(action=security_events.SIGN_IN_FACTOR_ROLES_CHANGED).count() == 1
    page = BeautifulSoup(admin.get(reverse("security_event_list")).content, "html.parser")
    row = page.find("tr", attrs={"data-action": security_events.SIGN_IN_FACTOR_ROLES_CHANGED})
    assert row is not None
    shown = row.get_text(" ")
    assert "Kepala Perangkat Daerah" in shown and "agency_head" not in shown  # roles by name, never codes

    # A session begun before the change goes back to the code step at its next request.
    resp = before.get(HOME_OF["agency_head"])
    assert resp.status_code == 302 and resp["Location"] == reverse("login_code")
    assert _session_user(before) is None
    assert _type_code(before, _code()).status_code == 302
    assert before.get(HOME_OF["agency_head"]).status_code == 200

    fresh = _client()
    assert _password(fresh, head)["Location"] == reverse("login_code")
    assert _session_user(fresh) is None


def test_a_user_without_an_authenticator_can_open_only_the_enrolment(world: World) -> None:
    admin = world.users["perf_admin"]
    client = _client()
    resp = _password(client, admin)
    assert resp.status_code == 302 and resp["Location"] == reverse("security")
    for path in ("/", "/organisasi/pd/", "/pengguna/", reverse("pemda_profile")):
        assert client.get(path)["Location"] == reverse("security"), path
    page = client.get(reverse("security"))
    assert page.status_code == 200
    assert BeautifulSoup(page.content, "html.parser").find(attrs={"data-testid": "must-enrol"}) is not None
    key = bytes.fromhex(otp.pending_device(admin).key)
    enrolled = client.post(reverse("security"), {"current_password": PASSWORD, "token": f"{totp(key):06d}"})
    assert enrolled.status_code == 302
    assert client.get("/organisasi/pd/").status_code == 200


def test_the_api_refuses_a_session_that_passed_only_the_password(world: World) -> None:
    admin = world.users["perf_admin"]
    unenrolled = _client()
    _password(unenrolled, admin)  # no authenticator yet: signed in, confined to enrolment
    resp = unenrolled.get("/api/v1/agencies")
    assert resp.status_code == 403 and "autentikator" in resp.json()["detail"]

    _enrol(admin)
    pending = _client()
    _password(pending, admin)
    assert pending.get("/api/v1/agencies").status_code == 401
    _type_code(pending, _code())
    assert pending.get("/api/v1/agencies").status_code == 200


def test_a_set_password_link_does_not_skip_the_code(world: World) -> None:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    admin = world.users["perf_admin"]
    _enrol(admin)
    client = _client()
    url = reverse("password_set", args=[urlsafe_base64_encode(force_bytes(admin.pk)),
                                        default_token_generator.make_token(admin)])
    new = "Sandi-Baru-Sekali-2026!"
    resp = client.post(url, {"new_password1": new, "new_password2": new})
    assert resp.status_code == 302 and resp["Location"] == reverse("login_code")
    assert _session_user(client) is None


def test_the_demo_shows_how_to_get_the_code(world: World, settings: Any) -> None:
    settings.DEMO_MODE = True
    admin = world.users["perf_admin"]
    TOTPDevice.objects.create(user=admin, name=otp.DEMO_DEVICE_NAME, key=KEY, confirmed=True)
    login_page = BeautifulSoup(_client().get(reverse("login")).content, "html.parser")
    assert login_page.find(attrs={"data-testid": "demo-sign-in"}) is not None
    client = _client()
    _password(client, admin)
    page = BeautifulSoup(client.get(reverse("login_code")).content, "html.parser")
    shown = page.find(attrs={"data-testid": "demo-current-code"})
    assert shown is not None and shown.get_text(strip=True) in {_code(), _code(1)}
    settings.DEMO_MODE = False
    plain = _client()
    _password(plain, admin)
    assert b"demo-current-code" not in plain.get(reverse("login_code")).content


def test_an_expired_password_and_a_missing_authenticator_do_not_send_each_other_round(world: World,
                                                                                     settings: Any) -> None:
    settings.PASSWORD_MAX_AGE_DAYS = 90  # the BSSN profile, and a password older than that
    inspector = world.users["inspector"]
    User.objects.filter(pk=inspector.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    client = _client()
    _password(client, inspector)
    final = client.get("/organisasi/pd/", follow=True)  # a redirect loop would raise here
    assert final.status_code == 200
    assert final.redirect_chain[-1][0] in {reverse("password_change"), reverse("security")}
