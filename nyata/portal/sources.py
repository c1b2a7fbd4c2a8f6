"""What the portal reads from the other apps: one public read function per app.

The portal publishes only *final* facts: verified realisations, signed agreements, reported
project progress. Rather than reaching into the apps' models, it calls each app's `public`
module:

    nyata.planning.public.headline_indicators(pemda, year) -> iterable of dict
        keys: code, name, unit, target, target_max (or None), realisation, achievement, status
    nyata.reporting.public.verified_results(pemda, year) -> iterable of dict
        keys: agency_code, agency_name, indicator, unit, period, target, realisation,
              achievement, status
    nyata.projects.public.project_progress(pemda) -> iterable of dict
        keys: name, agency_name, location, planned_percent, actual_percent, status
    nyata.agreements.public.signed_agreements(pemda, year) -> iterable of dict
        keys: agency_name, position, signed_on, verification_code, status

Plain imports: renaming one of these functions breaks loudly, never empties the portal.
Whatever the provider returns, the portal keeps only rows whose status is final
("verified" for results and indicators, "signed" for agreements), so a provider bug cannot
leak a draft or a returned report onto the public site.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from nyata.agreements import public as agreements_public
from nyata.core.models import Pemda
from nyata.planning import public as planning_public
from nyata.projects import public as projects_public
from nyata.reporting import public as reporting_public

FINAL_RESULT = "verified"
FINAL_AGREEMENT = "signed"


@dataclass(frozen=True)
class HeadlineIndicator:
    code: str
    name: str
    unit: str
    target: Decimal | None
    target_max: Decimal | None
    realisation: Decimal | None
    achievement: Decimal | None


@dataclass(frozen=True)
class AgencyResult:
    agency_code: str
    agency_name: str
    indicator: str
    unit: str
    period: str
    target: Decimal | None
    realisation: Decimal | None
    achievement: Decimal | None


@dataclass(frozen=True)
class ProjectProgress:
    name: str
    agency_name: str
    location: str
    planned_percent: Decimal | None
    actual_percent: Decimal | None


@dataclass(frozen=True)
class SignedAgreement:
    agency_name: str
    position: str
    signed_on: str
    verification_code: str


def _dec(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def headline_indicators(pemda: Pemda, year: int) -> list[HeadlineIndicator]:
    return [
        HeadlineIndicator(str(r["code"]), str(r["name"]), str(r.get("unit", "")), _dec(r.get("target")),
                          _dec(r.get("target_max")), _dec(r.get("realisation")), _dec(r.get("achievement")))
        for r in planning_public.headline_indicators(pemda, year)
        if r.get("status") == FINAL_RESULT
    ]


def verified_results(pemda: Pemda, year: int) -> list[AgencyResult]:
    return [
        AgencyResult(str(r["agency_code"]), str(r["agency_name"]), str(r["indicator"]),
                     str(r.get("unit", "")), str(r.get("period", "")), _dec(r.get("target")),
                     _dec(r.get("realisation")), _dec(r.get("achievement")))
        for r in reporting_public.verified_results(pemda, year)
        if r.get("status") == FINAL_RESULT
    ]


def project_progress(pemda: Pemda) -> list[ProjectProgress]:
    return [
        ProjectProgress(str(r["name"]), str(r.get("agency_name", "")), str(r.get("location", "")),
                        _dec(r.get("planned_percent")), _dec(r.get("actual_percent")))
        for r in projects_public.project_progress(pemda)
    ]


def signed_agreements(pemda: Pemda, year: int) -> list[SignedAgreement]:
    return [
        SignedAgreement(str(r["agency_name"]), str(r.get("position", "")), str(r.get("signed_on", "")),
                        str(r["verification_code"]))
        for r in agreements_public.signed_agreements(pemda, year)
        if r.get("status") == FINAL_AGREEMENT and r.get("verification_code")
    ]
