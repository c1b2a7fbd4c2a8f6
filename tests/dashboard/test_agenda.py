"""The agenda the leaders' home and the meeting pack open with: what needs a decision first."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nyata.core.models import Agency
from nyata.core.tenancy import tenant_scope
from nyata.dashboard import agenda, pack, queries
from nyata.dashboard.models import Commitment
from nyata.projects.models import ProgressReport
from nyata.reporting.models import CorrectiveAction, Realisation, SelfCritique
from tests.conftest import World
from tests.dashboard.builders import scored_pemda
from tests.projects.samples import sample_project

Q2 = "?periode=2026-2"
# A2 reports nothing for the second quarter: it did not report by the deadline.
SILENT_A2 = {"A2": [["70", None, None, None], ["20", None, None, None], ["9", None, None, None]]}


def _exceptions(world: World) -> dict[str, Any]:
    data = scored_pemda(world, values=SILENT_A2)
    today = timezone.localdate()
    project = sample_project(world, "own_agency")  # owned by A1
    with tenant_scope(world.a):
        q = data["quarters"]
        ProgressReport.objects.create(pemda=world.a, project=project, month=dt.date(2026, 6, 1),
                                      planned_physical=D("60"), actual_physical=D("20"), spent=D("0"))
        critique = SelfCritique.objects.create(pemda=world.a, agency=world.a1, quarter=q[2])
        late = CorrectiveAction.objects.create(pemda=world.a, critique=critique, agency=world.a1, owner="Kabid",
                                               description="Perbaiki pencatatan data", due=dt.date(2026, 3, 1))
        CorrectiveAction.objects.create(pemda=world.a, critique=critique, agency=world.a1, owner="Kabid",
                                        description="Belum jatuh tempo", due=today + dt.timedelta(days=30))
        Commitment.objects.create(pemda=world.a, year=2026, quarter=1, meeting_date=dt.date(2026, 4, 20),
                                  agency=world.a2, what="Percepat pelaporan", owner="Kepala", due=dt.date(2026, 6, 30))
        Commitment.objects.create(pemda=world.a, year=2026, quarter=1, meeting_date=dt.date(2026, 4, 20),
                                  agency=world.a2, what="Sudah selesai", owner="Kepala", due=dt.date(2026, 6, 30),
                                  state=Commitment.State.DONE)
        Realisation.objects.create(pemda=world.a, agency=world.a1, agreement_indicator=data["ai"][("A1", "K1")],
                                   quarter=q[3], status="submitted", value=D("90"), version=1,
                                   submitted_at=timezone.now())
    return {"project": project, "late_action": late, "quarters": data["quarters"]}


def _agenda(html: str) -> dict[str, list[tuple[str, str]]]:
    """Section key -> [(link text, href)] of the agenda block."""
    box = BeautifulSoup(html, "html.parser").select_one("[data-testid=agenda]")
    assert box is not None
    return {s["data-section"]: [(li.a.get_text(strip=True), li.a["href"]) for li in s.select("li")]
            for s in box.select("[data-section]")}


@pytest.mark.django_db
def test_the_home_opens_with_what_needs_a_decision_each_linking_to_its_detail(world: World) -> None:
    made = _exceptions(world)
    leader = world.client("leader")
    html = leader.get("/dasbor/" + Q2).content.decode()
    assert html.index('data-testid="agenda"') < html.index('data-testid="ranking"')
    shown = _agenda(html)
    assert set(shown) == {"agencies", "contracts", "actions", "commitments", "verification"}
    assert next(t for t, _ in shown["agencies"]) == "Dinas Dua"  # not reporting comes first
    a2 = BeautifulSoup(html, "html.parser").select_one("[data-section=agencies] li").get_text(" ", strip=True)
    assert "tidak melapor" in a2
    assert shown["contracts"] == [(made["project"].name, f"/proyek/{made['project'].pk}/")]
    assert [t for t, _ in shown["actions"]] == ["Perbaiki pencatatan data"]  # not the one still in time
    assert [t for t, _ in shown["commitments"]] == ["Percepat pelaporan"]  # not the one done
    assert [t for t, _ in shown["verification"]] == ["Dinas Satu"]
    text = BeautifulSoup(html, "html.parser").select_one("[data-section=verification]").get_text(" ", strip=True)
    assert "1 nilai menunggu verifikasi" in text
    for _section, lines in shown.items():
        for _t, href in lines:
            assert leader.get(href).status_code == 200, href


@pytest.mark.django_db
def test_an_agency_sees_only_its_own_lines(world: World) -> None:
    _exceptions(world)
    operator = world.client("agency_operator")
    shown = _agenda(operator.get("/dasbor/" + Q2).content.decode())  # of A1
    for lines in shown.values():
        for _t, href in lines:
            assert operator.get(href).status_code == 200, href  # never a link the reader cannot open
    assert "commitments" not in shown  # the only overdue commitment is A2's
    assert {t for t, _ in shown.get("agencies", []) + shown["verification"]} == {"Dinas Satu"}
    assert set(shown) >= {"contracts", "actions", "verification"}


@pytest.mark.django_db
def test_nothing_to_decide_says_so(world: World) -> None:
    box = BeautifulSoup(world.client("leader").get("/dasbor/" + Q2).content, "html.parser").select_one(
        "[data-testid=agenda]")
    assert not box.select("[data-section]") and "Tidak ada yang perlu diputuskan" in box.get_text()


@pytest.mark.django_db
def test_the_agenda_is_in_english_on_an_english_page(world: World) -> None:
    _exceptions(world)
    client = world.client("leader")
    client.cookies["django_language"] = "en"
    box = BeautifulSoup(client.get("/dasbor/" + Q2).content, "html.parser").select_one("[data-testid=agenda]")
    text = box.get_text(" ", strip=True)
    assert "Act on this first" in text and "Critical contracts" in text and "Perlu keputusan" not in text


@pytest.mark.django_db
def test_the_pack_opens_with_the_same_agenda(world: World) -> None:
    _exceptions(world)
    leader = world.client("leader")
    shown = _agenda(leader.get("/dasbor/" + Q2).content.decode())
    with tenant_scope(world.a):
        data = pack.pack_data(world.a, queries.Period(2026, 2), Agency.objects.filter(is_active=True))
    sections = data["agenda"]["sections"]
    assert [s["n"] for s in sections] == [len(v) for v in shown.values()]
    assert [s["title"] for s in sections][:2] == ["Perangkat daerah tidak sesuai jalur atau terlambat",
                                                  "Kontrak kritis"]
    assert sections[0]["lines"][0].startswith("Dinas Dua — tidak melapor")
    pdf = leader.get("/dasbor/bahan-rapat.pdf" + Q2)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_the_agenda_runs_the_same_queries_however_many_agencies(world: World) -> None:
    _exceptions(world)

    def count() -> int:
        with tenant_scope(world.a):
            period = queries.Period(2026, 2)
            rows = queries.ranking(period, Agency.objects.filter(is_active=True))
            flags = queries.red_flags(rows, period, queries.indicator_names(rows))
            with CaptureQueriesContext(connection) as ctx:
                agenda.agenda(rows, flags, period, timezone.localdate())
        return len(ctx.captured_queries)

    few = count()
    data = scored_pemda(world, n_extra=10, include_base=False, start=10)
    with tenant_scope(world.a):  # the new agencies are late too, and wait for the inspectorate
        for a in data["agencies"]:
            ai = data["ai"][(a.code, "K1")]
            Realisation.objects.create(pemda=world.a, agency=a, agreement_indicator=ai, quarter=data["quarters"][3],
                                       status="submitted", value=D("90"), version=1, submitted_at=timezone.now())
    assert count() == few <= 6
