"""API routes of the planning app, mounted under /api/v1/planning by nyata.api.api.

The same permissions as the pages: every role reads the province plan; agency roles read
their own agency's objectives and indicators; planners and performance admins import.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ninja import Router, Schema
from ninja.errors import HttpError

from nyata.api.access import api_policy
from nyata.api.types import Id
from nyata.core.access import NyataRequest, get_for_user, own_agencies
from nyata.core.roles import PEMDA_MEMBERS, PEMDA_WIDE_ROLES, PLAN_WRITERS
from nyata.core.typealiases import JSONObject
from nyata.planning import actions, excel
from nyata.planning.access import indicator_reach
from nyata.planning.models import AgencyObjective, Indicator, Objective, PlanPeriod
from nyata.planning.tree import Node, build_tree

router = Router(tags=["planning"])


class PeriodOut(Schema):
    id: int
    kind: str
    name: str
    start_year: int
    end_year: int
    tagline: str
    vision: str
    revision: int
    supersedes_id: int | None
    is_current: bool
    is_illustrative: bool


class ObjectiveOut(Schema):
    id: int
    period_id: int
    code: str
    name: str
    goal_code: str
    is_illustrative: bool


class AgencyObjectiveOut(Schema):
    id: int
    period_id: int
    agency_id: int
    agency_code: str
    code: str
    name: str
    parent_code: str | None
    serves: list[str]
    is_illustrative: bool


class TargetOut(Schema):
    year: int
    value: Decimal
    value_high: Decimal | None
    is_illustrative: bool


class QuarterTargetOut(Schema):
    year: int
    quarter: int
    value: Decimal


class ActualOut(Schema):
    year: int
    value: Decimal
    source: str


class PlanIndicatorOut(Schema):
    id: int
    period_id: int
    code: str
    name: str
    owner_code: str
    agency_id: int | None
    definition: str
    formula: str
    unit: str
    level: str
    polarity: str
    aggregation: str
    decimals: int
    data_source: str
    baseline_year: int | None
    baseline_value: Decimal | None
    is_key: bool
    is_illustrative: bool


class IndicatorDetailOut(PlanIndicatorOut):
    targets: list[TargetOut]
    quarter_targets: list[QuarterTargetOut]
    actuals: list[ActualOut]


class WeakSpotOut(Schema):
    kind: str
    code: str
    name: str
    agency: str
    detail: str


class TreeOut(Schema):
    period_id: int
    weak_spots: list[WeakSpotOut]
    root: dict[str, Any]


class ImportOut(Schema):
    period_id: int
    summary: dict[str, Any]


def _node(n: Node) -> dict[str, Any]:
    return {
        "kind": n.kind, "code": n.code, "name": n.name, "agency": n.agency,
        "is_illustrative": n.is_illustrative, "weak": [str(w) for w in n.weak],
        "ceiling": str(n.ceiling) if n.ceiling is not None else None,
        "indicators": [{"id": i.pk, "code": i.code, "name": i.name, "unit": i.unit,
                        "weak": [str(w) for w in i.weak],
                        "targets": [[y, str(v), str(h) if h is not None else None]
                                    for y, v, h in i.targets]} for i in n.indicators],
        "children": [_node(c) for c in n.children],
    }


def _indicator(i: Indicator) -> dict[str, Any]:
    owner = i.owner
    return {**{f: getattr(i, f) for f in (
        "id", "period_id", "code", "name", "agency_id", "definition", "formula", "unit", "level",
        "polarity", "aggregation", "decimals", "data_source", "baseline_year", "baseline_value",
        "is_key", "is_illustrative")}, "owner_code": owner.code if owner else ""}


@router.get("/periods", response=list[PeriodOut])
@api_policy(PEMDA_MEMBERS, agency_limited=False)
def period_list(request: NyataRequest) -> list[PlanPeriod]:
    return list(PlanPeriod.objects.all())


@router.get("/periods/{period_id}/tree", response=TreeOut)
@api_policy(PEMDA_WIDE_ROLES, agency_limited=False)
def period_tree(request: NyataRequest, period_id: Id) -> JSONObject:
    period = get_for_user(request, PlanPeriod, None, pk=period_id)
    tree = build_tree(period)
    return {"period_id": period.pk, "root": _node(tree.root),
            "weak_spots": [{"kind": str(w.kind), "code": w.code, "name": w.name,
                            "agency": w.agency, "detail": w.detail} for w in tree.weak_spots]}


@router.get("/periods/{period_id}/objectives", response=list[ObjectiveOut])
@api_policy(PEMDA_MEMBERS, agency_limited=False)
def objective_list(request: NyataRequest, period_id: Id) -> list[JSONObject]:
    period = get_for_user(request, PlanPeriod, None, pk=period_id)
    return [{"id": o.pk, "period_id": o.period_id, "code": o.code, "name": o.name,
             "goal_code": o.goal.code, "is_illustrative": o.is_illustrative}
            for o in Objective.objects.filter(period=period).select_related("goal")]


@router.get("/periods/{period_id}/agency-objectives", response=list[AgencyObjectiveOut])
@api_policy(PEMDA_MEMBERS, agency_limited=False)
def agency_objective_list(request: NyataRequest, period_id: Id) -> list[JSONObject]:
    period = get_for_user(request, PlanPeriod, None, pk=period_id)
    qs = AgencyObjective.objects.filter(period=period).select_related(
        "agency", "parent").prefetch_related("serves")
    agencies = own_agencies(request)
    if agencies is not None:
        qs = qs.filter(agency__in=agencies)
    return [{"id": a.pk, "period_id": a.period_id, "agency_id": a.agency_id,
             "agency_code": a.agency.code, "code": a.code, "name": a.name,
             "parent_code": a.parent.code if a.parent else None,
             "serves": sorted(o.code for o in a.serves.all()),
             "is_illustrative": a.is_illustrative} for a in qs]


@router.get("/periods/{period_id}/indicators", response=list[PlanIndicatorOut])
@api_policy(PEMDA_MEMBERS, agency_limited=False)
def indicator_list(request: NyataRequest, period_id: Id) -> list[JSONObject]:
    period = get_for_user(request, PlanPeriod, None, pk=period_id)
    qs = indicator_reach(request, Indicator.objects.filter(period=period).select_related(
        "goal", "objective", "agency_objective"))
    return [_indicator(i) for i in qs]


@router.get("/indicators/{indicator_id}", response=IndicatorDetailOut)
@api_policy(PEMDA_MEMBERS)
def indicator_detail(request: NyataRequest, indicator_id: Id) -> JSONObject:
    qs = indicator_reach(request, Indicator.objects.select_related(
        "goal", "objective", "agency_objective"))
    i = get_for_user(request, qs, None, pk=indicator_id)
    return {**_indicator(i),
            "targets": [dict(t) for t in i.targets.values("year", "value", "value_high",
                                                          "is_illustrative")],
            "quarter_targets": list(i.quarter_targets.values("year", "quarter", "value")),
            "actuals": list(i.actuals.values("year", "value", "source"))}


@router.get("/indicators/{indicator_id}/targets", response=list[TargetOut])
@api_policy(PEMDA_MEMBERS)
def indicator_targets(request: NyataRequest, indicator_id: Id) -> list[JSONObject]:
    qs = indicator_reach(request, Indicator.objects.all())
    i = get_for_user(request, qs, None, pk=indicator_id)
    return [dict(t) for t in i.targets.values("year", "value", "value_high", "is_illustrative")]


@router.post("/import", response={200: ImportOut})
@api_policy(PLAN_WRITERS, PLAN_WRITERS)
def plan_import(request: NyataRequest) -> JSONObject:
    """Import a plan workbook (multipart field `file`): all or nothing, like the page."""
    upload = request.FILES.get("file")
    if upload is None:
        raise HttpError(422, "Unggah berkas Excel pada kolom 'file'.")
    plan = excel.validate_plan(excel.read_workbook(upload))
    period = actions.plan_import(actor=request.user, pemda=request.pemda,
                                 plan=plan)
    from nyata.core.models import AuditEvent
    event = AuditEvent.objects.filter(action="nyata.plan.imported", object_id=str(period.pk)
                                      ).order_by("-seq").first()
    return {"period_id": period.pk, "summary": event.data if event else {}}
