"""The otokritik form reads sizes the way it writes them ("0,8"), and a refused form redraws."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from nyata.core.tenancy import tenant_scope
from nyata.reporting.models import Gap
from tests.conftest import World
from tests.reporting.factories import Pk, critique_post


@pytest.mark.parametrize("submit", [False, True])
def test_a_size_with_a_decimal_comma_is_saved(world: World, pk: Pk, submit: bool) -> None:
    url = reverse("report_self_critique", args=[pk.agency.pk, pk.q1.pk])
    post = {**critique_post(pk, submit=submit), "gaps-0-size": "0,8", "causes-0-category": "budget"}
    resp = world.client("agency_head").post(url, post)
    assert resp.status_code == 302
    with tenant_scope(world.a):
        assert Gap.objects.get().size == Decimal("0.8")


@pytest.mark.parametrize("submit", [False, True])
def test_a_size_that_is_not_a_number_is_refused_and_the_form_comes_back_as_typed(
    world: World, pk: Pk, submit: bool
) -> None:
    url = reverse("report_self_critique", args=[pk.agency.pk, pk.q1.pk])
    post = {**critique_post(pk, submit=submit), "gaps-0-size": "delapan", "causes-0-category": "budget"}
    resp = world.client("agency_head").post(url, post)
    assert resp.status_code == 400
    text = resp.content.decode()
    assert "Kesenjangan 1: besarnya harus angka" in text
    assert 'value="delapan"' in text
    with tenant_scope(world.a):
        assert not Gap.objects.exists()


def test_the_prefilled_size_goes_back_unchanged(world: World, pk: Pk) -> None:
    """What the form shows in Indonesian ("0,8") is what the server accepts."""
    url = reverse("report_self_critique", args=[pk.agency.pk, pk.q1.pk])
    head = world.client("agency_head")
    with tenant_scope(world.a):
        from nyata.reporting import actions

        actions.realisation_save_draft(actor=world.users["agency_operator"], agency=pk.agency, quarter_id=pk.q1.pk,
                                       agreement_indicator_id=pk.indicators["I2"].pk, value="49,2")
    page = head.get(url).content.decode()
    assert 'value="0,8"' in page
    post = {**critique_post(pk, submit=False), "gaps-0-size": "0,8", "causes-0-category": "budget"}
    assert head.post(url, post).status_code == 302
