"""API routes of the products app, mounted under /api/v1/products by nyata.api.api."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from nyata.api.access import api_policy
from nyata.api.errors import ErrorOut
from nyata.api.types import Id, Year
from nyata.core.access import get_for_user, reach
from nyata.core.roles import PEMDA_MEMBERS
from nyata.products.models import Innovation
from nyata.products.results import SurveyResult, default_year, survey_results, with_totals

router = Router(tags=["products"])


class InnovationOut(Schema):
    id: int
    agency_id: int
    agency_code: str
    year: int
    is_flagship: bool
    name: str
    kind: str
    stage: str
    problem: str
    solution: str
    beneficiaries: str
    beneficiaries_target: int | None
    beneficiaries_reached: int | None
    budget: Decimal | None
    is_public: bool
    is_illustrative: bool


class SurveyResultOut(Schema):
    survey_id: int
    year: int
    is_open: bool
    respondents: int
    minimum_sample: int
    nrr: dict[str, Decimal | None]
    index: Decimal | None
    ikm: Decimal | None
    grade: str | None  # null while the sample is below its minimum (provisional)
    provisional: bool
    weighting: str


def _out(i: Innovation) -> dict[str, object]:
    return {**{f: getattr(i, f) for f in InnovationOut.model_fields if f != "agency_code"},
            "agency_code": i.agency.code}


@router.get("/innovations", response=list[InnovationOut])
@api_policy(PEMDA_MEMBERS)
def innovation_list(
    request: HttpRequest, year: Year | None = None, flagship: bool | None = None
) -> list[dict[str, object]]:
    qs = reach(request, Innovation.objects.filter(year=year or default_year()).select_related("agency"))
    if flagship is not None:
        qs = qs.filter(is_flagship=flagship)
    return [_out(i) for i in qs]


@router.get("/innovations/{innovation_id}", response={200: InnovationOut, 404: ErrorOut})
@api_policy(PEMDA_MEMBERS)
def innovation_detail(request: HttpRequest, innovation_id: Id) -> dict[str, object]:
    return _out(get_for_user(request, Innovation.objects.select_related("agency"), pk=innovation_id))


def survey_out(results: list[SurveyResult]) -> list[dict[str, object]]:
    return [{"survey_id": r.survey.pk, "year": r.survey.year, "is_open": r.survey.is_open,
             "respondents": r.result.respondents, "minimum_sample": r.minimum_sample,
             "nrr": r.result.nrr, "index": r.result.index, "ikm": r.result.ikm,
             "grade": r.result.grade, "provisional": r.result.provisional,
             "weighting": r.survey.weighting} for r in results]


@router.get("/innovations/{innovation_id}/surveys", response={200: list[SurveyResultOut], 404: ErrorOut})
@api_policy(PEMDA_MEMBERS)
def innovation_surveys(request: HttpRequest, innovation_id: Id) -> list[dict[str, object]]:
    innovation = get_for_user(request, Innovation, pk=innovation_id)
    return survey_out(survey_results(with_totals(innovation.surveys.all())))
