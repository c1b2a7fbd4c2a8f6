from __future__ import annotations

import pytest

from nyata.core.forms import AgencyForm
from nyata.core.models import Agency
from nyata.core.tenancy import ScopeError, tenant_scope, unscoped
from tests.conftest import World


def test_a_query_outside_any_scope_fails_loudly(world: World) -> None:
    with pytest.raises(ScopeError):
        list(Agency.objects.all())


def test_the_scope_limits_rows_to_one_pemda(world: World) -> None:
    with tenant_scope(world.a):
        assert set(Agency.objects.values_list("code", flat=True)) == {"A1", "A2"}
        assert not Agency.objects.filter(pk=world.b1.pk).exists()
    with tenant_scope(world.b):
        assert list(Agency.objects.values_list("code", flat=True)) == ["B1"]
    with unscoped():
        assert Agency.objects.count() == 3


def test_a_queryset_obeys_the_scope_it_is_evaluated_in(world: World) -> None:
    qs = Agency.objects.order_by("code")  # built outside any scope, as form fields are
    with tenant_scope(world.b):
        assert [a.code for a in qs.all()] == ["B1"]
    with tenant_scope(world.a):
        assert [a.code for a in qs.all()] == ["A1", "A2"]


def test_subqueries_and_joins_stay_scoped(world: World) -> None:
    with tenant_scope(world.a):
        inner = Agency.objects.filter(code__startswith="A")
        from nyata.core.models import Position

        codes = set(Position.objects.filter(agency__in=inner).values_list("code", flat=True))
    assert codes == {"KA-A1", "KA-A2"}


def test_form_choices_never_offer_another_pemdas_rows(world: World, client: object) -> None:
    with tenant_scope(world.a):
        from nyata.core.forms import PositionForm

        form = PositionForm(pemda=world.a)
        offered = {a.code for a in form.fields["agency"].queryset}
    assert offered == {"A1", "A2"}
    assert AgencyForm is not None


def test_duplicate_agency_code_is_refused_within_a_pemda_only(world: World) -> None:
    with tenant_scope(world.a):
        form = AgencyForm({"code": "A1", "name": "Kembar", "kind": "dinas"}, pemda=world.a)
        assert not form.is_valid()
        assert "code" in form.errors or "__all__" in form.errors
    with tenant_scope(world.b):
        form = AgencyForm({"code": "A1", "name": "Boleh di Pemda lain", "kind": "dinas"}, pemda=world.b)
        assert form.is_valid(), form.errors


def test_a_subquery_keeps_its_own_tenant_column(world: World) -> None:
    from nyata.core.models import Position

    with unscoped():
        # Unscoped: the inner filter must not be rewritten into a join on the outer table.
        inner = Agency.objects.filter(code="B1")
        assert list(Position.objects.filter(agency__in=inner).values_list("code", flat=True)) == ["KA-B1"]


def test_conditional_unique_constraints_are_validated_in_scope(world: World) -> None:
    from django.core.exceptions import ValidationError

    from nyata.core.models import Official

    with tenant_scope(world.a):
        duplicate = Official(pemda=world.a, name="Kembar", nip=world.officials["A1"].nip)
        with pytest.raises(ValidationError):
            duplicate.full_clean()
