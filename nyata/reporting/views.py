"""Pages of quarterly reporting: inbox, entry, submission, verification, self-critique, board."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nyata.agreements import services
from nyata.core.access import NyataRequest, agency_for_user, get_for_user, policy
from nyata.core.models import Agency, Quarter
from nyata.core.params import as_int
from nyata.core.roles import ADMINS, AGENCY_HEADS, AGENCY_OPERATORS, INSPECTORS, OVERSEERS, PEMDA_MEMBERS
from nyata.core.xlsx import XLSX_CONTENT_TYPE, ImportErrors
from nyata.planning.models import engine_polarity
from nyata.reporting import actions, excel, files, queries, rules
from nyata.reporting.models import (
    BudgetRealisation,
    CorrectiveAction,
    Evidence,
    Realisation,
    RootCause,
    ScoreSnapshot,
    SelfCritique,
    Status,
)
from nyata.scoring import Polarity, PolarityKind, achievement


def _is_htmx(request: NyataRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def agency_quarter_for_user(request: NyataRequest, agency_id: int, quarter_id: int) -> tuple[Agency, Quarter]:
    """The agency and quarter of a reporting route, or 404 (pages and API alike)."""
    agency = agency_for_user(request, agency_id)
    quarter = get_for_user(request, Quarter.objects.select_related("fiscal_year"), None, pk=quarter_id)
    return agency, quarter


def _realisation(request: NyataRequest, pk: int) -> Realisation:
    qs = Realisation.objects.select_related("agency", "quarter__fiscal_year", "agreement_indicator")
    return cast("Realisation", get_for_user(request, qs, "agency", pk=pk))


def _errors(e: ValidationError) -> list[str]:
    return list(e.messages)


def _quarter_from_query(request: NyataRequest) -> Quarter | None:
    wanted = as_int(request.GET.get("tw", ""))
    if wanted is not None:
        q = Quarter.objects.select_related("fiscal_year").filter(pk=wanted).first()
        if q is not None:
            return cast("Quarter | None", q)
    return queries.default_quarter()


# --- inbox and board ----------------------------------------------------------------------------


@policy(PEMDA_MEMBERS, agency_limited=False)
def inbox(request: NyataRequest) -> HttpResponse:
    today = timezone.localdate()
    items = queries.inbox(request.roles, request.agency_ids, today)
    return render(request, "reporting/inbox.html", {"items": items, "today": today,
                                                     "overseer": bool(request.roles & OVERSEERS)})


@policy(OVERSEERS)
def board(request: NyataRequest) -> HttpResponse:
    quarter = _quarter_from_query(request)
    rows = queries.board(quarter, Agency.objects.filter(is_active=True)) if quarter else []
    snaps = {}
    if quarter is not None:
        snaps = {s.agency_id: s for s in ScoreSnapshot.objects.filter(year=quarter.fiscal_year.year,
                                                                       quarter=quarter.number)}
    return render(request, "reporting/board.html", {
        "quarter": quarter, "rows": rows, "snaps": snaps, "quarters": queries.open_quarters(),
        "today": timezone.localdate(),
    })


# --- agency quarter entry -----------------------------------------------------------------------


def _entry_context(request: NyataRequest, agency: Agency, quarter: Quarter) -> dict[str, Any]:
    rows = queries.entry_rows(agency, quarter)
    budgets = {b.agreement_program_id: b for b in BudgetRealisation.objects.filter(agency=agency, quarter=quarter)}
    programs = [(p, budgets.get(p.pk)) for p in services.signed_programs(agency=agency, year=quarter.fiscal_year.year)]
    statuses = [r.status if r else None for _ai, r in rows]
    return {
        "agency": agency, "quarter": quarter, "rows": rows, "programs": programs,
        "can_edit": bool(request.roles & AGENCY_OPERATORS), "state": rules.quarter_state(statuses, len(rows)),
        "budget_open": all(b is None or b.status == Status.DRAFT for _p, b in programs),
        "critique": SelfCritique.objects.filter(agency=agency, quarter=quarter).first(),
        "is_head": bool(request.roles & AGENCY_HEADS),
    }


@policy(PEMDA_MEMBERS)
def entry(request: NyataRequest, agency_id: int, quarter_id: int) -> HttpResponse:
    agency, quarter = agency_quarter_for_user(request, agency_id, quarter_id)
    return render(request, "reporting/entry.html", _entry_context(request, agency, quarter))


@policy(PEMDA_MEMBERS, AGENCY_OPERATORS)
def row_save(request: NyataRequest, agency_id: int, quarter_id: int, ai_id: int) -> HttpResponse:
    agency, quarter = agency_quarter_for_user(request, agency_id, quarter_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    error: list[str] = []
    try:
        actions.realisation_save_draft(actor=request.user, agency=agency, quarter_id=quarter.pk,
                                       agreement_indicator_id=ai_id, value=request.POST.get("value"),
                                       narrative=request.POST.get("narrative", ""))
    except ValidationError as e:
        error = _errors(e)
    if _is_htmx(request):
        row = next(((ai, r) for ai, r in queries.entry_rows(agency, quarter) if ai.pk == ai_id), None)
        if row is None:
            raise Http404
        return render(request, "reporting/entry.html#row", {
            "ai": row[0], "r": row[1], "quarter": quarter, "agency": agency, "can_edit": True, "row_error": error,
            "posted": request.POST, "saved": not error}, status=400 if error else 200)
    if error:
        ctx = _entry_context(request, agency, quarter)
        ctx.update(error_ai=ai_id, row_error=error, posted=request.POST)
        return render(request, "reporting/entry.html", ctx, status=400)
    messages.success(request, _("Realisasi disimpan sebagai draf."))
    return redirect(reverse("report_entry", args=[agency.pk, quarter.pk]) + f"#ai-{ai_id}")


@policy(PEMDA_MEMBERS, AGENCY_OPERATORS)
def budget_save(request: NyataRequest, agency_id: int, quarter_id: int) -> HttpResponse:
    agency, quarter = agency_quarter_for_user(request, agency_id, quarter_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    spent = {n: v for k, v in request.POST.items() if k.startswith("spent_") and (n := as_int(k[6:])) is not None}
    try:
        actions.budget_save(actor=request.user, agency=agency, quarter=quarter, spent=spent)
    except ValidationError as e:
        ctx = _entry_context(request, agency, quarter)
        ctx["budget_errors"] = _errors(e)
        return render(request, "reporting/entry.html", ctx, status=400)
    messages.success(request, _("Realisasi anggaran disimpan."))
    return redirect(reverse("report_entry", args=[agency.pk, quarter.pk]) + "#anggaran")


@policy(PEMDA_MEMBERS, AGENCY_HEADS)
def submit(request: NyataRequest, agency_id: int, quarter_id: int) -> HttpResponse:
    agency, quarter = agency_quarter_for_user(request, agency_id, quarter_id)
    errors: list[str] = []
    if request.method == "POST":
        try:
            done = actions.realisation_submit(actor=request.user, agency=agency, quarter=quarter)
        except ValidationError as e:
            errors = _errors(e)
        else:
            messages.success(request, _("%(n)d realisasi diajukan ke inspektorat.") % {"n": len(done)})
            return redirect("report_entry", agency.pk, quarter.pk)
    ctx = _entry_context(request, agency, quarter)
    ctx.update(errors=errors, late=timezone.localdate() > quarter.report_deadline)
    return render(request, "reporting/submit.html", ctx, status=400 if errors else 200)


# --- one realisation: the one-screen item page ------------------------------------------------------


@policy(PEMDA_MEMBERS, AGENCY_OPERATORS)
def realisation(request: NyataRequest, pk: int) -> HttpResponse:
    r = _realisation(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            actions.realisation_save_draft(
                actor=request.user, agency=r.agency, quarter_id=r.quarter_id,
                agreement_indicator_id=r.agreement_indicator_id, value=request.POST.get("value"),
                narrative=request.POST.get("narrative", ""))
        except ValidationError as e:
            errors = _errors(e)
        else:
            messages.success(request, _("Realisasi disimpan sebagai draf."))
            return redirect("report_realisation", r.pk)
    return _realisation_page(request, r, errors=errors, status=400 if errors else 200)


def _realisation_page(request: NyataRequest, r: Realisation, status: int = 200, **extra: Any) -> HttpResponse:
    ai = r.agreement_indicator
    ctx = {
        "r": r, "ai": ai, "target": queries.quarter_target(ai, r.quarter.number),
        "evidence": list(r.evidence.all()), "verifications": list(r.verifications.select_related("inspector")),
        "versions": list(r.versions.select_related("actor").order_by("-number")[:20]),
        "can_edit": bool(request.roles & AGENCY_OPERATORS) and r.is_editable,
        "can_verify": bool(request.roles & INSPECTORS) and r.status == Status.SUBMITTED,
        "can_reopen": bool(request.roles & ADMINS) and r.status == Status.ACCEPTED,
        "max_mb": files.max_bytes() // (1024 * 1024), "posted": request.POST, **extra,
    }
    return render(request, "reporting/realisation.html", ctx, status=status)


@policy(PEMDA_MEMBERS, AGENCY_OPERATORS)
def evidence_add(request: NyataRequest, pk: int) -> HttpResponse:
    r = _realisation(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    upload = request.FILES.get("file")
    errors: list[str] = []
    if upload is None:
        errors = [_("Pilih berkas bukti dukung.")]
    elif upload.size is not None and upload.size > files.max_bytes():
        errors = [_("Berkas %(name)s terlalu besar (maksimal %(max)d MB).")
                  % {"name": files.safe_name(upload.name or ""), "max": files.max_bytes() // 1048576}]
    else:
        try:
            actions.evidence_add(actor=request.user, realisation=r, name=upload.name or "", data=upload.read())
        except ValidationError as e:
            errors = _errors(e)
    if errors:
        return _realisation_page(request, r, status=400, evidence_errors=errors)
    messages.success(request, _("Bukti dukung diunggah."))
    return redirect("report_realisation", r.pk)


@policy(PEMDA_MEMBERS)
def evidence_download(request: NyataRequest, pk: int) -> HttpResponse:
    """Only to users who reach the agency; always as an attachment, never rendered inline."""
    ev = get_for_user(request, Evidence, "agency", pk=pk)
    try:
        with ev.file.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(data, content_type=files.CONTENT_TYPES.get(ev.kind, "application/octet-stream"))
    response["Content-Disposition"] = content_disposition_header(True, ev.original_name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@policy(PEMDA_MEMBERS, INSPECTORS)
def verify(request: NyataRequest, pk: int) -> HttpResponse:
    r = _realisation(request, pk)
    if request.method != "POST":
        return redirect("report_realisation", r.pk)
    try:
        actions.realisation_verify(actor=request.user, realisations=[r], verdict=request.POST.get("verdict", ""),
                                   comment=request.POST.get("comment", ""))
    except ValidationError as e:
        return _realisation_page(request, r, status=400, verify_errors=_errors(e))
    r.refresh_from_db()
    messages.success(request, _("Realisasi %(s)s.") % {"s": r.get_status_display().lower()})
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/laporan/") else reverse("report_verify_queue"))


@policy(ADMINS, ADMINS)
def reopen(request: NyataRequest, pk: int) -> HttpResponse:
    r = _realisation(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            actions.realisation_reopen(actor=request.user, realisation=r, reason=request.POST.get("reason", ""))
        except ValidationError as e:
            errors = _errors(e)
        else:
            messages.success(request, _("Realisasi dibuka kembali sebagai draf."))
            return redirect("report_realisation", r.pk)
    return render(request, "reporting/reopen.html", {"r": r, "errors": errors}, status=400 if errors else 200)


@policy(PEMDA_MEMBERS)
def history(request: NyataRequest, pk: int) -> HttpResponse:
    r = _realisation(request, pk)
    return render(request, "reporting/history.html", {
        "r": r, "ai": r.agreement_indicator,
        "versions": r.versions.select_related("actor").order_by("number"),
        "verifications": r.verifications.select_related("inspector"),
        "evidence": r.evidence.select_related("uploaded_by"),
    })


# --- verification queue -------------------------------------------------------------------------------


@policy(OVERSEERS, INSPECTORS)
def verify_queue(request: NyataRequest) -> HttpResponse:
    errors: list[str] = []
    if request.method == "POST":
        ids = [n for x in request.POST.getlist("item") if (n := as_int(x)) is not None]
        chosen = list(Realisation.objects.filter(pk__in=ids))
        try:
            done = actions.realisation_verify(actor=request.user, realisations=chosen,
                                              verdict=request.POST.get("verdict", ""),
                                              comment=request.POST.get("comment", ""))
        except ValidationError as e:
            errors = _errors(e)
        else:
            messages.success(request, _("%(n)d realisasi diverifikasi.") % {"n": len(done)})
            return redirect("report_verify_queue")
    items = (Realisation.objects.filter(status=Status.SUBMITTED)
             .select_related("agency", "quarter__fiscal_year", "agreement_indicator")
             .annotate(n_evidence=Count("evidence"))
             .order_by("quarter__report_deadline", "agency__code", "agreement_indicator__order"))
    return render(request, "reporting/queue.html", {"items": items, "errors": errors,
                                                     "can_verify": bool(request.roles & INSPECTORS)},
                  status=400 if errors else 200)


# --- self-critique --------------------------------------------------------------------------------

SLOTS = {"products": 3, "gaps": 4, "causes": 4, "actions": 4}
FIELDS = {
    "products": ("what", "for_whom", "where", "people"),
    "gaps": ("agreement_indicator_id", "description", "size"),
    "causes": ("category", "depends_on_id", "text"),
    "actions": ("description", "owner", "due"),
}


# A count beyond the rows a self-critique holds is refused before any row is read:
# products-count=100000000 held a worker for 1,116 s.
MAX_ROWS = actions.MAX_CRITIQUE_ROWS
GROUP_LABELS = {"products": gettext_lazy("produk"), "gaps": gettext_lazy("kesenjangan"),
                "causes": gettext_lazy("akar masalah"), "actions": gettext_lazy("tindakan perbaikan")}


def _parse_children(post: Any) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for group, fields in FIELDS.items():
        rows = []
        raw = post.get(f"{group}-count", SLOTS[group])
        count = as_int(raw, low=0, high=MAX_ROWS) if raw not in ("", None) else 0
        if count is None:
            raise ValidationError(_("Jumlah baris %(group)s harus bilangan bulat 0–%(max)d.")
                                  % {"group": GROUP_LABELS[group], "max": MAX_ROWS})
        for i in range(count):
            row = {f: (post.get(f"{group}-{i}-{f}") or "").strip() for f in fields}
            if any(v for k, v in row.items() if k not in ("agreement_indicator_id", "category")) or (
                group == "causes" and row["text"]
            ):
                rows.append(row)
        out[group] = rows
    return out


def _prefill(agency: Agency, quarter: Quarter) -> tuple[str, dict[str, list[dict[str, Any]]]]:
    """A draft from the data: indicators behind target, forecasts at risk, overdue actions."""
    gaps, lines = [], []
    for ai, r in queries.entry_rows(agency, quarter):
        target = queries.quarter_target(ai, quarter.number)
        if r is None or r.value is None or target is None:
            continue
        # Behind means short of 100 % by the engine's own rule (a range is met anywhere inside it).
        polarity = engine_polarity(ai.polarity, ai.range_low, ai.range_high)
        ach, _flags = achievement(float(target), float(r.value), polarity)
        if ach is not None and ach < 100:
            gaps.append({"agreement_indicator_id": ai.pk,
                         "description": _("%(n)s belum mencapai target") % {"n": ai.name},
                         "size": _distance(r.value, target, polarity)})
    snap = ScoreSnapshot.objects.filter(agency=agency, year=quarter.fiscal_year.year,
                                        quarter__lte=quarter.number).order_by("-quarter").first()
    if snap is not None:
        for f in snap.forecasts:
            if f.get("status") in ("at_risk", "off_track"):
                lines.append(_("Prakiraan akhir tahun berisiko: %(i)s") % {"i": f["indicator"]})
    overdue = CorrectiveAction.objects.filter(agency=agency, due__lt=timezone.localdate()).exclude(
        state__in=[CorrectiveAction.State.DONE, CorrectiveAction.State.DROPPED]).count()
    if overdue:
        lines.append(_("%(n)d tindakan perbaikan lewat tenggat.") % {"n": overdue})
    return "\n".join(lines), {"gaps": gaps, "products": [], "causes": [], "actions": []}


def _distance(value: Decimal, target: Decimal, polarity: Polarity) -> Decimal:
    """How far a value is from meeting its target: from the nearer bound for a range."""
    if polarity.kind is PolarityKind.RANGE and polarity.low is not None:
        low = Decimal(str(polarity.low))
        high = Decimal(str(polarity.high)) if polarity.high is not None else low
        return low - value if value < low else max(value - high, Decimal(0))
    return abs(target - value)


def _slots(group: str, rows: list[Any]) -> list[Any]:
    return list(rows) + [None] * max(SLOTS[group] - len(rows), 1)


@policy(PEMDA_MEMBERS, AGENCY_HEADS)
def self_critique(request: NyataRequest, agency_id: int, quarter_id: int) -> HttpResponse:
    agency, quarter = agency_quarter_for_user(request, agency_id, quarter_id)
    sc = SelfCritique.objects.filter(agency=agency, quarter=quarter).first()
    previous = list(CorrectiveAction.objects.filter(agency=agency, critique__quarter__start__lt=quarter.start)
                    .select_related("critique__quarter").order_by("due"))
    errors: list[str] = []
    if request.method == "POST":
        children: dict[str, list[dict[str, str]]] = {group: [] for group in FIELDS}
        prev_states = {
            ca.pk: (request.POST.get(f"prev-{ca.pk}-state", ca.state), request.POST.get(f"prev-{ca.pk}-note", ""))
            for ca in previous
        }
        try:
            children = _parse_children(request.POST)
            actions.self_critique_save(actor=request.user, agency=agency, quarter=quarter,
                                       summary=request.POST.get("summary", ""), data=children, previous=prev_states,
                                       submit=request.POST.get("submit") == "1")
        except ValidationError as e:
            errors = _errors(e)
        else:
            messages.success(request, _("Otokritik disimpan."))
            return redirect("report_self_critique", agency.pk, quarter.pk)
        summary, data = request.POST.get("summary", ""), children
    elif sc is not None:
        summary = sc.summary
        data = {
            "products": list(sc.products.values()), "gaps": list(sc.gaps.values()),
            "causes": list(sc.causes.values()), "actions": list(sc.actions.values()),
        }
    else:
        summary, data = _prefill(agency, quarter)
    editable = bool(request.roles & AGENCY_HEADS) and (sc is None or sc.state == SelfCritique.State.DRAFT)
    return render(request, "reporting/self_critique.html", {
        "agency": agency, "quarter": quarter, "sc": sc, "summary": summary, "editable": editable,
        "products": _slots("products", data["products"]), "gaps": _slots("gaps", data["gaps"]),
        "causes": _slots("causes", data["causes"]), "actions": _slots("actions", data["actions"]),
        "indicators": list(services.signed_indicators(agency=agency, year=quarter.fiscal_year.year)),
        "agencies": Agency.objects.exclude(pk=agency.pk).order_by("code"),
        "categories": RootCause.Category.choices, "states": CorrectiveAction.State.choices,
        "previous": previous, "errors": errors, "prefilled": sc is None and request.method != "POST",
    }, status=400 if errors else 200)


@policy(OVERSEERS)
def unresolved_actions(request: NyataRequest) -> HttpResponse:
    rows = (CorrectiveAction.objects.exclude(state__in=[CorrectiveAction.State.DONE, CorrectiveAction.State.DROPPED])
            .select_related("agency", "critique__quarter__fiscal_year").order_by("due", "agency__code"))
    return render(request, "reporting/actions.html", {"rows": rows, "today": timezone.localdate()})


# --- Excel -------------------------------------------------------------------------------------------


@policy(PEMDA_MEMBERS)
def xlsx_download(request: NyataRequest, agency_id: int, quarter_id: int) -> HttpResponse:
    agency, quarter = agency_quarter_for_user(request, agency_id, quarter_id)
    response = HttpResponse(excel.workbook(agency, quarter), content_type=XLSX_CONTENT_TYPE)
    name = f"realisasi-{agency.code}-{quarter.fiscal_year.year}-tw{quarter.number}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@policy(AGENCY_OPERATORS, AGENCY_OPERATORS)
def xlsx_upload(request: NyataRequest, agency_id: int, quarter_id: int) -> HttpResponse:
    agency, quarter = agency_quarter_for_user(request, agency_id, quarter_id)
    errors: list[Any] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("Pilih berkas Excel (.xlsx).")]
        else:
            try:
                n = excel.realisation_import(actor=request.user, agency=agency, quarter=quarter, upload=upload)
            except ImportErrors as e:
                errors = e.errors
            except ValidationError as e:
                errors = _errors(e)
            else:
                messages.success(request, _("Impor berhasil: %(n)d realisasi diperbarui.") % {"n": n})
                return redirect("report_entry", agency.pk, quarter.pk)
    return render(request, "reporting/upload.html", {"agency": agency, "quarter": quarter, "errors": errors},
                  status=400 if errors else 200)



