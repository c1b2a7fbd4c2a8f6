"""The South Sumatra demo: Tanjung Carat read like a leader would (the browser test's scenario,
through the Django client), and the loader is idempotent."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.db import transaction
from django.test import Client
from django.urls import reverse

from nyata.core.models import User
from nyata.core.tenancy import tenant_scope
from nyata.demo import loader
from nyata.projects import demo
from nyata.projects.models import (
    Dependency,
    Milestone,
    Partnership,
    ProgressReport,
    Project,
    ShowCauseMeeting,
)

PER = "?per=2026-11-30"


@pytest.fixture
def province(db: Any) -> Any:
    pemda, _ = loader.load_province()
    with tenant_scope(pemda), transaction.atomic():
        demo.load(pemda)
    return pemda


def test_demo_is_idempotent_and_complete(province: Any) -> None:
    with tenant_scope(province):
        counts = [m.objects.count() for m in (Project, Milestone, Dependency, ProgressReport,
                                              ShowCauseMeeting, Partnership)]
        with transaction.atomic():
            demo.load(province)
        assert [m.objects.count() for m in (Project, Milestone, Dependency, ProgressReport,
                                            ShowCauseMeeting, Partnership)] == counts
        assert Project.objects.count() == 11  # the ten of projects.csv and one made-up road
        agencies = set()
        for d in Dependency.objects.select_related("upstream", "downstream"):
            agencies |= {d.upstream.agency_id, d.downstream.agency_id}
        assert len(agencies) >= 5
        port = Project.objects.get(code="tanjung-carat")
        assert "59,5 ha" in port.description and "lintaskontainer.co.id" in port.sources
        assert port.location is not None and port.location.code == "16.07"
        assert ShowCauseMeeting.objects.filter(project__code="jalan-akses-tanjung-carat").count() == 3


def leader() -> Client:
    c = Client()
    c.force_login(User.objects.get(username="gubernur"))
    return c


def test_leader_reads_tanjung_carat_and_follows_a_late_dependency(province: Any) -> None:
    c = leader()
    soup = BeautifulSoup(c.get(reverse("project_list") + PER).content, "html.parser")
    link = soup.find("a", string=lambda s: s and s.startswith("Pelabuhan Tanjung Carat"))
    page = c.get(link["href"] + PER)
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    status = soup.select_one('[data-testid="deviation-status"]').get_text(" ", strip=True)
    assert "Terlambat" in status and "Oktober 2026" in status and "ilustratif" in status
    svg = soup.select_one('svg[data-testid="scurve"]')
    assert "Rencana 14,00%" in svg.get_text() and "Realisasi 5,50%" in svg.get_text()
    late = [tr for tr in soup.select('[data-testid="upstream"] tbody tr') if tr["data-state"] == "late"]
    assert any("Izin lingkungan" in tr.get_text() for tr in late)
    owner = next(tr for tr in late if "Izin lingkungan" in tr.get_text()).select_one(
        'a[data-testid="owner-agency"]')
    agency_page = c.get(owner["href"])
    assert agency_page.status_code == 200
    h1 = BeautifulSoup(agency_page.content, "html.parser").h1.get_text()
    assert h1 == "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"


def test_access_road_is_critical_with_its_show_cause_meetings(province: Any) -> None:
    c = leader()
    with tenant_scope(province):
        road = Project.objects.get(code="jalan-akses-tanjung-carat")
    soup = BeautifulSoup(c.get(reverse("project_detail", args=[road.pk]) + PER).content, "html.parser")
    assert "Kritis" in soup.select_one('[data-testid="deviation-status"]').get_text()
    meetings = soup.select('[data-testid="meetings"] tbody tr')
    assert [tr.td.get_text(" ", strip=True).split()[1] for tr in meetings] == ["I", "II", "III"]
    assert "2 versi" in soup.select_one('[data-testid="progress-table"]').get_text()


def test_harm_ranking_puts_the_licensing_office_first(province: Any) -> None:
    soup = BeautifulSoup(leader().get(reverse("project_harm") + PER).content, "html.parser")
    first = soup.select_one('[data-testid="harm"] tbody tr').get_text(" ", strip=True)
    assert "Penanaman Modal" in first
    soup = BeautifulSoup(leader().get(reverse("project_organs") + PER).content, "html.parser")
    assert soup.select_one('[data-node="DPMPTSP"]')["data-state"] == "late"
