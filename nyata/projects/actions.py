"""Writes for strategic projects. Each action owns its transaction and its audit event.

Refusals raise `ValidationError` with an Indonesian message keyed by the field at fault,
so a form shows it next to that field and the API returns it as is. Nothing is saved
when a refusal is raised (every action is atomic).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from nyata.core import audit
from nyata.core.access import require
from nyata.core.models import Agency, Pemda, User
from nyata.core.roles import PROJECT_EDITORS, PROJECT_MEETING_WRITERS, PROJECT_PROGRESS_WRITERS
from nyata.planning.models import Indicator, Objective
from nyata.projects import analysis
from nyata.projects.models import (
    Dependency,
    FundingSource,
    Milestone,
    Partnership,
    ProgressReport,
    Project,
    ProjectIndicator,
    ProjectObjective,
    ProjectSupport,
    ShowCauseMeeting,
)

HUNDRED = Decimal(100)


def _same_pemda(pemda_id: int, field: str, *objs: Any) -> None:
    for obj in objs:
        if obj is not None and obj.pemda_id != pemda_id:
            raise ValidationError({field: _("%(obj)s milik Pemda lain; tidak dapat dipakai di sini.")
                                   % {"obj": obj}})


def _fmt_date(d: dt.date) -> str:
    return d.strftime("%d-%m-%Y")


# --- projects ---------------------------------------------------------------------------------


def _check_project(project: Project, supporting: Iterable[Agency]) -> None:
    _same_pemda(project.pemda_id, "owner_agency", project.owner_agency)
    _same_pemda(project.pemda_id, "location", project.location)
    _same_pemda(project.pemda_id, "supporting_agencies", *supporting)
    if project.start and project.end and project.end < project.start:
        raise ValidationError({"end": _("Tanggal selesai proyek tidak boleh sebelum tanggal mulai.")})
    if project.pk is not None and project.start and project.end:
        outside = [m for m in project.milestones.all()
                   if not project.start <= m.planned_date <= project.end]
        if outside:
            raise ValidationError({"end": _(
                "Tonggak %(name)s (%(date)s) akan berada di luar tanggal proyek; ubah tonggak dulu."
            ) % {"name": outside[0].name, "date": _fmt_date(outside[0].planned_date)}})
    project.full_clean(exclude=["supporting_agencies"])


def _set_links(project: Project, model: type[Any], field: str, objs: Iterable[Any]) -> list[int]:
    """Replace the project's links to plan objectives or indicators (same Pemda only)."""
    objs = list(objs)
    _same_pemda(project.pemda_id, field + "s", *objs)
    wanted = {o.pk for o in objs}
    model.objects.filter(project=project).exclude(**{f"{field}_id__in": wanted}).delete()
    have = set(model.objects.filter(project=project).values_list(f"{field}_id", flat=True))
    for pk in sorted(wanted - have):
        model.objects.create(pemda_id=project.pemda_id, project=project, **{f"{field}_id": pk})
    return sorted(wanted)


def _plan_links(project: Project, objectives: Iterable[Any] | None,
                indicators: Iterable[Any] | None) -> dict[str, list[int]]:
    out = {}
    if objectives is not None:
        out["objectives"] = _set_links(project, ProjectObjective, "objective", objectives)
    if indicators is not None:
        out["indicators"] = _set_links(project, ProjectIndicator, "indicator", indicators)
    return out


def _set_supporting(project: Project, supporting: Iterable[Agency]) -> list[int]:
    wanted = {a.pk for a in supporting if a.pk != project.owner_agency_id}
    ProjectSupport.objects.filter(project=project).exclude(agency_id__in=wanted).delete()
    have = set(ProjectSupport.objects.filter(project=project).values_list("agency_id", flat=True))
    for agency_id in sorted(wanted - have):
        ProjectSupport.objects.create(pemda_id=project.pemda_id, project=project, agency_id=agency_id)
    return sorted(wanted)


@transaction.atomic
def project_create(
    *, actor: User | None, pemda: Pemda, supporting_agencies: Iterable[Agency] = (),
    objectives: Iterable[Objective] = (), indicators: Iterable[Indicator] = (), **fields: Any
) -> Project:
    require(actor, pemda.pk, PROJECT_EDITORS)
    supporting = list(supporting_agencies)
    project = Project(pemda=pemda, **fields)
    _check_project(project, supporting)
    project.save()
    support_ids = _set_supporting(project, supporting)
    links = _plan_links(project, objectives, indicators)
    audit.record(pemda=pemda, actor=actor, action="nyata.project.created", obj=project,
                 data={"after": audit.snapshot(project), "supporting_agencies": support_ids,
                       **links})
    return project


@transaction.atomic
def project_update(
    *, actor: User | None, project: Project, supporting_agencies: Iterable[Agency] | None = None,
    objectives: Iterable[Objective] | None = None, indicators: Iterable[Indicator] | None = None,
    **fields: Any,
) -> Project:
    require(actor, project.pemda_id, PROJECT_EDITORS)
    before = audit.snapshot(Project.objects.get(pk=project.pk))
    for k, v in fields.items():
        setattr(project, k, v)
    supporting = list(supporting_agencies) if supporting_agencies is not None else list(
        project.supporting_agencies.all())
    _check_project(project, supporting)
    project.save()
    support_ids = _set_supporting(project, supporting)
    links = _plan_links(project, objectives, indicators)
    changes = audit.diff(before, audit.snapshot(project))
    audit.record(pemda=project.pemda_id, actor=actor, action="nyata.project.updated", obj=project,
                 data={**changes, "supporting_agencies": support_ids, **links})
    return project


@transaction.atomic
def funding_add(*, actor: User | None, project: Project, kind: str, amount: Decimal,
                note: str = "", is_illustrative: bool = False) -> FundingSource:
    require(actor, project.pemda_id, PROJECT_EDITORS)
    row = FundingSource(pemda_id=project.pemda_id, project=project, kind=kind, amount=amount,
                        note=note, is_illustrative=is_illustrative)
    if amount is None or Decimal(amount) < 0:
        raise ValidationError({"amount": _("Nilai sumber dana tidak boleh negatif.")})
    row.full_clean()
    row.save()
    audit.record_create(actor, row, action="nyata.project.funding_added")
    return row


# --- milestones -------------------------------------------------------------------------------


@transaction.atomic
def milestone_add(
    *, actor: User | None, project: Project, name: str, agency: Agency, planned_date: dt.date,
    weight: Decimal, actual_date: dt.date | None = None, is_illustrative: bool = False,
) -> Milestone:
    require(actor, project.pemda_id, PROJECT_EDITORS)
    _same_pemda(project.pemda_id, "agency", agency)
    if project.plan_finalised:
        raise ValidationError({"name": _(
            "Rencana tonggak proyek ini sudah final; buka kembali sebelum menambah tonggak.")})
    if project.start is None or project.end is None:
        raise ValidationError({"planned_date": _(
            "Isi tanggal mulai dan selesai proyek sebelum menambah tonggak.")})
    if not project.start <= planned_date <= project.end:
        raise ValidationError({"planned_date": _(
            "Tanggal rencana tonggak %(date)s di luar tanggal proyek (%(start)s s.d. %(end)s)."
        ) % {"date": _fmt_date(planned_date), "start": _fmt_date(project.start),
             "end": _fmt_date(project.end)}})
    ms = Milestone(pemda_id=project.pemda_id, project=project, name=name, agency=agency,
                   planned_date=planned_date, weight=weight, actual_date=actual_date,
                   is_illustrative=is_illustrative)
    ms.full_clean()
    ms.save()
    audit.record_create(actor, ms, action="nyata.milestone.created")
    return ms


@transaction.atomic
def milestone_complete(*, actor: User | None, milestone: Milestone, actual_date: dt.date) -> Milestone:
    require(actor, milestone.pemda_id, PROJECT_PROGRESS_WRITERS, milestone.agency_id)
    before = audit.snapshot(milestone)
    milestone.actual_date = actual_date
    milestone.full_clean()
    milestone.save(update_fields=["actual_date"])
    audit.record_update(actor, milestone, before, action="nyata.milestone.completed")
    return milestone


@transaction.atomic
def milestone_plan_finalise(*, actor: User | None, project: Project) -> Project:
    """Freeze the milestone plan; the weights must sum to exactly 100."""
    require(actor, project.pemda_id, PROJECT_EDITORS)
    milestones = list(project.milestones.all())
    if not milestones:
        raise ValidationError({"weight": _("Proyek belum memiliki tonggak.")})
    total = sum((m.weight for m in milestones), Decimal(0))
    if total != HUNDRED:
        raise ValidationError({"weight": _(
            "Jumlah bobot tonggak harus 100%%, sekarang %(total)s%%.") % {"total": total}})
    before = audit.snapshot(project)
    project.plan_finalised = True
    project.save(update_fields=["plan_finalised"])
    audit.record_update(actor, project, before, action="nyata.project.plan_finalised")
    return project


# --- progress ---------------------------------------------------------------------------------


@transaction.atomic
def progress_record(
    *, actor: User | None, project: Project, month: dt.date, planned_physical: Decimal,
    actual_physical: Decimal, spent: Decimal, forecast_completion: dt.date | None = None,
    correction_note: str = "", is_illustrative: bool = False,
) -> ProgressReport:
    """Append the month's cumulative progress (a new version when the month already has one)."""
    require(actor, project.pemda_id, PROJECT_PROGRESS_WRITERS, project.owner_agency_id)
    month = month.replace(day=1)
    note = correction_note.strip()
    for field, value, label in (("planned_physical", planned_physical, _("Rencana fisik")),
                                ("actual_physical", actual_physical, _("Realisasi fisik"))):
        if value is None or not Decimal(0) <= Decimal(value) <= HUNDRED:
            raise ValidationError({field: _("%(label)s harus antara 0 dan 100%%.") % {"label": label}})
    if spent is None or Decimal(spent) < 0:
        raise ValidationError({"spent": _("Realisasi keuangan tidak boleh negatif.")})
    if project.start and month < project.start.replace(day=1):
        raise ValidationError({"month": _("Bulan laporan sebelum proyek dimulai.")})
    # Lock the project row so two reports for the same month get distinct versions.
    Project.objects.select_for_update(of=("self",)).filter(pk=project.pk).first()
    current = _current_rows(project)
    same_month = current.get(month)
    if same_month is not None and not note:
        raise ValidationError({"correction_note": _(
            "Bulan %(month)s sudah dilaporkan; isi catatan koreksi untuk mengubahnya."
        ) % {"month": month.strftime("%m-%Y")}})
    earlier = [r for m, r in current.items() if m < month]
    prev = max(earlier, key=lambda r: r.month) if earlier else None
    if prev is not None and not note:
        if Decimal(actual_physical) < prev.actual_physical:
            raise ValidationError({"actual_physical": _(
                "Realisasi fisik %(new)s%% lebih rendah dari bulan sebelumnya (%(old)s%%); "
                "isi catatan koreksi bila memang dikoreksi."
            ) % {"new": actual_physical, "old": prev.actual_physical}})
        if Decimal(spent) < prev.spent:
            raise ValidationError({"spent": _(
                "Realisasi keuangan lebih rendah dari bulan sebelumnya; isi catatan koreksi."
            )})
    version = (ProgressReport.objects.filter(project=project, month=month)
               .aggregate(v=Max("version"))["v"] or 0) + 1
    row = ProgressReport(
        pemda_id=project.pemda_id, project=project, month=month, version=version,
        planned_physical=planned_physical, actual_physical=actual_physical, spent=spent,
        forecast_completion=forecast_completion, correction_note=note,
        is_illustrative=is_illustrative,
    )
    row.full_clean()
    row.save()
    audit.record_create(actor, row, action="nyata.progress.recorded")
    return row


def _current_rows(project: Project) -> dict[dt.date, ProgressReport]:
    rows: dict[dt.date, ProgressReport] = {}
    for r in ProgressReport.objects.filter(project=project).order_by("month", "version"):
        rows[r.month] = r
    return rows


# --- dependencies -----------------------------------------------------------------------------


def _graph() -> tuple[list[int], list[tuple[int, int]]]:
    ids = list(Milestone.objects.order_by("pk").values_list("pk", flat=True))
    index = {pk: i for i, pk in enumerate(ids)}
    edges = [(index[u], index[d]) for u, d in
             Dependency.objects.values_list("upstream_id", "downstream_id")]
    return ids, edges


@transaction.atomic
def dependency_add(*, actor: User | None, upstream: Milestone, downstream: Milestone,
                   note: str = "") -> Dependency:
    """`downstream` needs `upstream`; refuse another Pemda's items and any cycle."""
    require(actor, upstream.pemda_id, PROJECT_EDITORS)
    if upstream.pemda_id != downstream.pemda_id or upstream.agency.pemda_id != downstream.pemda_id:
        raise ValidationError({"upstream": _(
            "Tonggak %(item)s milik perangkat daerah Pemda lain; ketergantungan lintas Pemda "
            "tidak dapat dicatat.") % {"item": upstream}})
    if upstream.pk == downstream.pk:
        raise ValidationError({"upstream": _("Tonggak tidak dapat bergantung pada dirinya sendiri.")})
    if Dependency.objects.filter(upstream=upstream, downstream=downstream).exists():
        raise ValidationError({"upstream": _("Ketergantungan ini sudah tercatat.")})
    # Serialise dependency writes of this Pemda so two concurrent adds cannot close a cycle.
    Project.objects.select_for_update(of=("self",)).filter(pk=downstream.project_id).first()
    ids, edges = _graph()
    index = {pk: i for i, pk in enumerate(ids)}
    cycle = analysis.cycle_if_added(len(ids), edges, (index[upstream.pk], index[downstream.pk]))
    if cycle is not None:
        names = {m.pk: f"{m.name} ({m.agency})" for m in
                 Milestone.objects.filter(pk__in=[ids[i] for i in cycle]).select_related("agency")}
        raise ValidationError({"upstream": _(
            "Ketergantungan ini membentuk siklus: %(cycle)s.")
            % {"cycle": " → ".join(names[ids[i]] for i in cycle)}})
    dep = Dependency(pemda_id=downstream.pemda_id, upstream=upstream, downstream=downstream,
                     note=note)
    dep.full_clean()
    dep.save()
    audit.record_create(actor, dep, action="nyata.dependency.created")
    return dep


# --- show-cause meetings and partnerships ------------------------------------------------------


@transaction.atomic
def meeting_record(
    *, actor: User | None, project: Project, stage: int, date: dt.date, decisions: str,
    deadline: dt.date, outcome: str = ShowCauseMeeting.Outcome.PENDING,
    warning_letter: str = "", is_illustrative: bool = False,
) -> ShowCauseMeeting:
    require(actor, project.pemda_id, PROJECT_MEETING_WRITERS, project.owner_agency_id)
    if deadline < date:
        raise ValidationError({"deadline": _("Batas uji coba tidak boleh sebelum tanggal rapat.")})
    if stage > 1:
        prev = ShowCauseMeeting.objects.filter(project=project, stage=stage - 1).first()
        if prev is None:
            raise ValidationError({"stage": _("SCM tahap sebelumnya belum dicatat.")})
        if date < prev.date:
            raise ValidationError({"date": _("Tanggal rapat sebelum SCM tahap sebelumnya.")})
    if ShowCauseMeeting.objects.filter(project=project, stage=stage).exists():
        raise ValidationError({"stage": _("SCM tahap ini sudah dicatat untuk proyek ini.")})
    scm = ShowCauseMeeting(pemda_id=project.pemda_id, project=project, stage=stage, date=date,
                           decisions=decisions, deadline=deadline, outcome=outcome,
                           warning_letter=warning_letter, is_illustrative=is_illustrative)
    scm.full_clean()
    scm.save()
    audit.record_create(actor, scm, action="nyata.showcause.recorded")
    return scm


@transaction.atomic
def meeting_set_outcome(*, actor: User | None, meeting: ShowCauseMeeting, outcome: str,
                        warning_letter: str = "") -> ShowCauseMeeting:
    require(actor, meeting.pemda_id, PROJECT_MEETING_WRITERS, meeting.project.owner_agency_id)
    before = audit.snapshot(meeting)
    meeting.outcome = outcome
    meeting.warning_letter = warning_letter or meeting.warning_letter
    meeting.full_clean()
    meeting.save(update_fields=["outcome", "warning_letter"])
    audit.record_update(actor, meeting, before, action="nyata.showcause.outcome")
    return meeting


@transaction.atomic
def partnership_create(*, actor: User | None, pemda: Pemda, **fields: Any) -> Partnership:
    require(actor, pemda.pk, PROJECT_EDITORS)
    row = Partnership(pemda=pemda, **fields)
    _same_pemda(pemda.pk, "agency", row.agency)
    _same_pemda(pemda.pk, "project", row.project)
    row.full_clean()
    row.save()
    audit.record_create(actor, row, action="nyata.partnership.created")
    return row


def funding_total(project: Project) -> Decimal:
    return project.funding.aggregate(t=Sum("amount"))["t"] or Decimal(0)
