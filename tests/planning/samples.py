"""Permission-matrix samples for the planning routes (see tests/core/test_permission_matrix.py).

Each builder makes a small plan in the target's Pemda: a period, a province objective, and
an agency objective with an indicator for the target agency.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from nyata.core.models import Agency
from nyata.core.tenancy import tenant_scope
from nyata.planning.models import (
    AgencyObjective,
    Goal,
    Indicator,
    IndicatorTarget,
    Objective,
    PlanPeriod,
)
from tests.conftest import World


def _agency(w: World, t: str) -> Agency:
    return {"own_agency": w.a1, "other_agency": w.a2, "other_pemda": w.b1}[t]


def plan_for(w: World, t: str) -> dict[str, Any]:
    """Period, agency objective and indicator of the target agency (created once)."""
    agency = _agency(w, t)
    pemda = w.b if t == "other_pemda" else w.a
    with tenant_scope(pemda):
        period = PlanPeriod.objects.filter(start_year=2025, end_year=2029).first()
        if period is None:
            period = PlanPeriod.objects.create(pemda=pemda, name="RPJMD Uji", start_year=2025,
                                               end_year=2029)
            goal = Goal.objects.create(pemda=pemda, period=period, code="T1", name="Tujuan")
            Objective.objects.create(pemda=pemda, period=period, goal=goal, code="S1",
                                     name="Sasaran")
        aobj = AgencyObjective.objects.filter(period=period, agency=agency).first()
        if aobj is None:
            aobj = AgencyObjective.objects.create(pemda=pemda, period=period, agency=agency,
                                                  code=f"{agency.code}.S1", name="Sasaran PD")
            ind = Indicator.objects.create(pemda=pemda, period=period, agency_objective=aobj,
                                           code=f"{agency.code}.I1", name="Indikator",
                                           unit="persen", formula="a/b")
            IndicatorTarget.objects.create(pemda=pemda, indicator=ind, year=2025,
                                           value=Decimal(80))
        ind = Indicator.objects.get(agency_objective=aobj)
    return {"period": period, "agency": agency, "agency_objective": aobj, "indicator": ind}


def _period(w: World, t: str) -> dict[str, Any]:
    return {"pk": plan_for(w, t)["period"].pk}


def _indicator(w: World, t: str) -> dict[str, Any]:
    return {"pk": plan_for(w, t)["indicator"].pk}


def _agency_kw(w: World, t: str) -> dict[str, Any]:
    return {"agency_pk": _agency(w, t).pk}


URL_SAMPLES = {
    "plan_period_detail": _period,
    "plan_period_edit": _period,
    "plan_period_revise": _period,
    "plan_mission_create": _period,
    "plan_goal_create": _period,
    "plan_objective_create": _period,
    "plan_agency_objective_create": _period,
    "plan_indicator_create": _period,
    "plan_program_create": _period,
    "plan_activity_create": _period,
    "plan_sub_activity_create": _period,
    "plan_ceiling_set": _period,
    "plan_agency_objective_edit": lambda w, t: {"pk": plan_for(w, t)["agency_objective"].pk},
    "plan_indicator_detail": _indicator,
    "plan_indicator_edit": _indicator,
    "plan_agency": _agency_kw,
    "plan_agency_template": _agency_kw,
    "plan_tree_agency": _agency_kw,
}
NOT_AGENCY_OWNED = {
    "plan_period_detail", "plan_period_edit", "plan_period_revise", "plan_mission_create",
    "plan_goal_create", "plan_objective_create", "plan_agency_objective_create",
    "plan_indicator_create", "plan_program_create", "plan_activity_create",
    "plan_sub_activity_create", "plan_ceiling_set",
}

API_SAMPLES = {
    "/planning/periods/{period_id}/tree": lambda w, t: {"period_id": plan_for(w, t)["period"].pk},
    "/planning/periods/{period_id}/objectives":
        lambda w, t: {"period_id": plan_for(w, t)["period"].pk},
    "/planning/periods/{period_id}/agency-objectives":
        lambda w, t: {"period_id": plan_for(w, t)["period"].pk},
    "/planning/periods/{period_id}/indicators":
        lambda w, t: {"period_id": plan_for(w, t)["period"].pk},
    "/planning/indicators/{indicator_id}":
        lambda w, t: {"indicator_id": plan_for(w, t)["indicator"].pk},
    "/planning/indicators/{indicator_id}/targets":
        lambda w, t: {"indicator_id": plan_for(w, t)["indicator"].pk},
}
