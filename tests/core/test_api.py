from __future__ import annotations

import json

from tests.conftest import World


def test_me_reports_the_active_pemda_and_roles(world: World) -> None:
    data = world.client("agency_operator").get("/api/v1/me").json()
    assert data == {
        "username": "agency_operator",
        "pemda": "99",
        "roles": ["agency_operator"],
        "agencies": [world.a1.pk],
    }


def test_agencies_are_scoped_to_the_tenant_and_the_agency(world: World) -> None:
    leader = world.client("leader").get("/api/v1/agencies").json()
    assert {a["code"] for a in leader} == {"A1", "A2"}
    operator = world.client("agency_operator").get("/api/v1/agencies").json()
    assert [a["code"] for a in operator] == ["A1"]
    assert world.client("leader").get(f"/api/v1/agencies/{world.b1.pk}").status_code == 404


def test_anonymous_api_calls_get_401(world: World) -> None:
    assert world.client(None).get("/api/v1/agencies").status_code == 401


def test_the_openapi_document_describes_the_routes(world: World) -> None:
    doc = json.loads(world.client("leader").get("/api/v1/openapi.json").content)
    assert doc["info"]["version"] == "1"
    assert "/api/v1/agencies/{agency_id}" in doc["paths"]
