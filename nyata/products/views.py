"""Back-office pages of flagship products, innovations, IID self-assessment and surveys."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nyata.core.access import NyataRequest, get_for_user, has_role, policy, reach
from nyata.core.models import Agency
from nyata.core.roles import PEMDA_MEMBERS, PRODUCT_PUBLISHERS, PRODUCT_WRITERS, SURVEY_MODERATORS
from nyata.products import actions, ikm
from nyata.products.forms import EvidenceForm, IidForm, InnovationForm, ModerationForm, SurveyForm
from nyata.products.models import Evidence, Innovation, Survey, SurveyResponse
from nyata.products.results import (
    default_year,
    iid_predicates_for,
    latest_results_by_innovation,
    parse_year,
    survey_results,
    with_totals,
)


def _year(request: NyataRequest) -> int:
    return parse_year(request.GET.get("tahun"), default_year())


@policy(PEMDA_MEMBERS)
def product_list(request: NyataRequest) -> HttpResponse:
    """Every agency's flagship product of the year, its stage and reach; agencies without one flagged."""
    year = _year(request)
    agencies = list(reach(request, Agency.objects.filter(is_active=True), "pk"))
    flagships = {i.agency_id: i for i in reach(request, Innovation.objects.filter(year=year, is_flagship=True))}
    results = latest_results_by_innovation(flagships.values())
    rows = [(a, flagships.get(a.pk), results.get(flagships[a.pk].pk) if a.pk in flagships else None)
            for a in agencies]
    missing = [a for a, f, _r in rows if f is None]
    return render(request, "products/product_list.html", {
        "year": year, "rows": rows, "missing": missing, "can_write": has_role(request, *PRODUCT_WRITERS)})


@policy(PEMDA_MEMBERS)
def product_innovation_list(request: NyataRequest) -> HttpResponse:
    year = _year(request)
    innovations = reach(request, Innovation.objects.filter(year=year)).select_related("agency").annotate(
        n_evidence=Count("evidence", distinct=True))
    return render(request, "products/innovation_list.html", {
        "year": year, "innovations": innovations, "can_write": has_role(request, *PRODUCT_WRITERS)})


def _agency_choices(request: NyataRequest) -> Any:
    return reach(request, Agency.objects.filter(is_active=True), "pk")


def _edit(request: NyataRequest, innovation: Innovation | None) -> HttpResponse:
    initial = {"year": default_year()} if innovation is None else None
    form = InnovationForm(request.POST or None, instance=innovation, pemda=request.pemda,
                          agencies=_agency_choices(request), can_publish=has_role(request, *PRODUCT_PUBLISHERS),
                          initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.innovation_save(
                actor=request.user, innovation=form.instance,
                indicators=form.cleaned_data.get("indicators"),
                partnerships=form.cleaned_data.get("partnerships"))
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Inovasi disimpan."))
            return redirect("product_detail", pk=saved.pk)
    title = _("Inovasi baru") if innovation is None else _("Ubah inovasi")
    return render(request, "products/form.html", {"form": form, "title": title, "object": innovation},
                  status=400 if request.method == "POST" else 200)


@policy(PEMDA_MEMBERS, PRODUCT_WRITERS)
def product_create(request: NyataRequest) -> HttpResponse:
    return _edit(request, None)


@policy(PEMDA_MEMBERS, PRODUCT_WRITERS)
def product_edit(request: NyataRequest, pk: int) -> HttpResponse:
    return _edit(request, get_for_user(request, Innovation, pk=pk))


@policy(PEMDA_MEMBERS)
def product_detail(request: NyataRequest, pk: int) -> HttpResponse:
    innovation = get_for_user(request, Innovation.objects.select_related("agency", "location"), pk=pk)
    levels = {a.criterion: a.level for a in innovation.iid_answers.all()}
    evidence = list(innovation.evidence.all())
    return render(request, "products/detail.html", {
        "innovation": innovation, "evidence": evidence,
        "iid_score": ikm.iid_self_score(levels, innovation.year),
        "iid_predicate": ikm.iid_predicate(ikm.iid_self_score(levels, innovation.year), innovation.year,
                                           iid_predicates_for(innovation.year)),
        "results": survey_results(with_totals(innovation.surveys.all())),
        "can_write": has_role(request, *PRODUCT_WRITERS),
    })


@policy(PEMDA_MEMBERS, PRODUCT_WRITERS)
def product_iid(request: NyataRequest, pk: int) -> HttpResponse:
    """IID self-assessment per criterion, with evidence uploads per criterion."""
    innovation = get_for_user(request, Innovation.objects.select_related("agency"), pk=pk)
    current = {a.criterion: (a.level, a.note) for a in innovation.iid_answers.all()}
    form = IidForm(request.POST or None, year=innovation.year, initial_levels=current)
    if request.method == "POST" and form.is_valid():
        try:
            actions.iid_assess(actor=request.user, innovation=innovation, answers=form.answers())
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Penilaian mandiri IID disimpan."))
            return redirect("product_detail", pk=innovation.pk)
    levels = {k: v[0] for k, v in current.items()}
    score = ikm.iid_self_score(levels, innovation.year)
    by_criterion: dict[str, list[Evidence]] = {}
    for ev in innovation.evidence.all():
        by_criterion.setdefault(ev.criterion, []).append(ev)
    return render(request, "products/iid.html", {
        "innovation": innovation, "form": form, "score": score,
        "predicate": ikm.iid_predicate(score, innovation.year, iid_predicates_for(innovation.year)),
        "thresholds": iid_predicates_for(innovation.year), "evidence": by_criterion,
        "evidence_form": EvidenceForm(year=innovation.year),
    }, status=400 if request.method == "POST" else 200)


@policy(PEMDA_MEMBERS, PRODUCT_WRITERS)
def product_evidence_upload(request: NyataRequest, pk: int) -> HttpResponse:
    innovation = get_for_user(request, Innovation.objects.select_related("agency"), pk=pk)
    form = EvidenceForm(request.POST or None, request.FILES or None, year=innovation.year)
    if request.method == "POST" and form.is_valid():
        try:
            actions.evidence_add(actor=request.user, innovation=innovation,
                                 title=form.cleaned_data["title"], upload=form.cleaned_data["file"],
                                 criterion=form.cleaned_data["criterion"])
        except ValidationError as e:
            form.add_error(None, e)  # a dict error lands on its field (file, criterion), others on the form
        else:
            messages.success(request, _("Bukti dukung diunggah."))
            return redirect("product_iid", pk=innovation.pk)
    return render(request, "products/evidence_form.html", {"innovation": innovation, "form": form},
                  status=400 if request.method == "POST" else 200)


@policy(PEMDA_MEMBERS)
def product_evidence_download(request: NyataRequest, pk: int) -> HttpResponse:
    ev = get_for_user(request, Evidence, "innovation__agency", pk=pk)
    try:
        with ev.file.open("rb") as handle:
            content = handle.read()  # at most 5 MB (validators.MAX_EVIDENCE_BYTES)
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(content, content_type=ev.content_type)
    response["Content-Disposition"] = f'attachment; filename="bukti-{ev.pk}.{ev.extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@policy(PEMDA_MEMBERS, PRODUCT_WRITERS)
def product_survey(request: NyataRequest, pk: int) -> HttpResponse:
    """Survey results of a product, and the survey settings (year, population, weighting)."""
    innovation = get_for_user(request, Innovation.objects.select_related("agency"), pk=pk)
    year = parse_year(request.POST.get("year") if request.method == "POST" else None, innovation.year)
    existing = Survey.objects.filter(innovation=innovation, year=year).first()
    instance = existing or Survey(innovation=innovation, year=year)
    form = SurveyForm(request.POST or None, instance=instance, pemda=request.pemda,
                      initial={"year": innovation.year})
    if request.method == "POST" and form.is_valid():
        try:
            actions.survey_save(actor=request.user, survey=form.instance)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Pengaturan survei disimpan."))
            return redirect("product_survey", pk=innovation.pk)
    return render(request, "products/survey.html", {
        "innovation": innovation, "form": form,
        "results": survey_results(with_totals(innovation.surveys.all())),
        "elements": ikm.ELEMENT_KEYS,
    }, status=400 if request.method == "POST" else 200)


@policy(SURVEY_MODERATORS, SURVEY_MODERATORS)
def product_moderation(request: NyataRequest) -> HttpResponse:
    """Comments waiting for moderation, for the perf admin or the owning agency's head."""
    pending = reach(request, SurveyResponse.objects.filter(comment_status=SurveyResponse.CommentStatus.PENDING),
                    "survey__innovation__agency").select_related("survey__innovation__agency")
    return render(request, "products/moderation.html", {"pending": pending[:200]})


@policy(SURVEY_MODERATORS, SURVEY_MODERATORS)
def product_moderate(request: NyataRequest, pk: int) -> HttpResponse:
    response = get_for_user(request, SurveyResponse, "survey__innovation__agency", pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih setujui atau tolak."))
        return redirect("product_moderation")
    try:
        actions.survey_comment_moderate(actor=request.user, response=response,
                                        approve=form.cleaned_data["decision"] == "approve")
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Komentar dimoderasi."))
    return redirect("product_moderation")
