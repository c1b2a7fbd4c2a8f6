"""API routes of the reporting app, mounted under /api/v1/reporting by nyata.api.api.

The same actions and rules as the pages: operators read and save draft values, agency heads
submit, inspectors verify, everyone in reach reads self-critiques. A refused input answers 422
with the same Indonesian message the page shows.
"""



import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from nyata.api.access import api_policy
from nyata.api.errors import ErrorOut
from nyata.api.types import Id
from nyata.core.access import NyataRequest, agency_for_user, get_for_user, reach
from nyata.core.models import Quarter
from nyata.core.roles import AGENCY_HEADS, AGENCY_OPERATORS, INSPECTORS, PEMDA_MEMBERS
from nyata.core.typealiases import JSONObject
from nyata.reporting import actions
from nyata.reporting.models import Realisation, SelfCritique
from nyata.reporting.views import agency_quarter_for_user

router = Router(tags=["reporting"])


class RealisationOut(Schema):
    id: int
    agency: int
    quarter: int
    agreement_indicator: int
    indicator: str
    unit: str
    status: str
    value: Decimal | None
    narrative: str
    version: int
    verified: bool
    submitted_at: dt.datetime | None


# Fields are optional in the schema so the route policy answers (401/403) before validation;
# the action then refuses incomplete input with 422 and a message.
class RealisationIn(Schema):
    agreement_indicator_id: Id | None = None
    value: str | None = None
    narrative: str = ""


class VerifyIn(Schema):
    verdict: str = ""
    comment: str = ""


class SubmitOut(Schema):
    submitted: list[int]


class CritiqueProductOut(Schema):
    what: str
    for_whom: str
    where: str
    people: int


class GapOut(Schema):
    description: str
    size: Decimal | None
    agreement_indicator_id: int | None


class CauseOut(Schema):
    category: str
    depends_on_id: int | None
    text: str


class ActionOut(Schema):
    id: int
    description: str
    owner: str
    due: dt.date
    state: str


class CritiqueOut(Schema):
    id: int
    agency: int
    quarter: int
    state: str
    summary: str
    submitted_at: dt.datetime | None
    is_illustrative: bool
    products: list[CritiqueProductOut]
    gaps: list[GapOut]
    causes: list[CauseOut]
    actions: list[ActionOut]


def _out(r: Realisation) -> dict[str, Any]:
    return {
        "id": r.pk, "agency": r.agency_id, "quarter": r.quarter_id, "agreement_indicator": r.agreement_indicator_id,
        "indicator": r.agreement_indicator.name, "unit": r.agreement_indicator.unit, "status": r.status,
        "value": r.value, "narrative": r.narrative, "version": r.version, "verified": r.status == "accepted",
        "submitted_at": r.submitted_at,
    }


@router.get("/realisations", response=list[RealisationOut])
@api_policy(PEMDA_MEMBERS)
def realisation_list(request: NyataRequest, quarter: Id | None = None, agency: Id | None = None) -> list[JSONObject]:
    qs = reach(request, Realisation.objects.select_related("agreement_indicator"), "agency")
    if quarter is not None:
        qs = qs.filter(quarter_id=quarter)
    if agency is not None:
        qs = qs.filter(agency_id=agency)
    return [_out(r) for r in qs[:2000]]


@router.get("/realisations/{realisation_id}", response={200: RealisationOut, 404: ErrorOut})
@api_policy(PEMDA_MEMBERS)
def realisation_detail(request: NyataRequest, realisation_id: Id) -> JSONObject:
    r = get_for_user(request, Realisation.objects.select_related("agreement_indicator"), "agency", pk=realisation_id)
    return _out(r)


@router.post(
    "/agencies/{agency_id}/quarters/{quarter_id}/realisations",
    response={200: RealisationOut, 404: ErrorOut, 422: ErrorOut},
)
@api_policy(PEMDA_MEMBERS, AGENCY_OPERATORS)
def realisation_save(request: NyataRequest, agency_id: Id, quarter_id: Id, payload: RealisationIn) -> JSONObject:
    # The quarter goes in as an id: the action loads it with the row (the deadline-day path).
    agency = agency_for_user(request, agency_id)
    if payload.agreement_indicator_id is None:
        raise HttpError(422, _("Sebutkan agreement_indicator_id: indikator PK yang dilaporkan."))
    try:
        r = actions.realisation_save_draft(actor=request.user, agency=agency, quarter_id=quarter_id,
                                           agreement_indicator_id=payload.agreement_indicator_id,
                                           value=payload.value, narrative=payload.narrative)
    except Quarter.DoesNotExist:
        raise Http404 from None
    return _out(r)


@router.post(
    "/agencies/{agency_id}/quarters/{quarter_id}/submit", response={200: SubmitOut, 404: ErrorOut, 422: ErrorOut}
)
@api_policy(PEMDA_MEMBERS, AGENCY_HEADS)
def quarter_submit(request: NyataRequest, agency_id: Id, quarter_id: Id) -> JSONObject:
    agency, quarter = agency_quarter_for_user(request, agency_id, quarter_id)
    done = actions.realisation_submit(actor=request.user, agency=agency, quarter=quarter)
    return {"submitted": [r.pk for r in done]}


@router.post("/realisations/{realisation_id}/verify", response={200: RealisationOut, 404: ErrorOut, 422: ErrorOut})
@api_policy(PEMDA_MEMBERS, INSPECTORS)
def realisation_verify(request: NyataRequest, realisation_id: Id, payload: VerifyIn) -> JSONObject:
    r = get_for_user(request, Realisation.objects.select_related("agreement_indicator"), "agency", pk=realisation_id)
    actions.realisation_verify(actor=request.user, realisations=[r], verdict=payload.verdict,
                               comment=payload.comment)
    return _out(Realisation.objects.select_related("agreement_indicator").get(pk=r.pk))


def _critique(sc: SelfCritique) -> dict[str, Any]:
    return {
        "id": sc.pk, "agency": sc.agency_id, "quarter": sc.quarter_id, "state": sc.state, "summary": sc.summary,
        "submitted_at": sc.submitted_at, "is_illustrative": sc.is_illustrative,
        "products": list(sc.products.all()), "gaps": list(sc.gaps.all()), "causes": list(sc.causes.all()),
        "actions": list(sc.actions.all()),
    }


@router.get("/self-critiques", response=list[CritiqueOut])
@api_policy(PEMDA_MEMBERS)
def critique_list(request: NyataRequest, quarter: Id | None = None) -> list[JSONObject]:
    qs = reach(request, SelfCritique.objects.prefetch_related("products", "gaps", "causes", "actions"), "agency")
    if quarter is not None:
        qs = qs.filter(quarter_id=quarter)
    return [_critique(sc) for sc in qs[:500]]


@router.get("/self-critiques/{critique_id}", response={200: CritiqueOut, 404: ErrorOut})
@api_policy(PEMDA_MEMBERS)
def critique_detail(request: NyataRequest, critique_id: Id) -> JSONObject:
    return _critique(get_for_user(request, SelfCritique, "agency", pk=critique_id))
