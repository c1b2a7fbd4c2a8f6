"""API routes of the dashboard app, mounted under /api/v1/dashboard by nyata.api.api.

The same stored numbers as the pages (`reporting.ScoreSnapshot`), for other government systems:
scores and ranks of every agency (readable by every role, like the ranking page), red flags
(agency roles: their own agency only) and one agency's score history.
"""

from __future__ import annotations

from ninja import Router, Schema

from nyata.api.access import api_policy
from nyata.api.errors import ErrorOut
from nyata.api.types import Id, QuarterNumber, Year
from nyata.core.access import NyataRequest, get_for_user, own_agencies
from nyata.core.models import Agency
from nyata.core.roles import PEMDA_MEMBERS
from nyata.dashboard import queries
from nyata.reporting.models import ScoreSnapshot

router = Router(tags=["dashboard"])


class ScoreOut(Schema):
    agency_id: int
    agency_code: str
    agency: str
    kind: str
    year: int
    quarter: int
    score: float | None
    category: str
    rank: int | None
    completeness: float | None
    change: float | None
    previous_rank: int | None


class FlagOut(Schema):
    agency_id: int
    agency_code: str
    kind: str
    label: str
    detail: str
    indicator: str


class IndicatorResultOut(Schema):
    indicator: str
    target: float | None = None
    realisation: float | None = None
    achievement: float | None = None
    category: str | None = None
    ytd_achievement: float | None = None
    ytd_category: str | None = None
    flags: list[str] = []


class AgencyScoreOut(Schema):
    year: int
    quarter: int
    score: float | None
    category: str
    rank: int | None
    completeness: float
    flags: list[str]
    indicators: list[IndicatorResultOut]


def _period(year: int | None, quarter: int | None) -> queries.Period:
    params = {"tahun": str(year or ""), "tw": str(quarter or "")}
    return queries.period_from(params)


@router.get("/scores", response=list[ScoreOut])
@api_policy(PEMDA_MEMBERS, agency_limited=False)
def scores(
    request: NyataRequest, year: Year | None = None, quarter: QuarterNumber | None = None
) -> list[dict[str, object]]:
    """Every active agency's stored score, category, rank, completeness and change for the period."""
    period = _period(year, quarter)
    rows = queries.ranking(period, Agency.objects.filter(is_active=True), with_board=False)
    return [{"agency_id": r.agency.pk, "agency_code": r.agency.code, "agency": r.agency.name, "kind": r.agency.kind,
             "year": period.year, "quarter": period.quarter, "score": r.score, "category": r.category,
             "rank": r.rank, "completeness": r.completeness, "change": r.change,
             "previous_rank": r.prev.rank if r.prev else None} for r in rows]


@router.get("/flags", response=list[FlagOut])
@api_policy(PEMDA_MEMBERS)
def flags(
    request: NyataRequest, year: Year | None = None, quarter: QuarterNumber | None = None
) -> list[dict[str, object]]:
    """Red flags of the period (agency roles: their own agency only)."""
    period = _period(year, quarter)
    agencies = Agency.objects.filter(is_active=True)
    own = own_agencies(request)
    rows = queries.ranking(period, agencies)
    found = queries.red_flags(rows, period, queries.indicator_names(rows))
    return [{"agency_id": f.agency.pk, "agency_code": f.agency.code, "kind": f.kind, "label": f.label,
             "detail": f.detail, "indicator": f.indicator} for f in found if own is None or f.agency.pk in own]


@router.get("/agencies/{agency_id}/scores", response={200: list[AgencyScoreOut], 404: ErrorOut})
@api_policy(PEMDA_MEMBERS)
def agency_scores(request: NyataRequest, agency_id: Id, year: Year | None = None) -> list[ScoreSnapshot]:
    """One agency's stored scores per quarter, with each indicator's result."""
    agency = get_for_user(request, Agency, "pk", pk=agency_id)
    qs = ScoreSnapshot.objects.filter(agency=agency).order_by("year", "quarter")
    if year is not None:
        qs = qs.filter(year=year)
    return list(qs)


__all__ = ["router"]
