"""The URL and API samples of every app for the access tests (permission matrix, may_open).

A builder takes the world and a target ("own_agency", "other_agency", "other_pemda") and returns
the route's URL kwargs (None: the target is not meaningful for this route).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.agreements import samples as agreements_samples
from tests.conftest import World
from tests.core import samples as core_samples
from tests.dashboard import samples as dashboard_samples
from tests.lkjip import samples as lkjip_samples
from tests.onboarding import samples as onboarding_samples
from tests.planning import samples as planning_samples
from tests.portal import samples as portal_samples
from tests.products import samples as products_samples
from tests.projects import samples as projects_samples
from tests.ratings import samples as ratings_samples
from tests.reporting import samples as reporting_samples

# name -> builder(world, target) -> URL kwargs (None: target not meaningful for this route)
Sample = Callable[[World, str], dict[str, Any] | None]


def _agency(w: World, t: str) -> Any:
    return {"own_agency": w.a1, "other_agency": w.a2, "other_pemda": w.b1}[t]


def _position(w: World, t: str) -> Any:
    return {"own_agency": w.positions["A1"], "other_agency": w.positions["A2"], "other_pemda": w.positions["B1"]}[t]


def _official(w: World, t: str) -> Any:
    return {"own_agency": w.officials["A1"], "other_agency": w.officials["A2"], "other_pemda": w.officials["B1"]}[t]


URL_SAMPLES: dict[str, Sample] = {
    "agency_detail": lambda w, t: {"pk": _agency(w, t).pk},
    "agency_edit": lambda w, t: {"pk": _agency(w, t).pk},
    "position_edit": lambda w, t: {"pk": _position(w, t).pk},
    "official_edit": lambda w, t: {"pk": _official(w, t).pk},
    "object_history": lambda w, t: {"label": "core.agency", "pk": _agency(w, t).pk},
}
# Routes whose objects belong to the Pemda as a whole, not to one agency.
NOT_AGENCY_OWNED = {"official_edit"}

API_SAMPLES: dict[str, Sample] = {
    "/agencies/{agency_id}": lambda w, t: {"agency_id": _agency(w, t).pk},
}

# Each app contributes its samples in tests/<app>/samples.py (URL_SAMPLES, API_SAMPLES,
# NOT_AGENCY_OWNED), so one matrix covers every route of every app; a new app adds its module here.
for _mod in (core_samples, planning_samples, agreements_samples, reporting_samples, dashboard_samples,
             projects_samples, products_samples, portal_samples, onboarding_samples, ratings_samples,
             lkjip_samples):
    URL_SAMPLES.update(getattr(_mod, "URL_SAMPLES", {}))
    API_SAMPLES.update(getattr(_mod, "API_SAMPLES", {}))
    NOT_AGENCY_OWNED |= set(getattr(_mod, "NOT_AGENCY_OWNED", set()))
