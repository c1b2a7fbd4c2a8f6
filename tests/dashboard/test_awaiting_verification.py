"""An agency that reported on time and waits for the inspectorate is not scored 0 nor ranked last.

The demo's case (Bappeda, BPKAD, Biro Perekonomian, BPSDMD): every value of the quarter was
submitted before the deadline and is still `submitted`. The leaders' ranking and the report
board leave those values out of score and rank, show the score as provisional with the count
of waiting values, and show the inspectorate's backlog per agency; an agency that submitted
after the deadline still counts 0 (missing at the deadline).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from nyata.core.tenancy import tenant_scope
from nyata.reporting.models import Realisation, ScoreSnapshot, Verification
from nyata.reporting.scores import recompute
from tests.conftest import World
from tests.dashboard.builders import scored_pemda

Q2 = "?periode=2026-2"


def _unverify(agency: Any, quarter: Any, when: dt.datetime) -> None:
    rows = Realisation.objects.filter(agency=agency, quarter=quarter)
    Verification.objects.filter(realisation__in=rows).delete()
    rows.update(status="submitted", verified_at=None, submitted_at=when)


def _waiting_world(w: World) -> dict[str, Any]:
    data = scored_pemda(w, n_extra=2)
    waiting, late = data["agencies"][2], data["agencies"][3]
    q2 = data["quarters"][2]
    deadline = dt.datetime.combine(q2.report_deadline, dt.time(9), tzinfo=timezone.get_current_timezone())
    with tenant_scope(w.a):
        _unverify(waiting, q2, deadline - dt.timedelta(days=2))
        _unverify(late, q2, deadline + dt.timedelta(days=3))
        recompute(w.a, 2026)
    return {"waiting": waiting, "late": late, "quarter": q2}


def _rows(html: str) -> dict[str, Any]:
    soup = BeautifulSoup(html, "html.parser")
    return {tr["data-agency"]: tr for tr in soup.select("tr[data-testid=rank-row]")}


@pytest.mark.django_db
def test_a_waiting_agency_is_provisional_not_zero_and_not_last(world: World) -> None:
    d = _waiting_world(world)
    waiting, late = d["waiting"], d["late"]
    with tenant_scope(world.a):
        snap = ScoreSnapshot.objects.get(agency=waiting, year=2026, quarter=2)
        late_snap = ScoreSnapshot.objects.get(agency=late, year=2026, quarter=2)
    assert snap.score is None and snap.rank is None and snap.category == ""
    assert snap.awaiting == 3 and snap.provisional
    assert "awaiting_verification" in snap.flags and "not_reported" not in snap.flags
    # missing at the deadline (submitted later, not verified): counts 0, ranked
    assert late_snap.score == 0 and late_snap.awaiting == 0 and "not_reported" in late_snap.flags
    html = world.client("leader").get("/dasbor/" + Q2).content.decode()
    rows = _rows(html)
    tr = rows[waiting.code]
    cells = tr.find_all(["td", "th"])
    assert cells[0].get_text(strip=True) == "—" and tr["data-rank"] == ""
    assert cells[2].find("a").get_text(strip=True) == "—"  # no score, not 0
    assert "3 nilai menunggu verifikasi" in tr.select_one("[data-testid=provisional]").get_text()
    assert "3 menunggu inspektorat" in tr.select_one("[data-testid=backlog]").get_text()
    ranks = sorted(int(r["data-rank"]) for r in rows.values() if r["data-rank"])
    assert ranks == [1, 2, 3]  # the three others, the late one last; the waiting one out of the rank
    assert rows[late.code]["data-rank"] == "3"
    soup = BeautifulSoup(html, "html.parser")
    # the inspectorate's backlog: every submitted value, on time or late
    assert "3 menunggu inspektorat" in rows[late.code].select_one("[data-testid=backlog]").get_text()
    assert soup.select_one("[data-testid=backlog-total] strong").get_text(strip=True) == "6"


@pytest.mark.django_db
def test_the_report_board_shows_the_waiting_agency_as_provisional(world: World) -> None:
    d = _waiting_world(world)
    html = world.client("inspector").get(f"/laporan/papan/?tw={d['quarter'].pk}").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    tr = soup.select_one(f"tr[data-agency='{d['waiting'].code}']")
    assert "3 nilai menunggu verifikasi" in tr.select_one("[data-testid=provisional]").get_text()
    assert "not_reported" not in tr.get_text()


@pytest.mark.django_db
def test_verifying_the_values_scores_the_agency(world: World) -> None:
    from django.test import TestCase

    from nyata.reporting import actions

    d = _waiting_world(world)
    with tenant_scope(world.a):
        rows = list(Realisation.objects.filter(agency=d["waiting"], quarter=d["quarter"]))
        with TestCase.captureOnCommitCallbacks(execute=True):
            actions.realisation_verify(actor=world.users["inspector"], realisations=rows, verdict="accept")
        snap = ScoreSnapshot.objects.get(agency=d["waiting"], year=2026, quarter=2)
    assert snap.score is not None and snap.score > 0 and snap.rank is not None and snap.awaiting == 0
