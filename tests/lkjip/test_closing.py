"""Closing a fiscal year: refused without a reason while Q4 is unverified, frozen once closed,
reopened only with a reason; every close and reopening appended to the history and the audit chain."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from nyata.core.models import AuditEvent, FiscalYear
from nyata.core.periods import YearClosed
from nyata.core.tenancy import tenant_scope
from nyata.lkjip import actions
from nyata.lkjip.closing import year_gaps
from nyata.lkjip.models import YearClosing
from nyata.reporting import actions as reporting_actions
from nyata.reporting.models import Realisation
from tests.conftest import World
from tests.reporting.factories import YEAR, Pk, signed_pk


def _verify_q4(pk: Pk, codes: list[str] | None = None) -> None:
    """Q4 realisations accepted by the inspectorate for the given indicators (all by default)."""
    with tenant_scope(pk.agency.pemda):
        for code, ai in pk.indicators.items():
            if codes is None or code in codes:
                Realisation.objects.create(pemda=pk.agency.pemda, agency=pk.agency, agreement_indicator=ai,
                                           quarter=pk.quarters[4], status="accepted", value="90")


def _year(world: World) -> FiscalYear:
    with tenant_scope(world.a):
        return FiscalYear.objects.get(year=YEAR)


@pytest.fixture
def pks(world: World) -> tuple[Pk, Pk]:
    return signed_pk(world, world.a1), signed_pk(world, world.a2)


def test_a_year_verified_for_every_agency_closes_without_a_reason(world: World, pks: tuple[Pk, Pk]) -> None:
    for pk in pks:
        _verify_q4(pk)
    fy = _year(world)
    with tenant_scope(world.a):
        assert year_gaps(fy) == []
        row = actions.fiscal_year_close(actor=world.users["perf_admin"], fiscal_year=fy)
        fy.refresh_from_db()
        assert fy.state == FiscalYear.State.CLOSED
        assert (row.kind, row.reason, row.gaps) == ("closed", "", [])
        event = AuditEvent.objects.get(action="nyata.year.closed")
        assert event.data["year"] == YEAR and event.data["gaps"] == []


def test_unverified_quarters_refuse_a_close_without_a_reason_naming_the_agencies(
    world: World, pks: tuple[Pk, Pk]
) -> None:
    _verify_q4(pks[0], ["I1", "I2"])  # A1: one of three missing; A2: nothing verified
    fy = _year(world)
    with tenant_scope(world.a):
        gaps = year_gaps(fy)
        assert [(g.code, g.indicators, g.verified) for g in gaps] == [("A1", 3, 2), ("A2", 3, 0)]
        for blank in ("", "   \n"):
            with pytest.raises(ValidationError) as e:
                actions.fiscal_year_close(actor=world.users["perf_admin"], fiscal_year=fy, reason=blank)
            message = e.value.message_dict["reason"][0]
            assert "Dinas Satu" in message and "Dinas Dua" in message and "2026" in message
        fy.refresh_from_db()
        assert fy.state == FiscalYear.State.RUNNING
        assert not YearClosing.objects.exists()
        assert not AuditEvent.objects.filter(action="nyata.year.closed").exists()


def test_a_close_with_a_reason_keeps_the_list_of_what_was_missing(world: World, pks: tuple[Pk, Pk]) -> None:
    _verify_q4(pks[0])
    fy = _year(world)
    with tenant_scope(world.a):
        row = actions.fiscal_year_close(actor=world.users["perf_admin"], fiscal_year=fy,
                                        reason="  Dinas Dua terlambat; batas LKjIP 31 Maret  ")
        assert row.reason == "Dinas Dua terlambat; batas LKjIP 31 Maret"
        assert [(g["code"], g["indicators"], g["verified"]) for g in row.gaps] == [("A2", 3, 0)]
        event = AuditEvent.objects.get(action="nyata.year.closed")
        assert event.data["reason"] == row.reason and event.data["gaps"][0]["code"] == "A2"


def test_an_agency_without_a_pk_is_a_gap(world: World) -> None:
    pk = signed_pk(world, world.a1)
    _verify_q4(pk)
    with tenant_scope(world.a):
        gaps = year_gaps(_year(world))
        assert [(g.code, g.has_pk) for g in gaps] == [("A2", False)]
        assert "Dinas Dua" in gaps[0].label and "PK" in gaps[0].label


def test_a_closed_year_refuses_writes_and_reopens_only_with_a_reason(world: World, pks: tuple[Pk, Pk]) -> None:
    for pk in pks:
        _verify_q4(pk)
    admin, op = world.users["perf_admin"], world.users["agency_operator"]
    fy = _year(world)
    with tenant_scope(world.a):
        actions.fiscal_year_close(actor=admin, fiscal_year=fy)
        with pytest.raises(YearClosed):  # the existing writers consult the one check
            reporting_actions.realisation_save_draft(actor=op, agency=world.a1, quarter_id=pks[0].quarters[4].pk,
                                                     agreement_indicator_id=pks[0].indicators["I1"].pk, value="1")
        with pytest.raises(ValidationError):
            actions.fiscal_year_close(actor=admin, fiscal_year=fy, reason="lagi")  # already closed
        with pytest.raises(ValidationError) as e:
            actions.fiscal_year_reopen(actor=admin, fiscal_year=fy, reason=" ")
        assert "reason" in e.value.message_dict
        fy.refresh_from_db()
        assert fy.state == FiscalYear.State.CLOSED
        actions.fiscal_year_reopen(actor=admin, fiscal_year=fy, reason="Koreksi realisasi I1 Dinas Satu")
        fy.refresh_from_db()
        assert fy.state == FiscalYear.State.RUNNING
        with pytest.raises(ValidationError):
            actions.fiscal_year_reopen(actor=admin, fiscal_year=fy, reason="sudah terbuka")
        actions.fiscal_year_close(actor=admin, fiscal_year=fy)
        assert list(YearClosing.objects.order_by("pk").values_list("kind", flat=True)) == [
            "closed", "reopened", "closed"]
        reopened = AuditEvent.objects.get(action="nyata.year.reopened")
        assert reopened.data["reason"] == "Koreksi realisasi I1 Dinas Satu"


def test_history_rows_are_never_rewritten(world: World, pks: tuple[Pk, Pk]) -> None:
    fy = _year(world)
    with tenant_scope(world.a):
        row = actions.fiscal_year_close(actor=None, fiscal_year=fy, reason="Uji")
        row.reason = "ditulis ulang"
        with pytest.raises(ValueError):
            row.save()
        assert YearClosing.objects.get().reason == "Uji"


def test_only_a_performance_admin_closes_or_reopens(world: World, pks: tuple[Pk, Pk]) -> None:
    fy = _year(world)
    with tenant_scope(world.a):
        for who in ("leader", "planner", "inspector", "agency_head", "agency_operator"):
            with pytest.raises(ValidationError):
                actions.fiscal_year_close(actor=world.users[who], fiscal_year=fy, reason="Uji")
        actions.fiscal_year_close(actor=None, fiscal_year=fy, reason="Uji")
        with pytest.raises(ValidationError):
            actions.fiscal_year_reopen(actor=world.users["inspector"], fiscal_year=fy, reason="Uji")
        fy.refresh_from_db()
        assert fy.state == FiscalYear.State.CLOSED


def test_a_reason_too_long_is_refused_naming_the_field(world: World, pks: tuple[Pk, Pk]) -> None:
    fy = _year(world)
    with tenant_scope(world.a):
        with pytest.raises(ValidationError) as e:
            actions.fiscal_year_close(actor=None, fiscal_year=fy, reason="x" * 2001)
        assert "reason" in e.value.message_dict
        assert not YearClosing.objects.exists()


def test_the_page_lists_the_gaps_closes_with_a_reason_and_reopens(world: World, pks: tuple[Pk, Pk]) -> None:
    _verify_q4(pks[0])
    c = world.client("perf_admin")
    url = reverse("year_closing", args=[YEAR])
    page = c.get(url)
    assert page.status_code == 200
    assert "Dinas Dua" in page.content.decode()
    refused = c.post(url, {"reason": ""})
    assert refused.status_code == 400 and "Dinas Dua" in refused.content.decode()
    assert _year(world).state == FiscalYear.State.RUNNING
    assert c.post(url, {"reason": "x" * 2001}).status_code == 400
    assert c.post(url, {"reason": "Dinas Dua terlambat"}).status_code == 302
    assert _year(world).state == FiscalYear.State.CLOSED
    page = c.get(url).content.decode()
    assert "Dinas Dua terlambat" in page
    assert c.post(url, {"reason": ""}).status_code == 400  # reopening needs a reason
    assert c.post(url, {"reason": "Koreksi"}).status_code == 302
    assert _year(world).state == FiscalYear.State.RUNNING


def test_the_page_in_english(world: World, pks: tuple[Pk, Pk]) -> None:
    c = world.client("perf_admin")
    c.cookies["django_language"] = "en"
    page = c.get(reverse("year_closing", args=[YEAR]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Closing fiscal year 2026" in page
