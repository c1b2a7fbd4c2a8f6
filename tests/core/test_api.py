from __future__ import annotations

import json
from typing import Any

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


def test_an_unexpected_error_answers_json_in_the_one_error_shape(world: World, monkeypatch: Any,
                                                                  caplog: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("nyata.api.api.reach", broken)
    resp = world.client("leader").get("/api/v1/agencies", HTTP_ACCEPT_LANGUAGE="id")
    assert resp.status_code == 500
    assert resp["Content-Type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"detail"} and "disk on fire" not in body["detail"] and "server" in body["detail"]
    assert any("disk on fire" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
    # refusals keep their own answers
    assert world.client("leader").get(f"/api/v1/agencies/{world.b1.pk}").status_code == 404
    assert world.client(None).get("/api/v1/agencies").status_code == 401


def test_every_schema_name_in_the_openapi_document_is_one_class() -> None:
    """Two classes called IndicatorOut (and two ProductOut) made the document describe six
    operations with the other class's fields: a schema name stands for exactly one class."""
    from ninja import Schema

    from nyata.api.api import api

    by_name: dict[str, set[type]] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                for model in op.response_models.values():
                    for cls in _schemas(getattr(model, "__annotations__", {}).get("response"), Schema):
                        by_name.setdefault(cls.__name__, set()).add(cls)
    assert by_name, "no response schema found"
    assert {n: c for n, c in by_name.items() if len(c) > 1} == {}


def _schemas(annotation: Any, base: type, seen: set[type] | None = None) -> list[type]:
    """Every Schema class reachable from a type annotation, fields of fields included."""
    import typing

    seen = set() if seen is None else seen
    if isinstance(annotation, type) and issubclass(annotation, base):
        if annotation in seen:
            return []
        seen.add(annotation)
        found = [annotation]
        for f in annotation.model_fields.values():  # type: ignore[attr-defined]
            found += _schemas(f.annotation, base, seen)
        return found
    return [c for arg in typing.get_args(annotation) for c in _schemas(arg, base, seen)]


def test_an_id_beyond_the_database_is_a_422_naming_the_field(world: World) -> None:
    """SQLite's driver crashed (500) on an id of 2^63; every id, year and quarter is bounded."""
    client = world.client("leader")
    resp = client.get("/api/v1/reporting/realisations?agency=9223372036854775808")
    assert resp.status_code == 422
    assert set(resp.json()) == {"detail"} and "agency" in resp.json()["detail"]
    assert client.get("/api/v1/agencies/9223372036854775808").status_code == 422
    assert client.get("/api/v1/dashboard/scores?year=2026&quarter=5").status_code == 422
    assert client.get("/api/v1/reporting/realisations?agency=1").status_code == 200
