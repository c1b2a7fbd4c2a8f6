"""A planner builds a plan through the pages alone; it round-trips through Excel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from nyata.core import actions as core_actions
from nyata.core.models import Agency, AuditEvent
from nyata.core.tenancy import tenant_scope, unscoped
from nyata.planning import excel
from nyata.planning.models import (
    Activity,
    AgencyObjective,
    Goal,
    Indicator,
    Mission,
    Objective,
    PlanPeriod,
    Program,
    SubActivity,
    TargetVersion,
)
from tests.conftest import World
from tests.planning.factories import import_bytes, small_rows


def ok(resp: Any) -> None:
    body = resp.content.decode()
    assert resp.status_code == 302, body[body.find('<main'):][:3000]


def build_through_pages(c: Client, world: World) -> PlanPeriod:
    ok(c.post(reverse("plan_period_create"), {
        "kind": "rpjmd", "name": "RPJMD Uji", "start_year": 2025, "end_year": 2027,
        "vision": "Visi uji", "is_current": "on"}))
    with tenant_scope(world.a):
        period = PlanPeriod.objects.get()
    pk = period.pk
    ok(c.post(reverse("plan_mission_create", args=[pk]), {"number": 1, "text": "Misi satu"}))
    with tenant_scope(world.a):
        mission = Mission.objects.get()
    ok(c.post(reverse("plan_goal_create", args=[pk]),
              {"code": "T1", "name": "Tujuan satu", "mission": mission.pk}))
    with tenant_scope(world.a):
        goal = Goal.objects.get()
    ok(c.post(reverse("plan_objective_create", args=[pk]),
              {"code": "S1", "name": "Sasaran satu", "goal": goal.pk}))
    with tenant_scope(world.a):
        objective = Objective.objects.get()
    ok(c.post(reverse("plan_agency_objective_create", args=[pk]), {
        "agency": world.a1.pk, "code": "A1.S1", "name": "Sasaran PD",
        "serves_objectives": [objective.pk]}))
    with tenant_scope(world.a):
        aobj = AgencyObjective.objects.get()
    ok(c.post(reverse("plan_agency_objective_create", args=[pk]), {
        "agency": world.a1.pk, "code": "A1.S2", "name": "Sub sasaran", "parent": aobj.pk}))
    common = {"definition": "", "formula": "=a/b", "level": "outcome", "aggregation": "last",
              "decimals": 2, "data_source": "", "responsible_agency": world.a1.pk,
              "baseline_year": 2024, "is_key": "on"}
    ok(c.post(reverse("plan_indicator_create", args=[pk]), {
        **common, "owner": f"objective:{objective.pk}", "code": "IK1", "name": "Indikator satu",
        "unit": "persen", "polarity": "higher_is_better", "baseline_value": "80,5"}))
    ok(c.post(reverse("plan_indicator_create", args=[pk]), {
        **common, "owner": f"agency_objective:{aobj.pk}", "code": "IK2", "name": "Inflasi",
        "unit": "persen", "polarity": "range", "baseline_value": "3"}))
    with tenant_scope(world.a):
        ik1, ik2 = Indicator.objects.get(code="IK1"), Indicator.objects.get(code="IK2")
    for i, year in enumerate((2025, 2026, 2027)):
        ok(c.post(reverse("plan_indicator_detail", args=[ik1.pk]),
                  {"form": "target", "year": year, "value": str(81 + i)}))
    ok(c.post(reverse("plan_indicator_detail", args=[ik2.pk]), {
        "form": "target", "year": 2025, "value": "1,5", "value_high": "3,5",
        "is_illustrative": "on"}))
    for q in (1, 2, 3, 4):
        ok(c.post(reverse("plan_indicator_detail", args=[ik1.pk]),
                  {"form": "quarter", "year": 2025, "quarter": q, "value": str(80 + q)}))
    ok(c.post(reverse("plan_indicator_detail", args=[ik1.pk]),
              {"form": "actual", "year": 2024, "value": "80,5", "source": "BPS"}))
    ok(c.post(reverse("plan_program_create", args=[pk]), {
        "agency": world.a1.pk, "code": "1.02.02", "name": "Program", "agency_objective": aobj.pk}))
    with tenant_scope(world.a):
        program = Program.objects.get()
    ok(c.post(reverse("plan_activity_create", args=[pk]),
              {"program": program.pk, "code": "1.02.02.1.01", "name": "Kegiatan"}))
    with tenant_scope(world.a):
        activity = Activity.objects.get()
    ok(c.post(reverse("plan_sub_activity_create", args=[pk]),
              {"activity": activity.pk, "code": "1.02.02.1.01.0001", "name": "Sub kegiatan"}))
    assert SubActivity  # created above
    ok(c.post(reverse("plan_ceiling_set", args=[pk]), {
        "item": f"program:{program.pk}", "year": 2025, "amount": "1.500.000.000,5"}))
    return period


def test_planner_builds_the_plan_through_pages_and_it_round_trips(world: World) -> None:
    c = world.client("planner")
    period = build_through_pages(c, world)
    with tenant_scope(world.a):
        exported = excel.export_plan(period)
        assert exported == excel.validate_plan(small_rows(), new_period=True).rows
    # The page's download is the round-trip file; import it into an empty Pemda.
    resp = c.get(reverse("plan_template") + f"?isi=1&periode={period.pk}")
    assert resp.status_code == 200
    with unscoped():
        empty = core_actions.pemda_create(actor=None, code="97", name="Kosong", kind="provinsi")
    with tenant_scope(empty):
        core_actions.record_save(actor=None, obj=Agency(pemda=empty, code="A1", name="Satu",
                                                        kind="dinas"))
    copy = import_bytes(resp.content, world, empty)
    with tenant_scope(empty):
        assert excel.export_plan(copy) == exported


def test_every_target_change_keeps_a_version_and_an_audit_event(world: World) -> None:
    c = world.client("planner")
    period = build_through_pages(c, world)
    with tenant_scope(world.a):
        ik1 = Indicator.objects.get(period=period, code="IK1")
    ok(c.post(reverse("plan_indicator_detail", args=[ik1.pk]),
              {"form": "target", "year": 2025, "value": "90"}))
    with tenant_scope(world.a):
        versions = list(TargetVersion.objects.filter(indicator=ik1, year=2025)
                        .values_list("value", flat=True))
        assert versions == [Decimal("81"), Decimal("90")]
        ev = AuditEvent.objects.filter(action="nyata.target.changed").get()
        assert Decimal(ev.data["before"]["value"]) == 81
        assert Decimal(ev.data["after"]["value"]) == 90


def test_pages_refuse_bad_input_with_field_errors(world: World) -> None:
    c = world.client("planner")
    period = build_through_pages(c, world)
    with tenant_scope(world.a):
        s1, s2 = AgencyObjective.objects.order_by("code")
        ik1 = Indicator.objects.get(code="IK1")
    # A cycle: S1's parent would be its own child.
    resp = c.post(reverse("plan_agency_objective_edit", args=[s1.pk]), {
        "agency": world.a1.pk, "code": "A1.S1", "name": "x", "parent": s2.pk})
    assert resp.status_code == 400 and "siklus" in resp.content.decode()  # refused input: 400 (issue 15)
    resp = c.post(reverse("plan_indicator_detail", args=[ik1.pk]),
                  {"form": "target", "year": 2031, "value": "1"})
    assert resp.status_code == 400 and "2031" in resp.content.decode()
    resp = c.post(reverse("plan_indicator_detail", args=[ik1.pk]),
                  {"form": "target", "year": 2025, "value": "banyak"})
    assert "bukan angka" in resp.content.decode()
    resp = c.post(reverse("plan_goal_create", args=[period.pk]), {"code": "S1", "name": "dup"})
    assert resp.status_code == 400 and "sudah dipakai" in resp.content.decode()


def test_revision_copies_the_plan_and_keeps_the_old_one_readable(world: World) -> None:
    c = world.client("planner")
    period = build_through_pages(c, world)
    ok(c.post(reverse("plan_period_revise", args=[period.pk]), {"note": "Perubahan RPJMD"}))
    with tenant_scope(world.a):
        new = PlanPeriod.objects.get(is_current=True)
        old = PlanPeriod.objects.get(pk=period.pk)
        assert (new.revision, new.supersedes_id, old.is_current) == (1, old.pk, False)
        assert excel.export_plan(new) == excel.export_plan(old)
    assert world.client("leader").get(reverse("plan_period_detail", args=[old.pk])).status_code == 200


def test_import_page_lists_every_error_and_keeps_nothing(world: World) -> None:
    rows = small_rows()
    rows[excel.TARGET][0]["tahun"] = 2040
    rows[excel.INDICATOR][0]["satuan"] = "ekor"
    from django.core.files.uploadedfile import SimpleUploadedFile
    f = SimpleUploadedFile("rencana.xlsx", excel.build_workbook(rows))
    resp = world.client("planner").post(reverse("plan_import"), {"file": f})
    assert resp.status_code == 400
    body = resp.content.decode()
    assert "Target" in body and "tahun" in body and "satuan" in body
    with tenant_scope(world.a):
        assert not PlanPeriod.objects.exists()


@pytest.mark.parametrize("who", ["planner", "leader", "inspector"])
def test_tree_and_quality_pages_render_for_pemda_wide_roles(world: World, who: str) -> None:
    build_through_pages(world.client("planner"), world)
    c = world.client(who)
    tree = c.get(reverse("plan_tree"))
    assert tree.status_code == 200 and "IK1" in tree.content.decode()
    assert c.get(reverse("plan_quality")).status_code == 200
    resp = c.get(reverse("plan_quality_export"))
    wb = openpyxl.load_workbook(__import__("io").BytesIO(resp.content))
    assert wb.active.max_row >= 1


def test_agency_operator_sees_own_renstra_only(world: World) -> None:
    build_through_pages(world.client("planner"), world)
    c = world.client("agency_operator")
    own = c.get(reverse("plan_agency", args=[world.a1.pk]))
    assert own.status_code == 200 and "A1.S1" in own.content.decode()
    assert c.get(reverse("plan_agency", args=[world.a2.pk])).status_code == 404
    assert c.get(reverse("plan_tree_agency", args=[world.a1.pk])).status_code == 200
    assert c.get(reverse("plan_tree")).status_code == 403
