"""Writes of the planning app. Each action owns its transaction and its audit events."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from nyata.core import audit
from nyata.core.access import require
from nyata.core.actions import record_delete, record_save
from nyata.core.models import Pemda, User
from nyata.core.periods import ensure_year_open
from nyata.core.roles import PLAN_WRITERS
from nyata.core.tenancy import TenantModel
from nyata.planning.models import (
    Activity,
    AgencyObjective,
    BudgetCeiling,
    Goal,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    Objective,
    ObjectiveLink,
    PlanPeriod,
    Polarity,
    Program,
    QuarterTarget,
    SubActivity,
    TargetVersion,
)

M = TypeVar("M", bound=TenantModel)

if TYPE_CHECKING:  # excel imports the models, the actions import excel only inside plan_import
    from nyata.planning.excel import ValidPlan


# --- checks shared by the pages and the import ------------------------------------------------


def _same_period(obj: Any, *related: Any) -> None:
    for r in related:
        if r is not None and r.period_id != obj.period_id:
            raise ValidationError(_("%(r)s berasal dari periode rencana lain.") % {"r": r})


def parent_cycle(obj: AgencyObjective, parent: AgencyObjective | None) -> bool:
    """Would making `parent` the parent of `obj` close a cycle in the cascade?"""
    seen = {obj.pk} if obj.pk else set()
    node = parent
    while node is not None:
        if node.pk in seen or node is obj:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


def _owner_code_taken(period_id: int, code: str, obj: models.Model) -> bool:
    """Goal, objective and agency-objective codes share one namespace (indicators name them)."""
    for model in (Goal, Objective, AgencyObjective):
        qs = model._default_manager.filter(period_id=period_id, code=code)
        if isinstance(obj, model):
            qs = qs.exclude(pk=obj.pk)
        if qs.exists():
            return True
    return False


def _budget_code_taken(agency_id: int, period_id: int, code: str, obj: models.Model) -> bool:
    """Program, activity and sub-activity codes are unique within an agency's plan."""
    checks: list[models.QuerySet[Any]] = [
        Program.objects.filter(period_id=period_id, agency_id=agency_id, code=code),
        Activity.objects.filter(program__period_id=period_id, program__agency_id=agency_id,
                                code=code),
        SubActivity.objects.filter(activity__program__period_id=period_id,
                                   activity__program__agency_id=agency_id, code=code),
    ]
    return any(qs.exclude(pk=obj.pk).exists() if isinstance(obj, qs.model) else qs.exists()
               for qs in checks)


def plan_item_check(obj: models.Model) -> None:
    """Rules of the cascade that a single row's model validation cannot see."""
    if (isinstance(obj, Goal | Objective | AgencyObjective) and obj.period_id
            and _owner_code_taken(obj.period_id, obj.code, obj)):
        raise ValidationError({"code": _("Kode %(c)s sudah dipakai di periode ini.")
                               % {"c": obj.code}})
    if isinstance(obj, Goal):
        _same_period(obj, obj.mission)
    elif isinstance(obj, Objective):
        _same_period(obj, obj.goal)
    elif isinstance(obj, AgencyObjective):
        _same_period(obj, obj.parent)
        if obj.parent is not None and obj.parent.agency_id != obj.agency_id:
            raise ValidationError({"parent": _("Sasaran induk harus dari perangkat daerah yang sama.")})
        if parent_cycle(obj, obj.parent):
            raise ValidationError({"parent": _("Sasaran induk ini membuat siklus pada cascading.")})
    elif isinstance(obj, Indicator):
        _same_period(obj, obj.goal, obj.objective, obj.agency_objective, obj.program, obj.serves)
        indicator_serves_check(obj)
    elif isinstance(obj, Program):
        _same_period(obj, obj.agency_objective)
        if obj.agency_objective is not None and obj.agency_objective.agency_id != obj.agency_id:
            raise ValidationError({"agency_objective": _(
                "Sasaran itu milik perangkat daerah lain.")})
    if isinstance(obj, Program | Activity | SubActivity):
        program = (obj if isinstance(obj, Program) else obj.program if isinstance(obj, Activity)
                   else obj.activity.program)
        if obj.unit is not None and obj.unit.agency_id != program.agency_id:
            raise ValidationError({"unit": _("Unit %(u)s bukan unit %(a)s.")
                                   % {"u": obj.unit, "a": program.agency}})
        if _budget_code_taken(program.agency_id, program.period_id, obj.code, obj):
            raise ValidationError({"code": _("Kode %(c)s sudah dipakai perangkat daerah ini.")
                                   % {"c": obj.code}})


def indicator_serves_check(ind: Indicator) -> None:
    """An indicator serves one of its own agency (or of the province), never itself or a cycle."""
    target = ind.serves
    if target is None:
        return
    if target.agency_id is not None and ind.owner_agency_id() not in (None, target.agency_id):
        raise ValidationError({"serves": _("Indikator %(t)s milik perangkat daerah lain.") % {"t": target.code}})
    seen = {ind.pk} if ind.pk else set()
    node: Indicator | None = target
    while node is not None:
        if node.pk in seen or node is ind:
            raise ValidationError({"serves": _("Indikator %(t)s membuat siklus pada pohon kinerja.")
                                   % {"t": target.code}})
        seen.add(node.pk)
        node = node.serves


@transaction.atomic
def plan_item_save(*, actor: User | None, obj: M) -> M:
    """Create or update one row of the plan (period, mission, goal, objective, program, …)."""
    require(actor, obj.pemda_id, PLAN_WRITERS)
    if isinstance(obj, PlanPeriod) and obj.is_current:
        obj.full_clean(validate_constraints=False)
        PlanPeriod.objects.filter(start_year=obj.start_year, end_year=obj.end_year,
                                  is_current=True).exclude(pk=obj.pk).update(is_current=False)
    plan_item_check(obj)
    return record_save(actor=actor, obj=obj)


@transaction.atomic
def plan_item_delete(*, actor: User | None, obj: TenantModel) -> None:
    require(actor, obj.pemda_id, PLAN_WRITERS)
    record_delete(actor=actor, obj=obj)


@transaction.atomic
def agency_objective_set_serves(*, actor: User | None, agency_objective: AgencyObjective,
                                objectives: Iterable[Objective]) -> None:
    """Replace the province objectives an agency objective contributes to."""
    require(actor, agency_objective.pemda_id, PLAN_WRITERS)
    wanted = {o.pk: o for o in objectives}
    for o in wanted.values():
        _same_period(agency_objective, o)
    current = {link.objective_id: link for link in agency_objective.links.all()}
    for pk, link in current.items():
        if pk not in wanted:
            audit.record_delete(actor, link)
            link.delete()
    for pk, o in wanted.items():
        if pk not in current:
            link = ObjectiveLink.objects.create(pemda_id=agency_objective.pemda_id,
                                                agency_objective=agency_objective, objective=o)
            audit.record_create(actor, link)


# --- targets: every change keeps a version row and an audit event ------------------------------


def _target_check(indicator: Indicator, year: int, value: Decimal,
                  value_high: Decimal | None) -> None:
    ensure_year_open(indicator.pemda_id, year, what=_("target"))
    period = indicator.period
    if not period.start_year <= year <= period.end_year:
        raise ValidationError({"year": _("Tahun %(y)d di luar periode rencana %(a)d–%(b)d.")
                               % {"y": year, "a": period.start_year, "b": period.end_year}})
    if indicator.polarity == Polarity.RANGE:
        if value_high is None:
            raise ValidationError({"value_high": _("Indikator rentang memerlukan batas atas.")})
        if value_high < value:
            raise ValidationError({"value_high": _("Batas atas lebih kecil dari batas bawah.")})
    elif value_high is not None:
        raise ValidationError({"value_high": _("Batas atas hanya untuk indikator rentang.")})


@transaction.atomic
def target_set(*, actor: User | None, indicator: Indicator, year: int, value: Decimal,
               value_high: Decimal | None = None, is_illustrative: bool = False) -> IndicatorTarget:
    require(actor, indicator.pemda_id, PLAN_WRITERS)
    _target_check(indicator, year, value, value_high)
    target = IndicatorTarget.objects.filter(indicator=indicator, year=year).first()
    before = audit.snapshot(target) if target else None
    if target is None:
        target = IndicatorTarget(pemda_id=indicator.pemda_id, indicator=indicator, year=year,
                                 value=value)
    target.value, target.value_high, target.is_illustrative = value, value_high, is_illustrative
    target.full_clean(validate_constraints=False)
    target.save()
    TargetVersion.objects.create(pemda_id=indicator.pemda_id, indicator=indicator, year=year,
                                 value=value, value_high=value_high, changed_by=actor)
    if before is None:
        audit.record_create(actor, target, action="nyata.target.set")
    else:
        audit.record_update(actor, target, before, action="nyata.target.changed")
    return target


@transaction.atomic
def target_delete(*, actor: User | None, target: IndicatorTarget) -> None:
    require(actor, target.pemda_id, PLAN_WRITERS)
    ensure_year_open(target.pemda_id, target.year, what=_("target"))
    TargetVersion.objects.create(pemda_id=target.pemda_id, indicator_id=target.indicator_id,
                                 year=target.year, value=None, changed_by=actor)
    audit.record_delete(actor, target, action="nyata.target.removed")
    target.delete()


@transaction.atomic
def quarter_target_set(*, actor: User | None, indicator: Indicator, year: int, quarter: int,
                       value: Decimal) -> QuarterTarget:
    require(actor, indicator.pemda_id, PLAN_WRITERS)
    _target_check(indicator, year, value, None if indicator.polarity != Polarity.RANGE else value)
    if not 1 <= quarter <= 4:
        raise ValidationError({"quarter": _("Triwulan harus 1–4.")})
    qt = QuarterTarget.objects.filter(indicator=indicator, year=year, quarter=quarter).first()
    qt = qt or QuarterTarget(pemda_id=indicator.pemda_id, indicator=indicator, year=year,
                             quarter=quarter, value=value)
    qt.value = value
    return record_save(actor=actor, obj=qt)


@transaction.atomic
def actual_set(*, actor: User | None, indicator: Indicator, year: int, value: Decimal,
               source: str = "") -> IndicatorActual:
    require(actor, indicator.pemda_id, PLAN_WRITERS)
    ensure_year_open(indicator.pemda_id, year, what=_("realisasi"))
    act = IndicatorActual.objects.filter(indicator=indicator, year=year).first()
    act = act or IndicatorActual(pemda_id=indicator.pemda_id, indicator=indicator, year=year,
                                 value=value)
    act.value, act.source = value, source
    return record_save(actor=actor, obj=act)


@transaction.atomic
def ceiling_set(*, actor: User | None, item: Program | Activity | SubActivity, year: int,
                amount: Decimal, is_illustrative: bool = False) -> BudgetCeiling:
    require(actor, item.pemda_id, PLAN_WRITERS)
    ensure_year_open(item.pemda_id, year, what=_("pagu anggaran"))
    program = (item if isinstance(item, Program) else item.program if isinstance(item, Activity)
               else item.activity.program)
    if not program.period.start_year <= year <= program.period.end_year:
        raise ValidationError({"year": _("Tahun %(y)d di luar periode rencana.") % {"y": year}})
    field = {Program: "program", Activity: "activity", SubActivity: "sub_activity"}[type(item)]
    ceiling = BudgetCeiling.objects.filter(**{field: item, "year": year}).first()
    ceiling = ceiling or BudgetCeiling(pemda_id=item.pemda_id, year=year, amount=amount,
                                       **{field: item})
    ceiling.amount, ceiling.is_illustrative = amount, is_illustrative
    return record_save(actor=actor, obj=ceiling)


# --- whole-plan writes: import and revision ----------------------------------------------------


@transaction.atomic
def plan_import(*, actor: User | None, pemda: Pemda, plan: ValidPlan) -> PlanPeriod:
    """Write a validated plan (`nyata.planning.excel.ValidPlan`) in one transaction."""
    require(actor, pemda.pk, PLAN_WRITERS)
    from nyata.planning.excel import write_plan

    period, summary = write_plan(pemda, plan, actor)
    audit.record(pemda=pemda, actor=actor, action="nyata.plan.imported", obj=period, data=summary)
    return period


@transaction.atomic
def plan_revise(*, actor: User | None, period: PlanPeriod, note: str) -> PlanPeriod:
    """A new revision that copies the current one; the old revision stays readable."""
    require(actor, period.pemda_id, PLAN_WRITERS)
    from nyata.planning.excel import export_plan, validate_plan, write_plan

    if not note.strip():
        raise ValidationError({"revision_note": _("Alasan revisi wajib diisi.")})
    rows = export_plan(period)
    old = PlanPeriod.objects.select_for_update(of=("self",)).get(pk=period.pk)
    old.is_current = False
    old.save(update_fields=["is_current"])
    plan = validate_plan(rows, new_period=True)
    latest = (PlanPeriod.objects.filter(start_year=old.start_year, end_year=old.end_year)
              .aggregate(models.Max("revision"))["revision__max"])
    new, summary = write_plan(old.pemda, plan, actor, revision=(latest or 0) + 1,
                              supersedes=old, revision_note=note.strip())
    audit.record(pemda=old.pemda_id, actor=actor, action="nyata.plan.revised", obj=new,
                 data={"supersedes": old.pk, "note": note.strip(), **summary})
    return new



@transaction.atomic
def agency_objective_save(*, actor: User | None, obj: AgencyObjective,
                          serves: Iterable[Objective]) -> AgencyObjective:
    """Save an agency objective and the province objectives it serves, together."""
    obj = plan_item_save(actor=actor, obj=obj)
    agency_objective_set_serves(actor=actor, agency_objective=obj, objectives=serves)
    return obj
