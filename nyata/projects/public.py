"""What the public portal may show of strategic projects: the latest reported progress."""

from __future__ import annotations

from collections.abc import Iterator

from nyata.core.models import Pemda
from nyata.core.typealiases import JSONObject
from nyata.projects.models import Project
from nyata.projects.queries import project_states


def project_progress(pemda: Pemda) -> Iterator[JSONObject]:
    projects = Project.objects.select_related("owner_agency", "location").order_by("code")
    for state in project_states(projects):
        latest = state.latest
        p = state.project
        yield {
            "name": p.name,
            "agency_name": str(p.owner_agency) if p.owner_agency_id else "",
            "location": str(p.location) if p.location_id else p.location_detail,
            "planned_percent": latest.report.planned_physical if latest else None,
            "actual_percent": latest.report.actual_physical if latest else None,
            "status": state.status.value if state.status else p.status,
        }
