"""The deadline-day save path must agree with the general ORM path, and refuse what it refuses."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from nyata.agreements.models import Agreement, AgreementIndicator
from nyata.core.models import Quarter
from nyata.core.tenancy import ScopeError, tenant_scope, unscoped
from nyata.reporting import actions, fastpath
from nyata.reporting.models import Realisation, RealisationVersion
from tests.conftest import World
from tests.reporting.factories import Pk, signed_pk


def _save(world: World, pk: Pk, code: str, value: str, quarter_id: int | None = None) -> Realisation:
    return actions.realisation_save_draft(
        actor=world.users["agency_operator"], agency=pk.agency, quarter_id=quarter_id or pk.q1.pk,
        agreement_indicator_id=pk.indicators[code].pk, value=value, narrative=f"narasi {value}",
    )


def _fields(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_the_fast_path_loads_what_the_orm_loads(world: World, pk: Pk) -> None:
    with tenant_scope(world.a):
        _save(world, pk, "I3", "1,25")  # first value: the general path creates the row
        with transaction.atomic():
            found = fastpath.locked_row(pk.agency, pk.q1.pk, pk.indicators["I3"].pk)
        assert found is not None
        r, ai = found
        orm = Realisation.objects.select_related("quarter__fiscal_year", "agreement_indicator").get(pk=r.pk)
        assert _fields(r) == _fields(orm)
        assert _fields(ai) == _fields(orm.agreement_indicator)
        assert _fields(r.quarter) == _fields(orm.quarter) and r.quarter.fiscal_year.year == 2026
        # The types too (SQLite hands decimals and datetimes back as text before conversion).
        assert isinstance(r.value, Decimal) and r.value == Decimal("1.25")
        assert type(r.updated_at) is type(orm.updated_at) and r.updated_at == orm.updated_at
        assert isinstance(ai.q1_target, Decimal) and model_to_dict(ai) == model_to_dict(orm.agreement_indicator)


def test_the_fast_path_finds_nothing_outside_the_signed_pk_agency_or_tenant(world: World, pk: Pk) -> None:
    other = signed_pk(world, world.a2)
    with tenant_scope(world.a):
        _save(world, pk, "I1", "91")
        ai = pk.indicators["I1"].pk
        with transaction.atomic():
            assert fastpath.locked_row(pk.agency, pk.q1.pk, ai) is not None
            assert fastpath.locked_row(other.agency, pk.q1.pk, ai) is None  # another agency
            assert fastpath.locked_row(pk.agency, pk.quarters[2].pk, ai) is None  # no row yet
            assert fastpath.locked_row(pk.agency, pk.q1.pk, other.indicators["I1"].pk) is None
    with tenant_scope(world.b), transaction.atomic():
        assert fastpath.locked_row(pk.agency, pk.q1.pk, ai) is None  # another Pemda's scope
    with pytest.raises(ScopeError), transaction.atomic():
        fastpath.locked_row(pk.agency, pk.q1.pk, ai)
    with unscoped(), transaction.atomic():
        assert fastpath.locked_row(pk.agency, pk.q1.pk, ai) is not None
    with tenant_scope(world.a):
        Agreement.objects.filter(pk=pk.agreement.pk).update(status=Agreement.Status.SUPERSEDED)
        with transaction.atomic():
            assert fastpath.locked_row(pk.agency, pk.q1.pk, ai) is None  # an amendment replaced the PK
        with pytest.raises(ValidationError, match="tidak ada dalam PK"):
            _save(world, pk, "I1", "92")  # and the general path explains the refusal


def test_a_save_by_quarter_id_writes_one_version_and_one_audit_event(world: World, pk: Pk) -> None:
    with tenant_scope(world.a):
        _save(world, pk, "I1", "90")
        r = _save(world, pk, "I1", "91,5", quarter_id=pk.q1.pk)
        assert r.value == Decimal("91.5") and r.quarter == pk.q1
        versions = list(RealisationVersion.objects.filter(realisation=r).order_by("number"))
        assert [v.value for v in versions] == [Decimal("90"), Decimal("91.5")]
        with pytest.raises(Quarter.DoesNotExist):
            _save(world, pk, "I1", "92", quarter_id=10**9)


def test_the_api_save_costs_the_same_few_queries_for_every_agency(world: World, pk: Pk) -> None:
    """Deadline-day budget: session, user+roles, then one transaction of six statements."""
    op = world.client("agency_operator")
    url = f"/api/v1/reporting/agencies/{pk.agency.pk}/quarters/{pk.q1.pk}/realisations"
    body = {"agreement_indicator_id": pk.indicators["I2"].pk, "value": "10"}
    assert op.post(url, json.dumps(body), content_type="application/json").status_code == 200
    counts = []
    for value in ("11", "12"):
        with CaptureQueriesContext(connection) as ctx:
            resp = op.post(url, json.dumps({**body, "value": value}), content_type="application/json")
        assert resp.status_code == 200 and Decimal(resp.json()["value"]) == Decimal(value)
        counts.append([q["sql"].split()[0] for q in ctx.captured_queries])
    assert counts[0] == counts[1]
    writes = [v for v in counts[0] if v in ("INSERT", "UPDATE")]
    assert len(writes) == 4, counts[0]  # version, row, audit event, audit chain head
    assert len(counts[0]) <= 10, counts[0]


def _api_save(client: Any, agency_id: int, quarter_id: int, indicator_id: int, value: str) -> Any:
    url = f"/api/v1/reporting/agencies/{agency_id}/quarters/{quarter_id}/realisations"
    body = json.dumps({"agreement_indicator_id": indicator_id, "value": value})
    return client.post(url, body, content_type="application/json")


def test_the_api_still_answers_404_and_422_like_before(world: World, pk: Pk) -> None:
    op = world.client("agency_operator")
    other = signed_pk(world, world.b1)
    a1, ai = pk.agency.pk, pk.indicators["I1"].pk
    assert _api_save(op, a1, pk.q1.pk, ai, "91").status_code == 200
    # A quarter of another Pemda: not found, whether or not a row would match.
    with unscoped():
        b_quarter = Quarter.objects.filter(pemda=world.b).first()
        b_ai = AgreementIndicator.objects.filter(agreement=other.agreement).first()
    assert b_quarter is not None and b_ai is not None
    assert _api_save(op, a1, b_quarter.pk, ai, "1").status_code == 404
    # An indicator of another Pemda's PK: refused with the reason.
    resp = _api_save(op, a1, pk.q1.pk, b_ai.pk, "1")
    assert resp.status_code == 422 and "tidak ada dalam PK" in resp.json()["detail"]
    # Another agency of the same Pemda: not found for an operator.
    assert _api_save(op, world.a2.pk, pk.q1.pk, ai, "1").status_code == 404
    with tenant_scope(world.a):
        assert Realisation.objects.get(agreement_indicator_id=ai, quarter=pk.q1).value == Decimal("91")


def test_ids_beyond_a_bigint_are_refused_not_crashed(world: World, pk: Pk) -> None:
    op = world.client("agency_operator")
    huge = 10**30
    # Refused at the API's bounded types (api.types.Id), the field named, before any query.
    resp = _api_save(op, pk.agency.pk, pk.q1.pk, huge, "1")
    assert resp.status_code == 422 and "agreement_indicator_id" in resp.json()["detail"]
    resp = _api_save(op, pk.agency.pk, huge, pk.indicators["I1"].pk, "1")
    assert resp.status_code == 422 and "quarter_id" in resp.json()["detail"]
