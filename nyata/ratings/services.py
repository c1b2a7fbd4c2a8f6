"""Read-side rules of the ratings app: the scales in force, and the data a rating starts from.

The rules themselves are `nyata.scoring.merit`'s; the PK of an official is
`agreements.services.signed_pk`; the unit's score is the stored `ScoreSnapshot` that
`reporting.scores` computes, and a subordinate's achievement is the same capped, weighted mean
(`scoring.formulas`) over the indicators of their own PK.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from nyata.agreements.models import Agreement, AgreementIndicator
from nyata.agreements.services import signed_pk
from nyata.core.models import Agency, Official, Pemda
from nyata.ratings.models import IndividualRating, MeritSettings, OrganisationalPredicate
from nyata.reporting.models import ScoreSnapshot
from nyata.reporting.scores import config_for as scoring_config_for
from nyata.scoring.formulas import cap_value, weighted_score
from nyata.scoring.merit import DEFAULT_CONFIG, MeritConfig


def merit_config(year: int) -> MeritConfig:
    """The scales of the Pemda in scope for the year: its latest stored version, else the defaults."""
    row = MeritSettings.objects.filter(year=year).order_by("-version").first()
    return DEFAULT_CONFIG if row is None else MeritConfig.from_dict(row.config)


def official_agreement(official: Official, year: int) -> Agreement | None:
    """The official's own signed PK for the year (any level), latest version first."""
    return (
        Agreement.objects.filter(signed_pk(), year=year, first_party=official)
        .select_related("position", "position__agency").order_by("-version", "-pk").first()
    )


def agreement_agency(agreement: Agreement) -> Agency | None:
    return agreement.agency or agreement.position.agency


def year_snapshot(agency: Agency, year: int) -> ScoreSnapshot | None:
    """The agency's latest stored score of the year (quarter 4 once the year is reported)."""
    return (
        ScoreSnapshot.objects.filter(agency=agency, year=year, score__isnull=False)
        .order_by("-quarter").first()
    )


@dataclass(frozen=True)
class Achievement:
    value: Decimal
    basis: dict[str, object]


def _dec(v: float) -> Decimal:
    # four decimals: what the model keeps; the engine's floats never reach a threshold unrounded
    return Decimal(repr(v)).quantize(Decimal("0.0001"))


def unit_achievement(agency: Agency, year: int) -> Achievement | None:
    snap = year_snapshot(agency, year)
    if snap is None or snap.score is None:
        return None
    return Achievement(_dec(snap.score), {"quarter": snap.quarter, "computed_at": snap.computed_at.isoformat(),
                                          "source": "agency_score"})


def pk_achievement(pemda: Pemda, agreement: Agreement, year: int) -> Achievement | None:
    """The achievement behind an official's work-result rating.

    A unit head's is the unit's own score (domain.md §8). Anyone else's is the capped mean of the
    year-to-date achievements of their PK's indicators, read from the unit's stored score.
    """
    agency = agreement_agency(agreement)
    if agency is None:
        return None
    if agreement.position.is_agency_head:
        return unit_achievement(agency, year)
    snap = year_snapshot(agency, year)
    if snap is None:
        return None
    codes = list(AgreementIndicator.objects.filter(agreement=agreement).values_list("indicator__code", flat=True))
    by_code = {str(r.get("indicator")): r.get("ytd_achievement") for r in snap.indicators}
    cap = scoring_config_for(pemda, year).cap
    items = [(1.0, cap_value(float(v), cap)) for c in codes if isinstance(v := by_code.get(c), (int, float))]
    score = weighted_score(items)
    if score is None:
        return None
    return Achievement(_dec(score), {"quarter": snap.quarter, "indicators": codes, "source": "own_pk"})


def current_org_predicate(agency: Agency, year: int) -> OrganisationalPredicate | None:
    return OrganisationalPredicate.objects.filter(agency=agency, year=year).order_by("-version").first()


def current_ratings(agency: Agency, year: int) -> list[IndividualRating]:
    """The latest version of each official's rating in the unit for the year."""
    latest: dict[int, IndividualRating] = {}
    for r in IndividualRating.objects.filter(agency=agency, year=year).order_by("official_id", "version"):
        latest[r.official_id] = r
    return list(latest.values())


@dataclass(frozen=True)
class Departures:
    """Per agency, how many officials' current ratings depart from the data (the "no favours"
    measure of issue 20 item 4); counts only, so leaders may see it without seeing ratings."""

    rated: int
    departed: int


def departures_by_agency(year: int) -> dict[int, Departures]:
    """agency id → counts over each official's latest rating version of the year (one query)."""
    latest: dict[int, tuple[int, bool]] = {}
    rows = IndividualRating.objects.filter(year=year).order_by("official_id", "version").values_list(
        "official_id", "agency_id", "work", "proposed_work")
    for official_id, agency_id, work, proposed in rows:
        latest[official_id] = (agency_id, work != proposed)
    out: dict[int, Departures] = {}
    for agency_id, departs in latest.values():
        d = out.get(agency_id, Departures(0, 0))
        out[agency_id] = Departures(d.rated + 1, d.departed + int(departs))
    return out
