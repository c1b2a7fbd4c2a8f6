"""Permission-matrix samples for the products pages and API (see tests/core/test_permission_matrix.py)."""

from __future__ import annotations

from typing import Any

from nyata.core.tenancy import tenant_scope
from tests.conftest import World
from tests.products import factories


def _agency(w: World, t: str) -> Any:
    return {"own_agency": w.a1, "other_agency": w.a2, "other_pemda": w.b1}[t]


def _innovation(w: World, t: str) -> Any:
    with tenant_scope(w.b if t == "other_pemda" else w.a):
        return factories.innovation(_agency(w, t))


def _evidence(w: World, t: str) -> Any:
    inn = _innovation(w, t)
    with tenant_scope(inn.pemda_id):
        return factories.evidence(inn)


def _pending(w: World, t: str) -> Any:
    inn = _innovation(w, t)
    with tenant_scope(inn.pemda_id):
        return factories.response(factories.survey(inn), comment="Bagus")


URL_SAMPLES = {
    "product_detail": lambda w, t: {"pk": _innovation(w, t).pk},
    "product_edit": lambda w, t: {"pk": _innovation(w, t).pk},
    "product_iid": lambda w, t: {"pk": _innovation(w, t).pk},
    "product_evidence_upload": lambda w, t: {"pk": _innovation(w, t).pk},
    "product_evidence_download": lambda w, t: {"pk": _evidence(w, t).pk},
    "product_survey": lambda w, t: {"pk": _innovation(w, t).pk},
    "product_moderate": lambda w, t: {"pk": _pending(w, t).pk},
}

API_SAMPLES = {
    "/products/innovations/{innovation_id}": lambda w, t: {"innovation_id": _innovation(w, t).pk},
    "/products/innovations/{innovation_id}/surveys": lambda w, t: {"innovation_id": _innovation(w, t).pk},
}
