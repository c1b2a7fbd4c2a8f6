"""Pages of the agreements app: drafts, signing, ceremony board and the public verification page."""

from __future__ import annotations

import hashlib
import io
import zipfile
from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nyata.agreements import actions, documents
from nyata.agreements.forms import (
    MAX_UPLOAD,
    AmendForm,
    CeremonyForm,
    SignForm,
    VerifyUploadForm,
    too_large_message,
)
from nyata.agreements.models import Agreement, AgreementIndicator, Ceremony, Signature
from nyata.core import otp, ratelimit
from nyata.core.access import NyataRequest, get_for_user, policy, reach
from nyata.core.params import as_int
from nyata.core.roles import ADMINS, AGREEMENT_SIGNERS, CEREMONY_BOARD_READERS, PEMDA_MEMBERS
from nyata.core.tenancy import unscoped
from nyata.core.typealiases import JSONObject
from nyata.core.xlsx import number_message, parse_decimal
from nyata.documents import seal
from nyata.numbers import NumberError, unit_bounds


def _errors(e: ValidationError) -> str:
    return " ".join(e.messages)


def _agreement(request: NyataRequest, pk: int) -> Agreement:
    qs = Agreement.objects.select_related("position", "agency", "first_party", "second_party",
                                          "second_party_position", "supersedes", "ceremony")
    return cast("Agreement", get_for_user(request, qs, "agency", pk=pk))


def _pdf_response(name: str, content: bytes, inline: bool = True) -> HttpResponse:
    resp = HttpResponse(content, content_type=documents.PDF)
    resp["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    return resp


# --- lists and details -------------------------------------------------------------------------


@policy(PEMDA_MEMBERS)
def agreement_list(request: NyataRequest) -> HttpResponse:
    years = sorted(set(Agreement.objects.values_list("year", flat=True)), reverse=True)
    year = as_int(request.GET.get("tahun"), low=0, high=9999) or (years[0] if years else 0)
    agreements = reach(request, Agreement.objects.filter(year=year)
                       .select_related("position", "agency", "first_party", "second_party"))
    mine = actions.official_of(request.user)
    return render(request, "agreements/list.html", {
        "agreements": agreements, "years": years, "year": year,
        "ceremonies": Ceremony.objects.all() if request.roles & CEREMONY_BOARD_READERS else [],
        "my_official": mine,
    })


@policy(PEMDA_MEMBERS)
def agreement_detail(request: NyataRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    return render(request, "agreements/detail.html", _detail_context(request, agreement))


def _detail_context(request: NyataRequest, agreement: Agreement, **extra: Any) -> dict[str, Any]:
    my_parties = actions.parties_of(request.user, agreement)
    signed = {s.party for s in agreement.signatures.all()}
    can_sign = [p for p in my_parties if p not in signed and (
        (p == Signature.Party.FIRST and agreement.status == Agreement.Status.LOCKED)
        or (p == Signature.Party.SECOND and agreement.status == Agreement.Status.SIGNED_FIRST))]
    versions = []
    node: Agreement | None = agreement
    while node is not None and node.supersedes_id:
        node = node.supersedes
        if node is not None:
            versions.append(node)
    return {
        "agreement": agreement,
        "indicators": agreement.indicators.all(),
        "programs": agreement.programs.all(),
        "signatures": agreement.signatures.select_related("official", "user"),
        "is_admin": bool(request.roles & ADMINS),
        "can_sign": can_sign,
        "sign_form": extra.pop("sign_form", None) or SignForm(),
        "amend_form": extra.pop("amend_form", None) or AmendForm(),
        "older": versions,
        "newer": agreement.amendments.order_by("version"),
        "has_device": bool(otp.confirmed_devices(request.user)),
        **extra,
    }


@policy(PEMDA_MEMBERS)
def agreement_pdf(request: NyataRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    name, _ctype, content = documents.render(agreement)
    return _pdf_response(name, content, inline=request.GET.get("unduh") != "1")


@policy(PEMDA_MEMBERS)
def agreement_diff(request: NyataRequest, pk: int) -> HttpResponse:
    """Side by side: this version against the one it supersedes."""
    new = _agreement(request, pk)
    old = new.supersedes
    if old is None:
        messages.info(request, _("Ini versi pertama; tidak ada versi sebelumnya untuk dibandingkan."))
        return redirect("agreement_detail", pk=new.pk)
    rows = _diff_rows(old, new)
    return render(request, "agreements/diff.html", {"old": old, "new": new, **rows})


def _diff_rows(old: Agreement, new: Agreement) -> dict[str, Any]:
    def ind_map(a: Agreement) -> dict[int, AgreementIndicator]:
        return {r.indicator_id: r for r in a.indicators.all()}

    o, n = ind_map(old), ind_map(new)
    indicators = []
    for key in list(o) + [k for k in n if k not in o]:
        a, b = o.get(key), n.get(key)
        fields = ("name", "unit", "annual_target", *actions.QUARTERS)
        changed = {f for f in fields if a is None or b is None or getattr(a, f) != getattr(b, f)}
        indicators.append({"old": a, "new": b, "changed": changed})
    po = {p.program_id: p for p in old.programs.all()}
    pn = {p.program_id: p for p in new.programs.all()}
    programs = []
    for key in list(po) + [k for k in pn if k not in po]:
        a2, b2 = po.get(key), pn.get(key)
        changed = {f for f in ("name", "budget") if a2 is None or b2 is None or getattr(a2, f) != getattr(b2, f)}
        programs.append({"old": a2, "new": b2, "changed": changed})
    parties = [
        (_("Pihak pertama"), old.first_party, new.first_party),
        (_("Pihak kedua"), old.second_party, new.second_party),
    ]
    return {"indicators": indicators, "programs": programs, "parties": parties}


# --- editing, locking, amending (performance admins) --------------------------------------------


def _parse_decimal(text: str, *, unit: str | None = None, decimals: int | None = None) -> Decimal | None:
    if not (text or "").strip():
        return None
    low, high = unit_bounds(unit)
    try:
        return parse_decimal(text, decimals=decimals, low=low, high=high, unit=unit)
    except NumberError as e:
        raise ValidationError(number_message(e)) from None


@policy(ADMINS, ADMINS)
def agreement_targets(request: NyataRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    rows = list(agreement.indicators.all())
    error = ""
    if request.method == "POST":
        try:
            targets: dict[int, dict[str, Decimal | None]] = {}
            for row in rows:
                values: dict[str, Decimal | None] = {}
                for f in ("annual_target", *actions.QUARTERS):
                    key = f"{f}-{row.pk}"
                    if key in request.POST:
                        values[f] = _parse_decimal(request.POST[key], unit=row.unit, decimals=row.decimals)
                if values:
                    if values.get("annual_target", row.annual_target) is None:
                        raise ValidationError(_("Target tahunan %(i)s wajib diisi.") % {"i": row.name})
                    targets[row.pk] = values
            actions.agreement_update_targets(actor=request.user, agreement=agreement, targets=targets)
        except ValidationError as e:
            error = _errors(e)
        else:
            messages.success(request, _("Target disimpan."))
            return redirect("agreement_detail", pk=agreement.pk)
    return render(request, "agreements/targets.html", {
        "agreement": agreement, "rows": rows, "error": error,
        "editable": agreement.status == Agreement.Status.DRAFT, "post": request.POST,
    }, status=400 if error else 200)


def _post_action(request: NyataRequest, pk: int, action: Any, done: str) -> HttpResponse:
    agreement = _agreement(request, pk)  # 404 outside reach comes before 405
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        action(actor=request.user, agreement=agreement)
    except ValidationError as e:
        messages.error(request, _errors(e))
    else:
        messages.success(request, done)
    return redirect("agreement_detail", pk=agreement.pk)


@policy(ADMINS, ADMINS)
def agreement_lock(request: NyataRequest, pk: int) -> HttpResponse:
    return _post_action(request, pk, actions.agreement_lock, _("Perjanjian dikunci dan siap ditandatangani."))


@policy(ADMINS, ADMINS)
def agreement_unlock(request: NyataRequest, pk: int) -> HttpResponse:
    return _post_action(request, pk, actions.agreement_unlock, _("Perjanjian dibuka kembali sebagai draf."))


@policy(ADMINS, ADMINS)
def agreement_amend(request: NyataRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AmendForm(request.POST)
    if form.is_valid():
        try:
            new = actions.agreement_amend(actor=request.user, agreement=agreement,
                                          reason=form.cleaned_data["reason"], note=form.cleaned_data["note"])
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("PK perubahan dibuat sebagai draf."))
            return redirect("agreement_detail", pk=new.pk)
    return render(request, "agreements/detail.html", _detail_context(request, agreement, amend_form=form),
                  status=400)


# --- signing -----------------------------------------------------------------------------------


@policy(PEMDA_MEMBERS, AGREEMENT_SIGNERS)
def agreement_sign(request: NyataRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    if request.method != "POST":
        return redirect("agreement_detail", pk=agreement.pk)
    form = SignForm(request.POST)
    party = request.POST.get("party", "")
    if form.is_valid():
        try:
            actions.agreement_sign(actor=request.user, agreement=agreement, party=party,
                                   otp_token=form.cleaned_data["otp_token"])
        except otp.SecondFactorError as e:
            otp.refused(e, user=request.user, request=request)  # the signing transaction rolled back
            form.add_error("otp_token", e)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Tanda tangan Anda tercatat."))
            return redirect("agreement_detail", pk=agreement.pk)
    agreement.refresh_from_db()
    return render(request, "agreements/detail.html", _detail_context(request, agreement, sign_form=form),
                  status=400)


@policy(PEMDA_MEMBERS, AGREEMENT_SIGNERS)
def agreement_inbox(request: NyataRequest) -> HttpResponse:
    """Documents waiting for my signature; sign a selection with one fresh code."""
    official = actions.official_of(request.user)
    pending: list[tuple[Agreement, str]] = []
    if official is not None:
        qs = reach(request, Agreement.objects.filter(
            status__in=[Agreement.Status.LOCKED, Agreement.Status.SIGNED_FIRST])
            .select_related("position", "first_party").prefetch_related("signatures"))
        for a in qs:
            if a.first_party_id == official.pk and a.status == Agreement.Status.LOCKED:
                pending.append((a, Signature.Party.FIRST))
            elif a.second_party_id == official.pk and a.status == Agreement.Status.SIGNED_FIRST:
                pending.append((a, Signature.Party.SECOND))
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wanted = set(request.POST.getlist("agreement"))
        chosen = [(a, p) for a, p in pending if str(a.pk) in wanted]
        parties = {p for _a, p in chosen}
        try:
            if len(parties) > 1:
                raise ValidationError(_("Tandatangani dokumen sebagai pihak pertama dan pihak kedua "
                                        "secara terpisah."))
            actions.agreements_sign_batch(actor=request.user, agreements=[a for a, _p in chosen],
                                          party=parties.pop() if parties else "first",
                                          otp_token=form.cleaned_data["otp_token"])
        except otp.SecondFactorError as e:
            otp.refused(e, user=request.user, request=request)  # the signing transaction rolled back
            form.add_error("otp_token", e)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("%(n)d dokumen ditandatangani.") % {"n": len(chosen)})
            return redirect("agreement_inbox")
    # Nothing is ticked for the signer; a refused attempt keeps what they had ticked themselves.
    ticked = {n for v in request.POST.getlist("agreement") if (n := as_int(v)) is not None}
    return render(request, "agreements/inbox.html", {"pending": pending, "form": form, "official": official,
                                                     "ticked": ticked},
                  status=400 if form.errors else 200)


# --- ceremonies --------------------------------------------------------------------------------


@policy(CEREMONY_BOARD_READERS, ADMINS)
def ceremony_list(request: NyataRequest) -> HttpResponse:
    form = CeremonyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ceremony = actions.ceremony_create(actor=request.user, pemda=request.pemda, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            return redirect("ceremony_board", pk=ceremony.pk)
    return render(request, "agreements/ceremony_list.html",
                  {"ceremonies": Ceremony.objects.all(), "form": form}, status=400 if form.errors else 200)


def _board_rows(ceremony: Ceremony) -> list[dict[str, Any]]:
    agreements = (ceremony.agreements.select_related("position", "first_party", "agency")
                  .order_by("position__code", "kind", "version"))
    rows: dict[int, dict[str, Any]] = {}
    for a in agreements:
        row = rows.setdefault(a.position_id, {"position": a.position, "official": a.first_party,
                                              "acting": a.first_party_acting, "pk": None, "pakta": None})
        row[a.kind] = a
        row["official"], row["acting"] = a.first_party, a.first_party_acting
    out = list(rows.values())
    for row in out:
        docs = [d for d in (row["pk"], row["pakta"]) if d is not None]
        row["done"] = bool(docs) and all(d.status == Agreement.Status.SIGNED for d in docs)
    return out


@policy(CEREMONY_BOARD_READERS, ADMINS)
def ceremony_board(request: NyataRequest, pk: int) -> HttpResponse:
    ceremony = get_for_user(request, Ceremony, None, pk=pk)
    if request.method == "POST":
        try:
            created = actions.ceremony_generate(actor=request.user, ceremony=ceremony)
        except ValidationError as e:
            messages.error(request, _errors(e))
        else:
            messages.success(request, _("%(n)d draf disusun dari rencana.") % {"n": len(created)})
        return redirect("ceremony_board", pk=ceremony.pk)
    rows = _board_rows(ceremony)
    counts = {s: 0 for s in Agreement.Status.values}
    for row in rows:
        for d in (row["pk"], row["pakta"]):
            if d is not None:
                counts[d.status] += 1
    labelled = [(key, label, counts[key]) for key, label in Agreement.Status.choices]
    context = {"ceremony": ceremony, "rows": rows, "counts": labelled,
               "total": sum(counts.values()), "done": sum(1 for r in rows if r["done"])}
    template = "agreements/board.html#board" if request.headers.get("HX-Request") else "agreements/board.html"
    return render(request, template, context)


def _ceremony_docs(request: NyataRequest, pk: int) -> tuple[Ceremony, list[Agreement]]:
    ceremony = get_for_user(request, Ceremony, None, pk=pk)
    docs = list(ceremony.agreements.select_related("position").order_by("position__code", "kind", "version"))
    return ceremony, docs


@policy(CEREMONY_BOARD_READERS)
def ceremony_zip(request: NyataRequest, pk: int) -> HttpResponse:
    ceremony, docs = _ceremony_docs(request, pk)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for a in docs:
            name, _ctype, content = documents.render(a)
            zf.writestr(name, content)
    resp = HttpResponse(buffer.getvalue(), content_type="application/zip")
    resp["Content-Disposition"] = f'attachment; filename="acara-{ceremony.pk}-{ceremony.year}.zip"'
    return resp


@policy(CEREMONY_BOARD_READERS)
def ceremony_pdf(request: NyataRequest, pk: int) -> HttpResponse:
    """Everything in one PDF for printing (signed documents show their recorded signatures; the
    sealed originals are in the ZIP)."""
    ceremony, docs = _ceremony_docs(request, pk)
    if not docs:
        messages.info(request, _("Belum ada dokumen dalam acara ini."))
        return redirect("ceremony_board", pk=ceremony.pk)
    pdf = documents.compile_pdf(docs, final=True)
    return _pdf_response(f"acara-{ceremony.pk}-{ceremony.year}.pdf", pdf, inline=False)


# --- public verification -----------------------------------------------------------------------


def public_facts(agreement: Agreement) -> JSONObject:
    """What the public may see: names and positions, dates, status. No NIP, nothing else."""
    newest = agreement
    while True:
        nxt = (Agreement.objects.filter(supersedes=newest, status=Agreement.Status.SIGNED).first())
        if nxt is None:
            break
        newest = nxt
    sigs = list(agreement.signatures.select_related("official"))
    return {
        "kind": agreement.get_kind_display(),
        "year": agreement.year,
        "pemda": agreement.pemda.name,
        "version": agreement.version,
        "code": agreement.display_code,
        "status": agreement.status,
        "status_label": agreement.get_status_display(),
        "first": {"name": agreement.first_party.name, "position": agreement.position.name,
                  "acting": agreement.first_party_acting},
        "second": ({"name": agreement.second_party.name,
                    "position": agreement.second_party_position.name if agreement.second_party_position else "",
                    "acting": agreement.second_party_acting} if agreement.second_party else None),
        "signatures": [{"party": s.get_party_display(), "name": s.official.name, "at": s.signed_at}
                       for s in sigs],
        "chain_seq": agreement.chain_seq,
        "chain_hash": agreement.chain_hash,
        "current": agreement.status == Agreement.Status.SIGNED,
        "superseded_by": newest.display_code if newest.pk != agreement.pk else "",
        "signed": agreement.status in (Agreement.Status.SIGNED, Agreement.Status.SUPERSEDED),
    }


def lookup_code(code: str) -> Agreement | None:
    wanted = actions.normalise_code(code)
    if len(wanted) != 10:
        return None
    with unscoped():
        return (Agreement.objects.select_related("pemda", "position", "first_party", "second_party",
                                                 "second_party_position")
                .prefetch_related(Prefetch("signatures")).filter(verification_code=wanted).first())


def verify_upload(content: bytes) -> JSONObject:
    """Authentic = the seal validates against the Pemda's CA and the exact bytes are on record."""
    if not content.startswith(b"%PDF-"):
        return {"ok": False, "message": _("Berkas ini bukan PDF.")}
    digest = hashlib.sha256(content).hexdigest()
    check = seal.validate(content)
    with unscoped():
        agreement = Agreement.objects.filter(document_sha256=digest).select_related(
            "pemda", "position", "first_party", "second_party", "second_party_position").first()
        if not check.ok:
            return {"ok": False, "message": check.message, "sha256": digest}
        if agreement is None:
            return {"ok": False, "sha256": digest, "message": _(
                "Segel elektronik sah, tetapi berkas ini tidak sama persis dengan dokumen yang tercatat; "
                "periksa dengan kode verifikasi.")}
        facts = public_facts(agreement)
    return {"ok": True, "message": _("Dokumen asli dan tidak diubah."), "facts": facts, "sha256": digest,
            "seal_signer": check.signer_name}


# Uploads per address: each one is parsed and its signature checked, for anyone, without login.
VERIFY_LIMIT = ratelimit.Limit("verify", 20, 600)


def _body_too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > MAX_UPLOAD + 64 * 1024  # the multipart envelope around the file


@policy(public=True)
def agreement_verify(request: NyataRequest) -> HttpResponse:
    result: dict[str, Any] | None = None
    form = VerifyUploadForm()
    code = request.GET.get("kode", "").strip()[:40]
    if request.method == "POST" and not VERIFY_LIMIT.take(request):
        return ratelimit.refused(request, VERIFY_LIMIT)
    if request.method == "POST" and _body_too_large(request):
        # Refused before the body is read, so an oversized upload costs nothing to parse.
        result = {"ok": False, "message": too_large_message()}
        return render(request, "agreements/verify.html", {"form": form, "result": result, "code": code},
                      status=413)
    if request.method == "POST":
        form = VerifyUploadForm(request.POST, request.FILES)
        if form.is_valid():
            result = verify_upload(form.cleaned_data["berkas"].read())
        else:
            result = {"ok": False, "message": " ".join(str(e) for errs in form.errors.values() for e in errs)}
    elif code:
        agreement = lookup_code(code)
        if agreement is None:
            result = {"ok": False, "message": _("Kode verifikasi tidak dikenal.")}
        else:
            with unscoped():
                facts = public_facts(agreement)
            if facts["signed"]:
                result = {"ok": True, "message": _("Kode ini milik dokumen yang ditandatangani."), "facts": facts}
            else:
                result = {"ok": False, "message": _("Dokumen dengan kode ini belum ditandatangani lengkap."),
                          "facts": facts}
    status = 400 if result is not None and not result["ok"] and request.method == "POST" else 200
    return render(request, "agreements/verify.html", {"form": form, "result": result, "code": code},
                  status=status)
