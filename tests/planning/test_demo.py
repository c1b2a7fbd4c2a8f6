"""The South Sumatra demo plan: loads, is idempotent, and shows exactly its deliberate flaws."""

from __future__ import annotations

from typing import Any

import pytest

from nyata.core.tenancy import tenant_scope
from nyata.demo.loader import load_province
from nyata.planning import demo, quality
from nyata.planning.models import AgencyObjective, Indicator, IndicatorTarget, PlanPeriod
from nyata.planning.tree import Weak, build_tree


@pytest.fixture
def demo_plan(db: Any) -> Any:
    pemda, _accounts = load_province()
    with tenant_scope(pemda):
        demo.load(pemda)
        yield pemda, PlanPeriod.objects.get(is_current=True)


def test_demo_loads_every_agency_and_is_idempotent(demo_plan: Any) -> None:
    pemda, _period = demo_plan
    with tenant_scope(pemda):
        counts = (AgencyObjective.objects.count(), Indicator.objects.count(),
                  IndicatorTarget.objects.count())
        demo.load(pemda)
        assert (AgencyObjective.objects.count(), Indicator.objects.count(),
                IndicatorTarget.objects.count()) == counts
        per_agency = {}
        for a in AgencyObjective.objects.select_related("agency"):
            per_agency[a.agency.code] = per_agency.get(a.agency.code, 0) + 1
        assert len(per_agency) == 44
        assert all(2 <= n <= 4 for n in per_agency.values())


def test_demo_tree_shows_exactly_the_deliberate_weak_spots(demo_plan: Any) -> None:
    pemda, period = demo_plan
    with tenant_scope(pemda):
        tree = build_tree(period)
    assert {(w.kind, w.code) for w in tree.weak_spots} == {
        (Weak.ORPHAN_AGENCY_OBJECTIVE, "BIRO-HUMAS.S3"),
        (Weak.UNSERVED_OBJECTIVE, "S3.2"),
        (Weak.INDICATOR_INCOMPLETE, "DISKOMINFO.I1"),
        (Weak.INDICATOR_INCOMPLETE, "DISPORA.I1"),
        (Weak.UNLINKED_PROGRAM, "5.02.03"),
    }


def test_demo_quality_shows_exactly_the_deliberate_problems(demo_plan: Any) -> None:
    pemda, period = demo_plan
    with tenant_scope(pemda):
        inds, objs = quality.facts_for_period(period)
    found = {(f.rule, f.subject_code, f.year) for f in quality.check(inds, objs, period.years)}
    R = quality.Rule
    assert found == {
        (R.BELOW_LAST_ACTUAL, "TPT", 2026), (R.BELOW_LAST_ACTUAL, "TPT", 2027),
        (R.BELOW_LAST_ACTUAL, "TPT", 2028),
        (R.BELOW_BASELINE, "DISBUDPAR.I1", 2025),
        (R.FLAT, "SATPOLPP.I1", None),
        (R.MISSING_YEAR, "DESDM.I1", 2029),
        (R.OUTPUT_ONLY, "BIRO-UMUM.S1", None),
    }


def test_demo_tree_page_renders_the_weak_spots(demo_plan: Any) -> None:
    from django.test import Client
    from django.urls import reverse

    from nyata.core.models import User

    _pemda, _period = demo_plan
    c = Client()
    c.force_login(User.objects.get(username="bappeda"))
    body = c.get(reverse("plan_tree")).content.decode()
    assert body.count('data-weak="orphan_agency_objective"') >= 1
    assert "Sumsel Maju Terus untuk Semua" in body and "ilustratif" in body
    assert c.get(reverse("plan_quality")).status_code == 200
