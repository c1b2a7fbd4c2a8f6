"""Permission-matrix samples for the reporting routes (see tests/core/test_permission_matrix.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from nyata.core.tenancy import tenant_scope
from nyata.reporting.models import Evidence, Realisation, SelfCritique
from tests.conftest import World

MATRIX_FILE = "evidence/matrix-sample"


def _objects(w: World, t: str) -> dict[str, Any]:
    cache = w.__dict__.setdefault("_reporting_samples", {})
    if t in cache:
        return cache[t]
    from tests.reporting.factories import PDF, signed_pk

    agency = {"own_agency": w.a1, "other_agency": w.a2, "other_pemda": w.b1}[t]
    pk = signed_pk(w, agency)
    with tenant_scope(agency.pemda):
        ai = pk.indicators["I1"]
        r = Realisation.objects.create(pemda=agency.pemda, agency=agency, agreement_indicator=ai,
                                       quarter=pk.q1, value=Decimal("90"), version=1)
        if not default_storage.exists(MATRIX_FILE):
            default_storage.save(MATRIX_FILE, ContentFile(PDF))
        ev = Evidence.objects.create(pemda=agency.pemda, realisation=r, agency=agency, file=MATRIX_FILE,
                                     original_name="bukti.pdf", kind="pdf", size=len(PDF), sha256="0" * 64)
        sc = SelfCritique.objects.create(pemda=agency.pemda, agency=agency, quarter=pk.q1, summary="uji")
    cache[t] = {"agency": agency, "quarter": pk.q1, "ai": ai, "r": r, "ev": ev, "sc": sc}
    return cache[t]


def _aq(w: World, t: str) -> dict[str, Any]:
    o = _objects(w, t)
    return {"agency_id": o["agency"].pk, "quarter_id": o["quarter"].pk}


def _r(w: World, t: str) -> dict[str, Any]:
    return {"pk": _objects(w, t)["r"].pk}


URL_SAMPLES = {
    "report_entry": _aq,
    "report_budget_save": _aq,
    "report_submit": _aq,
    "report_self_critique": _aq,
    "report_xlsx_download": _aq,
    "report_xlsx_upload": _aq,
    "report_row_save": lambda w, t: {**_aq(w, t), "ai_id": _objects(w, t)["ai"].pk},
    "report_realisation": _r,
    "report_evidence_add": _r,
    "report_verify": _r,
    "report_reopen": _r,
    "report_history": _r,
    "report_evidence_download": lambda w, t: {"pk": _objects(w, t)["ev"].pk},
}

API_SAMPLES = {
    "/reporting/realisations/{realisation_id}": lambda w, t: {"realisation_id": _objects(w, t)["r"].pk},
    "/reporting/realisations/{realisation_id}/verify": lambda w, t: {"realisation_id": _objects(w, t)["r"].pk},
    "/reporting/agencies/{agency_id}/quarters/{quarter_id}/realisations": _aq,
    "/reporting/agencies/{agency_id}/quarters/{quarter_id}/submit": _aq,
    "/reporting/self-critiques/{critique_id}": lambda w, t: {"critique_id": _objects(w, t)["sc"].pk},
}

NOT_AGENCY_OWNED: set[str] = set()
