"""Demo data of the dashboard app; called by nyata.demo.loader inside the Pemda's scope.

Seeds the decisions of one earlier coordination meeting (TW II 2026, held 21 July 2026), so the
next quarter's pack opens with a follow-up. Every commitment is made up and labelled
illustrative (*ilustratif*) in the data and the UI; whether each was kept is read from the
stored scores, never seeded.
"""

from __future__ import annotations

import datetime as dt

from nyata.core.models import Agency, Pemda
from nyata.dashboard import actions
from nyata.dashboard.models import Commitment
from nyata.projects.models import Project

MEETING = dt.date(2026, 7, 21)


def load(pemda: Pemda) -> None:
    """Add this app's demo rows for the province (idempotent)."""
    if Commitment.objects.filter(is_illustrative=True).exists():
        return
    from nyata.planning.models import Indicator

    agencies = {a.code: a for a in Agency.objects.filter(code__in=["DINKES", "PUBMTR", "DISDIK", "DINSOS"])}
    items: list[tuple[str, str, str, dt.date, bool, bool]] = [
        ("DINKES", "Percepat verifikasi data balita gizi buruk di kabupaten/kota prioritas dan laporkan tiap bulan",
         "Kepala Dinas Kesehatan", dt.date(2026, 9, 30), True, False),
        ("PUBMTR", "Selesaikan pengadaan paket pemeliharaan jalan provinsi yang tertunda sebelum akhir TW III",
         "Kepala Dinas PUBM-TR", dt.date(2026, 9, 30), False, True),
        ("DISDIK", "Unggah bukti dukung semua indikator TW II yang belum lengkap",
         "Sekretaris Dinas Pendidikan", dt.date(2026, 8, 15), False, False),
        ("DINSOS", "Susun rencana aksi penyaluran bantuan sosial tepat sasaran bersama Bappeda",
         "Kepala Dinas Sosial", dt.date(2026, 10, 31), False, False),
    ]
    for code, what, owner, due, with_indicator, with_project in items:
        agency = agencies.get(code)
        if agency is None:
            continue
        indicator = Indicator.objects.filter(agency=agency).order_by("code").first() if with_indicator else None
        project = None
        if with_project:
            project = Project.objects.filter(owner_agency=agency).order_by("code").first()
        actions.commitment_create(actor=None, pemda=pemda, year=2026, quarter=2, meeting_date=MEETING,
                                  agency=agency, what=f"{what} (ilustratif)", owner=owner, due=due,
                                  indicator=indicator, project=project, is_illustrative=True)
