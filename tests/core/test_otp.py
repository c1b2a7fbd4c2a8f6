"""The one check of a second-factor code: bounded back-off, no count while held, events recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nyata.core import otp, security_events
from nyata.core.models import AuditEvent, SecurityEvent, User
from nyata.core.tenancy import tenant_scope
from tests.conftest import World

KEY = "3132333435363738393031323334353637383930"


def _code(offset: int = 0) -> str:
    return f"{totp(bytes.fromhex(KEY), t0=offset):06d}"


def _wrong() -> str:
    good = {_code(), _code(-30), _code(30)}
    return next(c for c in ("000000", "111111", "222222") if c not in good)


@pytest.fixture
def head(world: World) -> User:
    user = world.users["agency_head"]
    TOTPDevice.objects.create(user=user, name="uji", key=KEY, confirmed=True)
    return user


def _try(user: User, token: str) -> otp.SecondFactorError | None:
    try:
        otp.verify(user, token)
    except otp.SecondFactorError as e:
        otp.refused(e, user=user)
        return e
    return None


def _age(user: User, seconds: int) -> None:
    """Move the last failure into the past, as if the user had waited."""
    device = TOTPDevice.objects.get(user=user)
    assert device.throttling_failure_timestamp is not None
    device.throttling_failure_timestamp -= dt.timedelta(seconds=seconds)
    device.save(update_fields=["throttling_failure_timestamp"])


def _events(action: str) -> int:
    return SecurityEvent.objects.filter(action=action).count()


def test_seventeen_wrong_codes_never_hold_the_user_longer_than_the_bound(head: User, settings: Any) -> None:
    settings.TOTP_MAX_DELAY_SECONDS = 300
    for _ in range(17):
        _try(head, _wrong())
        _age(head, 10_000)  # each try after the wait, so every one is counted
    device = TOTPDevice.objects.get(user=head)
    assert device.throttling_failure_count <= otp.failure_cap()
    assert otp.delay_for(device.throttling_failure_count) == 300
    device.throttling_failure_timestamp = timezone.now()
    device.save()
    assert 295 <= otp.throttled_for(head) <= 300
    assert _events(security_events.SECOND_FACTOR_FAILED) == 17


def test_the_bound_is_a_setting(head: User, settings: Any) -> None:
    settings.TOTP_MAX_DELAY_SECONDS = 60
    assert max(otp.delay_for(n) for n in range(1, 40)) == 60
    assert otp.delay_for(1) == 1 and otp.delay_for(2) == 2 and otp.delay_for(3) == 4


def test_a_valid_code_while_held_is_refused_without_growing_the_wait(head: User) -> None:
    for _ in range(4):
        _try(head, _wrong())
        _age(head, 10_000)
    _try(head, _wrong())  # the fifth: held for 16 seconds from now
    before = TOTPDevice.objects.get(user=head)
    error = _try(head, _code())
    assert error is not None and error.reason == otp.THROTTLED
    assert "detik" in str(error.message) and str(error.wait) in str(error.message)
    after = TOTPDevice.objects.get(user=head)
    assert after.throttling_failure_count == before.throttling_failure_count == 5
    assert after.throttling_failure_timestamp == before.throttling_failure_timestamp
    assert _events(security_events.SECOND_FACTOR_THROTTLED) == 1


def test_after_the_wait_a_valid_code_works_and_clears_the_count(head: User) -> None:
    for _ in range(6):
        _try(head, _wrong())
        _age(head, 10_000)
    assert _try(head, _code()) is None
    device = TOTPDevice.objects.get(user=head)
    assert device.throttling_failure_count == 0 and device.throttling_failure_timestamp is None
    assert otp.throttled_for(head) == 0


def test_a_replayed_code_is_refused(head: User) -> None:
    good = _code()
    assert _try(head, good) is None
    error = _try(head, good)
    assert error is not None and error.reason == otp.WRONG


def test_a_malformed_code_is_not_counted(head: User) -> None:
    error = _try(head, "abc")
    assert error is not None and error.reason == otp.MALFORMED
    assert TOTPDevice.objects.get(user=head).throttling_failure_count == 0
    assert _events(security_events.SECOND_FACTOR_FAILED) == 0


def test_the_wait_is_told_in_minutes_beyond_a_minute_in_both_languages() -> None:
    assert otp.wait_message(30) == "Terlalu banyak kode salah; coba lagi dalam 30 detik."
    assert otp.wait_message(130) == "Terlalu banyak kode salah; coba lagi dalam 3 menit."
    with override("en"):
        assert otp.wait_message(1) == "Too many wrong codes; try again in 1 second."
        assert otp.wait_message(30) == "Too many wrong codes; try again in 30 seconds."
        assert otp.wait_message(130) == "Too many wrong codes; try again in 3 minutes."


def test_the_admins_are_alerted_once_when_the_wait_reaches_its_bound(head: User, settings: Any,
                                                                      django_capture_on_commit_callbacks: Any) -> None:
    alerts: list[Any] = []
    settings.SECURITY_ALERT_HOOK = "tests.core.test_otp.collect"
    COLLECTED.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(otp.failure_cap() + 3):
            _try(head, _wrong())
            _age(head, 10_000)
    alerts = [a for a in COLLECTED if a.action == security_events.SECOND_FACTOR_FAILED]
    assert len(alerts) == 1


COLLECTED: list[Any] = []


def collect(alert: Any) -> None:
    COLLECTED.append(alert)


# --- a performance admin lifts the wait -----------------------------------------------------------


def _held(user: User) -> None:
    for _ in range(otp.failure_cap()):
        _try(user, _wrong())
        _age(user, 10_000)
    _try(user, _wrong())
    assert otp.throttled_for(user) > 60


def test_the_admin_sees_the_hold_and_lifts_it(world: World, head: User) -> None:
    admin = world.client("perf_admin")
    page = BeautifulSoup(admin.get(reverse("user_detail", args=[head.pk])).content, "html.parser")
    assert page.select_one('[data-testid="totp-held"]') is None  # nothing to lift
    _held(head)
    page = BeautifulSoup(admin.get(reverse("user_detail", args=[head.pk])).content, "html.parser")
    form = page.select_one('[data-testid="totp-held"] form')
    assert form is not None and form["action"] == reverse("user_totp_reset", args=[head.pk])
    resp = admin.post(reverse("user_totp_reset", args=[head.pk]))
    assert resp.status_code == 302 and resp["Location"] == reverse("user_detail", args=[head.pk])
    assert otp.throttled_for(head) == 0
    assert _try(head, _code()) is None
    with tenant_scope(world.a):
        event = AuditEvent.objects.get(action="nyata.user.totp_reset")
    assert event.actor_id == world.users["perf_admin"].pk and event.object_id == str(head.pk)
    reset = SecurityEvent.objects.get(action=security_events.SECOND_FACTOR_RESET)
    assert reset.chain == world.a.pk and reset.actor_id == world.users["perf_admin"].pk


def test_a_get_lifts_nothing(world: World, head: User) -> None:
    _held(head)
    resp = world.client("perf_admin").get(reverse("user_totp_reset", args=[head.pk]))
    assert resp.status_code == 302 and otp.throttled_for(head) > 0


@pytest.mark.parametrize("who", ["leader", "inspector", "planner", "agency_head", "platform_operator"])
def test_other_roles_cannot_lift_it(world: World, head: User, who: str) -> None:
    _held(head)
    resp = world.client(who).post(reverse("user_totp_reset", args=[head.pk]))
    assert resp.status_code == 403 and otp.throttled_for(head) > 0


def test_another_pemdas_admin_cannot_lift_it(world: World, head: User) -> None:
    _held(head)
    resp = world.client("outsider").post(reverse("user_totp_reset", args=[head.pk]))
    assert resp.status_code == 404 and otp.throttled_for(head) > 0
    assert not SecurityEvent.objects.filter(action=security_events.SECOND_FACTOR_RESET).exists()
