"""Second factor enrolment: a user adds a TOTP authenticator app before signing documents."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from nyata.core import audit
from nyata.core.models import Pemda, User

DEVICE_NAME = "Aplikasi autentikator"
# The device the demo gives its signers (nyata/agreements/demo.py); its secret is shown only in demo mode.
DEMO_DEVICE_NAME = "demo"


def pending_device(user: User) -> TOTPDevice:
    """The user's unconfirmed device, created on first visit (its secret is shown once)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_b32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii")


def demo_device(user: User) -> TOTPDevice | None:
    """The demo signer's device, whose secret may be shown again: in demo mode only, never in production."""
    if not settings.DEMO_MODE or settings.PRODUCTION:
        return None
    return TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME, confirmed=True).first()


def qr_svg(device: TOTPDevice) -> str:
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, title="TOTP"))


@transaction.atomic
def totp_confirm(*, actor: User, pemda: Pemda | None, device: TOTPDevice, token: str) -> bool:
    """Confirm the device with one code from the app; the event is audited (never the secret)."""
    if not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=actor, confirmed=False).exclude(pk=device.pk).delete()
    if pemda is not None:  # a platform operator belongs to no Pemda's chain
        audit.record(pemda=pemda, actor=actor, action="nyata.user.totp_enrolled", obj=actor,
                     data={"device": device.pk})
    return True
