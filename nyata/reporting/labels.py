"""The words a person reads for the codes of scores and reports: one label per code, both languages.

Pages, documents and exports look codes up here; a code never reaches a page as itself.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

CATEGORY_LABELS = {
    "sangat_tinggi": _("Sangat tinggi"), "tinggi": _("Tinggi"), "sedang": _("Sedang"), "rendah": _("Rendah"),
    "sangat_rendah": _("Sangat rendah"), "": _("Belum ada skor"),
}

FLAG_LABELS = {
    "off_track": _("Proyeksi akhir tahun tidak tercapai"),
    "at_risk": _("Proyeksi akhir tahun berisiko"),
    "outlier": _("Nilai janggal (pencilan)"),
    "copied_values": _("Nilai sama berulang"),
    "target_too_low": _("Target terlalu rendah (capaian > 150%)"),
    "no_evidence": _("Realisasi tanpa bukti dukung"),
    "not_reported": _("Tidak melapor"),
    "late": _("Laporan terlambat"),
    "missing": _("Laporan belum lengkap"),
    "spent_not_delivered": _("Anggaran terserap, kinerja tidak"),
    "missing_quarter": _("Triwulan terlewat"),
    "pending": _("Belum lewat batas laporan"),
    "awaiting_verification": _("Menunggu verifikasi inspektorat"),
    "out_of_bounds": _("Nilai di luar batas wajar (tidak dihitung sampai diperbaiki)"),
    "no_target": _("Tanpa target"),
    "target_zero": _("Target nol"),
    "negative_target": _("Target negatif"),
    "floored": _("Capaian dibatasi nol"),
    "target_below_last_year": _("Target di bawah realisasi tahun lalu"),
}

# One word for an agency's quarter on the completion board (rules.quarter_state).
QUARTER_STATE_LABELS = {
    "final": _("Final"),
    "returned": _("Dikembalikan"),
    "submitted": _("Diajukan"),
    "draft": _("Draf"),
    "missing": _("Belum diisi"),
}


def label(labels: Mapping[str, object], code: str | None) -> str:
    """The label of `code`, or a dash for no code; an unknown code shows as is (and the walk test fails)."""
    if not code:
        return str(labels.get("", "—"))
    return str(labels.get(code, code))
