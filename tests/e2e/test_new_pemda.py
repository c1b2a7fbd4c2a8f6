"""A new Pemda from an empty database to a sealed PK, in Chromium, as its people would do it.

The platform operator (created with `nyata operator create`) registers the Pemda; its admin
follows the invitation link, sets a password, enrols an authenticator, downloads the
organisation and plan templates, fills them (with a `Pengguna` sheet inviting the agency head
and the regent) and uploads them, creates the fiscal year and the ceremony and reaches the PK
drafts on the board; the invited head and the regent set their passwords, enrol TOTP and sign;
the sealed PDF's verification link (the QR code's content, printed beside it) opens the Pemda's
public verification page at the Pemda's own public address.

Its own server on an empty data folder (the shared demo server is not used). The time of the
scripted path is printed and written to test-artifacts/new-pemda-timing.txt.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django_otp.oath import totp

from tests.e2e.fixtures import ARTIFACTS, _free_port, _pg_database, shot

pytestmark = pytest.mark.browser
PASSWORD = "Pemda-Baru-2026!"
LINK = re.compile(r"(https?://[^\s\"<]+/sandi/atur/[^\s\"<]+/)")


def _run(env: dict[str, str], *args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "nyata", *args], env=env, check=True, capture_output=True,
                         text=True, timeout=300)
    return out.stdout


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    data = tmp_path_factory.mktemp("new-pemda")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "NYATA_DEMO"}}
    env.update(NYATA_DATA_DIR=str(data), PYTHONUNBUFFERED="1", NYATA_PUBLIC_BASE_URL=base)
    pg_url = os.environ.get("DATABASE_URL", "")
    db_name = pg_url.rsplit("/", 1)[-1].split("?")[0] + "_newpemda"
    if pg_url.startswith("postgres"):
        env["DATABASE_URL"] = _pg_database(pg_url, db_name, create=True)
    else:
        env.pop("DATABASE_URL", None)
    _run(env, "migrate", "--no-input")
    operator = LINK.search(_run(env, "operator", "create", "--username", "host", "--email", "host@contoh.go.id"))
    assert operator is not None
    log_path = data / "server.log"
    log = log_path.open("w")
    proc = subprocess.Popen([sys.executable, "-m", "nyata", "serve", "--addr", f"127.0.0.1:{port}"], env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/masuk/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"the server did not start; see {log_path}")
        yield {"base": base, "operator_link": operator.group(1), "log": log_path}
    finally:
        proc.terminate()
        proc.wait(timeout=40)
        log.close()
        if pg_url.startswith("postgres"):
            _pg_database(pg_url, db_name, create=False)


def _page(browser: Any, base: str) -> Any:
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900}, locale="id-ID",
                                  accept_downloads=True)
    return context.new_page()


def _set_password_and_enrol(pg: Any, link: str) -> bytes:
    """Follow a one-time link, set the password, enrol the authenticator; returns the TOTP key."""
    pg.goto(link)
    pg.fill("input[name=new_password1]", PASSWORD)
    pg.fill("input[name=new_password2]", PASSWORD)
    pg.get_by_role("button", name="Simpan kata sandi").click()
    pg.wait_for_url("**/keamanan/")
    secret = pg.locator("figure.qr code").inner_text().strip()
    key = base64.b32decode(secret)
    while time.time() % 30 > 26:  # not at a step's end: the server would take it as the previous step's
        time.sleep(0.5)
    pg.get_by_label("Kata sandi saat ini").fill(PASSWORD)
    pg.get_by_label("Kode 6 digit").fill(f"{totp(key):06d}")
    pg.get_by_role("button", name="Aktifkan").click()
    assert pg.get_by_test_id("totp-active").is_visible()
    return key


def _link_for(log: Path, username: str) -> str:
    """The invitation e-mail of `username`, as the console mail backend printed it."""
    for _ in range(50):
        text = log.read_text(errors="replace")
        for block in text.split("Subject: ")[1:]:
            if f"nama pengguna {username}." in block.replace("\n", " ").replace("=\n", ""):
                found = LINK.search(block.replace("=\n", ""))
                if found:
                    return found.group(1)
        time.sleep(0.2)
    raise AssertionError(f"no invitation e-mail for {username} in the server log")


def _fill_organisation(path: Path, out: Path) -> None:
    wb = openpyxl.load_workbook(path)
    wb["PerangkatDaerah"].append(["DINKES", "Dinas Kesehatan", "Dinkes", "dinas"])
    wb["Jabatan"].append(["BUP", "Bupati Contoh", "kepala_daerah", "", "", "tidak"])
    wb["Jabatan"].append(["KA-DINKES", "Kepala Dinas Kesehatan", "jpt_pratama", "DINKES", "BUP", "ya"])
    wb["Pejabat"].append(["H. Bupati Contoh, S.H.", "", "L", "BUP", "2025-02-20", "tidak"])
    wb["Pejabat"].append(["dr. Kepala Dinkes, M.Kes.", "197501012000031001", "P", "KA-DINKES", "2025-03-01", "tidak"])
    wb["Pengguna"].append(["kadinkes.contoh", "Kepala Dinkes", "kadinkes@contoh.go.id", "197501012000031001",
                           "kepala_pd", "DINKES"])
    wb["Pengguna"].append(["bupati.contoh", "Bupati Contoh", "bupati@contoh.go.id", "", "pimpinan", ""])
    wb["Pengguna"].append(["bappeda.contoh", "Perencana Contoh", "bappeda@contoh.go.id", "", "perencana", ""])
    wb.save(out)


def _fill_plan(path: Path, out: Path) -> None:
    wb = openpyxl.load_workbook(path)
    rows = {
        "Periode": [{"jenis": "rpjmd", "nama": "RPJMD 2025-2029", "tahun_awal": 2025, "tahun_akhir": 2029,
                     "visi": "Sehat dan sejahtera", "ilustratif": "tidak"}],
        "Misi": [{"nomor": 1, "misi": "Meningkatkan kualitas layanan kesehatan"}],
        "Tujuan": [{"kode": "T1", "tujuan": "Derajat kesehatan meningkat", "nomor_misi": 1}],
        "Sasaran": [{"kode": "S1", "sasaran": "Layanan kesehatan bermutu", "kode_tujuan": "T1",
                     "ilustratif": "tidak"}],
        "SasaranPD": [{"kode": "DINKES.S1", "kode_pd": "DINKES", "sasaran": "Cakupan imunisasi naik",
                       "mendukung": "S1", "ilustratif": "tidak"}],
        "Indikator": [{"kode": "IK1", "kode_induk": "DINKES.S1", "nama": "Cakupan imunisasi dasar lengkap",
                       "satuan": "persen", "tingkat": "outcome", "polaritas": "higher_is_better",
                       "penggabungan": "last", "desimal": 2, "pd_penanggung_jawab": "DINKES", "tahun_awal": 2024,
                       "nilai_awal": 85, "iku": "ya", "ilustratif": "tidak"}],
        "Target": [{"kode_indikator": "IK1", "tahun": 2026, "target": 92, "ilustratif": "tidak"}],
        "Program": [{"kode_pd": "DINKES", "kode": "1.02.02", "nama": "Program Pemenuhan Upaya Kesehatan",
                     "kode_sasaran_pd": "DINKES.S1", "ilustratif": "tidak"}],
        "Pagu": [{"kode_pd": "DINKES", "kode": "1.02.02", "tahun": 2026, "pagu": 1500000000, "ilustratif": "tidak"}],
    }
    for sheet, items in rows.items():
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        for item in items:
            ws.append([item.get(h, "") for h in header])
    wb.save(out)


def _download(pg: Any, link_name: str, path: Path) -> Path:
    with pg.expect_download() as info:
        pg.get_by_role("link", name=link_name).first.click()
    info.value.save_as(path)
    return path


def _sign(pg: Any, url: str, key: bytes) -> None:
    pg.goto(url)
    # The enrolment used this time step's code; the next step's code is fresh (and within the drift window).
    pg.get_by_label("Kode autentikator (6 digit)").fill(f"{totp(key, drift=1):06d}")
    pg.get_by_label("Saya telah membaca dokumen dan menyetujui isinya.").check()
    pg.get_by_test_id("sign").click()
    pg.wait_for_load_state("networkidle")
    assert "Tanda tangan Anda tercatat." in pg.content(), pg.content()


def test_a_new_pemda_from_an_empty_database_to_a_sealed_pk(browser: Any, empty_server: dict[str, Any],
                                                          tmp_path: Path) -> None:
    base, log = empty_server["base"], empty_server["log"]
    started = time.monotonic()
    # 1. The platform operator registers the Pemda and its admin.
    host = _page(browser, base)
    _set_password_and_enrol(host, empty_server["operator_link"])
    host.goto("/")
    host.wait_for_url("**/platform/")
    host.get_by_role("link", name="Daftarkan Pemda baru").click()
    host.fill("#id_code", "16.99")
    host.fill("#id_name", "Kabupaten Contoh")
    host.select_option("#id_kind", "kabupaten")
    host.fill("#id_public_base_url", base)
    host.fill("#id_admin_username", "admin.contoh")
    host.fill("#id_admin_name", "Admin Contoh")
    host.fill("#id_admin_email", "admin@contoh.go.id")
    host.get_by_role("button", name="Simpan").click()
    admin_link = host.get_by_test_id("set-password-link").inner_text().strip()
    assert admin_link.startswith(base + "/sandi/atur/")
    shot(host, "new-pemda-1-registered")

    # 2. The admin sets a password and lands on the setup checklist.
    admin = _page(browser, base)
    _set_password_and_enrol(admin, admin_link)
    admin.goto("/")
    admin.wait_for_url("**/persiapan/")
    assert admin.locator('[data-step="organisation"]').get_attribute("data-done") == "0"
    shot(admin, "new-pemda-2-checklist-empty")

    # 3. Organisation with its Pengguna sheet: download the template, fill it, upload it.
    template = _download(admin, "Unduh templat organisasi", tmp_path / "organisasi.xlsx")
    _fill_organisation(template, tmp_path / "organisasi-isi.xlsx")
    admin.goto("/organisasi/impor/")
    admin.set_input_files("input[type=file]", str(tmp_path / "organisasi-isi.xlsx"))
    admin.locator("form button[type=submit]").last.click()
    admin.wait_for_load_state("networkidle")
    assert "3 pengguna diundang" in admin.content(), admin.content()

    # The regent has no NIP (an elected official): the admin links the account to the official by hand.
    admin.goto("/pengguna/")
    admin.get_by_role("link", name="Bupati Contoh").click()
    admin.select_option("#id_official", label="H. Bupati Contoh, S.H.")
    admin.get_by_role("button", name="Simpan tautan").click()
    assert "Tautan pejabat disimpan." in admin.content()

    # 4. The fiscal year and the plan.
    admin.goto("/periode/")
    admin.fill("#id_year", "2026")
    admin.select_option("#id_state", "running")
    admin.get_by_role("button", name="Simpan").click()
    admin.goto("/persiapan/")
    plan_template = _download(admin, "Unduh templat rencana", tmp_path / "rencana.xlsx")
    _fill_plan(plan_template, tmp_path / "rencana-isi.xlsx")
    admin.goto("/rencana/impor/")
    admin.set_input_files("input[type=file]", str(tmp_path / "rencana-isi.xlsx"))
    admin.locator("form button[type=submit]").last.click()
    admin.wait_for_load_state("networkidle")
    admin.goto("/persiapan/")
    for step in ("organisation", "users", "plan"):
        assert admin.locator(f'[data-step="{step}"]').get_attribute("data-done") == "1", (step, admin.content())

    # 5. The ceremony and the PK drafts on its board.
    admin.goto("/perjanjian/acara/")
    admin.fill("#id_name", "Penandatanganan PK 2026")
    admin.fill("#id_place", "Pendopo Kabupaten")
    admin.fill("#id_date", "2026-01-21")
    admin.fill("#id_year", "2026")
    admin.locator("form button[type=submit]").last.click()
    admin.get_by_role("button", name="Susun draf dari rencana").click()
    admin.wait_for_load_state("networkidle")
    row = admin.locator('tr[data-position="KA-DINKES"]')
    assert "Draf" in row.inner_text()
    drafts_at = time.monotonic() - started
    shot(admin, "new-pemda-3-board-drafts")
    row.locator("td").nth(2).get_by_role("link").click()
    detail = admin.url
    admin.get_by_test_id("lock").click()
    admin.wait_for_load_state("networkidle")

    # 6. The head and the regent, invited through the sheet, sign in and sign with TOTP.
    head = _page(browser, base)
    head_key = _set_password_and_enrol(head, _link_for(log, "kadinkes.contoh"))
    _sign(head, detail, head_key)
    regent = _page(browser, base)
    regent_key = _set_password_and_enrol(regent, _link_for(log, "bupati.contoh"))
    _sign(regent, detail, regent_key)
    assert "Ditandatangani kedua pihak" in regent.content()

    # 7. The sealed PDF's verification link opens the Pemda's public page at its public address.
    admin.goto(detail)
    code = admin.get_by_test_id("verification-code").inner_text().strip()
    with admin.expect_download() as info:
        admin.get_by_test_id("pdf-download").click()
    pdf = tmp_path / "pk.pdf"
    info.value.save_as(pdf)
    url = f"{base}/perjanjian/verifikasi/?kode={code}"
    assert url in _pdf_text(pdf), "the sealed PDF does not point at the Pemda's public address"
    public = browser.new_context(locale="id-ID").new_page()
    public.goto(url)
    result = public.get_by_test_id("verify-result")
    assert result.get_attribute("data-ok") == "1" and "Berlaku" in result.inner_text()
    assert "Kabupaten Contoh" in public.content()
    total = time.monotonic() - started
    shot(public, "new-pemda-4-verified")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "new-pemda-timing.txt").write_text(
        f"scripted path: {total:.1f} s in total, {drafts_at:.1f} s to PK drafts on the board\n")
    print(f"new Pemda, scripted: {drafts_at:.1f} s to PK drafts, {total:.1f} s to the verified seal")


def _pdf_text(pdf: Path) -> str:
    """The sealed PK's text without white space: its verification link is the QR code's content."""
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext not found (apt-get install poppler-utils): the PDF's link cannot be read")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)
