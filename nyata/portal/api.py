"""Public open-data API of the portal, mounted under /api/v1/portal by nyata.api.api.

No login (auth=None); each handler carries a public Policy so the permission matrix knows.
Only what the portal pages show: public products, aggregate survey results, final facts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from nyata.api.types import Id, Year
from nyata.core.access import Policy
from nyata.core.models import Pemda
from nyata.core.tenancy import tenant_scope
from nyata.core.typealiases import JSONObject
from nyata.portal import opendata
from nyata.products.api import SurveyResultOut, survey_out
from nyata.products.results import default_year

router = Router(tags=["portal"])
PUBLIC = Policy(frozenset(), frozenset(), public=True)
F = TypeVar("F", bound=Callable[..., Any])


def public(handler: F) -> F:
    handler.nyata_policy = PUBLIC  # type: ignore[attr-defined]  # read by navigation, may_open and the matrix
    return handler


class PublicProductOut(Schema):
    id: int
    year: int
    agency_code: str
    agency_name: str
    is_flagship: bool
    name: str
    kind: str
    stage: str
    problem: str
    solution: str
    beneficiaries: str
    beneficiaries_target: int | None
    beneficiaries_reached: int | None
    illustrative: bool


class DatasetOut(Schema):
    pemda: str
    dataset: str
    title: str
    year: int
    columns: list[str]
    rows: list[dict[str, Any]]


def _pemda(code: str) -> Pemda:
    pemda = Pemda.objects.filter(code=code).first()
    if pemda is None:
        raise Http404
    return pemda


@router.get("/{pemda_code}/products", response=list[PublicProductOut], auth=None)
@public
def product_list(request: HttpRequest, pemda_code: str, year: Year | None = None) -> list[JSONObject]:
    pemda = _pemda(pemda_code)
    with tenant_scope(pemda):
        return [{"id": i.pk, "year": i.year, "agency_code": i.agency.code, "agency_name": i.agency.name,
                 "is_flagship": i.is_flagship, "name": i.name, "kind": i.kind, "stage": i.stage,
                 "problem": i.problem, "solution": i.solution, "beneficiaries": i.beneficiaries,
                 "beneficiaries_target": i.beneficiaries_target,
                 "beneficiaries_reached": i.beneficiaries_reached,
                 "illustrative": i.is_illustrative or bool(i.illustrative_note)}
                for i in opendata.public_innovations(year or default_year())]


@router.get("/{pemda_code}/products/{product_id}/surveys", response=list[SurveyResultOut], auth=None)
@public
def product_surveys(request: HttpRequest, pemda_code: str, product_id: Id) -> list[dict[str, object]]:
    pemda = _pemda(pemda_code)
    with tenant_scope(pemda):
        innovation = opendata.public_innovations().filter(pk=product_id).first()
        if innovation is None:
            raise Http404
        return survey_out(opendata.public_survey_results([innovation]).get(innovation.pk, []))


@router.get("/{pemda_code}/open-data/{dataset}", response=DatasetOut, auth=None)
@public
def open_data(request: HttpRequest, pemda_code: str, dataset: str, year: Year | None = None) -> JSONObject:
    ds = opendata.DATASETS.get(dataset)
    if ds is None:
        raise Http404
    pemda = _pemda(pemda_code)
    with tenant_scope(pemda):
        y = year or default_year()
        rows = ds.rows(pemda, y)
    return {"pemda": pemda.code, "dataset": ds.name, "title": ds.title, "year": y,
            "columns": list(ds.columns),
            "rows": [{c: opendata.json_value(r.get(c)) for c in ds.columns} for r in rows]}
