"""Pages and API routes: reach by role, the S-curve and status, query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nyata.core import actions as core_actions
from nyata.core.models import Agency
from nyata.core.tenancy import tenant_scope
from nyata.projects import actions
from nyata.projects.models import Milestone, Partnership, ProgressReport, Project
from tests.conftest import World, make_user

D = dt.date


def build(world: World, n_agencies: int = 0) -> Project:
    """A1's project with a late permit of A2 upstream; `n_agencies` more agencies with projects."""
    with tenant_scope(world.a):
        p = actions.project_create(actor=None, pemda=world.a, code="port", name="Pelabuhan",
                                   owner_agency=world.a1, start=D(2026, 1, 1), end=D(2026, 12, 31))
        permit = actions.milestone_add(actor=None, project=p, name="Izin", agency=world.a2,
                                       planned_date=D(2026, 2, 28), weight=Decimal(40))
        wharf = actions.milestone_add(actor=None, project=p, name="Dermaga", agency=world.a1,
                                      planned_date=D(2026, 9, 30), weight=Decimal(60))
        actions.dependency_add(actor=None, upstream=permit, downstream=wharf)
        for i, (pl, ac) in enumerate([(10, 10), (30, 25), (60, 45)]):
            actions.progress_record(actor=None, project=p, month=D(2026, i + 1, 1),
                                    planned_physical=Decimal(pl), actual_physical=Decimal(ac),
                                    spent=Decimal(ac * 1000))
        actions.funding_add(actor=None, project=p, kind="apbd", amount=Decimal(100000))
        for i in range(n_agencies):
            ag = core_actions.record_save(actor=None, obj=Agency(pemda=world.a, code=f"X{i}",
                                                                 name=f"Dinas {i}", kind="dinas"))
            q = actions.project_create(actor=None, pemda=world.a, code=f"x{i}", name=f"X{i}",
                                       owner_agency=ag, start=D(2026, 1, 1), end=D(2026, 12, 31),
                                       supporting_agencies=[world.a2])
            m = actions.milestone_add(actor=None, project=q, name=f"M{i}", agency=ag,
                                      planned_date=D(2026, 3, 1), weight=Decimal(100))
            actions.dependency_add(actor=None, upstream=permit, downstream=m)
            actions.progress_record(actor=None, project=q, month=D(2026, 1, 1),
                                    planned_physical=Decimal(5), actual_physical=Decimal(5),
                                    spent=Decimal(0))
            actions.funding_add(actor=None, project=q, kind="apbn", amount=Decimal(1))
    return p


PER = "?per=2026-11-30"


def test_detail_shows_the_s_curve_status_and_the_late_upstream_agency(world: World) -> None:
    p = build(world)
    resp = world.client("leader").get(reverse("project_detail", args=[p.pk]) + PER)
    assert resp.status_code == 200
    soup = BeautifulSoup(resp.content, "html.parser")
    status = soup.select_one('[data-testid="deviation-status"]').get_text(" ", strip=True)
    assert "Kritis" in status  # 60 planned, 45 actual: 15 points behind in period I
    svg = soup.select_one('svg[data-testid="scurve"]')
    assert svg is not None and len(svg.select("polyline")) == 3
    assert "Rencana 60,00%" in svg.get_text() and "Realisasi 45,00%" in svg.get_text()
    for pair in svg.select_one("polyline")["points"].split():  # not localised: 48.0,235.3
        x, y = pair.split(",")
        float(x), float(y)
    up = soup.select_one('[data-testid="upstream"] tbody tr')
    assert up["data-state"] == "late" and "Terlambat" in up.get_text()
    link = up.select_one('a[data-testid="owner-agency"]')
    assert link["href"] == reverse("agency_detail", args=[world.a2.pk])
    assert world.client("leader").get(link["href"]).status_code == 200


def test_supporting_agency_reads_but_may_not_record_progress(world: World) -> None:
    p = build(world)
    with tenant_scope(world.a):
        p.supports.create(pemda=world.a, agency=world.a2)
    with tenant_scope(world.a):
        user = make_user("op.a2")
        core_actions.membership_grant(actor=None, pemda=world.a, user=user, role="agency_operator",
                                      agency=world.a2)
    c = Client()
    c.force_login(user)
    assert c.get(reverse("project_detail", args=[p.pk])).status_code == 200
    assert c.get(reverse("project_list")).content.count(b"data-project=") == 1
    assert c.get(reverse("project_progress_add", args=[p.pk])).status_code == 403
    # the owner's operator may
    op = world.client("agency_operator")
    resp = op.post(reverse("project_progress_add", args=[p.pk]), {
        "month": "2026-04", "planned_physical": "70", "actual_physical": "62", "spent": "62000"})
    assert resp.status_code == 302
    with tenant_scope(world.a):
        assert ProgressReport.objects.filter(project=p, month=D(2026, 4, 1)).exists()


def test_progress_form_shows_the_refusal_on_its_field(world: World) -> None:
    p = build(world)
    resp = world.client("agency_operator").post(reverse("project_progress_add", args=[p.pk]), {
        "month": "2026-04", "planned_physical": "70", "actual_physical": "40", "spent": "62000"})
    assert resp.status_code == 400
    soup = BeautifulSoup(resp.content, "html.parser")
    err = soup.select_one("#id_actual_physical_error")
    assert err is not None and "lebih rendah" in err.get_text()


def test_dependency_form_refuses_a_cycle(world: World) -> None:
    p = build(world)
    with tenant_scope(world.a):
        permit, wharf = p.milestones.order_by("planned_date")
    resp = world.client("planner").post(reverse("project_dependency_add", args=[p.pk]), {
        "downstream": permit.pk, "upstream": wharf.pk})
    assert resp.status_code == 400
    assert "siklus" in BeautifulSoup(resp.content, "html.parser").select_one(
        "#id_upstream_error").get_text()


def test_project_list_query_count_is_constant_in_agencies(world: World,
                                                          django_assert_max_num_queries: Any) -> None:
    build(world, n_agencies=2)
    c = world.client("leader")
    c.get(reverse("project_list"))
    with django_assert_max_num_queries(12) as few:
        c.get(reverse("project_list"))
    build_more(world, 8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        resp = c.get(reverse("project_list"))
    assert resp.content.count(b"data-project=") == 11


def build_more(world: World, n: int) -> None:
    with tenant_scope(world.a):
        for i in range(n):
            ag = core_actions.record_save(actor=None, obj=Agency(pemda=world.a, code=f"Y{i}",
                                                                 name=f"Badan {i}", kind="badan"))
            q = actions.project_create(actor=None, pemda=world.a, code=f"y{i}", name=f"Y{i}",
                                       owner_agency=ag, supporting_agencies=[world.a1])
            actions.funding_add(actor=None, project=q, kind="csr", amount=Decimal(5))


def test_analysis_pages_query_count_is_constant_in_agencies(world: World,
                                                            django_assert_max_num_queries: Any) -> None:
    build(world, n_agencies=2)
    c = world.client("planner")
    counts = {}
    for name in ("project_at_risk", "project_harm", "project_organs", "project_partnership_list"):
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(reverse(name) + PER).status_code == 200
        counts[name] = len(ctx.captured_queries)
    with tenant_scope(world.a):
        permit = p_permit(world)
        for i in range(6):
            ag = core_actions.record_save(actor=None, obj=Agency(pemda=world.a, code=f"Z{i}",
                                                                 name=f"Biro {i}", kind="biro"))
            q = actions.project_create(actor=None, pemda=world.a, code=f"z{i}", name=f"Z{i}",
                                       owner_agency=ag, start=D(2026, 1, 1), end=D(2026, 12, 31))
            m = actions.milestone_add(actor=None, project=q, name=f"Z{i}", agency=ag,
                                      planned_date=D(2026, 5, 1), weight=Decimal(100))
            actions.dependency_add(actor=None, upstream=permit, downstream=m)
    for name, n in counts.items():
        with django_assert_max_num_queries(n):
            c.get(reverse(name) + PER)


def p_permit(world: World) -> Any:
    return Milestone.objects.get(name="Izin")


def test_at_risk_harm_and_organs_pages(world: World) -> None:
    build(world, n_agencies=1)
    c = world.client("inspector")
    soup = BeautifulSoup(c.get(reverse("project_at_risk") + PER).content, "html.parser")
    first = soup.select_one('[data-testid="at-risk"] tbody tr').get_text(" ", strip=True)
    assert "Izin" in first and "Dermaga" in first and "M0" in first
    soup = BeautifulSoup(c.get(reverse("project_harm") + PER).content, "html.parser")
    top = soup.select_one('[data-testid="harm"] tbody tr').get_text(" ", strip=True)
    assert "Dinas Dua" in top
    soup = BeautifulSoup(c.get(reverse("project_organs") + PER).content, "html.parser")
    svg = soup.select_one('svg[data-testid="organs"]')
    assert svg.select_one('[data-node="A2"]')["data-state"] == "late"
    assert svg.select_one('[data-edge="A2-A1"]') is not None
    assert "terlambat" in svg.get_text()
    # agency roles do not get the cross-agency pages
    assert world.client("agency_head").get(reverse("project_organs")).status_code == 403


def test_partnership_register_create(world: World) -> None:
    resp = world.client("perf_admin").post(reverse("project_partnership_list"), {
        "partner": "PT Contoh", "kind": "csr", "status": "signed", "value": "1000000"})
    assert resp.status_code == 302
    with tenant_scope(world.a):
        assert Partnership.objects.get().partner == "PT Contoh"
    page = world.client("agency_operator").get(reverse("project_partnership_list"))
    assert b"PT Contoh" in page.content and b"<form" not in page.content.split(b"<main")[1]


def test_api_lists_projects_progress_and_at_risk(world: World) -> None:
    p = build(world, n_agencies=1)
    c = world.client("leader")
    rows = c.get("/api/v1/projects").json()
    port = next(r for r in rows if r["code"] == "port")
    assert port["deviation_status"] == "critical"
    prog = c.get(f"/api/v1/projects/{p.pk}/progress").json()
    assert [r["status"] for r in prog] == ["on_track", "late", "critical"]
    assert prog[-1]["deviation"] == "-15.00"
    risk = c.get("/api/v1/projects/at-risk?per=2026-11-30").json()
    assert risk[0]["milestone"] == "Izin" and risk[0]["harm"] == 2
    detail = c.get(f"/api/v1/projects/{p.pk}").json()
    assert {m["name"] for m in detail["milestones"]} == {"Izin", "Dermaga"}
    deps = c.get(f"/api/v1/projects/{p.pk}/dependencies").json()
    assert deps[0]["upstream_agency"]["code"] == "A2"
    assert world.client("agency_operator").get("/api/v1/projects/at-risk").status_code == 403


def test_plan_objectives_and_indicators_of_a_project_are_at_risk(world: World) -> None:
    from nyata.planning.models import Goal, Indicator, Objective, PlanPeriod

    p = build(world)
    with tenant_scope(world.a):
        period = PlanPeriod.objects.create(pemda=world.a, name="RPJMD", start_year=2025,
                                           end_year=2029)
        goal = Goal.objects.create(pemda=world.a, period=period, code="T3", name="Konektivitas")
        obj = Objective.objects.create(pemda=world.a, period=period, goal=goal, code="S3.2",
                                       name="Pelabuhan beroperasi")
        ind = Indicator.objects.create(pemda=world.a, period=period, objective=obj, code="TJC",
                                       name="Progres pelabuhan")
        actions.project_update(actor=None, project=p, objectives=[obj], indicators=[ind])
    soup = BeautifulSoup(world.client("leader").get(reverse("project_at_risk") + PER).content,
                         "html.parser")
    row = soup.select_one('[data-testid="at-risk"] tbody tr').get_text(" ", strip=True)
    assert "S3.2 Pelabuhan beroperasi" in row and "TJC Progres pelabuhan" in row
    risk = world.client("leader").get("/api/v1/projects/at-risk?per=2026-11-30").json()
    assert risk[0]["objective_ids"] == [obj.pk] and risk[0]["indicator_ids"] == [ind.pk]
    with tenant_scope(world.b):
        other = PlanPeriod.objects.create(pemda=world.b, name="RPJMD B", start_year=2025,
                                          end_year=2029)
        goal_b = Goal.objects.create(pemda=world.b, period=other, code="T1", name="B")
        obj_b = Objective.objects.create(pemda=world.b, period=other, goal=goal_b, code="S1",
                                         name="B")
    with tenant_scope(world.a), pytest.raises(ValidationError) as e:
        actions.project_update(actor=None, project=p, objectives=[obj_b])
    assert "objectives" in e.value.message_dict


def test_owner_agency_marks_its_milestone_reached_and_the_delay_clears(world: World) -> None:
    p = build(world)
    with tenant_scope(world.a):
        wharf = Milestone.objects.get(name="Dermaga")
        permit = Milestone.objects.get(name="Izin")
    op = world.client("agency_operator")  # agency A1 owns the wharf, not the permit
    assert op.post(reverse("project_milestone_done", args=[permit.pk]),
                   {"actual_date": "2026-03-10"}).status_code == 404
    resp = op.post(reverse("project_milestone_done", args=[wharf.pk]), {"actual_date": "2026-10-01"})
    assert resp.status_code == 302
    with tenant_scope(world.a):
        actions.milestone_complete(actor=None, milestone=permit, actual_date=D(2026, 3, 10))
    risk = world.client("leader").get("/api/v1/projects/at-risk?per=2026-11-30").json()
    assert risk == []
    page = world.client("leader").get(reverse("project_detail", args=[p.pk]) + PER)
    assert b"Selesai terlambat" in page.content
