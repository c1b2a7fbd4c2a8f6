"""A quarter in Chromium: the DINKES operator enters Q3 2026 values and uploads evidence (on a
phone), the head files a self-critique and submits, the inspector returns one item and accepts
the rest, the operator fixes it, the head resubmits, the inspector accepts, and the score shows.

The demo server is shared with other browser tests. The agreements demo leaves KA-DINKES's PK
as a draft (its own walk-through signs it); if it is still unsigned here, this test signs it
the same way first, so the two tests pass in either order.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp

from tests.e2e.fixtures import login, shot

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n% bukti uji\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _as(browser: Any, demo_server: str, username: str, phone: bool = False) -> Any:
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(base_url=demo_server, viewport=size, is_mobile=phone, locale="id-ID")
    pg = context.new_page()
    login(pg, username)
    return pg


def _ensure_signed_pk(browser: Any, demo_server: str) -> None:
    from nyata.agreements.demo import DEMO_TOTP_KEY

    admin = _as(browser, demo_server, "admin")
    admin.goto("/perjanjian/acara/")
    admin.get_by_role("link", name=re.compile("Penandatanganan Perjanjian Kinerja")).first.click()
    row = admin.locator('tr[data-position="KA-DINKES"]')
    row.locator("td").nth(2).get_by_role("link").click()
    detail = admin.url
    if "Ditandatangani kedua pihak" in admin.content():
        admin.context.close()
        return
    if admin.get_by_test_id("lock").count():
        admin.get_by_test_id("lock").click()
        admin.wait_for_load_state("networkidle")
    admin.context.close()
    for who in ("kadinkes", "gubernur"):
        pg = _as(browser, demo_server, who)
        pg.goto(detail)
        if pg.get_by_test_id("sign").count():
            pg.get_by_label("Kode autentikator (6 digit)").fill(f"{totp(bytes.fromhex(DEMO_TOTP_KEY)):06d}")
            pg.get_by_label("Saya telah membaca dokumen dan menyetujui isinya.").check()
            pg.get_by_test_id("sign").click()
            pg.wait_for_load_state("networkidle")
        pg.context.close()


def _q3_entry(pg: Any) -> str:
    """From the inbox to the DINKES Q3 2026 entry page; returns its URL."""
    pg.goto("/laporan/")
    link = pg.locator(".inbox a[href*='/laporan/pd/']").filter(has_text=re.compile(".")).first
    href = link.get_attribute("href") or ""
    base = href.split("#")[0]
    # the inbox lists every open quarter; pick TW III 2026 by its title on the entry page
    pg.goto(base)
    if "TW III 2026" not in pg.locator("h1").inner_text():
        m = re.search(r"/laporan/pd/(\d+)/tw/(\d+)/", base)
        assert m
        quarter = int(m.group(2))
        for delta in range(-3, 4):
            pg.goto(f"/laporan/pd/{m.group(1)}/tw/{quarter + delta}/")
            if "TW III 2026" in pg.locator("h1").inner_text():
                break
    assert "TW III 2026" in pg.locator("h1").inner_text()
    return pg.url.split("#")[0]


def test_a_quarter_from_entry_to_score(browser: Any, demo_server: str, tmp_path: Path) -> None:
    _ensure_signed_pk(browser, demo_server)

    # 1. the operator, on a phone: values through HTMX row saves, one bad value refused, evidence
    op = _as(browser, demo_server, "operator.dinkes", phone=True)
    entry = _q3_entry(op)
    rows = op.locator("li.row")
    n = rows.count()
    assert n >= 2
    first = rows.nth(0)
    first.get_by_label("Realisasi", exact=False).first.fill("abc")
    first.get_by_role("button", name="Simpan draf").click()
    op.wait_for_selector("li.row .error")
    assert "bukan angka" in op.locator("li.row").nth(0).inner_text()
    for i in range(n):
        row = op.locator("li.row").nth(i)
        row.locator("input[name=value]").fill("95" if i else "93,5")
        row.locator("textarea[name=narrative]").fill(f"Capaian indikator {i + 1} (uji)")
        row.get_by_role("button", name="Simpan draf").click()
        op.wait_for_selector(f"li.row:nth-child({i + 1}) .saved")
    shot(op, "reporting-1-operator-entry-phone")
    op.locator("li.row").nth(0).get_by_role("link", name="Bukti & riwayat").click()
    evidence = tmp_path / "daftar-hadir.pdf"
    evidence.write_bytes(PDF)
    op.get_by_label("Unggah bukti (PDF, JPEG, PNG, XLSX, DOCX)").set_input_files(str(evidence))
    op.get_by_role("button", name="Unggah", exact=True).click()
    assert "Bukti dukung diunggah." in op.content()
    fake = tmp_path / "program.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    op.get_by_label("Unggah bukti (PDF, JPEG, PNG, XLSX, DOCX)").set_input_files(str(fake))
    op.get_by_role("button", name="Unggah", exact=True).click()
    assert "bukan PDF" in op.locator("[role=alert]").inner_text()
    shot(op, "reporting-2-evidence")

    # 2. the head: self-critique, then submit
    head = _as(browser, demo_server, "kadinkes")
    head.goto(entry + "otokritik/")
    head.get_by_label("Apa", exact=True).first.fill("Makanan tambahan untuk balita gizi buruk")
    head.get_by_label("Untuk siapa", exact=True).first.fill("Balita gizi buruk dan ibunya")
    head.get_by_label("Di mana", exact=True).first.fill("Kabupaten Ogan Ilir")
    head.get_by_label("Jumlah orang", exact=True).first.fill("1.250")
    head.get_by_label("Kesenjangan", exact=True).first.fill("Pelatihan tenaga kesehatan tertunda")
    head.get_by_label("Besarnya", exact=True).first.fill("5")
    head.get_by_label("Kategori", exact=True).first.select_option("procurement")
    head.get_by_label("Uraian", exact=True).first.fill("Lelang penyedia pelatihan gagal sekali")
    head.get_by_label("Tindakan", exact=True).first.fill("Penunjukan langsung sesuai aturan")
    head.get_by_label("Penanggung jawab", exact=True).first.fill("Sekretaris Dinas")
    head.get_by_label("Tenggat", exact=True).first.fill("2026-12-15")
    head.get_by_role("button", name="Ajukan otokritik").click()
    assert "Otokritik disimpan." in head.content(), head.locator("[role=alert]").all_inner_texts()
    assert head.get_by_test_id("critique-state").inner_text() == "Diajukan"
    head.goto(entry + "ajukan/")
    head.get_by_role("button", name="Ajukan ke inspektorat").click()
    assert "diajukan ke inspektorat" in head.content()
    shot(head, "reporting-3-head-submitted")

    # 3. the inspector returns one item and accepts the rest
    insp = _as(browser, demo_server, "inspektur")
    insp.goto("/laporan/verifikasi/")
    dinkes = insp.locator("tbody tr", has_text="Dinkes")
    count = dinkes.count()
    assert count == n
    names = [dinkes.nth(i).get_attribute("data-indicator") for i in range(count)]
    dinkes.nth(0).get_by_role("link").click()
    insp.get_by_label("Catatan (wajib bila dikembalikan)").fill("Lampirkan laporan gizi triwulan III")
    insp.get_by_role("button", name="Kembalikan", exact=True).click()
    insp.goto("/laporan/verifikasi/")
    for name in names[1:]:
        insp.locator(f'tbody tr[data-indicator="{name}"]').filter(has_text="Dinkes").locator(
            "input[type=checkbox]").check()
    insp.get_by_role("button", name="Terima yang dipilih").click()
    assert f"{count - 1} realisasi diverifikasi." in insp.content()
    shot(insp, "reporting-4-inspector")

    # 4. the operator finds the returned item in the inbox (ordered by deadline) and fixes it
    op.goto("/laporan/")
    fix = op.locator(".inbox li.kind-fix")
    assert fix.count() == 1
    fix.get_by_role("link").click()
    assert "Lampirkan laporan gizi triwulan III" in op.content()
    op.get_by_label("Realisasi", exact=False).first.fill("94")
    op.get_by_role("button", name="Simpan draf").click()
    assert "Realisasi disimpan sebagai draf." in op.content()
    shot(op, "reporting-5-operator-fixed-phone")

    # 5. head resubmits, inspector accepts, the board shows the verified score
    head.goto(entry + "ajukan/")
    head.get_by_role("button", name="Ajukan ke inspektorat").click()
    insp.goto("/laporan/verifikasi/")
    insp.locator(f'tbody tr[data-indicator="{names[0]}"]').filter(has_text="Dinkes").get_by_role("link").click()
    insp.get_by_role("button", name="Terima", exact=True).click()
    insp.goto("/laporan/papan/?tw=" + entry.rstrip("/").rsplit("/", 1)[-1])
    row = insp.locator('tr[data-agency="DINKES"]')
    text = row.inner_text()
    assert "Final" in text
    assert re.search(r"\d+(,\d+)?\s*\(", text), text  # a score with its category
    shot(insp, "reporting-6-board")
    history_page = _as(browser, demo_server, "gubernur")
    history_page.goto("/laporan/tindakan/")
    assert "Penunjukan langsung sesuai aturan" in history_page.content()
    for pg in (op, head, insp, history_page):
        pg.context.close()
