"""Pure rules: value checks, workflow, inbox order, evidence sniffing, clamd replies."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from nyata.reporting import files, rules, scanning
from tests.reporting.factories import PDF, PNG


def test_text_in_a_numeric_field_is_refused() -> None:
    with pytest.raises(ValidationError, match="bukan angka"):
        rules.parse_value("delapan puluh", unit="persen", name="Persentase x", decimals=2)


def test_indonesian_and_dotted_numbers_are_read() -> None:
    assert rules.parse_value("1.234,5", unit="orang", name="Jumlah", decimals=2) == Decimal("1234.50")
    assert rules.parse_value("85.5", unit="persen", name="Persentase", decimals=1) == Decimal("85.5")
    assert rules.parse_value("85,55", unit="persen", name="Persentase", decimals=1) == Decimal("85.6")


def test_negative_counts_are_refused_but_growth_may_be_negative() -> None:
    with pytest.raises(ValidationError, match="negatif"):
        rules.parse_value("-3", unit="orang", name="Jumlah tenaga kesehatan", decimals=0)
    assert rules.parse_value("-1,5", unit="persen", name="Laju pertumbuhan ekonomi", decimals=2) == Decimal("-1.50")


def test_bounded_percentages_stop_at_100() -> None:
    with pytest.raises(ValidationError, match="melebihi 100"):
        rules.parse_value("100,5", unit="persen", name="Persentase balita", decimals=2)
    assert rules.parse_value("100", unit="persen", name="Persentase balita", decimals=2) == Decimal("100.00")


def test_empty_value_is_refused() -> None:
    with pytest.raises(ValidationError, match="wajib"):
        rules.parse_value("  ", unit="orang", name="x", decimals=0)


def test_workflow_rules() -> None:
    assert rules.can_edit(None) and rules.can_edit("draft") and rules.can_edit("returned")
    assert not rules.can_edit("submitted") and not rules.can_edit("accepted")
    assert rules.can_submit(["draft", "returned"], [True, True])[0]
    ok, why = rules.can_submit(["draft", None], [True, False])
    assert not ok and "1 indikator" in why
    assert not rules.can_submit(["accepted", "submitted"], [True, True])[0]
    assert rules.quarter_state(["accepted", "accepted"], 2) == "final"
    assert rules.quarter_state(["accepted", "returned"], 2) == "returned"
    assert rules.quarter_state([], 2) == "missing"


def test_inbox_is_ordered_by_deadline_then_kind() -> None:
    d1, d2 = dt.date(2026, 4, 10), dt.date(2026, 7, 10)
    items = [rules.InboxItem("enter", "b", "", "/", d2), rules.InboxItem("submit", "a", "", "/", d1),
             rules.InboxItem("fix", "c", "", "/", d1)]
    assert [i.title for i in rules.order_inbox(items)] == ["c", "a", "b"]


def _ooxml(main: str, content_type: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        types = f'<Types><Override PartName="/{main}" ContentType="{content_type}"/></Types>'
        zf.writestr("[Content_Types].xml", types)
        zf.writestr(main, "<x/>")
    return buf.getvalue()


DOCX = _ooxml("word/document.xml",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")


def test_kinds_are_read_from_content() -> None:
    assert files.check("a.pdf", PDF) == "pdf"
    assert files.check("a.PNG", PNG) == "png"
    assert files.check("a.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20) == "jpeg"
    assert files.check("laporan.docx", DOCX) == "docx"


def test_an_executable_renamed_to_pdf_is_refused() -> None:
    with pytest.raises(ValidationError, match="bukan PDF"):
        files.check("bukti.pdf", b"MZ\x90\x00" + b"\x00" * 60)


def test_content_that_is_not_what_the_name_says_is_refused() -> None:
    with pytest.raises(ValidationError, match="tidak sesuai"):
        files.check("foto.jpg", PDF)
    with pytest.raises(ValidationError, match="tidak sesuai"):
        files.check("tabel.xlsx", DOCX)


def test_a_plain_zip_is_not_an_office_file() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "x")
    with pytest.raises(ValidationError):
        files.check("a.docx", buf.getvalue())


def test_size_limit_is_configurable(settings: object) -> None:
    settings.NYATA_EVIDENCE_MAX_MB = 1  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="terlalu besar"):
        files.check("a.pdf", PDF + b"0" * (1024 * 1024))


def test_names_are_cleaned() -> None:
    assert files.safe_name("../../etc/pass wd<script>.pdf") == "pass wd_script_.pdf"


def test_clamd_replies_are_parsed() -> None:
    assert scanning.parse_reply("stream: OK").clean
    found = scanning.parse_reply("stream: Eicar-Test-Signature FOUND")
    assert not found.clean and found.signature == "Eicar-Test-Signature"
    with pytest.raises(scanning.ScanError):
        scanning.parse_reply("INSTREAM size limit exceeded. ERROR")


def test_clamd_scanner_speaks_instream(tmp_path: object) -> None:
    import socket
    import struct
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    got: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            buf = b""
            while not buf.endswith(struct.pack("!L", 0)):
                buf += conn.recv(65536)
            got.append(buf)
            conn.sendall(b"stream: Eicar-Test-Signature FOUND\0")
        server.close()

    t = threading.Thread(target=serve)
    t.start()
    result = scanning.ClamdScanner(f"tcp:127.0.0.1:{port}", timeout=5).scan(b"hello")
    t.join(5)
    assert not result.clean
    assert got[0].startswith(b"zINSTREAM\0" + struct.pack("!L", 5) + b"hello")


def test_scanner_is_chosen_from_settings(settings: object) -> None:
    settings.NYATA_EVIDENCE_SCANNER = ""  # type: ignore[attr-defined]
    settings.NYATA_CLAMAV = ""  # type: ignore[attr-defined]
    assert isinstance(scanning.get_scanner(), scanning.NoScanner)
    settings.NYATA_CLAMAV = "unix:/run/clamav/clamd.ctl"  # type: ignore[attr-defined]
    assert isinstance(scanning.get_scanner(), scanning.ClamdScanner)
