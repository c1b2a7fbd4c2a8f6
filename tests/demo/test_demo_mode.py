"""Demo mode: a newcomer can try every ceremony without reading the source; production never can."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from nyata.core import security_events
from nyata.core.otp import DEMO_DEVICE_NAME
from nyata.demo.loader import DemoAccount
from nyata.demo.management.commands.demo import account_lines
from tests.conftest import World

KEY = b"Nyata-Demo-TOTP-2026".hex()
BASE32 = "JZ4WC5DBFVCGK3LPFVKE6VCQFUZDAMRW"  # base32 of the key above, as an authenticator app wants it


def _demo_device(world: World) -> TOTPDevice:
    return TOTPDevice.objects.create(user=world.users["leader"], name=DEMO_DEVICE_NAME, key=KEY, confirmed=True)


@override_settings(DEMO_MODE=True)
def test_a_demo_signer_sees_its_secret_as_qr_and_text_in_demo_mode(world: World) -> None:
    _demo_device(world)
    page = BeautifulSoup(world.client("leader").get(reverse("security")).content, "html.parser")
    box = page.select_one("[data-testid=demo-totp]")
    assert box is not None
    assert box.select_one("code").get_text() == BASE32
    assert box.select_one("svg") is not None


@pytest.mark.parametrize("flags", [{"DEMO_MODE": False}, {"DEMO_MODE": True, "PRODUCTION": True}],
                         ids=["demo-off", "production"])
def test_outside_the_demo_no_secret_of_an_enrolled_device_is_ever_shown(world: World, flags: dict[str, Any]) -> None:
    _demo_device(world)
    with override_settings(**flags):
        html = world.client("leader").get(reverse("security")).content.decode()
        lines = account_lines([DemoAccount("gubernur", "Pimpinan", "—", "Provinsi Uji"),
                               DemoAccount("leader", "Pimpinan", "—", "Provinsi Uji")])
    assert 'data-testid="totp-active"' in html
    assert BASE32 not in html and "<svg" not in html
    assert not any(BASE32 in line for line in lines)


@override_settings(DEMO_MODE=True)
def test_the_demo_command_prints_the_pemda_by_name_and_each_signers_secret(world: World) -> None:
    _demo_device(world)
    lines = account_lines([DemoAccount("leader", "Pimpinan", "—", "Provinsi Sumatera Selatan"),
                           DemoAccount("planner", "Perencana", "—", "Provinsi Sumatera Selatan")])
    assert lines[1].split() == ["leader", "Pimpinan", "—", "Provinsi", "Sumatera", "Selatan"]
    assert not any("Pemda 16" in line for line in lines)
    assert lines[-1].split() == ["leader", BASE32]
    assert not any(line.split()[:1] == ["planner"] and BASE32 in line for line in lines)


@pytest.mark.django_db
def test_the_demo_accounts_name_their_pemda() -> None:
    from nyata.demo.loader import load_regency

    _pemda, accounts = load_regency()
    assert {a.pemda for a in accounts} == {"Kabupaten Banyuasin"}


def _alert() -> security_events.Alert:
    return security_events.Alert(chain=security_events.PLATFORM, action=security_events.ROLE_GRANTED, at="2026-01-21",
                                 actor_label="admin", data={})


@pytest.mark.django_db
def test_an_alert_with_no_recipient_is_quiet_in_the_demo_and_a_warning_elsewhere(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="nyata.security")
    with override_settings(DEMO_MODE=True, SECURITY_ALERT_EMAILS=[]):
        security_events.email_alert(_alert())
    assert [r.levelno for r in caplog.records] == [logging.DEBUG]
    caplog.clear()
    with override_settings(DEMO_MODE=False, SECURITY_ALERT_EMAILS=[]):
        security_events.email_alert(_alert())
    assert [r.levelno for r in caplog.records] == [logging.WARNING]


def test_a_visitor_at_the_root_is_offered_the_public_portal_beside_the_sign_in(world: World) -> None:
    resp = world.client(None).get("/")
    assert resp.status_code == 200
    page = BeautifulSoup(resp.content, "html.parser")
    assert page.select_one(f"form[action='{reverse('login')}'] input[name=password]") is not None
    portal = page.select_one(f"[data-testid=public-portal] a[href='{reverse('portal_index')}']")
    assert portal is not None


def test_a_signed_in_person_at_the_root_still_lands_on_their_home(world: World) -> None:
    resp = world.client("leader").get("/")
    assert resp.status_code == 200 and 'name="password"' not in resp.content.decode()


def test_a_missing_page_is_the_products_own_page_in_indonesian(world: World) -> None:
    resp = world.client(None).get("/tidak-ada/")
    assert resp.status_code == 404
    assert "Halaman tidak ditemukan" in resp.content.decode()
