"""Pages of the leaders' dashboard: home, agency drill-down, indicator detail, comparison,
meeting pack (PDF), ranking export (Excel) and meeting mode (commitments).

Who sees what (docs/architecture.md "Access"):
* leaders, performance admins, planners and inspectors read everything;
* agency heads and operators read the province ranking on the home page (scores are built from
  verified values only, so the ranking is not a draft) but the drill-down, red flags, corrective
  actions and commitments of their own agency only (other agencies' pages answer 404);
* commitments are written by leaders and performance admins.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from nyata.core.access import NyataRequest, get_for_user, own_agencies, policy, reach
from nyata.core.models import Agency
from nyata.core.params import as_int
from nyata.core.roles import AGENCY_ROLES, COMMITMENT_WRITERS, OVERSEERS, PEMDA_MEMBERS
from nyata.core.xlsx import XLSX_CONTENT_TYPE
from nyata.dashboard import actions, agenda, charts, pack, queries
from nyata.dashboard.models import Commitment
from nyata.planning.models import engine_polarity
from nyata.projects.models import Project
from nyata.reporting.scores import config_for
from nyata.scoring import Aggregation, ForecastResult, forecast_series


def _agencies(request: NyataRequest) -> QuerySet[Agency]:
    qs = Agency.objects.filter(is_active=True)
    kind = request.GET.get("jenis", "")
    if kind in Agency.Kind.values:
        qs = qs.filter(kind=kind)
    return qs


def _filters(request: NyataRequest, quarters: list[Any], period: queries.Period) -> dict[str, Any]:
    seen, options = set(), []
    for q in quarters:
        key = (q.fiscal_year.year, q.number)
        if key not in seen:
            seen.add(key)
            options.append({"year": key[0], "quarter": key[1], "label": queries.quarter_label(*key),
                            "value": f"{key[0]}-{key[1]}"})
    return {"period": period, "period_options": options, "kinds": Agency.Kind.choices,
            "kind": request.GET.get("jenis", ""), "sort": request.GET.get("urut", "rank"),
            "period_value": f"{period.year}-{period.quarter}"}


def _period(request: NyataRequest) -> tuple[queries.Period, list[Any]]:
    params: dict[str, str] = {k: str(request.GET.get(k, "")) for k in ("tahun", "tw", "periode")}
    if "-" in params["periode"]:
        params["tahun"], _sep, params["tw"] = params["periode"].partition("-")
    quarters = queries.open_quarters()
    return queries.period_from(params, quarters), quarters


HOME_CACHE_SECONDS = 300


@policy(PEMDA_MEMBERS)
def home(request: NyataRequest) -> HttpResponse:
    """The leaders' home. Its body is cached per Pemda, period, filter, reach and language, and
    reused only while `queries.fingerprint` (one query) is unchanged: stored scores, reports,
    critiques, actions and commitments all move the fingerprint."""
    period, quarters = _period(request)
    own = own_agencies(request)
    key = "dash-home:" + hashlib.sha256(repr((
        request.pemda.pk, period.year, period.quarter, request.GET.get("jenis", ""), request.GET.get("urut", ""),
        sorted(own) if own is not None else None,
        bool(request.roles & OVERSEERS), bool(request.roles & COMMITMENT_WRITERS),
        translation.get_language(), timezone.localdate().isoformat(), queries.fingerprint(period, request.pemda.pk),
    )).encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        body = render_to_string("dashboard/_home_body.html", _home_context(request, period, quarters, own), request)
        cache.set(key, body, HOME_CACHE_SECONDS)
    return render(request, "dashboard/home.html", {"body": mark_safe(body), "period": period})


def _home_context(request: NyataRequest, period: queries.Period, quarters: list[Any],
                  own: set[int] | None) -> dict[str, Any]:
    ctx = _filters(request, quarters, period)
    rows = queries.ranking(period, _agencies(request), ctx["sort"])
    names = queries.indicator_names(rows)
    flags = queries.red_flags(rows, period, names)
    if own is not None:
        flags = [f for f in flags if f.agency.pk in own]
    total, overdue, actions_list = queries.unresolved_actions(own, limit=15)
    headlines = queries.headline_indicators(period.year)
    for i, h in enumerate(headlines):
        title = _("Tren %(n)s") % {"n": h.name}
        h.chart = charts.sparkline(  # type: ignore[attr-defined]  # extra attribute for the template
            h.actuals, [str(y) for y in h.years], title=title, chart_id=f"hl{i}")
    scored = [r.score for r in rows if r.score is not None]
    commitments = Commitment.objects.filter(state=Commitment.State.OPEN)
    if own is not None:
        commitments = commitments.filter(agency_id__in=own)
    ctx.update({
        "agenda": agenda.agenda(rows, flags, period, timezone.localdate(), own),
        "rows": rows, "flags": flags, "flag_count": len(flags), "names": names,
        "actions": actions_list, "actions_total": total, "actions_overdue": overdue,
        "headlines": headlines,
        "chart": charts.ranking_bars([charts.Bar(str(r.agency), r.score, r.category) for r in rows],
                                     title=_("Skor perangkat daerah %(p)s") % {"p": period.label},
                                     chart_id="home-rank"),
        "legend": charts.legend("home-legend"),
        "average": sum(scored) / len(scored) if scored else None,
        "promised": sum(r.promised for r in rows), "verified": sum(r.verified for r in rows),
        "backlog": sum(r.backlog for r in rows),
        "on_target": sum(r.on_target for r in rows),
        "projects": queries.projects_summary() if own is None else None,
        "products": queries.products_summary(period.year) if own is None else None,
        "open_commitments": commitments.count(),
        "own": own, "overseer": bool(request.roles & OVERSEERS), "can_write": bool(request.roles & COMMITMENT_WRITERS),
        "today": timezone.localdate(),
    })
    return ctx


@policy(PEMDA_MEMBERS)
def agency(request: NyataRequest, pk: int) -> HttpResponse:
    ag = get_for_user(request, Agency, "pk", pk=pk)
    period, quarters = _period(request)
    ctx = _filters(request, quarters, period)
    detail = queries.agency_detail(ag, period)
    labels = [f"TW {queries.ROMAN[q]}" for q in range(1, 5)]
    shown = {q: s for q, s in detail["snaps"].items() if q <= period.quarter}  # nothing after the period
    trend = [shown[q].score if q in shown else None for q in range(1, 5)]
    ranks = [shown[q].rank if q in shown else None for q in range(1, 5)]
    ctx.update(detail)
    ctx.update({
        "agency": ag, "labels": labels,
        "trend_chart": charts.quarter_chart(labels, [charts.Series(_("Skor"), trend)],
                                            title=_("Tren skor %(a)s %(y)s") % {"a": ag, "y": period.year},
                                            chart_id="agency-trend"),
        "trend_rows": list(zip(labels, trend, ranks, strict=True)),
        "actions": queries.unresolved_actions([ag.pk], limit=50)[2],
        "commitments": queries.follow_up(Commitment.objects.filter(agency=ag).select_related(
            "agency", "indicator", "project"), period),
        "verdicts": queries.VERDICTS, "flag_labels": queries.FLAG_LABELS,
        "quarter_obj": period.quarter_obj, "overseer": bool(request.roles & OVERSEERS),
        "today": timezone.localdate(),
    })
    return render(request, "dashboard/agency.html", ctx)


def _forecast(ai: Any, pemda: Any, period: queries.Period, values: list[float | None]) -> ForecastResult | None:
    """The engine's year-end forecast for this one series (verified values only)."""
    return forecast_series(
        year=period.year, as_of_quarter=period.quarter, annual_target=float(ai.annual_target),
        quarter_targets=[None if t is None else float(t) for t in ai.quarter_targets], values=values,
        polarity=engine_polarity(ai.polarity, ai.range_low, ai.range_high),
        aggregation=Aggregation.parse(ai.aggregation or "last"), config=config_for(pemda, period.year),
    )


@policy(PEMDA_MEMBERS)
def indicator(request: NyataRequest, pk: int) -> HttpResponse:
    from nyata.agreements.models import AgreementIndicator
    from nyata.reporting.models import Evidence, Realisation, RealisationVersion, SelfCritique, Verification

    ai = get_for_user(request, AgreementIndicator.objects.select_related(
        "agreement__agency", "indicator__agency_objective"), "agreement__agency", pk=pk)
    ag = ai.agreement.agency
    period, quarters = _period(request)
    year = ai.agreement.year
    if period.year != year:
        period = queries.Period(year, 4 if period.year > year else 1)
    ctx = _filters(request, quarters, period)
    reals = {r.quarter.number: r for r in Realisation.objects.filter(agreement_indicator=ai)
             .select_related("quarter__fiscal_year")}
    values = [float(reals[q].value) if q in reals and reals[q].status == "accepted" and reals[q].value is not None
              else None for q in range(1, 5)]
    targets = [None if t is None else float(t) for t in ai.quarter_targets]
    fc = _forecast(ai, request.pemda, period, values)
    cumulative = ai.aggregation == "sum"
    shown_t, shown_v = targets, values
    if cumulative:
        shown_t = _running(targets)
        shown_v = _running(values)
    labels = [f"TW {queries.ROMAN[q]}" for q in range(1, 5)]
    fc_range = (fc.realisation, fc.low, fc.high) if fc is not None and fc.realisation is not None else None
    title = _("%(i)s: target dan realisasi terverifikasi %(y)s") % {"i": ai.name, "y": year}
    chart = charts.quarter_chart(
        labels, [charts.Series(_("Target"), shown_t, "dashed"), charts.Series(_("Realisasi"), shown_v)],
        title=title, chart_id="ind", forecast=fc_range,
        unit=(ai.unit + (" (" + _("kumulatif") + ")" if cumulative else "")))
    critique = (SelfCritique.objects.filter(agency=ag, quarter__fiscal_year__year=year,
                                            quarter__number=period.quarter)
                .prefetch_related("gaps", "causes__depends_on", "actions").first())
    from nyata.reporting.models import ScoreSnapshot

    snap = ScoreSnapshot.objects.filter(agency=ag, year=year, quarter=period.quarter).first()
    result = next((i for i in (snap.indicators if snap else []) if i.get("indicator") == ai.indicator.code), None)
    ctx.update({
        "ai": ai, "agency": ag, "chart": chart, "cumulative": cumulative,
        "quarters": [{"label": labels[q - 1], "target": targets[q - 1], "r": reals.get(q), "value": values[q - 1]}
                     for q in range(1, 5)],
        "forecast": fc, "result": result, "flag_labels": queries.FLAG_LABELS,
        "evidence": list(Evidence.objects.filter(realisation__agreement_indicator=ai)
                         .select_related("realisation__quarter__fiscal_year").order_by("realisation__quarter", "pk")),
        "verifications": list(Verification.objects.filter(realisation__agreement_indicator=ai)
                              .select_related("realisation__quarter__fiscal_year", "inspector").order_by("at")),
        "versions": list(RealisationVersion.objects.filter(realisation__agreement_indicator=ai)
                         .select_related("realisation__quarter__fiscal_year", "actor").order_by("at", "pk")),
        "critique": critique,
        "gaps": [g for g in (critique.gaps.all() if critique else []) if g.agreement_indicator_id == ai.pk],
    })
    return render(request, "dashboard/indicator.html", ctx)


def _running(values: list[float | None]) -> list[float | None]:
    out: list[float | None] = []
    total = 0.0
    for v in values:
        if v is None:
            out.append(None)
            continue
        total += v
        out.append(total)
    return out


@policy(OVERSEERS)
def compare(request: NyataRequest) -> HttpResponse:
    period, quarters = _period(request)
    ctx = _filters(request, quarters, period)
    agencies = list(_agencies(request).order_by("code"))
    chosen_ids = [n for x in request.GET.getlist("pd") if (n := as_int(x)) is not None][:5]
    chosen = [a for a in agencies if a.pk in chosen_ids]
    from nyata.reporting.models import ScoreSnapshot

    snaps: dict[tuple[int, int], Any] = {}
    for s in ScoreSnapshot.objects.filter(year=period.year, agency_id__in=[a.pk for a in chosen]):
        snaps[(s.agency_id, s.quarter)] = s
    labels = [f"TW {queries.ROMAN[q]}" for q in range(1, 5)]
    table: list[dict[str, Any]] = []
    for a in chosen:
        cells = [snaps.get((a.pk, q)) for q in range(1, 5)]
        table.append({"agency": a, "cells": cells, "now": snaps.get((a.pk, period.quarter))})
    series = [(str(r["agency"]), [c.score if c else None for c in r["cells"]]) for r in table]
    title = _("Perbandingan skor %(y)s") % {"y": period.year}
    chart = charts.grouped_bars(labels, series, title=title, chart_id="cmp") if table else ""
    ctx.update({"agencies": agencies, "chosen_ids": chosen_ids, "table": table, "labels": labels, "chart": chart,
                "category_short": {k: v[2] for k, v in charts.CATEGORIES.items()}})
    return render(request, "dashboard/compare.html", ctx)


@policy(OVERSEERS)
def pack_pdf(request: NyataRequest) -> HttpResponse:
    period, _quarters = _period(request)
    data = pack.pack_data(request.pemda, period, _agencies(request))
    pdf = pack.render_pdf(data)
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="bahan-rapat-{period.year}-tw{period.quarter}.pdf"'
    return resp


@policy(OVERSEERS)
def ranking_xlsx(request: NyataRequest) -> HttpResponse:
    period, _quarters = _period(request)
    rows = queries.ranking(period, _agencies(request))
    resp = HttpResponse(pack.ranking_workbook(period, rows), content_type=XLSX_CONTENT_TYPE)
    resp["Content-Disposition"] = f'attachment; filename="peringkat-{period.year}-tw{period.quarter}.xlsx"'
    return resp


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


@policy(OVERSEERS | AGENCY_ROLES, COMMITMENT_WRITERS)
def commitments(request: NyataRequest) -> HttpResponse:
    period, quarters = _period(request)
    ctx = _filters(request, quarters, period)
    errors: dict[str, list[str]] = {}
    form: dict[str, str] = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in ("agency", "indicator", "project", "what", "owner", "due",
                                                     "meeting_date")}
        agency_obj = Agency.objects.filter(pk=int(form["agency"])).first() if form["agency"].isdigit() else None
        due = _parse_date(form["due"])
        meeting_date = _parse_date(form["meeting_date"]) or timezone.localdate()
        ind = proj = None
        if form["indicator"].isdigit():
            from nyata.planning.models import Indicator

            ind = Indicator.objects.filter(pk=int(form["indicator"])).first()
        if form["project"].isdigit():
            proj = Project.objects.filter(pk=int(form["project"])).first()
        if agency_obj is None:
            errors["agency"] = [_("Pilih perangkat daerah.")]
        if due is None:
            errors["due"] = [_("Isi tenggat (tanggal).")]
        if not errors:
            try:
                actions.commitment_create(actor=request.user, pemda=request.pemda, year=period.year,
                                          quarter=period.quarter, meeting_date=meeting_date, agency=agency_obj,  # type: ignore[arg-type]  # not None: errors above
                                          what=form["what"], owner=form["owner"], due=due,  # type: ignore[arg-type]  # not None: errors above
                                          indicator=ind, project=proj)
            except ValidationError as e:
                errors = e.message_dict if hasattr(e, "error_dict") else {"__all__": e.messages}
            else:
                messages.success(request, _("Komitmen dicatat."))
                return redirect(f"{reverse('dash_commitments')}?periode={period.year}-{period.quarter}")
    qs = reach(request, Commitment.objects.select_related("agency", "indicator", "project"), "agency")
    this_meeting = queries.follow_up(qs.filter(year=period.year, quarter=period.quarter), period)
    earlier = queries.follow_up(pack.earlier_commitments(period).filter(pk__in=qs.values("pk")), period)
    can_write = bool(request.roles & COMMITMENT_WRITERS)
    ctx.update({"this_meeting": this_meeting, "earlier": earlier, "errors": errors, "form": form,
                "form_errors": errors.get("__all__", []),
                "can_write": can_write, "verdicts": queries.VERDICTS, "states": Commitment.State.choices,
                "today": timezone.localdate()})
    if can_write:
        from nyata.planning.models import Indicator

        ctx["agencies"] = list(Agency.objects.filter(is_active=True).order_by("code"))
        ctx["indicators"] = list(Indicator.objects.filter(agency__isnull=False).select_related("agency")
                                 .order_by("agency__code", "code")[:500])
        ctx["projects"] = list(Project.objects.order_by("code"))
    status = 400 if errors else 200
    return render(request, "dashboard/commitments.html", ctx, status=status)


@policy(COMMITMENT_WRITERS, COMMITMENT_WRITERS)
def commitment_state(request: NyataRequest, pk: int) -> HttpResponse:
    c = get_for_user(request, Commitment, "agency", pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        actions.commitment_set_state(actor=request.user, commitment=c, state=request.POST.get("state", ""),
                                     note=request.POST.get("note", ""))
    except ValidationError as e:
        for m in e.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("Status komitmen diperbarui."))
    return redirect(f"{reverse('dash_commitments')}?periode={c.year}-{c.quarter}")
