"""The Word draft reads back with python-docx: chapter headings in order, A4, Indonesian numbers,
the unverified mark instead of a number, and a table of sources."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from docx import Document

from nyata.core.tenancy import tenant_scope
from nyata.lkjip.content import Figure, build
from nyata.lkjip.word import figure_text, write
from tests.conftest import World
from tests.lkjip.test_content import _report_year
from tests.reporting.factories import YEAR, signed_pk

CHAPTERS = ["Ikhtisar Eksekutif", "Bab I Pendahuluan", "Bab II Perencanaan Kinerja",
            "Bab III Akuntabilitas Kinerja", "Bab IV Penutup", "Lampiran"]


def test_the_word_file_reads_back_with_its_headings_in_order(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    pk = signed_pk(world, world.a1)
    _report_year(world, pk, {"I1", "I3"}, django_capture_on_commit_callbacks)
    with tenant_scope(world.a):
        report = build(world.a1, YEAR)
    out = io.BytesIO()
    write(report, out)
    doc = Document(io.BytesIO(out.getvalue()))
    h1 = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert h1 == ["Peringatan", *CHAPTERS, "Sumber angka"]
    width, height = doc.sections[0].page_width, doc.sections[0].page_height
    assert width is not None and height is not None
    assert (round(width.mm), round(height.mm)) == (210, 297)  # A4 (stored in twentieths of a point)
    table = doc.tables[0]
    assert table.style is not None and table.style.name == "Table Grid"
    texts = [c.text for row in table.rows for c in row.cells]
    assert "belum terverifikasi" in texts  # I2 was never accepted
    assert "94,00" in texts  # I1's year realisation, Indonesian decimal comma
    sources = doc.tables[-1]
    assert sources.rows[0].cells[2].text == "Rekaman" and len(sources.rows) > 1


def test_numbers_use_indonesian_separators() -> None:
    from django.utils import translation

    with translation.override("id"):
        assert figure_text(Figure("x", Decimal("1234.5"), (), True)) == "1.234,50"
        assert figure_text(Figure("x", Decimal("1234.5"), (), False)) == "belum terverifikasi"
