"""Every route's declared policy is the one the hand-written specification gives it."""

from __future__ import annotations

from nyata.core.access import Policy
from tests.core.permission_spec import AGENCY, API, LETTERS, PAGES, PEMDA, PUBLIC
from tests.core.routes import api_operations, page_routes


def _declared(pol: Policy) -> tuple[str, str, str] | str:
    if pol.public:
        return PUBLIC
    order = "LAPIHOX"

    def letters(roles: frozenset[str]) -> str:
        return "".join(c for c in order if LETTERS[c] in roles) or "-"

    return letters(pol.read), letters(pol.write), AGENCY if pol.agency_limited else PEMDA


def test_every_page_matches_the_specification() -> None:
    declared = {p.name: _declared(p.callback.nyata_policy) for _route, p in page_routes()}
    assert set(declared) == set(PAGES), "add the new page to tests/core/permission_spec.py (or drop the gone one)"
    wrong = {name: (got, PAGES[name]) for name, got in declared.items() if got != PAGES[name]}
    assert wrong == {}, "declared policy ≠ specification: " + repr(wrong)


def test_every_api_route_matches_the_specification() -> None:
    declared = {f"{m} {path}": _declared(f.nyata_policy) for path, m, f in api_operations()}
    assert set(declared) == set(API), "add the new API route to tests/core/permission_spec.py"
    wrong = {key: (got, API[key]) for key, got in declared.items() if got != API[key]}
    assert wrong == {}, "declared policy ≠ specification: " + repr(wrong)


def test_the_specification_uses_only_known_roles() -> None:
    for entry in [*PAGES.values(), *API.values()]:
        if isinstance(entry, str):
            assert entry == PUBLIC
            continue
        read, write, _reach = entry
        assert set(read.replace("-", "")) <= set(LETTERS) and set(write.replace("-", "")) <= set(LETTERS)
        # a writer always reads: no route lets a role write what it cannot see
        assert set(write.replace("-", "")) <= set(read.replace("-", "")), entry
