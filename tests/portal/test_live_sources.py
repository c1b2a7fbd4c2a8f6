"""The portal's providers in the other apps return final rows only (plan and projects)."""

from __future__ import annotations

from typing import Any

import pytest

from nyata.core.tenancy import tenant_scope
from nyata.demo.loader import load_province
from nyata.portal import sources


@pytest.fixture
def sumsel(db: Any) -> Any:
    from nyata.planning import demo as planning_demo
    from nyata.projects import demo as projects_demo

    pemda, _accounts = load_province()
    with tenant_scope(pemda):
        planning_demo.load(pemda)
        projects_demo.load(pemda)
        yield pemda


def test_headline_indicators_come_from_published_values_with_engine_achievement(sumsel: Any) -> None:
    from nyata.planning.models import IndicatorActual

    rows = sources.headline_indicators(sumsel, 2026)
    assert rows, "the demo plan has published values for its key indicators"
    assert len(rows) <= IndicatorActual.objects.values("indicator").distinct().count()
    ipm = next(r for r in rows if r.code.startswith("IPM") or "Pembangunan Manusia" in r.name)
    assert ipm.realisation is not None and ipm.target is not None
    if ipm.achievement is not None:
        assert abs(float(ipm.achievement) - float(ipm.realisation) / float(ipm.target) * 100) < 0.01


def test_project_progress_lists_every_project_with_its_latest_report(sumsel: Any) -> None:
    from nyata.projects.models import Project

    rows = sources.project_progress(sumsel)
    assert len(rows) == Project.objects.count()
    carat = next(r for r in rows if r.name.startswith("Pelabuhan Tanjung Carat"))
    assert carat.actual_percent is not None and carat.planned_percent is not None

