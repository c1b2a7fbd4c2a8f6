"""Deny by default, proven for every URL and API route × role × own/other agency/other Pemda.

Adding a URL without a policy, or with parameters but no sample below, fails here.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from nyata.core.access import SAFE_METHODS, Policy
from nyata.core.models import AGENCY_ROLES
from tests.conftest import World
from tests.core.matrix_samples import API_SAMPLES, NOT_AGENCY_OWNED, URL_SAMPLES
from tests.core.routes import api_operations, page_routes

ROLES = [
    "anonymous", "leader", "perf_admin", "planner", "inspector", "agency_head", "agency_operator", "outsider",
    "platform_operator",
]
TARGETS = ["own_agency", "other_agency", "other_pemda"]

def test_every_page_has_a_policy_and_a_sample() -> None:
    missing = [route for route, p in page_routes() if not hasattr(p.callback, "nyata_policy")]
    assert not missing, f"URLs without an access policy: {missing}"
    no_sample = [p.name for route, p in page_routes() if p.pattern.converters and p.name not in URL_SAMPLES]
    assert not no_sample, f"URLs with parameters but no matrix sample: {no_sample}"


def test_every_api_operation_has_a_policy_and_a_sample() -> None:
    ops = api_operations()
    assert ops, "no API operations found"
    missing = [(path, m) for path, m, f in ops if not hasattr(f, "nyata_policy")]
    assert not missing, f"API operations without an access policy: {missing}"
    no_sample = [path for path, _m, _f in ops if "{" in path and path not in API_SAMPLES]
    assert not no_sample, f"API paths with parameters but no matrix sample: {no_sample}"


def expected(
    pol: Policy, role: str, target: str, method: str, agency_owned: bool, has_object: bool, api_route: bool
) -> set[int]:
    if role == "anonymous":
        return {401} if api_route else {302}
    role_name = "perf_admin" if role == "outsider" else role
    if not pol.allows({role_name}, method):
        return {403}
    if not pol.tenant:
        # The platform's pages and one's own account: no Pemda's objects, so no reach to check.
        return {200, 302, 400, 405} if not api_route else {200, 422}
    if has_object and (role == "outsider") != (target == "other_pemda"):
        return {404}  # the object lives in a Pemda where this user holds no role
    if has_object and agency_owned and target == "other_agency" and pol.agency_limited and role_name in AGENCY_ROLES:
        return {404}
    return {200, 302, 400, 405} if not api_route else {200, 422}


def _shows_content(resp: Any) -> bool:
    """Names only Pemda A's pages could show: its agencies and officials."""
    body = resp.content.decode(errors="replace")
    return any(name in body for name in ("Dinas Satu", "Dinas Dua", "Pejabat A1", "Pejabat A2"))


def _methods(pol: Policy) -> list[str]:
    return ["GET", "POST"] if pol.write else ["GET"]


@pytest.mark.parametrize("route", [r for r, p in page_routes()], ids=lambda r: r or "/")
def test_page_matrix(route: str, world: World) -> None:
    pattern = dict(page_routes())[route]
    pol: Policy = pattern.callback.nyata_policy
    sample = URL_SAMPLES.get(pattern.name)
    if pol.public:
        # Public pages: every visitor, signed in or not, gets an answer, never an error.
        url = reverse(pattern.name, kwargs=(sample(world, "own_agency") if sample else None) or {})
        for role in ROLES:
            client = world.client(None if role == "anonymous" else role)
            assert client.get(url).status_code in {200, 302, 405}, (url, role)
        return
    failures = []
    clients = {role: world.client(None if role == "anonymous" else role) for role in ROLES}
    for target in TARGETS if sample else ["own_agency"]:
        kwargs = sample(world, target) if sample else {}
        if kwargs is None:
            continue
        url = reverse(pattern.name, kwargs=kwargs)
        for role in ROLES:
            for method in _methods(pol):
                want = expected(
                    pol, role, target, method, pattern.name not in NOT_AGENCY_OWNED, bool(sample), api_route=False
                )
                resp = clients[role].get(url) if method == "GET" else clients[role].post(url, {})
                if resp.status_code not in want:
                    failures.append(f"{method} {url} as {role} ({target}): {resp.status_code}, want {sorted(want)}")
                if role == "platform_operator" and pol.tenant and _shows_content(resp):
                    failures.append(f"{method} {url} as platform_operator shows a Pemda's content")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("path,method", [(p, m) for p, m, _ in api_operations()])
def test_api_matrix(path: str, method: str, world: World) -> None:
    func = next(f for p, m, f in api_operations() if p == path and m == method)
    pol: Policy = func.nyata_policy
    sample = API_SAMPLES.get(path)
    if pol.public:
        # Public open-data routes: anonymous callers get an answer, never a server error.
        kwargs = sample(world, "own_agency") if sample else {}
        url = "/api/v1" + path.format(**(kwargs or {}))
        assert world.client(None).generic(method, url).status_code in {200, 404, 422}
        return
    failures = []
    for target in TARGETS if sample else ["own_agency"]:
        kwargs = sample(world, target) if sample else {}
        url = "/api/v1" + path.format(**(kwargs or {}))
        for role in ROLES:
            client = world.client(None if role == "anonymous" else role)
            want = expected(pol, role, target, method, True, bool(sample), api_route=True)
            resp = client.generic(method, url, "{}", content_type="application/json")
            if resp.status_code not in want:
                failures.append(f"{method} {url} as {role} ({target}): {resp.status_code}, want {sorted(want)}")
    assert not failures, "\n".join(failures)


def test_expected_is_not_trivial() -> None:
    """The oracle itself must deny: an operator may not write an admin-only route."""
    pol = Policy(frozenset({"perf_admin"}), frozenset({"perf_admin"}))
    assert expected(pol, "agency_operator", "own_agency", "POST", True, True, False) == {403}
    assert expected(pol, "perf_admin", "other_pemda", "GET", True, True, False) == {404}
    assert {"GET", "HEAD", "OPTIONS"} == SAFE_METHODS


def test_no_route_showing_a_pemdas_content_admits_the_platform_operator() -> None:
    """The declared policies: the matrix above proves each is enforced, with the answer's body checked."""
    admitted = [
        route for route, p in page_routes()
        if p.callback.nyata_policy.tenant and not p.callback.nyata_policy.public
        and any(p.callback.nyata_policy.allows({"platform_operator"}, m) for m in ("GET", "POST"))
    ]
    admitted += [
        path for path, method, f in api_operations()
        if f.nyata_policy.tenant and not f.nyata_policy.public and f.nyata_policy.allows({"platform_operator"}, method)
    ]
    assert admitted == []
