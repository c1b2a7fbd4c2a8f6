"""Permission-matrix samples for the projects app (see tests/core/test_permission_matrix.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from nyata.core.tenancy import tenant_scope
from nyata.projects import actions
from nyata.projects.models import Milestone, Project
from tests.conftest import World


def sample_project(w: World, target: str) -> Project:
    """A project owned by the target's agency, with one milestone (weight 100)."""
    agency = {"own_agency": w.a1, "other_agency": w.a2, "other_pemda": w.b1}[target]
    pemda = w.b if target == "other_pemda" else w.a
    with tenant_scope(pemda):
        project = Project.objects.filter(code=f"p-{target}").first()
        if project is None:
            project = actions.project_create(
                actor=None, pemda=pemda, code=f"p-{target}", name=f"Proyek {agency.code}",
                owner_agency=agency, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
            actions.milestone_add(actor=None, project=project, name=f"Tonggak {agency.code}",
                                  agency=agency, planned_date=dt.date(2026, 6, 30),
                                  weight=Decimal(100))
    return project


def sample_milestone(w: World, target: str) -> Milestone:
    project = sample_project(w, target)
    with tenant_scope(project.pemda_id):
        return Milestone.objects.filter(project=project).first()  # type: ignore[no-any-return]


def _pk(w: World, t: str) -> dict[str, Any]:
    return {"pk": sample_project(w, t).pk}


URL_SAMPLES = {
    name: _pk for name in (
        "project_detail", "project_edit", "project_milestone_add", "project_plan_finalise",
        "project_funding_add", "project_progress_add", "project_meeting_add",
        "project_dependency_add",
    )
}
URL_SAMPLES["project_milestone_done"] = lambda w, t: {"pk": sample_milestone(w, t).pk}

API_SAMPLES = {
    path: (lambda w, t: {"project_id": sample_project(w, t).pk}) for path in (
        "/projects/{project_id}", "/projects/{project_id}/progress",
        "/projects/{project_id}/dependencies",
    )
}

NOT_AGENCY_OWNED: set[str] = set()
