"""The planning API: reads with the pages' permissions, and the all-or-nothing import."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from nyata.core.tenancy import tenant_scope
from nyata.planning import excel
from nyata.planning.models import Indicator, PlanPeriod
from tests.conftest import World
from tests.planning.factories import import_bytes, small_rows


def test_import_endpoint_takes_the_workbook(world: World) -> None:
    f = SimpleUploadedFile("r.xlsx", excel.build_workbook(small_rows()))
    resp = world.client("planner").post("/api/v1/planning/import", {"file": f})
    assert resp.status_code == 200, resp.content
    assert resp.json()["summary"]["counts"]["Indikator"] == {"created": 2, "updated": 0}


def test_import_endpoint_refuses_bad_files_whole(world: World) -> None:
    rows = small_rows()
    rows[excel.TARGET][0]["target"] = "banyak"
    f = SimpleUploadedFile("r.xlsx", excel.build_workbook(rows))
    resp = world.client("perf_admin").post("/api/v1/planning/import", {"file": f})
    assert resp.status_code == 422
    assert "Target" in resp.json()["detail"]
    with tenant_scope(world.a):
        assert not PlanPeriod.objects.exists()
    f = SimpleUploadedFile("r.xlsx", excel.build_workbook(small_rows()))
    assert world.client("agency_head").post("/api/v1/planning/import",
                                            {"file": f}).status_code == 403


def test_reads_follow_agency_reach(world: World) -> None:
    period = import_bytes(excel.build_workbook(small_rows()), world)
    op = world.client("agency_operator")
    tree = world.client("leader").get(f"/api/v1/planning/periods/{period.pk}/tree").json()
    assert tree["root"]["children"][0]["kind"] == "mission"
    assert op.get(f"/api/v1/planning/periods/{period.pk}/tree").status_code == 403
    codes = {i["code"] for i in op.get(f"/api/v1/planning/periods/{period.pk}/indicators").json()}
    assert codes == {"IK1", "IK2"}  # the province's and its own agency's
    with tenant_scope(world.a):
        ik2 = Indicator.objects.get(code="IK2")
    detail = op.get(f"/api/v1/planning/indicators/{ik2.pk}").json()
    assert detail["targets"] == [{"year": 2025, "value": "1.5000", "value_high": "3.5000",
                                  "is_illustrative": True}]
    aobjs = op.get(f"/api/v1/planning/periods/{period.pk}/agency-objectives").json()
    assert [a["serves"] for a in aobjs] == [["S1"], []]
    other = world.client("outsider").get(f"/api/v1/planning/indicators/{ik2.pk}")
    assert other.status_code == 404
