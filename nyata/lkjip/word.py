"""The LKjIP draft as a Word file (python-docx): styles, not direct formatting, so the Pemda can
restyle and print it — headings per chapter, one table style, A4 pages, Indonesian numbers.

A figure without a verified source is printed as the mark *belum terverifikasi*, never as a
number; the warnings come first, and a table of sources at the end names the record behind
every number (model, id, version).
"""

from __future__ import annotations

from decimal import Decimal
from typing import IO

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Mm

from nyata.lkjip.content import Figure, Report

TABLE_STYLE = "Table Grid"


def figure_text(f: Figure, decimals: int = 2) -> str:
    if not f.verified or f.value is None:
        return _("belum terverifikasi")
    value = f.value.quantize(Decimal(1).scaleb(-decimals)) if decimals else f.value
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def write(report: Report, out: IO[bytes]) -> None:
    with translation.override("id"):
        _write(report, out)


def _write(report: Report, out: IO[bytes]) -> None:
    doc = Document()
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin = section.bottom_margin = Mm(25)
    doc.add_heading(_("Laporan Kinerja Instansi Pemerintah %(agency)s Tahun %(year)s")
                    % {"agency": report.agency_name, "year": report.year}, level=0)
    if report.warnings:
        doc.add_heading(_("Peringatan"), level=1)
        for w in report.warnings:
            doc.add_paragraph(w, style="List Bullet")
    for chapter in report.chapters:
        doc.add_heading(chapter.title, level=1)
        for p in chapter.paragraphs:
            doc.add_paragraph(p)
        for objective in chapter.objectives:
            doc.add_heading(objective.name, level=2)
            years = sorted({y for r in objective.rows for y, _f in r.previous})
            head = [_("Indikator"), _("Satuan"), _("Target"), _("Realisasi"), _("Capaian (%)")]
            head += [_("Realisasi %(year)s") % {"year": y} for y in years]
            table = doc.add_table(rows=1, cols=len(head))
            table.style = TABLE_STYLE
            for cell, text in zip(table.rows[0].cells, head, strict=True):
                cell.text = text
            for r in objective.rows:
                prev = dict(r.previous)
                cells = [r.name, r.unit, figure_text(r.target), figure_text(r.realisation),
                         figure_text(r.achievement)]
                cells += [figure_text(prev[y]) if y in prev else "—" for y in years]
                for cell, text in zip(table.add_row().cells, cells, strict=True):
                    cell.text = text
    doc.add_heading(_("Sumber angka"), level=1)
    table = doc.add_table(rows=1, cols=4)
    table.style = TABLE_STYLE
    for cell, text in zip(table.rows[0].cells, [_("Angka"), _("Nilai"), _("Rekaman"), _("Versi")], strict=True):
        cell.text = text
    for f in report.figures():
        for s in f.sources:
            row = table.add_row().cells
            row[0].text, row[1].text = f.key, figure_text(f)
            row[2].text = f"{s.model} #{s.pk}" + (f" ({s.field})" if s.field else "")
            row[3].text = "" if s.version is None else str(s.version)
    doc.save(out)
