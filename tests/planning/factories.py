"""A small plan as the import's rows, and importing a workbook as the planner, for the planning tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from nyata.core.tenancy import tenant_scope
from nyata.planning import excel
from nyata.planning.actions import plan_import
from nyata.planning.models import PlanPeriod
from tests.conftest import World


def small_rows() -> excel.Rows:
    rows: excel.Rows = {s: [] for s in excel.SHEETS}
    rows[excel.PERIOD] = [{"jenis": "rpjmd", "nama": "RPJMD Uji", "tahun_awal": 2025,
                           "tahun_akhir": 2027, "tagline": "", "visi": "Visi uji",
                           "ilustratif": False}]
    rows[excel.MISSION] = [{"nomor": 1, "misi": "Misi satu"}]
    rows[excel.GOAL] = [{"kode": "T1", "tujuan": "Tujuan satu", "nomor_misi": 1}]
    rows[excel.OBJECTIVE] = [{"kode": "S1", "sasaran": "Sasaran satu", "kode_tujuan": "T1",
                              "ilustratif": False}]
    rows[excel.AGENCY_OBJECTIVE] = [
        {"kode": "A1.S1", "kode_pd": "A1", "sasaran": "Sasaran PD", "mendukung": ["S1"],
         "kode_induk": "", "ilustratif": False},
        {"kode": "A1.S2", "kode_pd": "A1", "sasaran": "Sub sasaran", "mendukung": [],
         "kode_induk": "A1.S1", "ilustratif": False},
    ]
    base = {"definisi": "", "rumus": "=a/b", "tingkat": "outcome", "penggabungan": "last",
            "desimal": 2, "sumber_data": "", "pd_penanggung_jawab": "A1", "tahun_awal": 2024,
            "iku": True, "ilustratif": False}
    rows[excel.INDICATOR] = [
        {**base, "kode": "IK1", "kode_induk": "S1", "nama": "Indikator satu", "satuan": "persen",
         "polaritas": "higher_is_better", "nilai_awal": Decimal("80.5")},
        {**base, "kode": "IK2", "kode_induk": "A1.S1", "nama": "Inflasi", "satuan": "persen",
         "polaritas": "range", "nilai_awal": Decimal("3")},
    ]
    rows[excel.TARGET] = [
        *({"kode_indikator": "IK1", "tahun": y, "target": Decimal(81 + i), "target_atas": None,
           "ilustratif": False} for i, y in enumerate((2025, 2026, 2027))),
        {"kode_indikator": "IK2", "tahun": 2025, "target": Decimal("1.5"),
         "target_atas": Decimal("3.5"), "ilustratif": True},
    ]
    rows[excel.QUARTER] = [{"kode_indikator": "IK1", "tahun": 2025, "triwulan": q,
                            "target": Decimal(80 + q)} for q in (1, 2, 3, 4)]
    rows[excel.ACTUAL] = [{"kode_indikator": "IK1", "tahun": 2024, "realisasi": Decimal("80.5"),
                           "sumber": "BPS"}]
    rows[excel.PROGRAM] = [{"kode_pd": "A1", "kode": "1.02.02", "nama": "Program",
                            "kode_sasaran_pd": "A1.S1", "ilustratif": False}]
    rows[excel.ACTIVITY] = [{"kode_pd": "A1", "kode_program": "1.02.02", "kode": "1.02.02.1.01",
                             "nama": "Kegiatan"}]
    rows[excel.SUB_ACTIVITY] = [{"kode_pd": "A1", "kode_kegiatan": "1.02.02.1.01",
                                 "kode": "1.02.02.1.01.0001", "nama": "Sub kegiatan"}]
    rows[excel.CEILING] = [{"kode_pd": "A1", "kode": "1.02.02", "tahun": 2025,
                            "pagu": Decimal("1500000000.5"), "ilustratif": False}]
    return rows


def to_bytes(rows: excel.Rows) -> bytes:
    return excel.build_workbook(rows)


def import_bytes(data: bytes, world: World, pemda: Any = None) -> PlanPeriod:
    pemda = pemda or world.a
    with tenant_scope(pemda):
        plan = excel.validate_plan(excel.read_workbook(data))
        # World A's planner imports into A; another Pemda's import is the system's (no planner there).
        actor = world.users["planner"] if pemda == world.a else None
        return plan_import(actor=actor, pemda=pemda, plan=plan)
