from __future__ import annotations

import base64
import re

from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nyata.core import security_events
from nyata.core.models import AuditEvent, SecurityEvent
from nyata.core.tenancy import tenant_scope
from tests.conftest import PASSWORD, World


def _secret(html: str) -> bytes:
    match = re.search(r"<code>([A-Z2-7=]+)</code>", html)
    assert match, "the page shows the key for manual entry"
    return base64.b32decode(match.group(1))


def test_a_user_enrols_an_authenticator_with_a_code(world: World) -> None:
    client = world.client("agency_head")
    page = client.get(reverse("security"))
    html = page.content.decode()
    assert "<svg" in html  # the QR code, inline
    key = _secret(html)
    assert not TOTPDevice.objects.filter(user=world.users["agency_head"], confirmed=True).exists()
    ok = client.post(reverse("security"), {"token": f"{totp(key):06d}", "current_password": PASSWORD})
    assert ok.status_code == 302
    assert TOTPDevice.objects.filter(user=world.users["agency_head"], confirmed=True).count() == 1
    with tenant_scope(world.a):
        event = AuditEvent.objects.get(action="nyata.user.totp_enrolled")
    assert "key" not in str(event.data).lower() and base64.b32encode(key).decode() not in str(event.data)
    assert 'data-testid="totp-active"' in client.get(reverse("security")).content.decode()
    assert SecurityEvent.objects.filter(action=security_events.SECOND_FACTOR_ENROLLED,
                                        actor=world.users["agency_head"]).count() == 1


def test_a_wrong_code_confirms_nothing(world: World) -> None:
    client = world.client("leader")
    client.get(reverse("security"))
    wrong = client.post(reverse("security"), {"token": "000000", "current_password": PASSWORD})
    assert wrong.status_code == 400 and "Kode salah" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=world.users["leader"], confirmed=True).exists()


def test_enrolling_asks_for_the_current_password_and_counts_a_wrong_one(world: World) -> None:
    client = world.client("agency_head")
    key = _secret(client.get(reverse("security")).content.decode())
    resp = client.post(reverse("security"), {"token": f"{totp(key):06d}", "current_password": "tebakan"})
    assert resp.status_code == 400
    page = BeautifulSoup(resp.content, "html.parser")
    assert page.select_one("#password-error") is not None
    assert not TOTPDevice.objects.filter(user=world.users["agency_head"], confirmed=True).exists()
    assert SecurityEvent.objects.filter(action=security_events.PASSWORD_CHECK_FAILED).count() == 1
    assert AccessAttempt.objects.filter(username="agency_head").get().failures_since_start == 1


def _enrolled(world: World, who: str) -> Client:
    client = world.client(who)
    TOTPDevice.objects.create(user=world.users[who], name="uji", key="31" * 20, confirmed=True)
    return client


def test_removing_the_authenticator_asks_for_the_current_password(world: World) -> None:
    client = _enrolled(world, "leader")
    page = BeautifulSoup(client.get(reverse("security")).content, "html.parser")
    form = page.select_one('[data-testid="totp-remove"]')
    assert form is not None and form.select_one("input[name=current_password]") is not None
    refused = client.post(reverse("security"), {"action": "remove", "current_password": "tebakan"})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=world.users["leader"], confirmed=True).count() == 1
    ok = client.post(reverse("security"), {"action": "remove", "current_password": PASSWORD})
    assert ok.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.users["leader"], confirmed=True).exists()
    with tenant_scope(world.a):
        assert AuditEvent.objects.filter(action="nyata.user.totp_removed").count() == 1
    assert SecurityEvent.objects.filter(action=security_events.SECOND_FACTOR_REMOVED,
                                        actor=world.users["leader"]).count() == 1
    # a new authenticator can be enrolled at once
    assert "<svg" in client.get(reverse("security")).content.decode()


@override_settings(AXES_FAILURE_LIMIT=2)
def test_guessing_the_password_on_the_security_page_locks_out_and_ends_the_session(world: World) -> None:
    client = _enrolled(world, "inspector")
    assert client.post(reverse("security"), {"action": "remove", "current_password": "a"}).status_code == 400
    locked = client.post(reverse("security"), {"action": "remove", "current_password": "b"})
    assert locked.status_code in (403, 429) and "dikunci" in locked.content.decode()
    assert client.get(reverse("security")).status_code == 302  # signed out
    assert TOTPDevice.objects.filter(user=world.users["inspector"], confirmed=True).count() == 1
