"""End-to-end fixtures: the demo served by a real `nyata serve`, driven by Debian's Chromium.

Registered once for the whole suite by tests/conftest.py (one server, one browser).

The server runs in its own process on its own database (a fresh SQLite file, or a
fresh PostgreSQL database when DATABASE_URL points at PostgreSQL), loaded by
`nyata demo`, exactly as a newcomer would run it. Without Chromium the browser
tests are skipped, loudly; with NYATA_REQUIRE_BROWSER=1 (CI) they fail instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("NYATA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEMO_PASSWORD = "Nyata-Demo-2026!"
_skipped: list[str] = []
# base URL → the environment its server runs with, so a test can run `nyata …` against its data.
SERVER_ENV: dict[str, dict[str, str]] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_database(url: str, name: str, create: bool) -> str:
    import psycopg

    base = url.rsplit("/", 1)[0]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("e2e-data")
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    # Every account of every browser test signs in from 127.0.0.1: the per-address sign-in limit
    # (30 per 10 minutes) is for offices, not for one machine playing all the users.
    env.update(NYATA_DATA_DIR=str(data), NYATA_DEMO="1", PYTHONUNBUFFERED="1", NYATA_LOGIN_RATE_LIMIT="1000")
    pg_url = os.environ.get("DATABASE_URL", "")
    # Named after the suite's own database, so two checkouts testing at once never share one.
    e2e_db = pg_url.rsplit("/", 1)[-1].split("?")[0] + "_e2e"
    if pg_url.startswith("postgres"):
        env["DATABASE_URL"] = _pg_database(pg_url, e2e_db, create=True)
    else:
        env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "nyata", "demo", "--no-serve"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=1200,  # a busy machine needs longer than a CI runner
    )
    port = _free_port()
    log = (data / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "nyata", "serve", "--addr", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # a loaded machine can take a minute to start the server
            try:
                urllib.request.urlopen(base + "/masuk/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"the demo server did not start; see {data / 'server.log'}")
        SERVER_ENV[base] = env
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
        if pg_url.startswith("postgres"):
            _pg_database(pg_url, e2e_db, create=False)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: browser tests NOT RUN (apt-get install chromium)"
        if os.environ.get("NYATA_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        _skipped.append(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, demo_server: str) -> Iterator[Any]:
    context = browser.new_context(base_url=demo_server, viewport={"width": 1280, "height": 900}, locale="id-ID")
    pg = context.new_page()
    yield pg
    context.close()


def shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# --- signing in as a demo account -------------------------------------------------------------
# The performance admins, inspectors and the platform operator type a code after the password
# (nyata/core/signin.py), from the demo's authenticator (its key: nyata/agreements/demo.py). The
# server takes each code once per device, so one account cannot sign in twice within one 30-second
# step: the plain-HTTP walks sign each account in once per test session and share its cookies
# (`signed_in_cookies`); a browser signing in through the form waits for a fresh step if it must.

CODE_STEP = 30
_steps: dict[tuple[str, str], int] = {}  # (server, account) → the last time step whose code was typed
_steps_lock = threading.Lock()
_sessions: dict[tuple[str, str], list[tuple[str, str]]] = {}  # (server, account) → its sign-in's cookies
_sessions_lock = threading.Lock()


def demo_code(base: str, username: str) -> str:
    """The demo authenticator's code for a step this account has not typed a code in yet."""
    from django_otp.oath import TOTP

    from nyata.agreements.demo import DEMO_TOTP_KEY

    while True:
        now = time.time()
        step = int(now // CODE_STEP)
        with _steps_lock:
            # Not in a step's last seconds either: the server may already be in the next one.
            if _steps.get((base, username), -1) < step and now % CODE_STEP < CODE_STEP - 3:
                _steps[(base, username)] = step
                totp = TOTP(bytes.fromhex(DEMO_TOTP_KEY))
                totp.time = now
                return f"{totp.token():06d}"
        time.sleep(0.5)


def _sign_in(base: str, username: str, password: str) -> list[tuple[str, str]]:
    """One sign-in through the real form (CSRF token and all) and, where asked, the code step."""
    import requests

    s = requests.Session()
    form = s.get(base + "/masuk/", timeout=30)
    post: dict[str, Any] = {"headers": {"Referer": base + "/masuk/"}, "allow_redirects": False, "timeout": 30}
    r = s.post(base + "/masuk/", data={"username": username, "password": password, "next": "/",
                                       "csrfmiddlewaretoken": s.cookies.get("csrftoken") or ""}, **post)
    assert form.status_code == 200 and r.status_code == 302, f"{username} cannot sign in ({r.status_code})"
    if r.headers["Location"].startswith("/masuk/kode/"):
        r = s.post(base + "/masuk/kode/", data={"token": demo_code(base, username),
                                                "csrfmiddlewaretoken": s.cookies.get("csrftoken") or ""}, **post)
        assert r.status_code == 302, f"{username}: the code step refused the demo code ({r.status_code})"
    return [(c.name, c.value or "") for c in s.cookies]


def signed_in_cookies(base: str, username: str, password: str = DEMO_PASSWORD) -> list[tuple[str, str]]:
    """The cookies of `username`'s one sign-in per test session (name, value), shared by every caller."""
    with _sessions_lock:
        key = (base, username)
        if key not in _sessions:
            _sessions[key] = _sign_in(base, username, password)
        return _sessions[key]


def login(page: Any, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form in the browser, typing the demo code where the role asks for one."""
    page.goto("/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state("networkidle")
    if urlsplit(page.url).path == "/masuk/kode/":
        base = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
        page.get_by_label("Kode autentikator (6 digit)").fill(demo_code(base, username))
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_load_state("networkidle")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skipped:
        terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(_skipped[0], red=True)


__all__ = ["login", "shot", "shutil"]
