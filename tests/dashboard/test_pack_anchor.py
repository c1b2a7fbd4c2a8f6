"""The meeting pack prints the Pemda's latest audit-chain anchor (issue 15 item 7): paper, too,
holds the chain's head, so history before it cannot be rewritten without verify showing where."""

from __future__ import annotations

import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from nyata.core import anchors
from tests.conftest import World
from tests.dashboard.builders import scored_pemda


def _pdf_text(content: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(content)
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=60, check=True)
    return " ".join(out.stdout.split())


@pytest.mark.django_db
def test_the_pack_prints_the_latest_anchor_with_a_line_on_what_it_is(world: World, tmp_path: Path) -> None:
    scored_pemda(world, n_extra=1)
    client = world.client("leader")
    before = _pdf_text(client.get("/dasbor/bahan-rapat.pdf?periode=2026-2").content, tmp_path)
    assert "belum berjangkar" in before
    call_command("audit", "anchor", "--pemda", "99", stdout=StringIO())
    latest = anchors.latest(world.a)
    assert latest is not None
    text = _pdf_text(client.get("/dasbor/bahan-rapat.pdf?periode=2026-2").content, tmp_path)
    assert f"Jangkar rantai audit: peristiwa #{latest.seq} · {latest.short_hash}" in text
    assert "ditandatangani dengan segel elektronik dan disimpan di luar basis data" in text
    assert "bermasalah" not in text
