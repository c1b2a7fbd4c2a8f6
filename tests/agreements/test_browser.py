"""The ceremony in Chromium: the admin locks KA-DINKES's PK, the agency head and the governor
sign with TOTP, the board turns green, and the public verification page accepts the downloaded
PDF and rejects a copy with one byte altered.

The demo server is shared with other browser tests: this test uses only KA-DINKES's PK, which
the demo leaves as a draft.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp

from nyata.agreements.demo import DEMO_TOTP_KEY
from tests.agreements.pictures import first_page_png
from tests.e2e.fixtures import ARTIFACTS, login, shot

pytestmark = pytest.mark.browser


def _as(browser: Any, demo_server: str, username: str) -> Any:
    context = browser.new_context(base_url=demo_server, viewport={"width": 1280, "height": 900}, locale="id-ID")
    pg = context.new_page()
    login(pg, username)
    return pg


def _sign(pg: Any, url: str) -> None:
    pg.goto(url)
    pg.get_by_label("Kode autentikator (6 digit)").fill(f"{totp(bytes.fromhex(DEMO_TOTP_KEY)):06d}")
    pg.get_by_label("Saya telah membaca dokumen dan menyetujui isinya.").check()
    pg.get_by_test_id("sign").click()
    pg.wait_for_load_state("networkidle")
    assert "Tanda tangan Anda tercatat." in pg.content()


def test_ceremony_walkthrough(page: Any, browser: Any, demo_server: str, tmp_path: Path) -> None:
    login(page, "admin")
    page.goto("/perjanjian/acara/")
    page.get_by_role("link", name=re.compile("Penandatanganan Perjanjian Kinerja")).first.click()
    board_url = page.url
    row = page.locator('tr[data-position="KA-DINKES"]')
    row.locator("td").nth(2).get_by_role("link").click()
    detail_url = page.url
    assert "Draf" in page.content()
    page.get_by_test_id("lock").click()
    page.wait_for_load_state("networkidle")
    assert "Perjanjian dikunci" in page.content()
    shot(page, "agreements-1-locked")

    head = _as(browser, demo_server, "kadinkes")
    _sign(head, detail_url)
    shot(head, "agreements-2-signed-by-head")
    governor = _as(browser, demo_server, "gubernur")
    _sign(governor, detail_url)
    assert "Ditandatangani kedua pihak" in governor.content()

    page.goto(board_url)
    assert "ag-done" in (page.locator('tr[data-position="KA-DINKES"]').get_attribute("class") or "")
    shot(page, "agreements-3-board-green")

    page.goto(detail_url)
    with page.expect_download() as info:
        page.get_by_test_id("pdf-download").click()
    pdf_path = tmp_path / "pk.pdf"
    info.value.save_as(pdf_path)
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF-")
    png = first_page_png(pdf, ARTIFACTS / "agreements-demo-pk-page1.png")
    if png is None:
        print("pdftoppm not installed: PK page picture NOT made (apt-get install poppler-utils)")

    public = browser.new_context(base_url=demo_server, locale="id-ID").new_page()
    public.goto("/perjanjian/verifikasi/")
    public.set_input_files("input[name=berkas]", str(pdf_path))
    public.get_by_role("button", name="Periksa PDF").click()
    public.wait_for_load_state("networkidle")
    result = public.get_by_test_id("verify-result")
    assert result.get_attribute("data-ok") == "1"
    assert "Berlaku" in result.inner_text()
    shot(public, "agreements-4-verify-ok")

    altered = bytearray(pdf)
    altered[len(pdf) // 2] ^= 0x01
    bad_path = tmp_path / "pk-altered.pdf"
    bad_path.write_bytes(bytes(altered))
    public.set_input_files("input[name=berkas]", str(bad_path))
    public.get_by_role("button", name="Periksa PDF").click()
    public.wait_for_load_state("networkidle")
    assert public.get_by_test_id("verify-result").get_attribute("data-ok") == "0"
    shot(public, "agreements-5-verify-altered")
