"""The main navigation: each role's own places first, the rest behind "Lainnya", nothing a user cannot open.

A link is shown only when the route's own policy (`nyata.core.access.policy`) lets the user's
roles read it, so the menu cannot drift from the permissions: the policy is read from the
resolved view, not restated here. What is decided here is only the order: the few places
each role works in come first (`FIRST`), every other reachable place follows under "Lainnya".

It lives beside `nyata/urls.py` because, like it, it names every app's routes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import resolve, reverse
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from nyata.core.access import Policy
from nyata.core.roles import AGENCY_ROLES, Role
from nyata.core.typealiases import TemplateContext


@dataclass(frozen=True)
class Place:
    name: str  # the URL name
    label: str | Promise
    # The label for a user whose roles are all agency roles (they see their own agency only).
    agency_label: str | Promise | None = None


# Every place the menu can offer, in the order of "Lainnya".
PLACES: tuple[Place, ...] = (
    Place("platform_home", _("Platform")),
    Place("setup_checklist", _("Persiapan")),
    Place("dash_home", _("Dasbor")),
    Place("dash_commitments", _("Rapat")),
    Place("report_inbox", _("Tugas Saya")),
    Place("report_verify_queue", _("Verifikasi")),
    Place("report_board", _("Papan Laporan")),
    Place("report_actions", _("Tindakan Perbaikan")),
    Place("agreement_list", _("Perjanjian Kinerja")),
    Place("agreement_inbox", _("Tanda Tangan Saya")),
    Place("plan_home", _("Rencana")),
    Place("plan_tree", _("Pohon Kinerja")),
    Place("plan_quality", _("Mutu Target")),
    Place("project_list", _("Proyek")),
    Place("project_organs", _("Organ")),
    Place("product_list", _("Produk Unggulan")),
    Place("agency_list", _("Perangkat Daerah"), _("Perangkat Daerah Saya")),
    Place("position_list", _("Jabatan")),
    Place("official_list", _("Pejabat")),
    Place("fiscal_year_list", _("Periode")),
    Place("membership_list", _("Pengguna")),
    Place("organisation_import", _("Impor")),
    Place("security_event_list", _("Keamanan")),
)

# The few places each role works in, in the order it works in them.
FIRST: dict[str, tuple[str, ...]] = {
    Role.LEADER: ("dash_home", "dash_commitments", "agreement_inbox", "report_board"),
    Role.PERF_ADMIN: ("setup_checklist", "agency_list", "agreement_list", "membership_list", "report_board"),
    Role.PLANNER: ("plan_home", "plan_tree", "plan_quality", "project_list"),
    Role.INSPECTOR: ("report_verify_queue", "report_board", "report_actions"),
    Role.AGENCY_HEAD: ("report_inbox", "agreement_inbox", "dash_home"),
    Role.AGENCY_OPERATOR: ("report_inbox", "agreement_list", "product_list"),
    Role.PLATFORM_OPERATOR: ("platform_home",),
}


@dataclass(frozen=True)
class Link:
    url: str
    label: str | Promise


@dataclass(frozen=True)
class Nav:
    first: list[Link]
    more: list[Link]


@functools.cache
def _route(name: str) -> tuple[str, Policy]:
    url = reverse(name)
    pol: Policy = resolve(url).func.nyata_policy  # type: ignore[attr-defined]  # set by @policy
    return url, pol


def can_open(name: str, roles: frozenset[str], has_pemda: bool) -> bool:
    """Whether a user with these roles (and an active Pemda or not) may GET the route."""
    _url, pol = _route(name)
    if pol.public:
        return True
    if pol.tenant and not has_pemda:
        return False
    return pol.allows(roles, "GET")


def nav_for(roles: frozenset[str], has_pemda: bool) -> Nav:
    agency_only = bool(roles) and roles <= AGENCY_ROLES
    by_name = {p.name: p for p in PLACES}

    def link(name: str) -> Link:
        place = by_name[name]
        label = place.agency_label if agency_only and place.agency_label else place.label
        return Link(_route(name)[0], label)

    reachable = [p.name for p in PLACES if can_open(p.name, roles, has_pemda)]
    first: list[str] = []
    for role in Role:
        for name in FIRST.get(role, ()) if role in roles else ():
            if name in reachable and name not in first:
                first.append(name)
    more = [n for n in reachable if n not in first]
    return Nav([link(n) for n in first], [link(n) for n in more])


def navigation(request: HttpRequest) -> TemplateContext:
    """Context processor: `nav`, computed only when a template reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": None}
    roles: frozenset[str] = getattr(request, "roles", frozenset())
    has_pemda = getattr(request, "pemda", None) is not None
    return {"nav": SimpleLazyObject(lambda: nav_for(roles, has_pemda))}
