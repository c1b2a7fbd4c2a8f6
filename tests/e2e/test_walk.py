"""The walk as a test: every demo account, and an anonymous visitor, in both languages.

The walk runs once per session against the shared demo server (`walk_demo`); each test
below reads one kind of problem from it, so a failure names what is wrong and where.
A summary (pages per account, page kinds, time) is written to test-artifacts/walk.txt.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from tests.e2e.fixtures import ARTIFACTS
from tests.e2e.walk import ACCOUNTS, LANGUAGES, MAX_PAGES, Walk, walk_demo

pytestmark = pytest.mark.browser

# Routes no walk reaches, each with the reason. A route missing from the walk and from this
# list fails the suite, and so does a route listed here that the walk does reach.
# The platform operator's world is small: the Pemda it hosts, their usage, its own account.
MIN_PAGES = {"platform": 5}

UNREACHED = {
    # Not pages: forms post to them, or they end the session.
    "logout": "POST only; ends the session",
    "set_language": "POST only (the language form)",
    "portal_language": "changes the language cookie; the walk sets the language itself",
    "pemda_switch": "POST only",
    "dash_commitment_state": "POST only",
    "report_budget_save": "POST only",
    "report_row_save": "POST only",
    "report_evidence_add": "POST only",
    "report_verify": "POST only",
    "agreement_lock": "POST only",
    "agreement_unlock": "POST only",
    "agreement_amend": "POST only",
    "agreement_sign": "POST only",
    "product_moderate": "POST only",
    "project_plan_finalise": "POST only",
    "plan_period_revise": "POST only",
    "user_totp_reset": "POST only (shown only while a user is held)",
    "audit_anchor": "POST only (the button on the security events page)",
    # Pages reached by a link outside the product, or only in states the demo's first pages are not in.
    "password_set": "reached from an e-mailed link with a one-time token",
    "password_change_done": "reached only after a password change (a POST)",
    "login_code": "the sign-in's second step, only for a session whose password has just passed (the login helpers)",
}

# Linked only from objects in some states: whether the three pages walked per kind include one
# depends on the demo's data and the database's order of equal rows, so reaching them is neither
# required nor refused. Each is opened by its own tests, and the phone and axe checks open each
# page among them (tests/e2e/sample.py finds one in the demo's data).
STATE_DEPENDENT = {
    "agreement_targets": "linked only from a PK being drafted; the PK pages walked are usually signed",
    "agreement_diff": "linked only from an amended PK",
    "product_evidence_download": "linked only from a product with uploaded evidence",
    "report_reopen": "linked only from an accepted value, for a performance admin",
}


@pytest.fixture(scope="module")
def walks(demo_server: str) -> dict[tuple[str, str], Walk]:
    results = walk_demo(demo_server)
    _write_summary(results)
    return results


def _route_names(resolver: URLResolver, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("api/"):  # the API has its own schema test
                continue
            out.update(_route_names(p, prefix + str(p.pattern)))
        elif isinstance(p, URLPattern) and p.name:
            out[p.name] = prefix + str(p.pattern)
    return out


def _reached(results: dict[tuple[str, str], Walk]) -> dict[str, set[str]]:
    reached: dict[str, set[str]] = {}
    for (account, _lang), w in results.items():
        for v in w.visits:
            try:
                name = resolve(urlsplit(v.url).path).url_name or v.url
            except Resolver404:
                name = v.url
            reached.setdefault(name, set()).add(account)
    return reached


def _write_summary(results: dict[tuple[str, str], Walk]) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    lines = [f"{'account':20} lang pages kinds problems seconds"]
    for (account, lang), w in results.items():
        lines.append(f"{account:20} {lang:4} {len(w.visits):5} {len(w.kinds):5} {len(w.problems):8} {w.seconds:7.1f}")
    total = sum(w.seconds for w in results.values())
    lines.append(f"total pages {sum(len(w.visits) for w in results.values())}, walk time (sum) {total:.0f} s")
    routes = _route_names(get_resolver())
    reached = _reached(results)
    lines.append(f"routes reached: {len(set(routes) & set(reached))} of {len(routes)}")
    for name in sorted(set(routes) & set(reached)):
        lines.append(f"  {name:32} {routes[name]:50} {', '.join(sorted(reached[name]))}")
    lines.append("routes not reached:")
    reasons = {**STATE_DEPENDENT, **UNREACHED}
    lines += [f"  {name:32} {reasons.get(name, 'NOT LISTED')}" for name in sorted(set(routes) - set(reached))]
    lines.append("problems:")
    lines += [p for w in results.values() for p in w.problems]
    (ARTIFACTS / "walk.txt").write_text("\n".join(lines) + "\n")


def _problems(results: dict[tuple[str, str], Walk], keep: Callable[[str], bool]) -> list[str]:
    return [p for w in results.values() for p in w.problems if keep(p)]


def test_every_account_walks_in_both_languages(walks: dict[tuple[str, str], Walk]) -> None:
    assert set(walks) == {(a, lang) for a in ACCOUNTS for lang in LANGUAGES}
    for (account, lang), w in walks.items():
        assert MIN_PAGES.get(account, 20) <= len(w.visits) <= MAX_PAGES, (account, lang, len(w.visits))
        assert w.visits[0].status == 200, (account, lang, w.visits[0])
    # Both languages walk the same site: the same pages, whatever the words on them.
    for account in ACCOUNTS:
        assert [v.url for v in walks[(account, "id")].visits] == [v.url for v in walks[(account, "en")].visits]


def test_every_route_is_reached_or_listed_with_its_reason(walks: dict[tuple[str, str], Walk]) -> None:
    routes = set(_route_names(get_resolver()))
    reached = set(_reached(walks))
    listed = set(UNREACHED) | set(STATE_DEPENDENT)
    assert sorted(routes - reached - listed) == [], "routes the walk misses (reach them or list why)"
    assert sorted(set(UNREACHED) & reached) == [], "listed as unreached, yet reached: drop them from UNREACHED"
    assert sorted(listed - routes) == [], "listed routes that no longer exist"


def test_no_page_fails(walks: dict[tuple[str, str], Walk]) -> None:
    assert _problems(walks, lambda p: p.endswith((": 500", ": 502", ": 503", ": 504"))) == []


def test_no_link_leads_to_a_page_its_reader_cannot_open(walks: dict[tuple[str, str], Walk]) -> None:
    assert _problems(walks, lambda p: "a link this user cannot open" in p) == []


def test_no_raw_code_is_shown(walks: dict[tuple[str, str], Walk]) -> None:
    assert _problems(walks, lambda p: "raw codes:" in p) == []


def test_no_year_has_a_thousands_separator(walks: dict[tuple[str, str], Walk]) -> None:
    assert _problems(walks, lambda p: "years with a thousands separator" in p) == []


def test_english_pages_speak_english(walks: dict[tuple[str, str], Walk]) -> None:
    assert _problems(walks, lambda p: "Indonesian UI words on an English page" in p) == []


def test_numbers_follow_the_page_language(walks: dict[tuple[str, str], Walk]) -> None:
    assert _problems(walks, lambda p: "number formats on" in p) == []
