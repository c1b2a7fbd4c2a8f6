"""Second factors: enrolling a TOTP authenticator app, and the one check of a code.

Every code a person types (signing, sign-in) goes through `verify`; a refused code is counted by
`refused`, called outside the refused action's transaction. Wrong codes double the wait (1, 2,
4 … seconds) up to `TOTP_MAX_DELAY_SECONDS`; a try refused because of the wait is not counted,
so nobody can be locked out for longer than the bound, and a performance admin can lift it.
"""

from __future__ import annotations

import base64
import math
import time

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from nyata.core import audit, security_events
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


def any_demo_device() -> TOTPDevice | None:
    """One demo device (they all share the demo's key), for the sign-in page: demo mode only."""
    if not settings.DEMO_MODE or settings.PRODUCTION:
        return None
    return TOTPDevice.objects.filter(name=DEMO_DEVICE_NAME, confirmed=True).order_by("pk").first()


def current_code(device: TOTPDevice) -> str:
    """The code the device's app shows now (the demo prints it; nothing else should)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def qr_svg(device: TOTPDevice) -> str:
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, title="TOTP"))


@transaction.atomic
def totp_confirm(*, actor: User, pemda: Pemda | None, device: TOTPDevice, token: str,
                 request: HttpRequest | None = None) -> bool:
    """Confirm the device with one code from the app; the event is audited (never the secret).

    The caller has asked for the current password again (re-authentication)."""
    if not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=actor, confirmed=False).exclude(pk=device.pk).delete()
    if pemda is not None:  # a platform operator belongs to no Pemda's chain
        audit.record(pemda=pemda, actor=actor, action="nyata.user.totp_enrolled", obj=actor,
                     data={"device": device.pk})
    security_events.record(security_events.SECOND_FACTOR_ENROLLED, actor=actor, request=request,
                           data={"device": device.pk})
    return True


@transaction.atomic
def totp_remove(*, actor: User, pemda: Pemda | None, request: HttpRequest | None = None) -> None:
    """Remove the user's authenticators (a lost or replaced phone); the caller re-authenticated.

    The next signing, or sign-in where a second factor is required, asks to enrol a new one."""
    removed = list(TOTPDevice.objects.filter(user=actor).values_list("pk", flat=True))
    TOTPDevice.objects.filter(pk__in=removed).delete()
    if pemda is not None:
        audit.record(pemda=pemda, actor=actor, action="nyata.user.totp_removed", obj=actor,
                     data={"devices": removed})
    security_events.record(security_events.SECOND_FACTOR_REMOVED, actor=actor, request=request,
                           data={"devices": removed}, alert=True)


# --- checking a code ------------------------------------------------------------------------------

MALFORMED, NO_DEVICE, THROTTLED, WRONG = "malformed", "no_device", "throttled", "wrong"


class SecondFactorError(ValidationError):
    """The code was refused; `reason` says why (only WRONG counts toward the wait)."""

    def __init__(self, message: str, *, reason: str, wait: int = 0) -> None:
        super().__init__(message)
        self.reason = reason
        self.wait = wait


def _factor() -> int:
    return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))


def delay_for(failures: int) -> int:
    """Seconds to wait after `failures` wrong codes in a row: doubling, never above the bound."""
    if failures <= 0 or _factor() <= 0:
        return 0
    return int(min(_factor() * 2 ** (min(failures, 64) - 1), settings.TOTP_MAX_DELAY_SECONDS))


def failure_cap() -> int:
    """The count at which the wait reaches the bound; counting further would change nothing."""
    n = 1
    while _factor() > 0 and _factor() * 2 ** (n - 1) < settings.TOTP_MAX_DELAY_SECONDS:
        n += 1
    return n


def confirmed_devices(user: User) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"))


def wait_seconds(device: TOTPDevice) -> int:
    """How long this device still refuses codes (0: it takes one now)."""
    if not device.throttling_failure_count or device.throttling_failure_timestamp is None:
        return 0
    elapsed = (timezone.now() - device.throttling_failure_timestamp).total_seconds()
    return max(0, math.ceil(delay_for(int(device.throttling_failure_count)) - float(elapsed)))


def throttled_for(user: User) -> int:
    """Seconds before the user's codes are taken again (0: not held)."""
    return max((wait_seconds(d) for d in confirmed_devices(user)), default=0)


def wait_message(seconds: int) -> str:
    if seconds < 60:
        return ngettext("Terlalu banyak kode salah; coba lagi dalam %(n)s detik.",
                        "Terlalu banyak kode salah; coba lagi dalam %(n)s detik.", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("Terlalu banyak kode salah; coba lagi dalam %(n)s menit.",
                    "Terlalu banyak kode salah; coba lagi dalam %(n)s menit.", minutes) % {"n": minutes}


def _matches(device: TOTPDevice, token: int) -> bool:
    """django-otp's TOTP check without its own throttle bookkeeping (ours is in `refused`)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(token, device.tolerance, device.last_t + 1):  # last_t + 1: no replay
        return False
    device.last_t = totp.t()
    if getattr(settings, "OTP_TOTP_SYNC", True):
        device.drift = totp.drift
    device.throttle_reset(commit=False)
    device.set_last_used_timestamp(commit=False)
    device.save()
    return True


def verify(user: User, token: str) -> TOTPDevice:
    """A fresh code of one of the user's confirmed devices, or SecondFactorError.

    Writes only on success (the code is used up); a refusal is counted by `refused`.
    """
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit() or len(token) != 6:
        raise SecondFactorError(_("Masukkan kode 6 digit dari aplikasi autentikator Anda."), reason=MALFORMED)
    with transaction.atomic():
        # Locked: the same code sent twice at once is taken once.
        devices = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk"))
        if not devices:
            raise SecondFactorError(_("Akun Anda belum memiliki perangkat autentikator (TOTP)."), reason=NO_DEVICE)
        wait = max(wait_seconds(d) for d in devices)
        if wait:
            raise SecondFactorError(wait_message(wait), reason=THROTTLED, wait=wait)
        for device in devices:
            if _matches(device, int(token)):
                return device
    raise SecondFactorError(_("Kode autentikator salah atau sudah pernah dipakai."), reason=WRONG)


def refused(error: SecondFactorError, *, user: User, request: HttpRequest | None = None) -> None:
    """Count a wrong code and record the security event.

    Call it outside the refused action's transaction: a rollback would take the count and the
    event with it. A try refused because of the wait is recorded but not counted.
    """
    if error.reason == THROTTLED:
        security_events.record(security_events.SECOND_FACTOR_THROTTLED, actor=user, request=request,
                               data={"wait_seconds": error.wait})
        return
    if error.reason != WRONG:
        return
    cap = failure_cap()
    with transaction.atomic():
        devices = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
        before = max((d.throttling_failure_count for d in devices), default=0)
        for device in devices:
            device.throttling_failure_count = min(device.throttling_failure_count + 1, cap)
            device.throttling_failure_timestamp = timezone.now()
            device.save(update_fields=["throttling_failure_count", "throttling_failure_timestamp"])
    failures = min(before + 1, cap)
    security_events.record(security_events.SECOND_FACTOR_FAILED, actor=user, request=request,
                           data={"failures": failures, "wait_seconds": delay_for(failures)},
                           # The admins hear of it once, when the wait reaches its bound.
                           alert=before < cap <= failures)


@transaction.atomic
def totp_throttle_reset(*, actor: User, pemda: Pemda, user: User) -> None:
    """A performance admin lifts the wait of a user who typed too many wrong codes."""
    held = throttled_for(user)
    TOTPDevice.objects.filter(user=user, confirmed=True).update(throttling_failure_count=0,
                                                                throttling_failure_timestamp=None)
    audit.record(pemda=pemda, actor=actor, action="nyata.user.totp_reset", obj=user,
                 data={"wait_seconds": held})
    security_events.record(security_events.SECOND_FACTOR_RESET, actor=actor, pemda=pemda, obj=user,
                           data={"wait_seconds": held})
