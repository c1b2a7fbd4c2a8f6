"""Adapter to the scoring engine: verified realisations in, `ScoreSnapshot` rows out.

Called after the submission, verification and reopening actions commit, so pages read stored
scores and never score a whole Pemda per request. Leaders' numbers use verified values only. A
value submitted by the deadline and not yet verified is passed as unverified: the engine leaves
it out of score and rank and counts it as awaiting verification, never as 0 (domain.md A1).
Any other unverified value is passed as missing (pending before the deadline, not reported after).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from nyata.agreements.models import AgreementIndicator
from nyata.agreements.services import current_agreements
from nyata.core.models import Agency, Pemda, Quarter, YearRules
from nyata.core.periods import ensure_year_open
from nyata.planning.models import engine_polarity
from nyata.reporting.models import Realisation, ScoreSnapshot, Status
from nyata.reporting.rules import bounds_for
from nyata.scoring import Aggregation, Observation, ScoringConfig, score_pemda
from nyata.scoring.model import LowerFormula


def _f(v: Any) -> float | None:
    return None if v is None else float(v)


def year_rules(year: int) -> YearRules | None:
    """The Pemda's own rules for the year (the Pemda in scope), or None for the defaults."""
    return YearRules.objects.filter(fiscal_year__year=year).first()


def config_for(pemda: Pemda, year: int | None = None) -> ScoringConfig:
    """The engine's configuration: its defaults (domain.md), then the Pemda's, then the year's rules."""
    base = ScoringConfig()
    cap = float(pemda.score_cap) if pemda.score_cap else None
    rules = year_rules(year) if year is not None else None
    deadlines = ({(year, q.number): q.report_deadline for q in Quarter.objects.filter(fiscal_year__year=year)}
                 if year is not None else {})
    if rules is None:
        return ScoringConfig(cap=cap, as_of=timezone.localdate(), deadline_days=pemda.reporting_deadline_days,
                             deadlines=deadlines)
    if rules.cap:
        cap = None if rules.cap == YearRules.Cap.NONE else float(rules.cap)
    return ScoringConfig(
        thresholds=rules.thresholds() or base.thresholds,
        cap=cap,
        lower_formula=LowerFormula(rules.lower_formula) if rules.lower_formula else base.lower_formula,
        as_of=timezone.localdate(),
        deadline_days=pemda.reporting_deadline_days,
        deadlines=deadlines,
    )


def observations(pemda: Pemda, year: int) -> list[Observation]:
    today = timezone.localdate()
    rules = year_rules(year)
    quarters = {q.number: q for q in Quarter.objects.filter(fiscal_year__year=year, start__lte=today)}
    pk_of = current_agreements(year)
    agency_code = dict(Agency.objects.filter(pk__in=pk_of).values_list("pk", "code"))
    by_agreement = {v: k for k, v in pk_of.items()}
    ais = list(
        AgreementIndicator.objects.filter(agreement_id__in=pk_of.values()).values(
            "pk", "agreement_id", "indicator__code", "polarity", "range_low", "range_high", "aggregation",
            "unit", "q1_target", "q2_target", "q3_target", "q4_target", "annual_target", "name", "value_min",
            "value_max",
        )
    )
    values: dict[tuple[int, int], Any] = {}
    verified: dict[tuple[int, int], bool] = {}
    evidence: dict[tuple[int, int], int] = {}
    for ai_id, qn, value, n, status, submitted_at in (
        Realisation.objects.filter(agreement_indicator_id__in=[a["pk"] for a in ais],
                                   status__in=[Status.ACCEPTED, Status.SUBMITTED], quarter__fiscal_year__year=year)
        .annotate(n=Count("evidence"))
        .values_list("agreement_indicator_id", "quarter__number", "value", "n", "status", "submitted_at")
    ):
        if status == Status.SUBMITTED and not on_time(submitted_at, quarters.get(qn)):
            continue  # missing at the deadline: pending or not reported, like no value
        values[(ai_id, qn)] = value
        verified[(ai_id, qn)] = status == Status.ACCEPTED
        evidence[(ai_id, qn)] = n
    rows = []
    for ai in ais:
        agency_id = by_agreement[ai["agreement_id"]]
        agency = agency_code[agency_id]
        pol = engine_polarity(ai["polarity"], ai["range_low"], ai["range_high"])
        agg = Aggregation.parse(ai["aggregation"] or "last")
        weight = rules.weight(agency_id, ai["indicator__code"]) if rules is not None else None
        b = bounds_for(ai["unit"], ai["name"], ai["value_min"], ai["value_max"])
        lo, hi = _f(b.low), _f(b.high)
        for qn in sorted(quarters):
            rows.append(Observation(
                pemda.code, agency, ai["indicator__code"], year, qn, _f(ai[f"q{qn}_target"]),
                _f(values.get((ai["pk"], qn))), pol, agg, ai["unit"], verified.get((ai["pk"], qn), False),
                evidence.get((ai["pk"], qn)), weight, lo, hi,
            ))
        rows.append(Observation(pemda.code, agency, ai["indicator__code"], year, None, _f(ai["annual_target"]),
                                None, pol, agg, ai["unit"], True, None, weight))
    return rows


def on_time(submitted_at: dt.datetime | None, quarter: Quarter | None) -> bool:
    """Submitted by the quarter's reporting deadline (local date)."""
    if submitted_at is None or quarter is None:
        return False
    return timezone.localtime(submitted_at).date() <= quarter.report_deadline


def recompute(pemda: Pemda | int, year: int, quarter: int | None = None) -> int:
    """Score the Pemda's year and store one snapshot per agency and quarter; returns rows stored.

    `quarter` is accepted for the adapter's contract; the whole year is rescored because a
    quarter's year-to-date values, forecasts and ranks depend on the others.
    """
    if isinstance(pemda, int):
        pemda = Pemda.objects.get(pk=pemda)
    ensure_year_open(pemda, year, what=_("skor"))  # a closed year's stored scores are final
    rows = observations(pemda, year)
    result = score_pemda(rows, config_for(pemda, year))
    agency_ids = dict(Agency.objects.values_list("code", "pk"))
    per: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for r in result.indicators:
        if r.quarter is not None:
            per[(r.agency, r.quarter)].append({
                "indicator": r.indicator, "target": r.target, "realisation": r.realisation,
                "achievement": r.achievement, "category": r.category, "ytd_target": r.ytd_target,
                "ytd_realisation": r.ytd_realisation, "ytd_achievement": r.ytd_achievement,
                "ytd_category": r.ytd_category, "flags": list(r.flags),
            })
    forecasts: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for f in result.forecasts:
        forecasts[(f.agency, f.as_of_quarter)].append({
            "indicator": f.indicator, "realisation": f.realisation, "achievement": f.achievement,
            "status": f.status})
    now = timezone.now()
    existing = {(s.agency_id, s.quarter): s for s in ScoreSnapshot.objects.filter(year=year)}
    new, changed = [], []
    for a in result.agencies:
        if a.quarter is None:
            continue
        key = (agency_ids[a.agency], a.quarter)
        inds = per.get((a.agency, a.quarter), [])
        fields = {
            "score": a.score, "category": a.category or "", "rank": a.rank, "completeness": a.completeness,
            "awaiting": a.awaiting,
            "indicators": inds, "forecasts": forecasts.get((a.agency, a.quarter), []),
            "flags": sorted({f for i in inds for f in i["flags"]}), "computed_at": now,
        }
        snap = existing.get(key)
        if snap is None:
            new.append(ScoreSnapshot(pemda=pemda, agency_id=key[0], year=year, quarter=a.quarter, **fields))
        else:
            for k, v in fields.items():
                setattr(snap, k, v)
            changed.append(snap)
    ScoreSnapshot.objects.bulk_create(new)
    ScoreSnapshot.objects.bulk_update(changed, ["score", "category", "rank", "completeness", "awaiting", "indicators",
                                                "forecasts", "flags", "computed_at"])
    return len(new) + len(changed)
