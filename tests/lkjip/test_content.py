"""The LKjIP structure: chapters of Lampiran II, Bab III's indicator table, and provenance —
every number equals the stored value it names; a figure without a verified source is marked."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from nyata.agreements.models import AgreementIndicator
from nyata.core.tenancy import tenant_scope
from nyata.lkjip.content import Figure, Source, build
from nyata.planning.models import IndicatorActual
from nyata.reporting import actions
from nyata.reporting.models import Realisation, RealisationVersion, ScoreSnapshot
from tests.conftest import World
from tests.reporting.factories import YEAR, Pk, signed_pk

VALUES = {"I1": ["90", "91", "92", "94"], "I2": ["40", "50", "60", "55"], "I3": ["2", "2", "1,5", "1,8"]}


def _report_year(world: World, pk: Pk, verify: set[str], captured: Any) -> None:
    """Four quarters entered and submitted; the indicators in `verify` accepted in every quarter."""
    op, head, insp = (world.users[r] for r in ("agency_operator", "agency_head", "inspector"))
    with tenant_scope(world.a):
        for n in range(1, 5):
            for code, vals in VALUES.items():
                actions.realisation_save_draft(actor=op, agency=pk.agency, quarter_id=pk.quarters[n].pk,
                                               agreement_indicator_id=pk.indicators[code].pk, value=vals[n - 1])
            actions.realisation_submit(actor=head, agency=pk.agency, quarter=pk.quarters[n])
            chosen = [r for r in Realisation.objects.filter(quarter=pk.quarters[n])
                      if r.agreement_indicator.indicator.code.split(".")[-1] in verify]
            with captured(execute=True):
                actions.realisation_verify(actor=insp, realisations=chosen, verdict="accept")


def _stored(source: Source) -> Decimal | None:
    """The value the source names, read back from its own table."""
    if source.model == "reporting.realisation":
        r = Realisation.objects.get(pk=source.pk)
        v = RealisationVersion.objects.get(pk=source.version)
        assert v.realisation_id == r.pk and v.number == r.version and v.value == r.value
        return r.value
    if source.model == "reporting.scoresnapshot":
        code, key = source.field.rsplit(".", 1)
        snap = ScoreSnapshot.objects.get(pk=source.pk)
        entry = next(i for i in snap.indicators if i["indicator"] == code)
        return None if entry[key] is None else Decimal(str(entry[key]))
    if source.model == "agreements.agreementindicator":
        ai = AgreementIndicator.objects.select_related("agreement").get(pk=source.pk)
        assert ai.agreement.version == source.version
        return Decimal(getattr(ai, source.field))
    if source.model == "planning.indicatoractual":
        return IndicatorActual.objects.get(pk=source.pk).value
    raise AssertionError(source.model)


@pytest.fixture
def pk(world: World) -> Pk:
    return signed_pk(world, world.a1)


def test_the_chapters_of_lampiran_ii_in_order(world: World, pk: Pk) -> None:
    with tenant_scope(world.a):
        report = build(world.a1, YEAR)
    assert [c.title for c in report.chapters] == [
        "Ikhtisar Eksekutif", "Bab I Pendahuluan", "Bab II Perencanaan Kinerja", "Bab III Akuntabilitas Kinerja",
        "Bab IV Penutup", "Lampiran"]


def test_every_number_equals_the_stored_verified_value_it_names(
    world: World, pk: Pk, django_capture_on_commit_callbacks: Any
) -> None:
    _report_year(world, pk, {"I1", "I2", "I3"}, django_capture_on_commit_callbacks)
    with tenant_scope(world.a):
        IndicatorActual.objects.create(pemda=world.a, indicator=pk.indicators["I1"].indicator, year=YEAR - 1,
                                       value=Decimal("88.5"), source="BPS Sumatera Selatan 2025")
        report = build(world.a1, YEAR)
        figures = list(report.figures())
        assert len(figures) == 3 * 3 + 1 and report.warnings == []
        for f in figures:
            assert f.verified and f.value is not None, f.key
            primary = _stored(f.sources[0])
            assert f.value == primary, f.key
            for s in f.sources[1:]:  # the verified quarters behind the year's figure
                assert s.model == "reporting.realisation" and _stored(s) is not None
        rows = {r.code: r for o in report.chapters[3].objectives for r in o.rows}
        i1 = rows[pk.indicators["I1"].indicator.code]
        assert i1.target.value == Decimal("93") and i1.realisation.value == Decimal("94")  # 'last' aggregation
        assert rows[pk.indicators["I2"].indicator.code].realisation.value == Decimal("205")  # 'sum'
        assert [y for y, _f in i1.previous] == [YEAR - 1] and i1.previous[0][1].value == Decimal("88.5")


def test_a_figure_without_a_verified_source_is_marked_and_listed(
    world: World, pk: Pk, django_capture_on_commit_callbacks: Any
) -> None:
    _report_year(world, pk, {"I1", "I3"}, django_capture_on_commit_callbacks)  # I2 submitted, never accepted
    with tenant_scope(world.a):
        report = build(world.a1, YEAR)
    rows = {r.code: r for o in report.chapters[3].objectives for r in o.rows}
    i2 = rows[pk.indicators["I2"].indicator.code]
    assert not i2.realisation.verified and i2.realisation.text == "belum terverifikasi"
    assert not i2.achievement.verified
    assert any(pk.indicators["I2"].name in w for w in report.warnings)
    assert rows[pk.indicators["I1"].indicator.code].realisation.verified


def test_an_agency_without_a_pk_is_a_warning_naming_it(world: World) -> None:
    with tenant_scope(world.a):
        report = build(world.a2, YEAR)
    assert list(report.figures()) == [] and "Dinas Dua" in report.warnings[0]


def test_figure_text_never_prints_an_unverified_number() -> None:
    f = Figure("x", Decimal("5"), (), False)
    assert f.text == "belum terverifikasi"


def test_a_year_closed_with_gaps_says_so_first_with_its_reason(world: World, pk: Pk) -> None:
    from nyata.core.models import FiscalYear
    from nyata.lkjip.actions import fiscal_year_close

    with tenant_scope(world.a):
        fiscal_year_close(actor=world.users["perf_admin"], fiscal_year=FiscalYear.objects.get(year=YEAR),
                          reason="Dinas Dua belum melapor")
        report = build(world.a1, YEAR)
    assert "Dinas Dua belum melapor" in report.warnings[0] and "Dinas Satu" in report.warnings[0]
