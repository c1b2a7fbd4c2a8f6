"""Permission-matrix samples for the agreements routes (see tests/core/test_permission_matrix.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nyata.agreements.actions import new_code
from nyata.agreements.models import Agreement, Ceremony
from nyata.core.tenancy import tenant_scope
from tests.conftest import World


def _agreement(w: World, target: str) -> Agreement:
    key = {"own_agency": "A1", "other_agency": "A2", "other_pemda": "B1"}[target]
    pemda = w.b if key == "B1" else w.a
    with tenant_scope(pemda):
        position = w.positions[key]
        existing = Agreement.objects.filter(position=position, kind="pk", year=2026).first()
        if existing:
            return existing
        return Agreement.objects.create(
            pemda=pemda, kind="pk", year=2026, position=position, agency=position.agency,
            first_party=w.officials[key], verification_code=new_code(), place="Palembang",
            signing_date=dt.date(2026, 1, 21),
        )


def _ceremony(w: World, target: str) -> Ceremony:
    pemda = w.b if target == "other_pemda" else w.a
    with tenant_scope(pemda):
        found = Ceremony.objects.first()
        return found or Ceremony.objects.create(pemda=pemda, name="Acara uji", place="Palembang",
                                                date=dt.date(2026, 1, 21), year=2026)


def _a(w: World, t: str) -> dict[str, Any]:
    return {"pk": _agreement(w, t).pk}


def _c(w: World, t: str) -> dict[str, Any]:
    return {"pk": _ceremony(w, t).pk}


URL_SAMPLES = {
    name: _a for name in (
        "agreement_detail", "agreement_pdf", "agreement_targets", "agreement_lock", "agreement_unlock",
        "agreement_sign", "agreement_amend", "agreement_diff",
    )
} | {name: _c for name in ("ceremony_board", "ceremony_zip", "ceremony_pdf")}

NOT_AGENCY_OWNED = {"ceremony_board", "ceremony_zip", "ceremony_pdf"}

API_SAMPLES = {
    "/agreements/{agreement_id}": lambda w, t: {"agreement_id": _agreement(w, t).pk},
    "/agreements/{agreement_id}/pdf": lambda w, t: {"agreement_id": _agreement(w, t).pk},
    "/agreements/verify/{code}": lambda w, t: {"code": "0000000000"},
}
