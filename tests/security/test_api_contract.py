"""schemathesis over the whole API, as a performance admin and as an agency operator: no 5xx and
every answer matching the OpenAPI document (issue 15 item 11). Bounded: a few examples per
operation, so the run stays within a couple of minutes."""

from __future__ import annotations

from collections import Counter
from typing import Any

import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from nyata.wsgi import application
from tests.conftest import World
from tests.reporting.factories import signed_pk

CSRF = "n" * 32  # a cookie and header pair Django accepts for the session-authenticated API
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def _walk(world: World, who: str, statuses: Counter[int] | None = None) -> list[str]:
    """Every operation, a few generated requests each; what broke, one line per operation."""
    signed_pk(world, world.a1)  # something to read: a plan, a signed PK, quarters
    session = world.client(who).cookies["sessionid"].value
    cookies = {"sessionid": session, "csrftoken": CSRF}
    headers = {"Cookie": f"sessionid={session}; csrftoken={CSRF}", "X-CSRFToken": CSRF}
    failures: list[str] = []
    # Called in process, as Django's test client does: a request's end must not close the test's
    # connection (on PostgreSQL the next request could not reopen one inside the test transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        api = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, headers=headers)
        operations = [op.ok() for op in api.get_all_operations()]
        _each(operations, headers, cookies, failures, statuses)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return failures


def _each(operations: list[Any], headers: dict[str, str], cookies: dict[str, str], failures: list[str],
          statuses: Counter[int] | None) -> None:
    assert len(operations) > 20, "the document lists the API's operations"
    for op in operations:

        @given(case=op.as_strategy())
        @hypothesis_settings(max_examples=6, deadline=None, derandomize=True, database=None,
                             suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            # The document's cookie scheme makes schemathesis invent session ids: the real one wins.
            case.cookies = {**(case.cookies or {}), **cookies}
            response = case.call_and_validate(headers={"X-CSRFToken": CSRF}, checks=CHECKS)
            if statuses is not None:
                statuses[response.status_code] += 1

        try:
            run()
        except (Exception, BaseExceptionGroup) as e:  # every operation's failure, reported together
            failures.append(f"{op.method.upper()} {op.path}: {str(e).strip().splitlines()[0][:300]}")


def test_the_api_keeps_its_contract_for_a_performance_admin(world: World) -> None:
    statuses: Counter[int] = Counter()
    assert _walk(world, "perf_admin", statuses) == []
    assert statuses[200] > 20 and sum(statuses.values()) > 100, statuses  # it did call, and got answers


def test_the_api_keeps_its_contract_for_an_agency_operator(world: World) -> None:
    assert _walk(world, "agency_operator") == []


def test_the_contract_walk_reports_a_server_error(world: World, monkeypatch: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("nyata.api.api.reach", broken)
    failures = _walk(world, "perf_admin")
    assert any(f.split(":")[0] in ("GET /agencies", "GET /api/v1/agencies") for f in failures), failures
