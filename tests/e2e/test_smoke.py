"""Every role logs in through the real login form and sees its own home page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.fixtures import login, shot

pytestmark = pytest.mark.browser

ACCOUNTS = [
    ("gubernur", "leader"),
    ("admin", "perf_admin"),
    ("bappeda", "planner"),
    ("inspektur", "inspector"),
    ("kadinkes", "agency_head"),
    ("operator.dinkes", "agency_operator"),
    ("admin.banyuasin", "perf_admin"),
]


@pytest.mark.parametrize("username,role", ACCOUNTS)
def test_each_role_sees_its_home(page: Any, username: str, role: str) -> None:
    login(page, username)
    assert page.locator("h1").first.inner_text() == "Beranda"
    section = page.locator(f'section[data-role="{role}"]')
    assert section.count() == 1
    pemda = page.get_by_test_id("active-pemda").inner_text()
    assert pemda == ("Kabupaten Banyuasin" if username.endswith("banyuasin") else "Provinsi Sumatera Selatan")
    shot(page, f"home-{username}")


def test_wrong_password_is_refused_with_a_message(page: Any) -> None:
    login(page, "admin", "salah-sandi")
    assert page.get_by_role("alert").count() >= 1
    assert page.url.endswith("/masuk/")


def test_operator_sees_only_own_agency_on_a_phone(browser: Any, demo_server: str) -> None:
    context = browser.new_context(
        base_url=demo_server, viewport={"width": 390, "height": 844}, is_mobile=True, locale="id-ID"
    )
    page = context.new_page()
    login(page, "operator.dinkes")
    page.goto("/organisasi/pd/")
    rows = page.locator("tbody tr")
    assert rows.count() == 1
    assert "Dinas Kesehatan" in rows.first.inner_text()
    shot(page, "agencies-operator-phone")
    context.close()
