"""Pages of the plan: periods, the province plan, agency Renstra, tree, quality, Excel.

Who may do what is set out in nyata.planning.access.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from nyata.core.access import NyataRequest, get_for_user, has_role, policy
from nyata.core.models import Agency
from nyata.core.params import as_int
from nyata.core.roles import PEMDA_MEMBERS, PEMDA_WIDE_ROLES, PLAN_QUALITY_READERS, PLAN_WRITERS
from nyata.core.xlsx import XLSX_CONTENT_TYPE, ImportErrors, build_workbook
from nyata.planning import actions, excel, forms, quality
from nyata.planning.access import indicator_reach
from nyata.planning.models import (
    AgencyObjective,
    BudgetCeiling,
    Goal,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    Mission,
    Objective,
    PlanPeriod,
    Program,
    QuarterTarget,
    TargetVersion,
)
from nyata.planning.tree import build_tree, render_html


def _current(request: NyataRequest) -> PlanPeriod | None:
    wanted = as_int(request.GET.get("periode"))
    qs = PlanPeriod.objects.all()
    if wanted is not None:
        return qs.filter(pk=wanted).first()
    return qs.filter(is_current=True).order_by("-start_year").first()


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _save_form(request: NyataRequest, form: Any, save: Any, *, title: str, back: str,
               extra: dict[str, Any] | None = None) -> HttpResponse:
    """Validate a form, call one action, redirect; or show the form with its errors."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Perubahan disimpan."))
            return redirect(back)
    return render(request, "planning/form.html", {"form": form, "title": title, "back": back,
                                                  **(extra or {})}, status=400 if form.is_bound else 200)


def _model_save(request: NyataRequest) -> Any:
    return lambda form: actions.plan_item_save(actor=request.user, obj=form.instance)


# --- periods and the province plan ----------------------------------------------------------


@policy(PEMDA_MEMBERS, agency_limited=False)
def plan_home(request: NyataRequest) -> HttpResponse:
    periods = PlanPeriod.objects.select_related("supersedes").annotate(
        n_objectives=models.Count("objectives", distinct=True))
    return render(request, "planning/home.html", {"periods": periods,
                                                  "can_write": has_role(request, *PLAN_WRITERS)})


@policy(PLAN_WRITERS, PLAN_WRITERS)
def plan_period_create(request: NyataRequest) -> HttpResponse:
    form = forms.PeriodForm(request.POST or None, pemda=request.pemda)
    return _save_form(request, form, _model_save(request), title=_("Rencana baru"),
                      back=reverse("plan_home"))


@policy(PEMDA_MEMBERS, agency_limited=False)
def plan_period_detail(request: NyataRequest, pk: int) -> HttpResponse:
    period = get_for_user(request, PlanPeriod, None, pk=pk)
    goals = Goal.objects.filter(period=period).select_related("mission")
    objectives = Objective.objects.filter(period=period)
    indicators = Indicator.objects.filter(period=period, agency__isnull=True).select_related(
        "responsible_agency")
    targets: dict[int, dict[int, IndicatorTarget]] = defaultdict(dict)
    for t in IndicatorTarget.objects.filter(indicator__period=period, indicator__agency__isnull=True):
        targets[t.indicator_id][t.year] = t
    by_owner: dict[str, list[Any]] = defaultdict(list)
    for i in indicators:
        row = (i, [targets[i.pk].get(y) for y in period.years])
        by_owner[f"g{i.goal_id}" if i.goal_id else f"o{i.objective_id}"].append(row)
    objs_by_goal: dict[int, list[Any]] = defaultdict(list)
    for o in objectives:
        objs_by_goal[o.goal_id].append((o, by_owner[f"o{o.pk}"]))
    agencies = Agency.objects.filter(plan_objectives__period=period).annotate(
        n=models.Count("plan_objectives")).order_by("code")
    return render(request, "planning/period_detail.html", {
        "period": period, "missions": Mission.objects.filter(period=period),
        "goals": [(g, by_owner[f"g{g.pk}"], objs_by_goal[g.pk]) for g in goals],
        "agencies": agencies, "can_write": has_role(request, *PLAN_WRITERS),
        "revisions": PlanPeriod.objects.filter(start_year=period.start_year,
                                               end_year=period.end_year).order_by("revision"),
        "revise_form": forms.RevisionForm(),
    })


@policy(PLAN_WRITERS, PLAN_WRITERS)
def plan_period_edit(request: NyataRequest, pk: int) -> HttpResponse:
    period = get_for_user(request, PlanPeriod, None, pk=pk)
    form = forms.PeriodForm(request.POST or None, instance=period, pemda=request.pemda)
    return _save_form(request, form, _model_save(request), title=_("Ubah rencana"),
                      back=reverse("plan_period_detail", args=[period.pk]))


@policy(PLAN_WRITERS, PLAN_WRITERS)
def plan_period_revise(request: NyataRequest, pk: int) -> HttpResponse:
    period = get_for_user(request, PlanPeriod, None, pk=pk)
    form = forms.RevisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = actions.plan_revise(actor=request.user, period=period,
                                      note=form.cleaned_data["note"])
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Revisi %(n)d dibuat; revisi lama tetap dapat dibaca.")
                             % {"n": new.revision})
            return redirect("plan_period_detail", new.pk)
    return render(request, "planning/form.html", {
        "form": form, "title": _("Revisi %(p)s") % {"p": period},
        "back": reverse("plan_period_detail", args=[period.pk])})


def _in_period_create(request: NyataRequest, pk: int, form_class: type[Any], title: str,
                      save: Any = None) -> HttpResponse:
    period = get_for_user(request, PlanPeriod, None, pk=pk)
    form = form_class(request.POST or None, pemda=request.pemda, period=period)
    return _save_form(request, form, save or _model_save(request), title=title,
                      back=reverse("plan_period_detail", args=[period.pk]))


@policy(PLAN_WRITERS, PLAN_WRITERS)
def plan_mission_create(request: NyataRequest, pk: int) -> HttpResponse:
    return _in_period_create(request, pk, forms.MissionForm, _("Misi baru"))


@policy(PLAN_WRITERS, PLAN_WRITERS)
def plan_goal_create(request: NyataRequest, pk: int) -> HttpResponse:
    return _in_period_create(request, pk, forms.GoalForm, _("Tujuan baru"))


@policy(PLAN_WRITERS, PLAN_WRITERS)
def plan_objective_create(request: NyataRequest, pk: int) -> HttpResponse:
    return _in_period_create(request, pk, forms.ObjectiveForm, _("Sasaran strategis baru"))


def _save_agency_objective(request: NyataRequest) -> Any:
    return lambda form: actions.agency_objective_save(
        actor=request.user, obj=form.instance,
        serves=form.cleaned_data["serves_objectives"])


@policy(PLAN_WRITERS, PLAN_WRITERS)
def plan_agency_objective_create(request: NyataRequest, pk: int) -> HttpResponse:
    return _in_period_create(request, pk, forms.AgencyObjectiveForm, _("Sasaran perangkat daerah "
                             "baru"), _save_agency_objective(request))


@policy(PLAN_WRITERS, PLAN_WRITERS)
def plan_agency_objective_edit(request: NyataRequest, pk: int) -> HttpResponse:
    obj = get_for_user(request, AgencyObjective.objects.select_related("period"), pk=pk)
    form = forms.AgencyObjectiveForm(request.POST or None, instance=obj, pemda=request.pemda,
                                     period=obj.period)
    return _save_form(request, form, _save_agency_objective(request),
                      title=_("Ubah sasaran perangkat daerah"),
                      back=reverse("plan_agency", args=[obj.agency_id]))


@policy(PLAN_WRITERS, PLAN_WRITERS)
def plan_indicator_create(request: NyataRequest, pk: int) -> HttpResponse:
    return _in_period_create(request, pk, forms.IndicatorForm, _("Indikator baru"))


@policy(PLAN_WRITERS, PLAN_WRITERS)
def plan_program_create(request: NyataRequest, pk: int) -> HttpResponse:
    return _in_period_create(request, pk, forms.ProgramForm, _("Program baru"))


@policy(PLAN_WRITERS, PLAN_WRITERS)
def plan_activity_create(request: NyataRequest, pk: int) -> HttpResponse:
    return _in_period_create(request, pk, forms.ActivityForm, _("Kegiatan baru"))


@policy(PLAN_WRITERS, PLAN_WRITERS)
def plan_sub_activity_create(request: NyataRequest, pk: int) -> HttpResponse:
    return _in_period_create(request, pk, forms.SubActivityForm, _("Sub kegiatan baru"))


@policy(PLAN_WRITERS, PLAN_WRITERS)
def plan_ceiling_set(request: NyataRequest, pk: int) -> HttpResponse:
    def save(form: Form) -> None:
        d = form.cleaned_data
        actions.ceiling_set(actor=request.user, item=d["item"], year=d["year"],
                            amount=d["amount"], is_illustrative=d["is_illustrative"])
    return _in_period_create(request, pk, forms.CeilingForm, _("Pagu indikatif"), save)


# --- indicators and targets ----------------------------------------------------------------


@policy(PEMDA_MEMBERS, PLAN_WRITERS)
def plan_indicator_detail(request: NyataRequest, pk: int) -> HttpResponse:
    """An indicator with its targets; writers set yearly and quarterly targets and actuals."""
    qs = indicator_reach(request, Indicator.objects.select_related(
        "period", "goal", "objective", "agency_objective__agency", "responsible_agency"))
    indicator = get_for_user(request, qs, None, pk=pk)
    period = indicator.period
    which = request.POST.get("form", "target")
    post = request.POST if request.method == "POST" else None
    target_form = forms.TargetForm(post if which == "target" else None, period=period)
    quarter_form = forms.QuarterTargetForm(post if which == "quarter" else None, period=period)
    actual_form = forms.ActualForm(post if which == "actual" else None)
    form = {"target": target_form, "quarter": quarter_form, "actual": actual_form}.get(which)
    if post is not None and form is not None and form.is_valid():
        d = form.cleaned_data
        try:
            if which == "target":
                actions.target_set(actor=request.user, indicator=indicator, year=d["year"],
                                   value=d["value"], value_high=d["value_high"],
                                   is_illustrative=d["is_illustrative"])
            elif which == "quarter":
                actions.quarter_target_set(actor=request.user, indicator=indicator,
                                           year=d["year"], quarter=d["quarter"], value=d["value"])
            else:
                actions.actual_set(actor=request.user, indicator=indicator, year=d["year"],
                                   value=d["value"], source=d["source"])
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Perubahan disimpan."))
            return redirect("plan_indicator_detail", indicator.pk)
    return render(request, "planning/indicator_detail.html", {
        "indicator": indicator, "period": period,
        "targets": IndicatorTarget.objects.filter(indicator=indicator),
        "quarters": QuarterTarget.objects.filter(indicator=indicator),
        "actuals": IndicatorActual.objects.filter(indicator=indicator),
        "versions": TargetVersion.objects.filter(indicator=indicator).select_related(
            "changed_by").order_by("-changed_at", "-pk")[:50],
        "target_form": target_form, "quarter_form": quarter_form, "actual_form": actual_form,
        "can_write": has_role(request, *PLAN_WRITERS),
    }, status=400 if post is not None else 200)


@policy(PLAN_WRITERS, PLAN_WRITERS)
def plan_indicator_edit(request: NyataRequest, pk: int) -> HttpResponse:
    indicator = get_for_user(request, Indicator.objects.select_related("period"), pk=pk)
    form = forms.IndicatorForm(request.POST or None, instance=indicator, pemda=request.pemda,
                               period=indicator.period)
    return _save_form(request, form, _model_save(request), title=_("Ubah indikator"),
                      back=reverse("plan_indicator_detail", args=[indicator.pk]))


# --- agency Renstra, tree, quality --------------------------------------------------------------


@policy(PEMDA_MEMBERS)
def plan_agency(request: NyataRequest, agency_pk: int) -> HttpResponse:
    agency = get_for_user(request, Agency, "pk", pk=agency_pk)
    period = _current(request)
    ctx: dict[str, Any] = {"agency": agency, "period": period,
                           "can_write": has_role(request, *PLAN_WRITERS)}
    if period is not None:
        aobjs = list(AgencyObjective.objects.filter(period=period, agency=agency)
                     .prefetch_related("serves").select_related("parent"))
        indicators = Indicator.objects.filter(period=period, agency=agency)
        targets: dict[int, dict[int, Any]] = defaultdict(dict)
        for t in IndicatorTarget.objects.filter(indicator__in=indicators):
            targets[t.indicator_id][t.year] = t
        ind_by: dict[int, list[Any]] = defaultdict(list)
        for i in indicators:
            ind_by[i.agency_objective_id or 0].append((i, [targets[i.pk].get(y)
                                                           for y in period.years]))
        programs = list(Program.objects.filter(period=period, agency=agency).select_related(
            "agency_objective").prefetch_related("activities__sub_activities"))
        ceilings: dict[tuple[str, int], dict[int, Any]] = defaultdict(dict)
        for c in BudgetCeiling.objects.filter(excel.models_q_period(period, agency)):
            key = (("program", c.program_id) if c.program_id else ("activity", c.activity_id)
                   if c.activity_id else ("sub_activity", c.sub_activity_id))
            ceilings[key][c.year] = c.amount
        ctx.update({
            "objectives": [(a, ind_by[a.pk]) for a in aobjs],
            "programs": [(p, [ceilings[("program", p.pk)].get(y) for y in period.years])
                         for p in programs],
        })
        if has_role(request, *PLAN_QUALITY_READERS):
            inds, objs = quality.facts_for_period(period, {agency.pk})
            ctx["findings"] = quality.check(inds, objs, period.years)
    return render(request, "planning/agency.html", ctx)


def _tree_page(request: NyataRequest, agency: Agency | None) -> HttpResponse:
    period = _current(request)
    tree = build_tree(period, agency.pk if agency else None) if period else None
    url = reverse("plan_indicator_detail", args=[0])[:-2]  # ".../indikator/" + pk + "/"
    html = render_html(tree.root, lambda pk: f"{url}{pk}/") if tree else ""
    return render(request, "planning/tree.html", {"period": period, "tree": tree,
                                                  "agency": agency, "tree_html": html})


@policy(PEMDA_WIDE_ROLES)
def plan_tree(request: NyataRequest) -> HttpResponse:
    return _tree_page(request, None)


@policy(PEMDA_MEMBERS)
def plan_tree_agency(request: NyataRequest, agency_pk: int) -> HttpResponse:
    return _tree_page(request, get_for_user(request, Agency, "pk", pk=agency_pk))


@policy(PLAN_QUALITY_READERS)
def plan_quality(request: NyataRequest) -> HttpResponse:
    period = _current(request)
    groups: dict[str, list[quality.Finding]] = defaultdict(list)
    if period is not None:
        inds, objs = quality.facts_for_period(period)
        for f in quality.check(inds, objs, period.years):
            groups[f.agency].append(f)
    names = {a.code: a for a in Agency.objects.filter(code__in=list(groups))}
    return render(request, "planning/quality.html", {
        "period": period,
        "groups": [(names.get(code), items) for code, items in sorted(groups.items())],
        "total": sum(len(v) for v in groups.values())})


@policy(PLAN_QUALITY_READERS)
def plan_quality_export(request: NyataRequest) -> HttpResponse:
    period = _current(request)
    findings: list[quality.Finding] = []
    if period is not None:
        inds, objs = quality.facts_for_period(period)
        findings = quality.check(inds, objs, period.years)
    rows = [[f.agency or _("Provinsi"), f.subject_code, f.subject_name, f.label,
             f.year or "", f.message] for f in findings]
    data = build_workbook([(_("Mutu target"), ["perangkat_daerah", "kode", "nama", "masalah",
                                               "tahun", "keterangan"], rows)])
    return _xlsx(data, "nyata-mutu-target.xlsx")


# --- Excel ---------------------------------------------------------------------------------------


@policy(PLAN_WRITERS, PLAN_WRITERS)
def plan_import(request: NyataRequest) -> HttpResponse:
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            plan = excel.validate_plan(excel.read_workbook(form.cleaned_data["file"]))
            period = actions.plan_import(actor=request.user, pemda=request.pemda,
                                         plan=plan)
        except ImportErrors as e:
            errors = e.errors
        else:
            messages.success(request, _("Impor berhasil: rencana %(p)s diperbarui.") % {"p": period})
            return redirect("plan_period_detail", period.pk)
    return render(request, "planning/import.html", {"form": form, "errors": errors},
                  status=400 if errors else 200)


@policy(PEMDA_WIDE_ROLES)
def plan_template(request: NyataRequest) -> HttpResponse:
    """The blank template, or the current plan (the round-trip file) with ?isi=1."""
    period = _current(request) if request.GET.get("isi") else None
    rows = excel.export_plan(period) if period else {s: [] for s in excel.SHEETS}
    name = f"nyata-rencana-{period.start_year}-{period.end_year}.xlsx" if period else \
        "nyata-templat-rencana.xlsx"
    return _xlsx(excel.build_workbook(rows), name)


@policy(PEMDA_MEMBERS)
def plan_agency_template(request: NyataRequest, agency_pk: int) -> HttpResponse:
    """An agency's Renstra workbook (the province plan included for reference)."""
    agency = get_for_user(request, Agency, "pk", pk=agency_pk)
    period = _current(request)
    rows = excel.export_plan(period, agency) if period else {s: [] for s in excel.SHEETS}
    return _xlsx(excel.build_workbook(rows), f"nyata-renstra-{agency.code}.xlsx")


