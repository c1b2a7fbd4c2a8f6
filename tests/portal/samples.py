"""Matrix samples for the public portal pages and its public open-data API.

The portal's routes are public (no login): the matrix's oracle expects every role, anonymous
included, to get an answer. The samples point at Pemda A's public objects whatever the
target, since a public page has no "own agency".
"""

from __future__ import annotations

from typing import Any

from nyata.core.tenancy import tenant_scope
from tests.conftest import World
from tests.products import factories


def _product(w: World) -> Any:
    with tenant_scope(w.a):
        return factories.innovation(w.a1)


def _survey(w: World) -> Any:
    p = _product(w)
    with tenant_scope(w.a):
        return factories.survey(p)


URL_SAMPLES = {
    "portal_home": lambda w, t: {"pemda_code": w.a.code},
    "portal_products": lambda w, t: {"pemda_code": w.a.code},
    "portal_product": lambda w, t: {"pemda_code": w.a.code, "pk": _product(w).pk},
    "portal_survey": lambda w, t: {"pemda_code": w.a.code, "pk": _survey(w).pk},
    "portal_open_data": lambda w, t: {"pemda_code": w.a.code},
    "portal_dataset": lambda w, t: {"pemda_code": w.a.code, "name": "produk", "fmt": "csv"},
}

API_SAMPLES = {
    "/portal/{pemda_code}/products": lambda w, t: {"pemda_code": w.a.code},
    "/portal/{pemda_code}/products/{product_id}/surveys":
        lambda w, t: {"pemda_code": w.a.code, "product_id": _product(w).pk},
    "/portal/{pemda_code}/open-data/{dataset}": lambda w, t: {"pemda_code": w.a.code, "dataset": "produk"},
}
