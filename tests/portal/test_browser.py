"""Anonymous citizen in Chromium: portal -> flagship product -> survey -> moderated -> updated index."""

from __future__ import annotations

from typing import Any

import pytest

# The lead's e2e fixtures, imported because this module lives beside the portal tests.
from tests.e2e.fixtures import login, shot

pytestmark = pytest.mark.browser


def _ikm(page: Any) -> str:
    return str(page.get_by_test_id("ikm-value").first.inner_text()) if page.get_by_test_id("ikm-value").count() else \
        str(page.locator(".ikm strong").first.inner_text())


def test_citizen_survey_then_moderation_updates_the_index(
        browser: Any, demo_server: str) -> None:
    citizen = browser.new_context(base_url=demo_server, viewport={"width": 390, "height": 844},
                                  is_mobile=True, locale="id-ID").new_page()
    citizen.goto("/publik/16/")
    assert citizen.locator("h1").first.inner_text().startswith("Provinsi Sumatera Selatan")
    shot(citizen, "portal-home-phone")
    citizen.get_by_role("link", name="Sumsel Tanggap").first.click()
    citizen.wait_for_load_state()
    before = _ikm(citizen)
    shot(citizen, "portal-product-before")
    citizen.get_by_role("link", name="Isi survei kepuasan").click()
    for k in range(1, 10):
        citizen.locator(f"input[name=u{k}][value='4']").check()
    citizen.get_by_label("Komentar atau saran (opsional)").fill("Ambulans datang cepat (uji browser).")
    shot(citizen, "portal-survey-filled")
    citizen.get_by_role("button", name="Kirim jawaban").click()
    citizen.wait_for_load_state()
    assert citizen.get_by_role("status").inner_text().startswith("Terima kasih")
    after = _ikm(citizen)
    assert after != before  # one more sheet of all 4s moves the index
    assert "uji browser" not in citizen.content()
    product_url = citizen.url.split("?")[0]

    moderator = browser.new_context(base_url=demo_server, locale="id-ID").new_page()
    login(moderator, "admin")
    moderator.goto("/produk/moderasi/")
    item = moderator.get_by_test_id("pending-comment").filter(has_text="uji browser")
    shot(moderator, "moderation-queue")
    item.get_by_role("button", name="Setujui").click()
    moderator.wait_for_load_state()

    citizen.goto(product_url)
    assert "Ambulans datang cepat (uji browser)." in citizen.locator("ul.comments").inner_text()
    assert _ikm(citizen) == after
    shot(citizen, "portal-product-after-moderation")
