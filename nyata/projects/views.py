"""Pages of strategic projects.

Who may do what (the route policies below say it in code; tests/projects prove it):

* Read every project: leaders, performance admins, planners, inspectors.
* Agency heads and operators read the projects their agency owns **or supports**, and
  nothing else (another agency's project is 404).
* Create and edit projects, milestones, funding, dependencies and partnerships, and
  finalise a milestone plan: performance admins and planners.
* Record monthly progress: performance admins, planners, and the agency heads and
  operators of the agency that **owns** the project (a supporting agency reads but may
  not write: 403). Record a show-cause meeting: the same, without operators.
* Mark a milestone reached: performance admins, planners, and the agency roles of the
  agency that owns that milestone.
* The cross-agency pages (at-risk list, agency harm ranking, organs view) are for the
  Pemda-wide roles: they show every agency's late items. Agency roles see the upstream
  and downstream items of their own projects on the project page.
* The partnership register is read by every role of the Pemda (it is not agency-owned).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nyata.core.access import NyataRequest, get_for_user, limited_agency_ids, policy
from nyata.core.roles import (
    AGENCY_ROLES,
    PEMDA_MEMBERS,
    PROJECT_ANALYSTS,
    PROJECT_EDITORS,
    PROJECT_MEETING_WRITERS,
    PROJECT_PROGRESS_WRITERS,
)
from nyata.projects import actions, queries
from nyata.projects.forms import (
    DependencyForm,
    FundingForm,
    MeetingForm,
    MilestoneDoneForm,
    MilestoneForm,
    PartnershipForm,
    ProgressForm,
    ProjectForm,
    apply_errors,
)
from nyata.projects.models import Dependency, Milestone, Partnership, Project


def projects_for(request: NyataRequest) -> QuerySet[Project]:
    """Projects this user may reach on this route: all, or those their agency owns or supports."""
    qs = Project.objects.select_related("owner_agency", "location")
    agencies = limited_agency_ids(request)
    if agencies is None:
        return qs
    supported = Project.objects.filter(supports__agency__in=agencies).values("pk")
    return qs.filter(Q(owner_agency__in=agencies) | Q(pk__in=supported))


def get_project(request: NyataRequest, pk: int, *, owner_only: bool = False) -> Project:
    project = get_for_user(request, projects_for(request), None, pk=pk)
    agencies = limited_agency_ids(request)
    if owner_only and agencies is not None and project.owner_agency_id not in agencies:
        raise PermissionDenied
    return project


def _form_page(request: NyataRequest, form: Any, title: str, back: str,
               obj: Any = None) -> HttpResponse:
    return render(request, "core/form.html", {"form": form, "title": title, "back": back,
                                              "object": obj},
                  status=400 if form.is_bound and form.errors else 200)


def as_of(request: NyataRequest) -> dt.date:
    """The date the analysis is made for: `?per=YYYY-MM-DD`, or today."""
    try:
        return dt.date.fromisoformat(request.GET.get("per", ""))
    except ValueError:
        return timezone.localdate()


# --- projects ---------------------------------------------------------------------------------


@policy(PEMDA_MEMBERS)
def project_list(request: NyataRequest) -> HttpResponse:
    projects = list(projects_for(request).prefetch_related("supporting_agencies"))
    states = queries.project_states(projects)
    return render(request, "projects/project_list.html", {
        "states": states, "can_edit": bool(request.roles & PROJECT_EDITORS),
    })


@policy(PROJECT_EDITORS, PROJECT_EDITORS)
def project_create(request: NyataRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None, pemda=request.pemda)
    if request.method == "POST" and form.is_valid():
        try:
            project = actions.project_create(
                actor=request.user, pemda=request.pemda,
                **form.action_fields())
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Proyek dibuat."))
            return redirect("project_detail", project.pk)
    return _form_page(request, form, _("Proyek strategis baru"), reverse("project_list"))


@policy(PROJECT_EDITORS, PROJECT_EDITORS)
def project_edit(request: NyataRequest, pk: int) -> HttpResponse:
    project = get_project(request, pk)
    form = ProjectForm(request.POST or None, instance=project, pemda=request.pemda)
    if request.method == "POST" and form.is_valid():
        try:
            actions.project_update(actor=request.user, project=project,
                                   **form.action_fields())
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Perubahan disimpan."))
            return redirect("project_detail", project.pk)
    return _form_page(request, form, _("Ubah proyek"), reverse("project_detail", args=[pk]), project)


@policy(PEMDA_MEMBERS)
def project_detail(request: NyataRequest, pk: int) -> HttpResponse:
    project = get_project(request, pk)
    state = queries.project_states([project])[0]
    da = queries.dependency_analysis(as_of(request))
    milestones = [m for m in da.milestones.values() if m.project_id == project.pk]
    mine = {m.pk for m in milestones}
    upstream = [d for d in da.dependencies if d.downstream_id in mine]
    downstream = [d for d in da.dependencies if d.upstream_id in mine and d.downstream_id not in mine]

    def row(d: Dependency, other_id: int, own_id: int) -> dict[str, Any]:
        other = da.milestones[other_id]
        code, label = queries.milestone_state(other, da)
        return {"own": da.milestones[own_id], "other": other, "state": code, "label": label,
                "note": d.note}

    agencies = limited_agency_ids(request)
    roles = request.roles
    owner = agencies is None or project.owner_agency_id in agencies
    return render(request, "projects/project_detail.html", {
        "project": project, "state": state, "curve": queries.scurve(state),
        "milestones": [(m, *queries.milestone_state(m, da)) for m in milestones],
        "weight_total": sum(m.weight for m in milestones),
        "upstream": [row(d, d.upstream_id, d.downstream_id) for d in upstream],
        "downstream": [row(d, d.downstream_id, d.upstream_id) for d in downstream],
        "at_risk": [r for r in da.at_risk if r.item.project_id == project.pk],
        "meetings": project.meetings.all(),
        "funding": project.funding.all(),
        "supporting": project.supporting_agencies.all(),
        "objectives": project.objectives.all(),
        "indicators": project.indicators.all(),
        "partnerships": project.partnerships.all(),
        "can_edit": bool(roles & PROJECT_EDITORS),
        "can_mark": {m.pk for m in milestones
                     if roles & PROJECT_EDITORS or (roles & AGENCY_ROLES and agencies is not None
                                            and m.agency_id in agencies)},
        "can_progress": bool(roles & PROJECT_PROGRESS_WRITERS) and owner,
        "can_meet": bool(roles & PROJECT_MEETING_WRITERS) and owner,
        "as_of": da.as_of,
    })


@policy(PROJECT_EDITORS, PROJECT_EDITORS)
def project_milestone_add(request: NyataRequest, pk: int) -> HttpResponse:
    project = get_project(request, pk)
    form = MilestoneForm(request.POST or None, pemda=request.pemda,
                         initial={"agency": project.owner_agency_id})
    if request.method == "POST" and form.is_valid():
        try:
            actions.milestone_add(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Tonggak ditambahkan."))
            return redirect("project_detail", project.pk)
    return _form_page(request, form, _("Tonggak baru: %(p)s") % {"p": project},
                      reverse("project_detail", args=[pk]))


@policy(PROJECT_EDITORS, PROJECT_EDITORS)
def project_plan_finalise(request: NyataRequest, pk: int) -> HttpResponse:
    project = get_project(request, pk)  # first: another Pemda's project is 404 for any method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        actions.milestone_plan_finalise(actor=request.user, project=project)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Rencana tonggak ditetapkan final."))
    return redirect("project_detail", project.pk)


@policy(PROJECT_PROGRESS_WRITERS, PROJECT_PROGRESS_WRITERS)
def project_milestone_done(request: NyataRequest, pk: int) -> HttpResponse:
    milestone = get_for_user(request, Milestone.objects.select_related("project"), "agency", pk=pk)
    form = MilestoneDoneForm(request.POST or None, initial={"actual_date": as_of(request)})
    if request.method == "POST" and form.is_valid():
        try:
            actions.milestone_complete(actor=request.user, milestone=milestone,
                                       actual_date=form.cleaned_data["actual_date"])
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Tonggak dicatat tercapai."))
            return redirect("project_detail", milestone.project_id)
    return _form_page(request, form, _("Tonggak tercapai: %(m)s") % {"m": milestone},
                      reverse("project_detail", args=[milestone.project_id]))


def _project_record(request: NyataRequest, pk: int, form_class: type[Any], action: Any, *, owner_only: bool,
                    done: str, title: str) -> HttpResponse:
    """Add one record to a project (funding, monthly progress, show-cause meeting) through its action."""
    project = get_project(request, pk, owner_only=owner_only)
    form = form_class(request.POST or None, pemda=request.pemda)
    if request.method == "POST" and form.is_valid():
        try:
            action(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, done)
            return redirect("project_detail", project.pk)
    return _form_page(request, form, title % {"p": project}, reverse("project_detail", args=[pk]))


@policy(PROJECT_EDITORS, PROJECT_EDITORS)
def project_funding_add(request: NyataRequest, pk: int) -> HttpResponse:
    return _project_record(request, pk, FundingForm, actions.funding_add, owner_only=False,
                           done=_("Sumber dana ditambahkan."), title=_("Sumber dana: %(p)s"))


@policy(PROJECT_PROGRESS_WRITERS, PROJECT_PROGRESS_WRITERS)
def project_progress_add(request: NyataRequest, pk: int) -> HttpResponse:
    return _project_record(request, pk, ProgressForm, actions.progress_record, owner_only=True,
                           done=_("Progres bulanan dicatat."), title=_("Progres bulanan: %(p)s"))


@policy(PROJECT_MEETING_WRITERS, PROJECT_MEETING_WRITERS)
def project_meeting_add(request: NyataRequest, pk: int) -> HttpResponse:
    return _project_record(request, pk, MeetingForm, actions.meeting_record, owner_only=True,
                           done=_("Rapat pembuktian (SCM) dicatat."), title=_("Rapat pembuktian (SCM): %(p)s"))


@policy(PROJECT_EDITORS, PROJECT_EDITORS)
def project_dependency_add(request: NyataRequest, pk: int) -> HttpResponse:
    project = get_project(request, pk)
    form = DependencyForm(request.POST or None, pemda=request.pemda, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            actions.dependency_add(actor=request.user, upstream=form.cleaned_data["upstream"],
                                   downstream=form.cleaned_data["downstream"],
                                   note=form.cleaned_data["note"])
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Ketergantungan dicatat."))
            return redirect("project_detail", project.pk)
    return _form_page(request, form, _("Ketergantungan: %(p)s") % {"p": project},
                      reverse("project_detail", args=[pk]))


# --- cross-agency analysis ----------------------------------------------------------------------


@policy(PROJECT_ANALYSTS, agency_limited=False)
def project_at_risk(request: NyataRequest) -> HttpResponse:
    da = queries.dependency_analysis(as_of(request))
    return render(request, "projects/at_risk.html", {"da": da})


@policy(PROJECT_ANALYSTS, agency_limited=False)
def project_harm(request: NyataRequest) -> HttpResponse:
    da = queries.dependency_analysis(as_of(request))
    return render(request, "projects/harm.html", {"da": da})


@policy(PROJECT_ANALYSTS, agency_limited=False)
def project_organs(request: NyataRequest) -> HttpResponse:
    da = queries.dependency_analysis(as_of(request))
    return render(request, "projects/organs.html", {"da": da, "graph": queries.organs(da)})


# --- partnerships -------------------------------------------------------------------------------


@policy(PEMDA_MEMBERS, PROJECT_EDITORS, agency_limited=False)
def project_partnership_list(request: NyataRequest) -> HttpResponse:
    can_edit = bool(request.roles & PROJECT_EDITORS)
    form = PartnershipForm(request.POST or None, pemda=request.pemda) if can_edit else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            actions.partnership_create(actor=request.user, pemda=request.pemda,
                                       **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Kemitraan dicatat."))
            return redirect("project_partnership_list")
    rows = Partnership.objects.select_related("agency", "project").prefetch_related("project__supports")
    return render(request, "projects/partnerships.html", {"rows": rows, "form": form},
                  status=400 if form is not None and form.is_bound and form.errors else 200)
