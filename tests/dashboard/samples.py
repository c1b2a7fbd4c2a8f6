"""Permission-matrix samples for the dashboard routes (see tests/core/test_permission_matrix.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nyata.core.tenancy import tenant_scope
from nyata.dashboard.models import Commitment
from tests.conftest import World


def _agency(w: World, t: str) -> Any:
    return {"own_agency": w.a1, "other_agency": w.a2, "other_pemda": w.b1}[t]


def _ai(w: World, t: str) -> dict[str, Any]:
    from tests.reporting.samples import _objects

    return {"pk": _objects(w, t)["ai"].pk}


def _commitment(w: World, t: str) -> dict[str, Any]:
    cache = w.__dict__.setdefault("_dashboard_samples", {})
    if t not in cache:
        agency = _agency(w, t)
        with tenant_scope(agency.pemda):
            cache[t] = Commitment.objects.create(
                pemda=agency.pemda, year=2026, quarter=1, meeting_date=dt.date(2026, 4, 20), agency=agency,
                what="Percepat verifikasi", owner="Kepala", due=dt.date(2026, 6, 30))
    return {"pk": cache[t].pk}


URL_SAMPLES = {
    "dash_agency": lambda w, t: {"pk": _agency(w, t).pk},
    "dash_indicator": _ai,
    "dash_commitment_state": _commitment,
}

API_SAMPLES = {
    "/dashboard/agencies/{agency_id}/scores": lambda w, t: {"agency_id": _agency(w, t).pk},
}

NOT_AGENCY_OWNED: set[str] = set()
