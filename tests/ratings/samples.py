"""Permission-matrix samples for the ratings API (see tests/core/test_permission_matrix.py)."""

from __future__ import annotations

import secrets
from decimal import Decimal as D
from typing import Any

from nyata.agreements.models import Agreement
from nyata.core.tenancy import tenant_scope
from nyata.ratings.models import IndividualRating
from tests.conftest import World

YEAR = 2025


def _rating(w: World, t: str) -> Any:
    code = {"own_agency": "A1", "other_agency": "A2", "other_pemda": "B1"}[t]
    agency = {"own_agency": w.a1, "other_agency": w.a2, "other_pemda": w.b1}[t]
    pemda = w.b if t == "other_pemda" else w.a
    with tenant_scope(pemda):
        position, official = w.positions[code], w.officials[code]
        agr = Agreement.objects.create(pemda=pemda, kind="pk", year=YEAR, position=position, agency=agency,
                                       first_party=official, status="signed",
                                       verification_code=secrets.token_hex(5).upper())
        return IndividualRating.objects.create(
            pemda=pemda, official=official, position=position, agency=agency, year=YEAR, agreement=agr,
            achievement=D("95"), proposed_work="meeting", work="meeting", behaviour="meeting", predicate="baik")


API_SAMPLES = {
    "/ratings/individual/{rating_id}": lambda w, t: {"rating_id": _rating(w, t).pk},
}
