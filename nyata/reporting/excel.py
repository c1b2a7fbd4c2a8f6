"""The agency's quarter as a workbook: download pre-filled, fill offline, upload all-or-nothing."""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from nyata.core.access import require
from nyata.core.models import Agency, Quarter, User
from nyata.core.roles import AGENCY_OPERATORS
from nyata.core.xlsx import ImportErrors, build_workbook, open_workbook, read_sheet, text
from nyata.reporting import rules
from nyata.reporting.actions import _check_quarter, _locked_row, _write_value
from nyata.reporting.models import RealisationVersion
from nyata.reporting.queries import entry_rows, quarter_target

SHEET = "Realisasi"
COLUMNS = ["id_indikator", "indikator", "satuan", "target_triwulan", "realisasi", "narasi", "status"]


def workbook(agency: Agency, quarter: Quarter) -> bytes:
    rows = []
    for ai, r in entry_rows(agency, quarter):
        rows.append([
            ai.pk, ai.name, ai.unit, quarter_target(ai, quarter.number),
            None if r is None or r.value is None else r.value, "" if r is None else r.narrative,
            _("belum diisi") if r is None else r.get_status_display(),
        ])
    instructions = [
        _("Realisasi %(agency)s, %(q)s.") % {"agency": agency.name, "q": quarter},
        _("Isi kolom 'realisasi' (angka, misalnya 85,5) dan 'narasi'. Jangan ubah kolom 'id_indikator'."),
        _("Baris yang sudah diajukan atau diterima tidak dapat diubah lewat unggahan."),
        _("Unggahan diperiksa seluruhnya: bila ada satu kesalahan, tidak ada yang disimpan."),
    ]
    return build_workbook([(SHEET, COLUMNS, rows)], instructions)


@transaction.atomic
def realisation_import(*, actor: User | None, agency: Agency, quarter: Quarter, upload: IO[bytes] | bytes) -> int:
    """Validate every row first; write only when the whole sheet is valid. Returns rows changed."""
    require(actor, agency.pemda_id, AGENCY_OPERATORS, agency)
    _check_quarter(quarter)
    errors = ImportErrors()
    wb = open_workbook(upload)
    rows = read_sheet(wb, SHEET, COLUMNS, errors)
    if errors:
        raise errors
    known = {ai.pk: (ai, r) for ai, r in entry_rows(agency, quarter)}
    plan: list[tuple[Any, Any, str]] = []
    seen: set[int] = set()
    for n, row in rows:
        raw_id = row["id_indikator"]
        try:
            ai_id = int(str(raw_id).strip())
        except (TypeError, ValueError):
            errors.add(SHEET, n, "id_indikator", _("Bukan nomor indikator."))
            continue
        if ai_id not in known:
            errors.add(SHEET, n, "id_indikator", _("Indikator %(id)s tidak ada dalam PK yang ditandatangani.")
                       % {"id": ai_id})
            continue
        if ai_id in seen:
            errors.add(SHEET, n, "id_indikator", _("Indikator yang sama muncul dua kali."))
            continue
        seen.add(ai_id)
        ai, r = known[ai_id]
        value, narrative = row["realisasi"], text(row["narasi"])
        if value is None or text(value) == "":
            continue  # left empty: nothing to change
        if r is not None and not rules.can_edit(r.status):
            if r.value is not None and str(value).strip() not in (str(r.value), str(r.value.normalize())):
                errors.add(SHEET, n, "realisasi", _("Realisasi ini sudah %(s)s dan terkunci.")
                           % {"s": r.get_status_display().lower()})
            continue
        try:
            rules.parse_value(value, unit=ai.unit, name=ai.name, decimals=ai.decimals, value_min=ai.value_min,
                              value_max=ai.value_max)
        except ValidationError as e:
            errors.add(SHEET, n, "realisasi", " ".join(e.messages))
            continue
        plan.append((ai, value, narrative))
    if errors:
        raise errors
    changed = 0
    for ai, value, narrative in plan:
        r = _locked_row(ai, agency, quarter)
        changed += _write_value(actor=actor, r=r, ai=ai, raw=value, narrative=narrative,
                                event=RealisationVersion.Event.IMPORTED)
    return changed
