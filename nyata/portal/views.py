"""The public portal: no login, Bahasa Indonesia first, cached home page, open data.

Every view looks the Pemda up by its code (Pemda is not tenant-scoped) and opens that
Pemda's tenant scope explicitly: an anonymous request has no scope of its own, and a
signed-in official browsing another Pemda's portal must see that Pemda, not their own.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language

from nyata.core import ratelimit
from nyata.core.access import policy
from nyata.core.models import Pemda
from nyata.core.tenancy import tenant_scope
from nyata.core.typealiases import TemplateContext
from nyata.portal import opendata, sources
from nyata.portal.cache import PAGE_TIMEOUT, page_key
from nyata.products import actions, ikm
from nyata.products.forms import SurveyResponseForm
from nyata.products.models import Innovation, Survey
from nyata.products.results import SurveyResult, default_year, parse_year

# Answer sheets per survey per address per hour (counted only when one is stored).
SURVEY_LIMIT = ratelimit.Limit("survey", 5, 3600)


PEMDA_CODE = re.compile(r"^[0-9]{2}(?:\.[0-9]{2}){0,3}$")  # Kemendagri region codes: 16, 16.07


def _pemda(code: str) -> Pemda:
    pemda = Pemda.objects.filter(code=code).first() if PEMDA_CODE.match(code) else None
    if pemda is None:
        raise Http404
    return pemda


def _public(response: HttpResponse, max_age: int = PAGE_TIMEOUT) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, ["Cookie"])
    return response


def _base(pemda: Pemda | None, here: str) -> dict[str, Any]:
    return {"pemda": pemda, "demo_mode": settings.DEMO_MODE, "here": here}


@policy(public=True)
def portal_index(request: HttpRequest) -> HttpResponse:
    return _public(render(request, "portal/index.html", {**_base(None, request.path), "pemdas": Pemda.objects.all()}))


@policy(public=True)
def portal_language(request: HttpRequest) -> HttpResponse:
    """Switch the language by a plain link (the portal has no forms, so no CSRF token to cache)."""
    lang = request.GET.get("lang", "")
    nxt = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=False):
        nxt = reverse("portal_index")
    response = redirect(nxt)
    if lang in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, lang, max_age=365 * 86400,
                            samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
    return response


def _latest(results: dict[int, list[SurveyResult]], innovation: Innovation) -> SurveyResult | None:
    found = results.get(innovation.pk)
    return found[0] if found else None


def home_context(pemda: Pemda) -> TemplateContext:
    year = default_year()
    flagships = list(opendata.public_innovations(year).filter(is_flagship=True))
    results = opendata.public_survey_results(flagships)
    agencies = opendata.active_agency_count()
    verified = sources.verified_results(pemda, year)
    by_agency: dict[str, list[sources.AgencyResult]] = {}
    for r in verified:
        by_agency.setdefault(r.agency_name, []).append(r)
    return {
        **_base(pemda, reverse("portal_home", args=[pemda.code])), "year": year,
        "headline": sources.headline_indicators(pemda, year),
        "results_by_agency": sorted(by_agency.items()),
        "flagships": [(f, _latest(results, f)) for f in flagships],
        "n_agencies": agencies, "n_flagships": len(flagships),
        "projects": sources.project_progress(pemda),
        "agreements": sources.signed_agreements(pemda, year),
    }


@policy(public=True)
def portal_home(request: HttpRequest, pemda_code: str) -> HttpResponse:
    """The Pemda's public home page, rendered once per language and kept for PAGE_TIMEOUT."""
    if not PEMDA_CODE.match(pemda_code):
        raise Http404  # before the cache: visitors cannot mint arbitrary cache keys
    key = page_key(pemda_code, "home", get_language())
    html = cache.get(key)
    if html is None:
        pemda = _pemda(pemda_code)
        with tenant_scope(pemda):
            # No request: the cached page must hold nothing of the visitor (no CSRF token, no user).
            html = render_to_string("portal/home.html", home_context(pemda))
        cache.set(key, html, PAGE_TIMEOUT)
    return _public(HttpResponse(html))


@policy(public=True)
def portal_products(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _pemda(pemda_code)
    with tenant_scope(pemda):
        year = parse_year(request.GET.get("tahun"), default_year())
        innovations = list(opendata.public_innovations(year))
        results = opendata.public_survey_results(innovations)
        rows = [(i, _latest(results, i)) for i in innovations]
        context = {**_base(pemda, request.get_full_path()), "year": year, "rows": rows}
        return _public(render(request, "portal/products.html", context))


def _public_innovation(pk: int) -> Innovation:
    innovation = opendata.public_innovations().filter(pk=pk).first()
    if innovation is None:
        raise Http404
    return innovation


@policy(public=True)
def portal_product(request: HttpRequest, pemda_code: str, pk: int) -> HttpResponse:
    pemda = _pemda(pemda_code)
    with tenant_scope(pemda):
        innovation = _public_innovation(pk)
        results = opendata.public_survey_results([innovation]).get(innovation.pk, [])
        open_survey = innovation.surveys.filter(is_open=True).order_by("-year").first()
        return render(request, "portal/product.html", {
            **_base(pemda, request.path), "innovation": innovation, "results": results, "open_survey": open_survey,
            "comments": opendata.approved_comments(innovation),
            "sent": request.GET.get("terkirim") == "1",
        })


# One answer sheet per browser per survey period: a signed cookie naming the survey, nothing
# about the person (the sheet stays anonymous), kept until the survey's year is over.
ANSWERED_COOKIE = "skm-{pk}"
ANSWERED_SALT = "nyata.portal.survey-answered"


def _answered(request: HttpRequest, survey: Survey) -> bool:
    name = ANSWERED_COOKIE.format(pk=survey.pk)
    return request.get_signed_cookie(name, default="", salt=ANSWERED_SALT) == str(survey.year)


def _remember_answer(response: HttpResponse, survey: Survey) -> HttpResponse:
    period_end = dt.datetime(survey.year + 1, 1, 1, tzinfo=ZoneInfo(settings.TIME_ZONE))
    expires = max(period_end, timezone.now() + dt.timedelta(days=1))
    response.set_signed_cookie(ANSWERED_COOKIE.format(pk=survey.pk), str(survey.year), salt=ANSWERED_SALT,
                               expires=expires, secure=settings.SESSION_COOKIE_SECURE, httponly=True,
                               samesite="Lax")
    return response


@policy(public=True)
def portal_survey(request: HttpRequest, pemda_code: str, pk: int) -> HttpResponse:
    """The answer sheet of one survey; once per browser per survey year, throttled per address,
    honeypot against bots."""
    pemda = _pemda(pemda_code)
    with tenant_scope(pemda):
        survey = Survey.objects.select_related("innovation__agency").filter(
            pk=pk, is_open=True, innovation__is_public=True).first()
        if survey is None:
            raise Http404
        done = reverse("portal_product", args=[pemda.code, survey.innovation_id]) + "?terkirim=1"
        if _answered(request, survey):
            context = {**_base(pemda, request.get_full_path()), "survey": survey, "answered": True}
            return render(request, "portal/survey.html", context, status=409 if request.method == "POST" else 200)
        form = SurveyResponseForm(request.POST or None)
        status = 200
        if request.method == "POST":
            if request.POST.get("website"):
                return redirect(done)  # honeypot filled: a bot; store nothing, say nothing
            if SURVEY_LIMIT.exceeded(request, str(survey.pk)):
                context = {**_base(pemda, request.get_full_path()), "innovation": survey.innovation}
                return render(request, "portal/throttled.html", context, status=429)
            if form.is_valid():
                try:
                    actions.survey_response_submit(
                        survey=survey, answers={k: form.cleaned_data[k] for k in ikm.ELEMENT_KEYS},
                        comment=form.cleaned_data["comment"])
                except ValidationError as e:
                    form.add_error(None, e)
                else:
                    SURVEY_LIMIT.count(request, str(survey.pk))
                    return _remember_answer(redirect(done), survey)
            status = 400
        context = {**_base(pemda, request.get_full_path()), "survey": survey, "form": form}
        return render(request, "portal/survey.html", context, status=status)


@policy(public=True)
def portal_open_data(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _pemda(pemda_code)
    with tenant_scope(pemda):
        year = parse_year(request.GET.get("tahun"), default_year())
        sets = [(d, len(d.rows(pemda, year))) for d in opendata.DATASETS.values()]
        context = {**_base(pemda, request.get_full_path()), "year": year, "datasets": sets}
        return _public(render(request, "portal/open_data.html", context))


@policy(public=True)
def portal_dataset(request: HttpRequest, pemda_code: str, name: str, fmt: str) -> HttpResponse:
    dataset = opendata.DATASETS.get(name)
    if dataset is None or fmt not in {"csv", "json"}:
        raise Http404
    pemda = _pemda(pemda_code)
    with tenant_scope(pemda):
        year = parse_year(request.GET.get("tahun"), default_year())
        rows = dataset.rows(pemda, year)
    filename = f"nyata-{pemda.code}-{name}-{year}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(opendata.to_csv(dataset.columns, rows), content_type="text/csv; charset=utf-8")
    else:
        body = {"pemda": pemda.code, "dataset": name, "title": dataset.title, "year": year,
                "columns": list(dataset.columns),
                "rows": [{c: opendata.json_value(r.get(c)) for c in dataset.columns} for r in rows]}
        response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return _public(response)
