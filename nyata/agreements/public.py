"""What the public portal may show of agreements: signed ones, names and positions only (no NIP)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import formats

from nyata.agreements.models import Agreement
from nyata.core.models import Pemda
from nyata.core.typealiases import JSONObject


def signed_agreements(pemda: Pemda, year: int) -> Iterator[JSONObject]:
    rows = (
        Agreement.objects.filter(year=year, status=Agreement.Status.SIGNED)
        .select_related("agency", "position")
        .order_by("agency__code", "kind")
    )
    for a in rows:
        yield {
            "agency_name": str(a.agency) if a.agency_id else str(pemda),
            "position": f"{a.position} ({a.get_kind_display()})",
            "signed_on": formats.date_format(a.signed_at.date()) if a.signed_at else "",
            "verification_code": a.verification_code,
            "status": "signed",
        }
