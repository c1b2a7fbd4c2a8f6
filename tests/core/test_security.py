from __future__ import annotations

import base64
import re

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nyata.core.models import AuditEvent
from nyata.core.tenancy import tenant_scope
from tests.conftest import World


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
    ok = client.post(reverse("security"), {"token": f"{totp(key):06d}"})
    assert ok.status_code == 302
    assert TOTPDevice.objects.filter(user=world.users["agency_head"], confirmed=True).count() == 1
    with tenant_scope(world.a):
        event = AuditEvent.objects.get(action="nyata.user.totp_enrolled")
    assert "key" not in str(event.data).lower() and base64.b32encode(key).decode() not in str(event.data)
    assert 'data-testid="totp-active"' in client.get(reverse("security")).content.decode()


def test_a_wrong_code_confirms_nothing(world: World) -> None:
    client = world.client("leader")
    client.get(reverse("security"))
    wrong = client.post(reverse("security"), {"token": "000000"})
    assert wrong.status_code == 400 and "Kode salah" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=world.users["leader"], confirmed=True).exists()
