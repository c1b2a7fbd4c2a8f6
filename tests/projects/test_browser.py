"""In Chromium, against the real demo: a leader opens Tanjung Carat, reads its S-curve and
deviation status, and follows a late dependency to the agency that owns it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.fixtures import login, shot

pytestmark = pytest.mark.browser

# The demo's progress runs to October 2026; read it as of the end of November 2026 so the
# scenario does not depend on the machine's clock.
PER = "?per=2026-11-30"


def test_leader_follows_a_late_dependency_of_tanjung_carat(page: Any) -> None:
    login(page, "gubernur")
    page.goto("/proyek/" + PER)
    link = page.locator('tr[data-project="tanjung-carat"] a').first
    assert link.inner_text().startswith("Pelabuhan Tanjung Carat")
    page.goto(link.get_attribute("href") + PER)
    assert page.locator("h1").first.inner_text().startswith("Pelabuhan Tanjung Carat")
    status = page.get_by_test_id("deviation-status").inner_text()
    assert "Terlambat" in status
    curve = page.get_by_test_id("scurve")
    assert curve.is_visible()
    assert "Rencana 14,00%" in curve.text_content()
    assert "Realisasi 5,50%" in curve.text_content()
    shot(page, "project-tanjung-carat")
    late = page.locator('[data-testid="upstream"] tbody tr[data-state="late"]').filter(
        has_text="Izin lingkungan")
    assert late.count() == 1
    late.get_by_test_id("owner-agency").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").first.inner_text() == (
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu")
    shot(page, "project-late-dependency-owner")


def test_organs_view_and_s_curve_on_a_phone(browser: Any, demo_server: str) -> None:
    context = browser.new_context(base_url=demo_server, viewport={"width": 390, "height": 844},
                                  is_mobile=True, locale="id-ID")
    pg = context.new_page()
    login(pg, "gubernur")
    pg.goto("/proyek/organ/" + PER)
    assert pg.locator('[data-node="DPMPTSP"]').get_attribute("data-state") == "late"
    shot(pg, "project-organs-phone")
    pg.goto("/proyek/" + PER)
    pg.locator('tr[data-project="jalan-akses-tanjung-carat"] a').first.click()
    assert "Kritis" in pg.get_by_test_id("deviation-status").inner_text()
    shot(pg, "project-critical-phone")
    context.close()
