"""Read-side helpers other apps rely on (quarterly reporting reads the signed targets)."""

from __future__ import annotations

from django.db.models import QuerySet

from nyata.agreements.models import Agreement, AgreementIndicator
from nyata.core.models import Agency


def current_agreement(*, agency: Agency, year: int) -> Agreement | None:
    """The agency head's current signed PK for the year (latest version not superseded)."""
    return (
        Agreement.objects.filter(
            kind=Agreement.Kind.PK, year=year, agency=agency, position__is_agency_head=True,
            status=Agreement.Status.SIGNED,
        )
        .order_by("-version", "-pk")
        .first()
    )


def current_signed_indicators(*, agency: Agency, year: int) -> QuerySet[AgreementIndicator]:
    """Indicators of the agency head's current signed PK for the year (empty if none)."""
    agreement = current_agreement(agency=agency, year=year)
    if agreement is None:
        return AgreementIndicator.objects.none()
    return AgreementIndicator.objects.filter(agreement=agreement).select_related("indicator")
