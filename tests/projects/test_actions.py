"""Writes: each refusal is a clear Indonesian error on the field at fault, and nothing is saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from nyata.core.models import AuditEvent
from nyata.core.tenancy import tenant_scope
from nyata.projects import actions
from nyata.projects.models import Dependency, Milestone, ProgressReport, Project
from tests.conftest import World

D = dt.date
MID_YEAR = D(2026, 6, 30)


def make_project(world: World, code: str = "p1", agency: Any = None) -> Project:
    return actions.project_create(actor=world.users["planner"], pemda=world.a, code=code,
                                  name=f"Proyek {code}", owner_agency=agency or world.a1,
                                  start=D(2026, 1, 1), end=D(2026, 12, 31))


def add_ms(project: Project, name: str, agency: Any, date: dt.date = MID_YEAR,
           weight: int = 50) -> Milestone:
    return actions.milestone_add(actor=None, project=project, name=name, agency=agency,
                                 planned_date=date, weight=Decimal(weight))


def refused(field: str, fn: Any, **kwargs: Any) -> str:
    with pytest.raises(ValidationError) as e:
        fn(**kwargs)
    assert field in e.value.message_dict, e.value.message_dict
    return " ".join(e.value.message_dict[field])


def test_project_create_is_audited(world: World, scope_a: Any) -> None:
    p = actions.project_create(actor=world.users["planner"], pemda=world.a, code="p1", name="P",
                               owner_agency=world.a1, supporting_agencies=[world.a2])
    assert list(p.supporting_agencies.all()) == [world.a2]
    ev = AuditEvent.objects.get(action="nyata.project.created")
    assert ev.data["supporting_agencies"] == [world.a2.pk]


def test_it_refuses_an_owner_agency_of_another_pemda(world: World, scope_a: Any) -> None:
    msg = refused("owner_agency", actions.project_create, actor=None, pemda=world.a, code="x",
                  name="X", owner_agency=world.b1)
    assert "Pemda lain" in msg
    assert not Project.objects.exists()


def test_it_refuses_a_milestone_outside_the_project_dates(world: World, scope_a: Any) -> None:
    p = make_project(world)
    msg = refused("planned_date", add_ms, project=p, name="M", agency=world.a1, date=D(2027, 1, 1))
    assert "di luar tanggal proyek" in msg and "01-01-2027" in msg
    refused("planned_date", add_ms, project=p, name="M", agency=world.a1, date=D(2025, 12, 31))
    assert not Milestone.objects.exists()
    add_ms(p, "M", world.a1, D(2026, 12, 31))  # the last day is inside


def test_it_refuses_to_shrink_a_project_around_its_milestones(world: World, scope_a: Any) -> None:
    p = make_project(world)
    add_ms(p, "Juni", world.a1, D(2026, 6, 30))
    refused("end", actions.project_update, actor=None, project=p, end=D(2026, 5, 31))
    p.refresh_from_db()
    assert p.end == D(2026, 12, 31)


def test_weights_must_sum_to_100_to_finalise(world: World, scope_a: Any) -> None:
    p = make_project(world)
    add_ms(p, "A", world.a1, weight=60)
    add_ms(p, "B", world.a2, weight=30)
    msg = refused("weight", actions.milestone_plan_finalise, actor=None, project=p)
    assert "90" in msg
    p.refresh_from_db()
    assert not p.plan_finalised
    add_ms(p, "C", world.a2, weight=10)
    actions.milestone_plan_finalise(actor=None, project=p)
    assert p.plan_finalised
    refused("name", add_ms, project=p, name="D", agency=world.a1, weight=0)


def progress(p: Project, month: int, planned: Any, actual: Any, note: str = "", spent: int = 0) -> ProgressReport:
    return actions.progress_record(actor=None, project=p, month=D(2026, month, 1),
                                   planned_physical=Decimal(str(planned)),
                                   actual_physical=Decimal(str(actual)), spent=Decimal(spent),
                                   correction_note=note)


def test_progress_above_100_is_refused(world: World, scope_a: Any) -> None:
    p = make_project(world)
    msg = refused("actual_physical", progress, p=p, month=1, planned=10, actual="100.01")
    assert "0 dan 100" in msg
    refused("planned_physical", progress, p=p, month=1, planned=101, actual=10)
    assert not ProgressReport.objects.exists()


def test_progress_going_backwards_needs_a_correction_note(world: World, scope_a: Any) -> None:
    p = make_project(world)
    progress(p, 1, 10, 8, spent=5)
    msg = refused("actual_physical", progress, p=p, month=2, planned=20, actual=7)
    assert "lebih rendah" in msg and "catatan koreksi" in msg
    refused("spent", progress, p=p, month=2, planned=20, actual=9, spent=4)
    assert ProgressReport.objects.count() == 1
    progress(p, 2, 20, 7, note="Opname ulang: pekerjaan tanah ditolak pengawas")
    assert ProgressReport.objects.count() == 2


def test_a_month_reported_again_is_a_new_version(world: World, scope_a: Any) -> None:
    p = make_project(world)
    first = progress(p, 3, 30, 25)
    refused("correction_note", progress, p=p, month=3, planned=30, actual=26)
    second = progress(p, 3, 30, 26, note="Salah ketik")
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.actual_physical == Decimal(25)  # the first version is kept as it was
    assert AuditEvent.objects.filter(action="nyata.progress.recorded").count() == 2


def test_dependency_cycle_is_refused_and_named(world: World, scope_a: Any) -> None:
    p = make_project(world)
    a, b, c = (add_ms(p, n, ag) for n, ag in (("Lahan", world.a1), ("Jalan", world.a2), ("Dermaga", world.a1)))
    actions.dependency_add(actor=None, upstream=a, downstream=b)
    actions.dependency_add(actor=None, upstream=b, downstream=c)
    msg = refused("upstream", actions.dependency_add, actor=None, upstream=c, downstream=a)
    assert "siklus" in msg
    assert "Dermaga" in msg and "Lahan" in msg and "Jalan" in msg
    assert Dependency.objects.count() == 2
    refused("upstream", actions.dependency_add, actor=None, upstream=a, downstream=a)
    refused("upstream", actions.dependency_add, actor=None, upstream=a, downstream=b)


def test_dependency_on_another_pemda_is_refused(world: World) -> None:
    with tenant_scope(world.b):
        pb = actions.project_create(actor=None, pemda=world.b, code="b", name="B",
                                    owner_agency=world.b1, start=D(2026, 1, 1), end=D(2026, 12, 31))
        mb = add_ms(pb, "Izin kabupaten", world.b1)
    with tenant_scope(world.a):
        p = make_project(world)
        ma = add_ms(p, "Dermaga", world.a1)
        msg = refused("upstream", actions.dependency_add, actor=None, upstream=mb, downstream=ma)
        assert "Pemda lain" in msg
        assert not Dependency.objects.exists()
        msg = refused("agency", add_ms, project=p, name="X", agency=world.b1)
        assert "Pemda lain" in msg


def test_show_cause_meetings_go_in_order(world: World, scope_a: Any) -> None:
    p = make_project(world)
    refused("stage", actions.meeting_record, actor=None, project=p, stage=2, date=D(2026, 7, 1),
            decisions="x", deadline=D(2026, 7, 14))
    refused("deadline", actions.meeting_record, actor=None, project=p, stage=1,
            date=D(2026, 7, 1), decisions="x", deadline=D(2026, 6, 14))
    actions.meeting_record(actor=None, project=p, stage=1, date=D(2026, 7, 1), decisions="x",
                           deadline=D(2026, 7, 14), outcome="missed", warning_letter="SP1")
    scm2 = actions.meeting_record(actor=None, project=p, stage=2, date=D(2026, 7, 20),
                                  decisions="y", deadline=D(2026, 8, 3))
    actions.meeting_set_outcome(actor=None, meeting=scm2, outcome="met")
    assert AuditEvent.objects.filter(action__startswith="nyata.showcause").count() == 3


def test_partnership_create(world: World, scope_a: Any) -> None:
    p = make_project(world)
    k = actions.partnership_create(actor=None, pemda=world.a, partner="PT Mitra", kind="kpbu",
                                   value=Decimal(10**12), project=p, agency=world.a1)
    assert k.pk and AuditEvent.objects.filter(action="nyata.partnership.created").exists()
    refused("agency", actions.partnership_create, actor=None, pemda=world.a, partner="X",
            kind="csr", agency=world.b1)
