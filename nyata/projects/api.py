"""API routes of the projects app, mounted under /api/v1/projects by nyata.api.api.

Same reach as the pages (nyata.projects.views): agency roles see the projects their agency
owns or supports; the cross-agency analyses are for the Pemda-wide roles.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Router, Schema

from nyata.api.access import api_policy
from nyata.api.errors import ErrorOut
from nyata.api.types import Id
from nyata.core.access import NyataRequest
from nyata.core.roles import PEMDA_MEMBERS, PROJECT_ANALYSTS
from nyata.core.typealiases import JSONObject
from nyata.projects import queries
from nyata.projects.models import Project
from nyata.projects.views import as_of, get_project, projects_for

router = Router(tags=["projects"])


class AgencyRef(Schema):
    id: int
    code: str
    name: str


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    owner_agency: AgencyRef
    location: str | None
    start: dt.date | None
    end: dt.date | None
    stage: str
    deviation_status: str | None
    planned_physical: Decimal | None
    actual_physical: Decimal | None
    is_illustrative: bool


class FundingOut(Schema):
    kind: str
    amount: Decimal
    note: str
    is_illustrative: bool


class MilestoneOut(Schema):
    id: int
    name: str
    agency: AgencyRef
    planned_date: dt.date
    actual_date: dt.date | None
    weight: Decimal
    state: str
    is_illustrative: bool


class ProjectDetailOut(ProjectOut):
    description: str
    sources: list[str]
    supporting_agencies: list[AgencyRef]
    funding: list[FundingOut]
    milestones: list[MilestoneOut]
    plan_finalised: bool
    objective_ids: list[int]
    indicator_ids: list[int]


class ProgressOut(Schema):
    month: dt.date
    version: int
    versions: int
    planned_physical: Decimal
    actual_physical: Decimal
    deviation: Decimal
    status: str
    spent: Decimal
    financial_pct: Decimal | None
    forecast_completion: dt.date | None
    correction_note: str
    is_illustrative: bool


class DependencyOut(Schema):
    upstream_id: int
    upstream: str
    upstream_agency: AgencyRef
    upstream_state: str
    downstream_id: int
    downstream: str
    downstream_agency: AgencyRef
    note: str


class AtRiskOut(Schema):
    milestone_id: int
    milestone: str
    project_id: int
    agency: AgencyRef
    planned_date: dt.date
    harm: int
    downstream_ids: list[int]
    project_ids: list[int]
    agency_ids: list[int]
    objective_ids: list[int]
    indicator_ids: list[int]


class HarmOut(Schema):
    agency: AgencyRef
    harm: int
    late_items: int
    victims: list[AgencyRef]


def _agency(a: Any) -> dict[str, Any]:
    return {"id": a.pk, "code": a.code, "name": a.name}


def _project(state: queries.ProjectState) -> dict[str, Any]:
    p, r = state.project, state.latest
    return {
        "id": p.pk, "code": p.code, "name": p.name, "owner_agency": _agency(p.owner_agency),
        "location": p.location.code if p.location else None, "start": p.start, "end": p.end,
        "stage": p.status, "deviation_status": state.status.value if state.status else None,
        "planned_physical": r.report.planned_physical if r else None,
        "actual_physical": r.report.actual_physical if r else None,
        "is_illustrative": p.is_illustrative,
    }


@router.get("", response=list[ProjectOut])
@api_policy(PEMDA_MEMBERS)
def project_list(request: NyataRequest) -> list[JSONObject]:
    return [_project(s) for s in queries.project_states(projects_for(request))]


def _dependency(d: Any, da: queries.DependencyAnalysis) -> dict[str, Any]:
    up, down = da.milestones[d.upstream_id], da.milestones[d.downstream_id]
    return {"upstream_id": up.pk, "upstream": up.name, "upstream_agency": _agency(up.agency),
            "upstream_state": queries.milestone_state(up, da)[0],
            "downstream_id": down.pk, "downstream": down.name,
            "downstream_agency": _agency(down.agency), "note": d.note}


@router.get("/dependencies", response=list[DependencyOut])
@api_policy(PROJECT_ANALYSTS, agency_limited=False)
def dependency_list(request: NyataRequest) -> list[JSONObject]:
    da = queries.dependency_analysis(as_of(request))
    return [_dependency(d, da) for d in da.dependencies]


@router.get("/at-risk", response=list[AtRiskOut])
@api_policy(PROJECT_ANALYSTS, agency_limited=False)
def at_risk(request: NyataRequest) -> list[JSONObject]:
    da = queries.dependency_analysis(as_of(request))
    return [{"milestone_id": r.item.pk, "milestone": r.item.name, "project_id": r.item.project_id,
             "agency": _agency(r.item.agency), "planned_date": r.item.planned_date,
             "harm": r.harm, "downstream_ids": [m.pk for m in r.downstream],
             "project_ids": [p.pk for p in r.projects], "agency_ids": [a.pk for a in r.agencies],
             "objective_ids": [o.pk for o in r.objectives],
             "indicator_ids": [i.pk for i in r.indicators]}
            for r in da.at_risk]


@router.get("/agency-harm", response=list[HarmOut])
@api_policy(PROJECT_ANALYSTS, agency_limited=False)
def agency_harm(request: NyataRequest) -> list[JSONObject]:
    da = queries.dependency_analysis(as_of(request))
    return [{"agency": _agency(r.agency), "harm": r.harm, "late_items": r.late_items,
             "victims": [_agency(v) for v in r.victims]} for r in da.ranking]


@router.get("/{project_id}", response={200: ProjectDetailOut, 404: ErrorOut})
@api_policy(PEMDA_MEMBERS)
def project_detail(request: NyataRequest, project_id: Id) -> JSONObject:
    project: Project = get_project(request, project_id)
    state = queries.project_states([project])[0]
    da = queries.dependency_analysis(as_of(request))
    milestones = [m for m in da.milestones.values() if m.project_id == project.pk]
    return {
        **_project(state), "description": project.description, "sources": project.source_list(),
        "supporting_agencies": [_agency(a) for a in project.supporting_agencies.all()],
        "funding": list(project.funding.values("kind", "amount", "note", "is_illustrative")),
        "milestones": [{"id": m.pk, "name": m.name, "agency": _agency(m.agency),
                        "planned_date": m.planned_date, "actual_date": m.actual_date,
                        "weight": m.weight, "state": queries.milestone_state(m, da)[0],
                        "is_illustrative": m.is_illustrative} for m in milestones],
        "plan_finalised": project.plan_finalised,
        "objective_ids": sorted(project.objectives.values_list("pk", flat=True)),
        "indicator_ids": sorted(project.indicators.values_list("pk", flat=True)),
    }


@router.get("/{project_id}/progress", response={200: list[ProgressOut], 404: ErrorOut})
@api_policy(PEMDA_MEMBERS)
def project_progress(request: NyataRequest, project_id: Id) -> list[JSONObject]:
    project = get_project(request, project_id)
    state = queries.project_states([project])[0]
    return [{"month": r.report.month, "version": r.report.version, "versions": r.versions,
             "planned_physical": r.report.planned_physical,
             "actual_physical": r.report.actual_physical, "deviation": r.deviation,
             "status": r.status.value, "spent": r.report.spent, "financial_pct": r.financial_pct,
             "forecast_completion": r.report.forecast_completion,
             "correction_note": r.report.correction_note,
             "is_illustrative": r.report.is_illustrative} for r in state.rows]


@router.get("/{project_id}/dependencies", response={200: list[DependencyOut], 404: ErrorOut})
@api_policy(PEMDA_MEMBERS)
def project_dependencies(request: NyataRequest, project_id: Id) -> list[JSONObject]:
    project = get_project(request, project_id)
    da = queries.dependency_analysis(as_of(request))
    mine = {m.pk for m in da.milestones.values() if m.project_id == project.pk}
    return [_dependency(d, da) for d in da.dependencies
            if d.upstream_id in mine or d.downstream_id in mine]
