"""One page of every kind, for the phone and accessibility checks, taken from the walk.

The walk (tests/e2e/walk.py) visits the served demo as every account; from its Indonesian
walk this picks one page of each kind it reached (the path with its numbers as N) that
answered 200, preferring an account whose role may write there, and each role's home page.
The public verification page is added as a QR scan opens it, with the code of a signed PK, and
the pages no link in the walk leads to are added from the server's own data (`_unlinked`):
the set-password page an invitation e-mail opens, the sign-in code page (as a visitor who has
given a password), the page after a password change, and the
pages linked only from objects in some states (a PK being drafted, an amended PK, an accepted
value). The same URLs are then opened in both languages.

Logging in costs a POST against the login form's per-address limit, so each account logs in
once per test session here, and the phone and axe tests share those cookies.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import lxml.html
import requests
from django.urls import Resolver404, resolve

from tests.e2e.fixtures import DEMO_PASSWORD, SERVER_ENV
from tests.e2e.walk import ACCOUNTS, ANONYMOUS, Walk, kind_of, login, walk_demo

VERIFY = "/perjanjian/verifikasi/"
# Each demo account's role. A page kind is checked once, as an account whose role may write on
# it when one reached it (a planner's indicator page has the forms a leader's has not), and
# every role's home page (its menu and home differ by role).
ROLE = {
    "gubernur": "leader",
    "admin": "perf_admin",
    "bappeda": "planner",
    "inspektur": "inspector",
    "kadinkes": "agency_head",
    "operator.dinkes": "agency_operator",
    "operator.pubmtr": "agency_operator",
    "admin.banyuasin": "perf_admin",
    "operator.banyuasin": "agency_operator",
    "platform": "platform_operator",
    ANONYMOUS: ANONYMOUS,
}


@dataclass(frozen=True)
class Page:
    name: str  # a file name for the page kind: "laporan-realisasi-N", "home-inspector"
    url: str


def _name(kind: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", kind).strip("-") or "home"


_lock = threading.Lock()
_samples: dict[str, dict[str, list[Page]]] = {}
_cookies: dict[tuple[str, str], list[dict[str, Any]]] = {}


def sample(base: str) -> dict[str, list[Page]]:
    """account → the pages it opens for the check: every kind the walk reached, once."""
    with _lock:
        if base not in _samples:
            _samples[base] = _pick(walk_demo(base), base)
        return _samples[base]


def _writers(url: str) -> frozenset[str]:
    """The roles that may write on the page's route (they see its forms and buttons)."""
    try:
        view = resolve(urlsplit(url).path).func
    except Resolver404:
        return frozenset()
    pol = getattr(view, "nyata_policy", None)
    return pol.write if pol is not None else frozenset()


def _pick(walks: dict[tuple[str, str], Walk], base: str) -> dict[str, list[Page]]:
    candidates: dict[str, list[tuple[str, str]]] = {}  # kind → (account, url), in the walk's order
    for account in ACCOUNTS:
        for v in walks[(account, "id")].visits:
            if v.status == 200 and v.html and account not in {a for a, _u in candidates.get(v.kind, [])}:
                candidates.setdefault(v.kind, []).append((account, v.url))
    out: dict[str, list[Page]] = {account: [] for account in ACCOUNTS}
    homes = set()
    for kind, seen in candidates.items():
        if kind == "/":  # each role's home and menu differ: one home per role
            for account, url in seen:
                if ROLE[account] not in homes:
                    homes.add(ROLE[account])
                    out[account].append(Page(f"home-{ROLE[account]}", url))
            continue
        writers = _writers(seen[0][1])
        account, url = next(((a, u) for a, u in seen if ROLE[a] in writers), seen[0])
        out[account].append(Page(_name(kind), url))
    code = _signed_code(walks, base)
    if code:
        out[ANONYMOUS].append(Page("perjanjian-verifikasi-kode", f"{VERIFY}?kode={code}"))
    reached = set(candidates)
    out[PENDING] = [Page("masuk-kode", "/masuk/kode/")]
    for account, name, url in _unlinked(base):
        if kind_of(url) not in reached:
            out[account].append(Page(name, url))
    return out


# Run inside the server's environment (its database), after the walk: the URLs of pages that no
# link the walk follows leads to. Printed as JSON: [[account, name, url], ...].
_UNLINKED_SCRIPT = """
import json
from django.urls import reverse
from nyata.agreements.models import Agreement
from nyata.core.models import Pemda
from nyata.core.tenancy import tenant_scope
from nyata.reporting.models import Realisation, Status
out = [["bappeda", "sandi-selesai", reverse("password_change_done")]]
with tenant_scope(Pemda.objects.get(code="16")):
    draft = Agreement.objects.filter(status=Agreement.Status.DRAFT).order_by("pk").first()
    amended = Agreement.objects.filter(supersedes__isnull=False).order_by("pk").first()
    accepted = Realisation.objects.filter(status=Status.ACCEPTED).order_by("pk").first()
    for name, obj, route in [("perjanjian-N-target", draft, "agreement_targets"),
                             ("perjanjian-N-banding", amended, "agreement_diff"),
                             ("laporan-realisasi-N-buka", accepted, "report_reopen")]:
        if obj is None:
            raise SystemExit(f"the demo has no object for {route}")
        out.append(["admin", name, reverse(route, args=[obj.pk])])
print(json.dumps(out))
"""


def _nyata(base: str, *args: str) -> str:
    env = SERVER_ENV[base]
    done = subprocess.run([sys.executable, "-m", "nyata", *args], env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, f"nyata {args[0]} failed: {done.stderr[-2000:]}"
    return done.stdout


def _unlinked(base: str) -> list[tuple[str, str, str]]:
    """(account, name, url) of the pages only reached from outside the product or from some states."""
    printed = _nyata(base, "shell", "-c", _UNLINKED_SCRIPT).strip().splitlines()[-1]
    pages = [(a, n, u) for a, n, u in json.loads(printed)]
    # An invitation: the set-password page its e-mailed link opens (a fresh platform operator's).
    printed = _nyata(base, "operator", "create", "--username", "undangan.e2e", "--email", "undangan.e2e@example.org")
    link = next(line.strip() for line in printed.splitlines() if "/sandi/atur/" in line)
    pages.append((ANONYMOUS, "sandi-atur-N", urlsplit(link).path))
    return pages


def _signed_code(walks: dict[tuple[str, str], Walk], base: str) -> str | None:
    """The verification code printed on a signed PK (what its QR code carries)."""
    session = requests.Session()
    for c in cookies(base, "admin", locked=True):
        session.cookies.set(c["name"], c["value"])
    for v in walks[("admin", "id")].visits:
        if v.status == 200 and re.fullmatch(r"/perjanjian/\d+/", urlsplit(v.url).path):
            doc = lxml.html.fromstring(session.get(base + v.url, timeout=60).text)
            if doc.xpath("//*[@data-status='signed']"):
                return str(doc.xpath("string(//*[@data-testid='verification-code'])")).strip() or None
    return None


# A visitor between the two sign-in steps (password given, code not yet): the only way to the
# code page. Its cookies are fresh each time, since a pending sign-in expires within minutes.
PENDING = "inspektur, menunggu kode"


def _password_only(base: str, username: str) -> list[dict[str, Any]]:
    s = requests.Session()
    s.get(base + "/masuk/", timeout=30)
    r = s.post(base + "/masuk/", data={"username": username, "password": DEMO_PASSWORD, "next": "/",
                                       "csrfmiddlewaretoken": s.cookies.get("csrftoken") or ""},
               headers={"Referer": base + "/masuk/"}, allow_redirects=False, timeout=30)
    assert r.status_code == 302 and r.headers["Location"].startswith("/masuk/kode/"), (username, r.status_code)
    host = urlsplit(base).hostname or ""
    return [{"name": c.name, "value": c.value or "", "domain": host, "path": "/"} for c in s.cookies]


def cookies(base: str, account: str, locked: bool = False) -> list[dict[str, Any]]:
    """The session cookies of `account` (logged in once per test session), for a browser context."""
    if account == PENDING:
        return _password_only(base, "inspektur")
    if not locked:
        with _lock:
            return cookies(base, account, locked=True)
    key = (account, base)
    if key not in _cookies:
        host = urlsplit(base).hostname or ""
        jar = login(base, account).cookies
        _cookies[key] = [{"name": c.name, "value": c.value or "", "domain": host, "path": "/"} for c in jar]
    return _cookies[key]


def bounced(account: str, asked: str, landed: str) -> bool:
    """A signed-in account (or one between the sign-in steps) sent to a sign-in page it did not ask for."""
    path = urlsplit(landed).path
    return account != ANONYMOUS and path.startswith("/masuk/") and path != urlsplit(asked).path


def open_context(browser: Any, base: str, account: str, **options: Any) -> Any:
    context = browser.new_context(base_url=base, **options)
    context.add_cookies(cookies(base, account))
    return context


def set_language(context: Any, base: str, language: str) -> None:
    host = urlsplit(base).hostname or ""
    context.add_cookies([{"name": "django_language", "value": language, "domain": host, "path": "/"}])
