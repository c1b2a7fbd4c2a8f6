"""The versioned REST API (/api/v1/), a thin front over the same queries and actions as the pages."""

from __future__ import annotations

from ninja import NinjaAPI, Schema
from ninja.security import django_auth

from nyata.api import errors
from nyata.api.access import api_policy
from nyata.api.errors import ErrorOut
from nyata.api.types import Id
from nyata.core.access import NyataRequest, get_for_user, reach
from nyata.core.models import Agency
from nyata.core.roles import ALL_ROLES, PEMDA_MEMBERS

api = NinjaAPI(
    title="Nyata API",
    version="1",
    urls_namespace="api-v1",
    auth=django_auth,
    docs_url="/docs",
)
errors.install(api)


def _mount_app_routers() -> None:
    from nyata.agreements.api import router as agreements
    from nyata.dashboard.api import router as dashboard
    from nyata.planning.api import router as planning
    from nyata.portal.api import router as portal
    from nyata.products.api import router as products
    from nyata.projects.api import router as projects
    from nyata.ratings.api import router as ratings
    from nyata.reporting.api import router as reporting

    api.add_router("/planning", planning)
    api.add_router("/agreements", agreements)
    api.add_router("/reporting", reporting)
    api.add_router("/dashboard", dashboard)
    api.add_router("/projects", projects)
    api.add_router("/products", products)
    api.add_router("/ratings", ratings)
    api.add_router("/portal", portal)


class MeOut(Schema):
    username: str
    pemda: str | None
    roles: list[str]
    agencies: list[int]


class AgencyOut(Schema):
    id: int
    code: str
    name: str
    abbreviation: str
    kind: str


@api.get("/me", response=MeOut, tags=["core"])
@api_policy(ALL_ROLES, agency_limited=False, tenant=False)
def me(request: NyataRequest) -> dict[str, object]:
    pemda = request.pemda
    return {
        "username": request.user.get_username(),
        "pemda": pemda.code if pemda else None,
        "roles": sorted(request.roles),
        "agencies": sorted(request.agency_ids),
    }


@api.get("/agencies", response=list[AgencyOut], tags=["core"])
@api_policy(PEMDA_MEMBERS)
def agency_list(request: NyataRequest) -> list[Agency]:
    return list(reach(request, Agency.objects.all(), "pk"))


@api.get("/agencies/{agency_id}", response={200: AgencyOut, 404: ErrorOut}, tags=["core"])
@api_policy(PEMDA_MEMBERS)
def agency_detail(request: NyataRequest, agency_id: Id) -> Agency:
    return get_for_user(request, Agency, "pk", pk=agency_id)


_mount_app_routers()
