"""Plausible values: each indicator carries bounds (from its unit, or set on it).

A value outside them is refused at entry with the bounds named; a value already stored outside
them (the demo's index of 312 on a 0–100 scale that lifted BKD to fourth place) is red-flagged
and left out of the score until corrected.
"""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest
from bs4 import BeautifulSoup

from nyata.core.tenancy import tenant_scope
from nyata.reporting.models import Realisation, ScoreSnapshot
from nyata.reporting.scores import recompute
from tests.conftest import World
from tests.dashboard.builders import scored_pemda
from tests.reporting.factories import signed_pk


@pytest.mark.django_db
def test_a_stored_value_outside_its_bounds_is_flagged_and_left_out_of_the_score(world: World) -> None:
    data = scored_pemda(world, n_extra=1)
    a2 = data["agencies"][1]
    with tenant_scope(world.a):
        before = ScoreSnapshot.objects.get(agency=a2, year=2026, quarter=2)
        k1 = next(i for i in before.indicators if i["indicator"] == "A2.K1")
        others = [i for i in before.indicators if i["indicator"] != "A2.K1"]
        # stored before bounds were checked (an import of old data, the demo's 312)
        Realisation.objects.filter(agreement_indicator=data["ai"][("A2", "K1")], quarter__number=2).update(
            value=D("312"))
        recompute(world.a, 2026)
        after = ScoreSnapshot.objects.get(agency=a2, year=2026, quarter=2)
    flagged = next(i for i in after.indicators if i["indicator"] == "A2.K1")
    assert "out_of_bounds" in flagged["flags"] and "not_reported" not in flagged["flags"]
    assert flagged["realisation"] == 312  # shown as stored, to be corrected
    assert "out_of_bounds" in after.flags
    # left out, not 0: the score is the mean of the other two (K1 was included before)
    assert k1["ytd_achievement"] is not None
    expected = sum(min(i["ytd_achievement"], 120) for i in others) / len(others)
    assert after.score == pytest.approx(expected)
    html = world.client("leader").get("/dasbor/?periode=2026-2").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    rows = [tr.get_text(" ", strip=True) for tr in soup.select("[data-testid=flags] tr.flag-out_of_bounds")]
    assert len(rows) == 1 and "Nilai di luar batas wajar" in rows[0] and str(a2) in rows[0]


@pytest.mark.django_db
def test_entry_outside_the_bounds_is_refused_naming_them(world: World) -> None:
    pk = signed_pk(world, world.a1, spec=[
        ("IX", "Indeks kepuasan layanan", "indeks", "higher_is_better", ["70", "70", "70", "70"], "70", "last"),
        ("JM", "Jumlah peserta pelatihan", "orang", "higher_is_better", ["20", "20", "20", "20"], "80", "sum"),
    ])
    with tenant_scope(world.a):
        jm = pk.indicators["JM"]
        jm.value_min, jm.value_max = D(10), D(50)  # set on the indicator
        jm.save(update_fields=["value_min", "value_max"])
    url = f"/api/v1/reporting/agencies/{pk.agency.pk}/quarters/{pk.q1.pk}/realisations"
    op = world.client("agency_operator")

    def post(code: str, value: str) -> tuple[int, str]:
        resp = op.post(url, json.dumps({"agreement_indicator_id": pk.indicators[code].pk, "value": value}),
                       content_type="application/json")
        return resp.status_code, resp.json().get("detail", "")

    status, detail = post("IX", "312")
    assert status == 422 and "dibatasi 0–100" in detail
    status, detail = post("JM", "5")
    assert status == 422 and "di bawah 10" in detail and "10–50" in detail
    status, detail = post("JM", "51")
    assert status == 422 and "melebihi 50" in detail
    assert post("JM", "50")[0] == 200
    with tenant_scope(world.a):
        assert not Realisation.objects.filter(agreement_indicator=pk.indicators["IX"]).exists()


@pytest.mark.django_db
def test_the_range_indicator_reads_the_same_on_dashboard_meeting_pack_and_portal(world: World) -> None:
    from nyata.core.models import Agency
    from nyata.dashboard import pack, queries
    from nyata.planning.models import Goal, Indicator, IndicatorActual, IndicatorTarget
    from nyata.portal import sources
    from tests.reporting.factories import _period

    scored_pemda(world)
    with tenant_scope(world.a):
        period = _period(world.a)
        goal = Goal.objects.create(pemda=world.a, period=period, code="T2", name="Ekonomi tumbuh stabil")
        ind = Indicator.objects.create(pemda=world.a, period=period, goal=goal, code="INFLASI", is_key=True,
                                       name="Inflasi year-on-year", unit="persen", polarity="range")
        IndicatorTarget.objects.create(pemda=world.a, indicator=ind, year=2026, value=D("1.5"),
                                       value_high=D("3.5"))
        IndicatorActual.objects.create(pemda=world.a, indicator=ind, year=2026, value=D("2.91"), source="BPS")
        dash = next(h for h in queries.headline_indicators(2026) if h.code == "INFLASI")
        portal = next(h for h in sources.headline_indicators(world.a, 2026) if h.code == "INFLASI")
        data = pack.pack_data(world.a, queries.Period(2026, 2), Agency.objects.all())
    assert dash.achievement == 100.0 and float(portal.achievement or 0) == 100.0  # inside 1,5–3,5
    meeting = next(h for h in data["headlines"] if h["name"] == "Inflasi year-on-year")
    assert meeting["achievement"] == "100" and meeting["target"] == "1,5–3,5"
    html = world.client("leader").get("/dasbor/?periode=2026-2").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    row = next(tr for tr in soup.select("[data-testid=headlines] tbody tr") if "Inflasi" in tr.get_text())
    assert row.select_one("[data-testid=headline-achievement]").get_text(strip=True) == "100"
    assert row.select_one("[data-testid=headline-target]").get_text(strip=True) == "1,5–3,5"
