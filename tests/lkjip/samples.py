"""Permission-matrix samples of the lkjip app."""

from __future__ import annotations

from typing import Any

from nyata.core import actions
from nyata.core.models import FiscalYear
from nyata.core.tenancy import tenant_scope
from tests.conftest import World


def _year(w: World, t: str) -> dict[str, Any]:
    # A fiscal year is Pemda-wide: 2026 exists only in Pemda A, 2031 only in Pemda B.
    pemda, year = (w.b, 2031) if t == "other_pemda" else (w.a, 2026)
    with tenant_scope(pemda):
        if not FiscalYear.objects.filter(year=year).exists():
            actions.fiscal_year_create(actor=None, pemda=pemda, year=year)
    return {"year": year}


URL_SAMPLES = {"year_closing": _year}
NOT_AGENCY_OWNED = {"year_closing"}
