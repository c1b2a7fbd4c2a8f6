"""PDF renderers of agreements: `render(agreement) -> (filename, content_type, bytes)`.

The layout lives in `typst/agreement.typ` (readable source); this module only turns an
agreement into the JSON that template reads. Numbers and dates are written the Indonesian way
(1.234,5; 21 Januari 2026).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import segno
import typst
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from nyata.agreements.models import Agreement, AgreementIndicator, AgreementProgram, Signature
from nyata.core.accounts import public_base_url
from nyata.core.models import Pemda
from nyata.core.typealiases import JSONObject

TEMPLATE = Path(__file__).resolve().parent / "typst" / "agreement.typ"
PDF = "application/pdf"
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember"]


def number(value: Decimal | None, decimals: int = 2) -> str:
    """1234.5 → '1.234,50' (Indonesian grouping and decimal comma)."""
    if value is None:
        return "—"
    q = Decimal(1).scaleb(-decimals) if decimals else Decimal(1)
    text = f"{value.quantize(q):,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def date_id(d: dt.date | None) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}" if d else ""


def datetime_id(t: dt.datetime) -> str:
    local = timezone.localtime(t)
    return f"{date_id(local.date())} pukul {local:%H.%M} WIB"


def verify_url(agreement: Agreement) -> str:
    """The public verification page of the agreement, at its Pemda's public address."""
    base = public_base_url(agreement.pemda)
    return f"{base}{reverse('agreement_verify')}?{urlencode({'kode': agreement.display_code})}"


def _target(row: AgreementIndicator) -> str:
    unit = f" {row.unit}" if row.unit else ""
    if row.range_low is not None and row.range_high is not None and row.range_low != row.range_high:
        return f"{number(row.range_low, row.decimals)}–{number(row.range_high, row.decimals)}{unit}"
    return f"{number(row.annual_target, row.decimals)}{unit}"


def _party(official: Any, position: Any, acting: bool) -> dict[str, Any] | None:
    if official is None:
        return None
    return {"name": official.name, "nip": official.nip, "position": position.name if position else "",
            "acting": acting}


def document_data(agreement: Agreement, *, qr: str | None, logo: list[int] | None,
                  final: bool) -> JSONObject:
    """The JSON one document of the template reads."""
    pemda: Pemda = agreement.pemda
    sigs: dict[str, Signature] = {s.party: s for s in agreement.signatures.all()}
    is_pk = agreement.kind == Agreement.Kind.PK
    title = (f"PERJANJIAN KINERJA TAHUN {agreement.year}" if is_pk
             else f"PAKTA INTEGRITAS TAHUN {agreement.year}")
    indicators = list(agreement.indicators.all())
    programs = list(agreement.programs.all())
    if agreement.status == Agreement.Status.SUPERSEDED:
        note = "Dokumen ini telah DIGANTIKAN oleh PK perubahan; periksa versi terbaru lewat kode di atas."
    elif agreement.status == Agreement.Status.DRAFT:
        note = "DRAF — belum dikunci dan belum ditandatangani."
    elif final:
        note = "Disegel secara elektronik oleh Pemda; tanda tangan para pihak tercatat dalam rantai audit."
    else:
        note = "Dokumen yang akan ditandatangani (belum lengkap tanda tangannya)."
    previous = agreement.supersedes
    return {
        "kind": agreement.kind,
        "title": title,
        "version_label": f"PERUBAHAN KE-{agreement.version - 1}" if agreement.version > 1 else "",
        "pemda": {"name": pemda.name, "upper": f"PEMERINTAH {pemda.name.upper()}"},
        "letterhead": (pemda.capital and f"{pemda.capital}") or "",
        "logo": logo,
        "first": _party(agreement.first_party, agreement.position, agreement.first_party_acting),
        "second": _party(agreement.second_party, agreement.second_party_position,
                         agreement.second_party_acting),
        "second_title": (agreement.second_party_position.name
                         if agreement.second_party_position else ""),
        "institution": (agreement.agency.name if agreement.agency else pemda.name),
        "place": agreement.place or pemda.capital,
        "date": date_id(agreement.signing_date),
        "indicators": [
            {"objective": r.objective_text, "name": r.name, "target": _target(r),
             "quarters": [number(q, r.decimals) for q in r.quarter_targets]}
            for r in indicators
        ],
        "programs": [{"code": p.code, "name": p.name, "budget": number(p.budget, 0), "note": p.note}
                     for p in programs],
        "budget_total": number(sum((p.budget for p in programs), Decimal(0)), 0),
        "signatures": {party: ({"at": datetime_id(sigs[party].signed_at)} if party in sigs else None)
                       for party in ("first", "second")},
        "amendment": ({"previous": previous.display_code,
                       "reason": agreement.get_amendment_reason_display().lower(),
                       "note": agreement.amendment_note}
                      if previous is not None else None),
        "code": agreement.display_code,
        "verify_url": verify_url(agreement),
        "qr": qr,
        "chain": (f"#{agreement.chain_seq} {agreement.chain_hash[:16]}…"
                  if final and agreement.chain_seq else None),
        "status_note": note,
    }


_compiler_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _compiler() -> typst.Compiler:
    # One compiler per process keeps Typst's parsed fonts; the data changes per call.
    return typst.Compiler(str(TEMPLATE), root=str(TEMPLATE.parent), ignore_system_fonts=True)


def _with_related(agreements: Iterable[Agreement]) -> list[Agreement]:
    ids = [a.pk for a in agreements]
    qs = (Agreement.objects.filter(pk__in=ids)
          .select_related("pemda", "position", "agency", "first_party", "second_party",
                          "second_party_position", "supersedes")
          .prefetch_related(Prefetch("indicators", AgreementIndicator.objects.order_by("order", "pk")),
                            Prefetch("programs", AgreementProgram.objects.order_by("order", "pk")),
                            "signatures"))
    by_id = {a.pk: a for a in qs}
    return [by_id[i] for i in ids]


def compile_pdf(agreements: Sequence[Agreement], *, final: bool = False) -> bytes:
    """One PDF holding the given agreements, each from a new page."""
    items = _with_related(agreements)
    logos: dict[int, list[int] | None] = {}
    docs = []
    for a in items:
        if a.pemda_id not in logos:
            logos[a.pemda_id] = _logo(a.pemda)
        qr = segno.make(verify_url(a), error="m").svg_inline(scale=4, border=1)
        docs.append(document_data(a, qr=qr, logo=logos[a.pemda_id], final=final))
    title = docs[0]["title"] if len(docs) == 1 else "Dokumen penandatanganan"
    payload = {"title": title, "author": items[0].pemda.name if items else "Nyata", "docs": docs}
    with _compiler_lock:
        pdf = _compiler().compile(sys_inputs={"data": json.dumps(payload, ensure_ascii=False)},
                                         timestamp=int(timezone.now().timestamp()))
    assert isinstance(pdf, bytes)
    return pdf


def _logo(pemda: Pemda) -> list[int] | None:
    """The Pemda's logo (PNG, JPEG or SVG, at most 1 MB) as bytes for the template."""
    if not pemda.logo or Path(pemda.logo.name).suffix.lower() not in {".png", ".jpg", ".jpeg", ".svg"}:
        return None
    try:
        with pemda.logo.open("rb") as f:
            content = f.read(1_000_001)
    except OSError:
        return None
    return list(content) if len(content) <= 1_000_000 else None


def filename(agreement: Agreement) -> str:
    kind = "PK" if agreement.kind == Agreement.Kind.PK else "Pakta"
    version = f"-perubahan{agreement.version - 1}" if agreement.version > 1 else ""
    return f"{kind}-{agreement.year}-{agreement.position.code}{version}.pdf"


def render(agreement: Agreement) -> tuple[str, str, bytes]:
    """The document as the parties and the public should see it right now."""
    if agreement.signed_pdf:
        with agreement.signed_pdf.open("rb") as f:
            return filename(agreement), PDF, f.read()
    if agreement.locked_pdf:
        with agreement.locked_pdf.open("rb") as f:
            return filename(agreement), PDF, f.read()
    return filename(agreement), PDF, compile_pdf([agreement])
