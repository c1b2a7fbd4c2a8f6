"""API routes of the ratings app, mounted under /api/v1/ratings by nyata.api.api.

An individual rating is personal data (issue 20 item 6): the route's policy admits the roles that
read ratings by office (core.roles.RATING_READERS), and `ratings.privacy.may_see_rating` decides
each row, so an agency head outside the rating's agency gets 404 like any other stranger.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from nyata.api.access import api_policy
from nyata.api.errors import ErrorOut
from nyata.api.types import Id, Year
from nyata.core.access import NyataRequest, get_for_user
from nyata.core.roles import PEMDA_MEMBERS, RATING_READERS
from nyata.ratings.models import IndividualRating
from nyata.ratings.privacy import may_see_rating, visible_ratings

router = Router(tags=["ratings"])


class IndividualRatingOut(Schema):
    id: int
    official_id: int
    official_name: str
    position_id: int
    agency_id: int
    year: int
    version: int
    status: str
    achievement: Decimal
    proposed_work: str
    work: str
    behaviour: str
    predicate: str
    departs: bool
    departure_reason: str


def _out(r: IndividualRating) -> dict[str, object]:
    return {"id": r.pk, "official_id": r.official_id, "official_name": r.official.name,
            "position_id": r.position_id, "agency_id": r.agency_id, "year": r.year, "version": r.version,
            "status": r.status, "achievement": r.achievement, "proposed_work": r.proposed_work, "work": r.work,
            "behaviour": r.behaviour, "predicate": r.predicate, "departs": r.departs,
            "departure_reason": r.departure_reason}


@router.get("/individual", response=list[IndividualRatingOut])
@api_policy(PEMDA_MEMBERS)
def individual_rating_list(request: NyataRequest, year: Year | None = None) -> list[dict[str, object]]:
    """Every rating version (of the year, if given) the caller may see: their own, those they
    appraise or oversee, or all of them for the offices item 6 names. Anyone else gets []."""
    qs = visible_ratings(request.user, request.pemda.pk).select_related("official")
    if year is not None:
        qs = qs.filter(year=year)
    return [_out(r) for r in qs.order_by("agency_id", "official_id", "version")]


@router.get("/individual/{rating_id}", response={200: IndividualRatingOut, 404: ErrorOut})
@api_policy(RATING_READERS)
def individual_rating_detail(request: HttpRequest, rating_id: Id) -> dict[str, object]:
    r = get_for_user(request, IndividualRating.objects.select_related("official"), pk=rating_id)
    if not may_see_rating(request.user, r):
        raise Http404
    return _out(r)
