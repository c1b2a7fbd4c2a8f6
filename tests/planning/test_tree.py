"""The performance tree: weak spots, agency view, and a query count that does not grow."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nyata.core import actions as core_actions
from nyata.core.models import Agency
from nyata.core.tenancy import tenant_scope
from nyata.planning import excel
from nyata.planning.actions import plan_import
from nyata.planning.tree import Weak, build_tree
from tests.conftest import World
from tests.planning.factories import small_rows


def plan_with_agencies(world: World, n: int) -> None:
    """Agencies X00..X(n-1), each with an objective, indicator and program; import the plan."""
    rows = small_rows()
    with tenant_scope(world.a):
        existing = set(Agency.objects.values_list("code", flat=True))
        for k in range(n):
            if f"X{k:02d}" not in existing:
                core_actions.record_save(actor=None, obj=Agency(
                    pemda=world.a, code=f"X{k:02d}", name=f"Dinas {k}", kind="dinas"))
        for sheet, extra in _rows_for(n).items():
            rows[sheet] += extra
        plan_import(actor=None, pemda=world.a, plan=excel.validate_plan(rows))


def test_tree_queries_do_not_grow_with_agencies(world: World, django_assert_max_num_queries: Any
                                                ) -> None:
    c = world.client("leader")
    plan_with_agencies(world, 3)
    c.get(reverse("plan_tree"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        body = c.get(reverse("plan_tree")).content.decode()
    assert "X02.I1" in body
    plan_with_agencies(world, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = c.get(reverse("plan_tree")).content.decode()
    assert "X29.I1" in body and body.count("plan-agency_objective") >= 30


def _rows_for(n: int) -> excel.Rows:
    out: excel.Rows = {s: [] for s in excel.SHEETS}
    for k in range(n):
        code = f"X{k:02d}"
        out[excel.AGENCY_OBJECTIVE].append(
            {"kode": f"{code}.S1", "kode_pd": code, "sasaran": "Sasaran", "mendukung": ["S1"],
             "kode_induk": "", "ilustratif": True})
        out[excel.INDICATOR].append(
            {"kode": f"{code}.I1", "kode_induk": f"{code}.S1", "nama": "Indikator", "definisi": "",
             "rumus": "a/b", "satuan": "persen", "tingkat": "outcome",
             "polaritas": "higher_is_better", "penggabungan": "last", "desimal": 2,
             "sumber_data": "", "pd_penanggung_jawab": code, "tahun_awal": 2024,
             "nilai_awal": Decimal(1), "iku": True, "ilustratif": True})
        out[excel.PROGRAM].append({"kode_pd": code, "kode": "1.01", "nama": "Program",
                                   "kode_sasaran_pd": f"{code}.S1", "ilustratif": True})
        out[excel.ACTIVITY].append({"kode_pd": code, "kode_program": "1.01", "kode": "1.01.1",
                                    "nama": "Kegiatan"})
        out[excel.SUB_ACTIVITY].append({"kode_pd": code, "kode_kegiatan": "1.01.1",
                                        "kode": "1.01.1.1", "nama": "Sub"})
    return out


def test_weak_spots_each_kind(world: World) -> None:
    rows = small_rows()
    rows[excel.OBJECTIVE].append({"kode": "S2", "sasaran": "Tak didukung", "kode_tujuan": "T1",
                                  "ilustratif": False})
    rows[excel.AGENCY_OBJECTIVE].append({"kode": "A1.S9", "kode_pd": "A1", "sasaran": "Yatim",
                                         "mendukung": [], "kode_induk": "", "ilustratif": False})
    rows[excel.INDICATOR][1]["satuan"] = ""
    rows[excel.INDICATOR][0]["rumus"] = ""
    rows[excel.PROGRAM].append({"kode_pd": "A1", "kode": "1.02.03", "nama": "Lepas",
                                "kode_sasaran_pd": "", "ilustratif": False})
    with tenant_scope(world.a):
        period = plan_import(actor=None, pemda=world.a, plan=excel.validate_plan(rows))
        tree = build_tree(period)
        agency_tree = build_tree(period, world.a1.pk)
    assert {(w.kind, w.code) for w in tree.weak_spots} == {
        (Weak.UNSERVED_OBJECTIVE, "S2"), (Weak.ORPHAN_AGENCY_OBJECTIVE, "A1.S9"),
        (Weak.INDICATOR_INCOMPLETE, "IK1"), (Weak.INDICATOR_INCOMPLETE, "IK2"),
        (Weak.UNLINKED_PROGRAM, "1.02.03")}
    # The agency's tree shows only the province objectives it serves.
    kinds = {(w.kind, w.code) for w in agency_tree.weak_spots}
    assert (Weak.UNSERVED_OBJECTIVE, "S2") not in kinds
    assert (Weak.ORPHAN_AGENCY_OBJECTIVE, "A1.S9") in kinds
    # Cross-cutting: an objective serving two province objectives appears under both.
    assert tree.count(Weak.UNLINKED_PROGRAM) == 1


def test_tree_page_marks_weak_spots(world: World) -> None:
    rows = small_rows()
    rows[excel.AGENCY_OBJECTIVE][0]["mendukung"] = []
    with tenant_scope(world.a):
        plan_import(actor=None, pemda=world.a, plan=excel.validate_plan(rows))
    body = world.client("planner").get(reverse("plan_tree")).content.decode()
    assert 'data-weak="orphan_agency_objective"' in body
    assert 'data-weak="unserved_objective"' in body
