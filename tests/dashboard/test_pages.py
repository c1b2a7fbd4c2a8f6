"""The leaders' dashboard: numbers equal the engine's, constant query counts, reach of each role."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nyata.core.tenancy import tenant_scope
from nyata.dashboard import actions, charts, queries
from nyata.dashboard.models import Commitment
from nyata.reporting.models import ScoreSnapshot
from nyata.reporting.scores import config_for, observations
from nyata.scoring import score_pemda
from tests.conftest import World
from tests.dashboard.builders import scored_pemda

Q2 = "?periode=2026-2"


def _engine(w: World, quarter: int) -> dict[str, Any]:
    with tenant_scope(w.a):
        result = score_pemda(observations(w.a, 2026), config_for(w.a))
    return {a.agency: a for a in result.agencies if a.year == 2026 and a.quarter == quarter}


def _ranking(html: str) -> dict[str, dict[str, str]]:
    soup = BeautifulSoup(html, "html.parser")
    out = {}
    for tr in soup.select("tr[data-testid=rank-row]"):
        cells = tr.find_all(["td", "th"])
        out[tr["data-agency"]] = {"rank": cells[0].get_text(strip=True), "score": cells[2].get_text(strip=True),
                                  "category": cells[3].get_text(" ", strip=True), "data_rank": tr["data-rank"],
                                  "data_score": tr["data-score"]}
    return out


@pytest.mark.django_db
def test_every_number_on_the_home_page_equals_the_engine(world: World) -> None:
    scored_pemda(world, n_extra=4)
    for quarter in (1, 2):
        engine = _engine(world, quarter)
        html = world.client("leader").get(f"/dasbor/?periode=2026-{quarter}").content.decode()
        shown = _ranking(html)
        assert set(shown) == set(engine) and len(shown) == 6
        for code, a in engine.items():
            assert a.score is not None
            assert shown[code]["rank"] == str(a.rank)
            assert shown[code]["score"] == charts.number(a.score)
            assert float(shown[code]["data_score"]) == pytest.approx(a.score, rel=1e-12)
            assert charts.CATEGORIES[a.category or ""][2] in shown[code]["category"]


@pytest.mark.django_db
def test_agency_and_indicator_numbers_equal_the_engine(world: World) -> None:
    data = scored_pemda(world, n_extra=1)
    with tenant_scope(world.a):
        result = score_pemda(observations(world.a, 2026), config_for(world.a))
    engine = next(a for a in result.agencies if a.agency == "A2" and a.quarter == 2)
    html = world.client("leader").get(f"/dasbor/pd/{world.a2.pk}/{Q2}").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("[data-testid=agency-score]").get_text(strip=True) == charts.number(engine.score)
    assert soup.select_one("[data-testid=agency-rank]").get_text(strip=True) == str(engine.rank)
    ai = data["ai"][("A2", "K1")]
    ind = next(r for r in result.indicators if r.agency == "A2" and r.indicator == "A2.K1" and r.quarter == 2)
    page = world.client("leader").get(f"/dasbor/indikator/{ai.pk}/{Q2}")
    soup = BeautifulSoup(page.content.decode(), "html.parser")
    assert soup.select_one("[data-testid=ytd-achievement]").get_text(strip=True) == charts.number(
        ind.ytd_achievement) + "%"
    # chart: accessible SVG with title, desc and the values as text
    svg = soup.select_one("[data-testid=indicator-chart] svg")
    assert svg.find("title").get_text() and "Realisasi" in svg.find("desc").get_text()
    assert "Proyeksi akhir tahun" in svg.get_text() and "Akhir tahun" in svg.get_text()
    # the rows behind: evidence, verification history, links to the realisation rows
    assert "bukti-A2-K1-1.pdf" in soup.select_one("[data-testid=evidence]").get_text()
    assert "sesuai" in soup.select_one("[data-testid=verifications]").get_text()
    assert soup.select("[data-testid=evidence-link]")[0]["href"].startswith("/laporan/bukti/")


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
    assert resp.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_agencies(world: World) -> None:
    scored_pemda(world, n_extra=1)
    client = world.client("leader")
    # The first request of a session records its activity (the idle timeout); count after it.
    client.get("/")
    urls = ["/dasbor/" + Q2, f"/dasbor/pd/{world.a1.pk}/{Q2}", "/dasbor/komitmen/" + Q2,
            f"/dasbor/banding/{Q2}&pd={world.a1.pk}&pd={world.a2.pk}", "/api/v1/dashboard/scores?year=2026&quarter=2",
            "/api/v1/dashboard/flags?year=2026&quarter=2"]
    few = {u: _count(client, u) for u in urls}
    scored_pemda(world, n_extra=12, include_base=False, start=10)
    with tenant_scope(world.a):
        assert ScoreSnapshot.objects.filter(year=2026, quarter=2).count() == 15
    many = {u: _count(client, u) for u in urls}
    assert few == many
    assert few["/dasbor/" + Q2] <= 30


@pytest.mark.django_db
def test_pack_query_count_and_content(world: World) -> None:
    from nyata.dashboard import pack

    scored_pemda(world, n_extra=1)
    with tenant_scope(world.a):
        period = queries.Period(2026, 2)
        with CaptureQueriesContext(connection) as few:
            pack.pack_data(world.a, period, _agencies())
    scored_pemda(world, n_extra=8, include_base=False, start=10)
    with tenant_scope(world.a), CaptureQueriesContext(connection) as many:
        data = pack.pack_data(world.a, period, _agencies())
    assert len(few.captured_queries) == len(many.captured_queries)
    assert len(data["agencies"]) == 11
    assert [r["name"] for r in data["ranking"]][:1]


def _agencies() -> Any:
    from nyata.core.models import Agency

    return Agency.objects.filter(is_active=True)


@pytest.mark.django_db
def test_pack_pdf_and_excel_downloads(world: World) -> None:
    scored_pemda(world, n_extra=1)
    client = world.client("leader")
    resp = client.get("/dasbor/bahan-rapat.pdf" + Q2)
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF")
    resp = client.get("/dasbor/peringkat.xlsx" + Q2)
    assert resp.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(resp.content))
    rows = list(wb["Peringkat"].iter_rows(min_row=2, values_only=True))
    engine = _engine(world, 2)
    assert {r[1]: (r[0], r[4]) for r in rows} == {c: (a.rank, pytest.approx(a.score)) for c, a in engine.items()}


@pytest.mark.django_db
def test_agency_roles_see_the_ranking_but_only_their_own_detail(world: World) -> None:
    data = scored_pemda(world, n_extra=1)
    for role in ("agency_head", "agency_operator"):
        client = world.client(role)
        html = client.get("/dasbor/" + Q2).content.decode()
        shown = _ranking(html)
        assert set(shown) == {"A1", "A2", "X000"}  # the ranking is not a draft: every agency is listed
        soup = BeautifulSoup(html, "html.parser")
        links = {a["href"].split("?")[0] for a in soup.select("[data-testid=agency-link]")}
        assert links == {f"/dasbor/pd/{world.a1.pk}/"}
        assert client.get(f"/dasbor/pd/{world.a1.pk}/").status_code == 200
        assert client.get(f"/dasbor/pd/{world.a2.pk}/").status_code == 404
        assert client.get(f"/dasbor/indikator/{data['ai'][('A2', 'K1')].pk}/").status_code == 404
        assert client.get(f"/dasbor/indikator/{data['ai'][('A1', 'K1')].pk}/").status_code == 200
        assert client.get("/dasbor/bahan-rapat.pdf").status_code == 403
        flags = client.get("/api/v1/dashboard/flags?year=2026&quarter=2").json()
        assert {f["agency_code"] for f in flags} <= {"A1"}
        assert client.get(f"/api/v1/dashboard/agencies/{world.a2.pk}/scores").status_code == 404


@pytest.mark.django_db
def test_api_scores_equal_the_engine(world: World) -> None:
    scored_pemda(world, n_extra=2)
    got = world.client("planner").get("/api/v1/dashboard/scores?year=2026&quarter=2").json()
    engine = _engine(world, 2)
    assert {g["agency_code"]: (g["rank"], g["score"]) for g in got} == {
        c: (a.rank, pytest.approx(a.score)) for c, a in engine.items()}
    hist = world.client("leader").get(f"/api/v1/dashboard/agencies/{world.a1.pk}/scores?year=2026").json()
    assert [h["quarter"] for h in hist] == [1, 2, 3, 4] or [h["quarter"] for h in hist][:2] == [1, 2]
    assert hist[1]["score"] == pytest.approx(engine["A1"].score)


@pytest.mark.django_db
def test_meeting_mode_commitments_and_follow_up(world: World) -> None:
    # A1's K1 is at 70 % (56/80) in Q1 and meets its Q2 target (85/85) the quarter after the meeting.
    data = scored_pemda(world, values={"A1": [["56", "85", None, None], ["25", "25", None, None],
                                              ["10", "9", None, None]]})
    leader = world.client("leader")
    ind = data["ai"][("A1", "K1")].indicator
    resp = leader.post("/dasbor/komitmen/?periode=2026-1", {
        "agency": world.a1.pk, "indicator": ind.pk, "what": "Tuntaskan penanganan gizi buruk",
        "owner": "Kepala Dinas Satu", "due": "2026-06-30", "meeting_date": "2026-04-20"})
    assert resp.status_code == 302
    with tenant_scope(world.a):
        c = Commitment.objects.get()
        assert c.baseline_achievement == pytest.approx(70.0)
        [f] = queries.follow_up([c], queries.Period(2026, 2))
    assert f["verdict"] == "kept" and f["now"] == pytest.approx(100.0)
    # refused input names the field
    bad = leader.post("/dasbor/komitmen/?periode=2026-1", {"agency": world.a1.pk, "what": "", "owner": "x",
                                                          "due": "2026-01-01", "meeting_date": "2026-04-20"})
    assert bad.status_code == 400
    # the next quarter's page (and pack) opens with the earlier commitment and the data's verdict
    page = world.client("perf_admin").get("/dasbor/komitmen/?periode=2026-2").content.decode()
    soup = BeautifulSoup(page, "html.parser")
    earlier = soup.select_one("[data-testid=earlier]").get_text(" ", strip=True)
    assert "Tuntaskan penanganan gizi buruk" in earlier and str(queries.VERDICTS["kept"]) in earlier
    from nyata.dashboard import pack

    with tenant_scope(world.a):
        d = pack.pack_data(world.a, queries.Period(2026, 2), _agencies())
    assert d["follow_up"][0]["verdict_code"] == "kept"
    # agency roles read their own commitments, never write
    assert world.client("agency_head").post("/dasbor/komitmen/", {}).status_code == 403
    assert world.client("agency_head").get("/dasbor/komitmen/").status_code == 200
    # state change needs a note, is audited
    admin = world.client("perf_admin")
    admin.post(f"/dasbor/komitmen/{c.pk}/status/", {"state": "done", "note": ""})
    with tenant_scope(world.a):
        c.refresh_from_db()
        assert c.state == "open"
    admin.post(f"/dasbor/komitmen/{c.pk}/status/", {"state": "done", "note": "Selesai per Juni"})
    with tenant_scope(world.a):
        c.refresh_from_db()
        assert c.state == "done"
        from nyata.core.models import AuditEvent

        assert AuditEvent.objects.filter(action__startswith="nyata.dashboard.commitment").count() == 2


@pytest.mark.django_db
def test_commitment_validation(world: World) -> None:
    with tenant_scope(world.a):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            actions.commitment_create(actor=None, pemda=world.a, year=2026, quarter=1,
                                      meeting_date=dt.date(2026, 4, 20), agency=world.a1, what="x", owner="y",
                                      due=dt.date(2026, 4, 1))


def test_charts_are_accessible_without_colour() -> None:
    svg = str(charts.ranking_bars([charts.Bar("Dinas A", 92.5, "sangat_tinggi"), charts.Bar("Dinas B", None)],
                                  title="Peringkat", chart_id="t"))
    assert "<title" in svg and "<desc" in svg and "<pattern" in svg
    assert "92,5 · ST" in svg and "belum ada skor" in svg
    assert charts.number(1234.5) == "1.234,5" and charts.number(None) == "—" and charts.number(80.0) == "80"
    line = str(charts.quarter_chart(["TW I", "TW II"], [charts.Series("Target", [1, 2], "dashed"),
                                                          charts.Series("Realisasi", [1, None])],
                                    title="x<y", chart_id="q", forecast=(3.0, 2.0, 4.0)))
    assert "x&lt;y" in line and "Proyeksi akhir tahun 3, rentang 2 sampai 4" in line


@pytest.mark.django_db
def test_cached_home_follows_new_verified_data(world: World) -> None:
    from decimal import Decimal

    from nyata.reporting.models import Realisation
    from nyata.reporting.scores import recompute

    data = scored_pemda(world, n_extra=1)
    client = world.client("leader")
    before = _ranking(client.get("/dasbor/" + Q2).content.decode())
    assert _ranking(client.get("/dasbor/" + Q2).content.decode()) == before  # served from the cache
    with tenant_scope(world.a):
        r = Realisation.objects.get(agreement_indicator=data["ai"][("A1", "K1")], quarter__number=2)
        r.value = Decimal("1")
        r.save()
        recompute(world.a, 2026)
    after = _ranking(client.get("/dasbor/" + Q2).content.decode())
    engine = _engine(world, 2)
    assert after["A1"]["score"] == charts.number(engine["A1"].score) != before["A1"]["score"]
