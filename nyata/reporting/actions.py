"""Writes of quarterly reporting. Each action owns its transaction, version rows and audit event.

Role rules are checked here as well as on the routes, so pages, API and imports share them:
operators of the agency draft values and evidence, the agency head submits and files the
self-critique, the inspectorate verifies (never edits), a performance admin reopens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nyata.agreements.models import AgreementIndicator
from nyata.agreements.services import signed_indicators, signed_programs
from nyata.core import audit
from nyata.core.access import require
from nyata.core.models import Agency, Quarter, User
from nyata.core.params import as_int
from nyata.core.periods import ensure_open
from nyata.core.roles import ADMINS, AGENCY_HEADS, AGENCY_OPERATORS, INSPECTORS
from nyata.core.storage import removed_on_failure
from nyata.core.typealiases import RawValue
from nyata.reporting import fastpath, files, rules, scanning
from nyata.reporting.models import (
    BudgetRealisation,
    CorrectiveAction,
    DeliveredProduct,
    Evidence,
    Gap,
    Realisation,
    RealisationVersion,
    RootCause,
    SelfCritique,
    Status,
    Verification,
)
from nyata.reporting.tasks import recompute_after_commit


def _check_quarter(quarter: Quarter) -> None:
    ensure_open(quarter.fiscal_year)
    if quarter.start > timezone.localdate():
        raise ValidationError(_("Triwulan %(q)s belum dimulai; realisasi belum dapat diisi.") % {"q": quarter})


def _version(r: Realisation, event: str, actor: User | None, note: str = "") -> RealisationVersion:
    r.version += 1
    return cast("RealisationVersion", RealisationVersion.objects.create(
        pemda_id=r.pemda_id, realisation=r, number=r.version, event=event, status=r.status, value=r.value,
        narrative=r.narrative, note=note, actor=actor, at=timezone.now(),
    ))


def _indicator_of(agency: Agency, quarter: Quarter, agreement_indicator_id: int) -> AgreementIndicator:
    """The indicator, if it belongs to the agency head's signed PK for the quarter's year (one query).

    Both this and reporting/fastpath.py ask `agreements.services.in_force`.
    """
    ai = (
        signed_indicators(agency=agency, year=quarter.fiscal_year.year).filter(pk=agreement_indicator_id).first()
        if as_int(agreement_indicator_id) is not None else None
    )
    if ai is None:
        raise ValidationError(
            _("Indikator itu tidak ada dalam PK %(year)s yang ditandatangani %(agency)s.")
            % {"year": quarter.fiscal_year.year, "agency": agency}
        )
    return ai


def _locked_row(ai: AgreementIndicator, agency: Agency, quarter: Quarter) -> Realisation:
    """The quarter's row for the indicator, locked for this transaction (created when new)."""
    r = Realisation.objects.select_for_update(of=("self",)).filter(agreement_indicator=ai, quarter=quarter).first()
    if r is None:
        Realisation.objects.get_or_create(
            pemda_id=agency.pemda_id, agreement_indicator=ai, quarter=quarter, defaults={"agency": agency}
        )
        r = Realisation.objects.select_for_update(of=("self",)).get(agreement_indicator=ai, quarter=quarter)
    r.agreement_indicator, r.quarter = ai, quarter  # already loaded: no extra queries for str() and checks
    return cast("Realisation", r)


def _write_value(
    *, actor: User | None, r: Realisation, ai: AgreementIndicator, raw: Any, narrative: str, event: str
) -> bool:
    """Validate and store one value on a locked row; False when nothing changed."""
    if not rules.can_edit(r.status):
        raise ValidationError(
            _("Realisasi %(name)s sudah %(status)s; nilainya tidak dapat diubah.")
            % {"name": ai.name, "status": r.get_status_display().lower()}
        )
    value = rules.parse_value(raw, unit=ai.unit, name=ai.name, decimals=ai.decimals, value_min=ai.value_min,
                              value_max=ai.value_max)
    narrative = (narrative or "").strip()
    if len(narrative) > 2000:
        raise ValidationError(_("Narasi paling panjang 2.000 karakter."))
    if r.value == value and r.narrative == narrative and r.version:
        return False
    before = {"value": None if r.value is None else str(r.value), "narrative": r.narrative, "status": r.status}
    r.value, r.narrative, r.updated_by = value, narrative, actor
    if r.status == Status.RETURNED:
        r.status = Status.DRAFT
    _version(r, event, actor)
    r.save(update_fields=["value", "narrative", "updated_by", "status", "version", "updated_at"])
    audit.record(
        pemda=r.pemda_id, actor=actor, action=f"nyata.realisation.{event}", obj=r,
        data={"before": before, "after": {"value": str(value), "narrative": narrative, "status": r.status},
              "quarter": r.quarter_id, "indicator": ai.pk},
    )
    return True


@transaction.atomic
def realisation_save_draft(
    *, actor: User | None, agency: Agency, quarter_id: int, agreement_indicator_id: int, value: RawValue,
    narrative: str = "",
) -> Realisation:
    """Save one draft value. The quarter is an id: the usual save loads it with the row in one query.

    Raises Quarter.DoesNotExist for an id outside the tenant (the API answers 404).
    """
    require(actor, agency.pemda_id, AGENCY_OPERATORS, agency)
    found = fastpath.locked_row(agency, quarter_id, agreement_indicator_id)
    if found is not None:  # the usual save: one query found quarter, indicator and row, and locked it
        r, ai = found
        _check_quarter(r.quarter)
    else:  # a first value, or something to refuse: the general path creates or explains
        q = Quarter.objects.select_related("fiscal_year").get(pk=quarter_id)
        _check_quarter(q)
        ai = _indicator_of(agency, q, agreement_indicator_id)
        r = _locked_row(ai, agency, q)
    _write_value(actor=actor, r=r, ai=ai, raw=value, narrative=narrative, event=RealisationVersion.Event.SAVED)
    return r


@transaction.atomic
def realisation_submit(*, actor: User | None, agency: Agency, quarter: Quarter) -> list[Realisation]:
    """The agency head submits every draft or returned value of the quarter at once."""
    require(actor, agency.pemda_id, AGENCY_HEADS, agency)
    _check_quarter(quarter)
    indicators = list(signed_indicators(agency=agency, year=quarter.fiscal_year.year))
    rows = {
        r.agreement_indicator_id: r
        for r in Realisation.objects.select_for_update(of=("self",)).filter(agency=agency, quarter=quarter)
    }
    sts = [rows[ai.pk].status if ai.pk in rows else None for ai in indicators]
    vals = [ai.pk in rows and rows[ai.pk].value is not None for ai in indicators]
    ok, why = rules.can_submit(sts, vals)
    if not ok:
        raise ValidationError(why)
    now, done = timezone.now(), []
    for ai in indicators:
        r = rows[ai.pk]
        if r.status not in (Status.DRAFT, Status.RETURNED):
            continue
        r.status, r.submitted_at = Status.SUBMITTED, now
        _version(r, RealisationVersion.Event.SUBMITTED, actor)
        r.save(update_fields=["status", "submitted_at", "version", "updated_at"])
        done.append(r)
    BudgetRealisation.objects.filter(agency=agency, quarter=quarter, status=Status.DRAFT).update(
        status=Status.SUBMITTED
    )
    late = now.date() > quarter.report_deadline
    audit.record(
        pemda=agency.pemda_id, actor=actor, action="nyata.realisation.submitted", obj=agency,
        data={"quarter": quarter.pk, "realisations": [r.pk for r in done], "late": late},
    )
    # an on-time value now awaits verification: the stored score shows it as provisional
    recompute_after_commit(agency.pemda_id, quarter.fiscal_year.year)
    return done


@transaction.atomic
def realisation_verify(
    *, actor: User | None, realisations: Sequence[Realisation], verdict: str, comment: str = ""
) -> list[Realisation]:
    """Accept (lock) or return items; returning needs a comment. Scores are recomputed."""
    if verdict not in Verification.Verdict.values:
        raise ValidationError(_("Keputusan verifikasi tidak dikenal."))
    comment = (comment or "").strip()
    if verdict == Verification.Verdict.RETURN and not comment:
        raise ValidationError({"comment": _("Tulis alasan pengembalian agar operator tahu apa yang diperbaiki.")})
    if not realisations:
        raise ValidationError(_("Tidak ada realisasi yang dipilih."))
    pemda_id = realisations[0].pemda_id
    require(actor, pemda_id, INSPECTORS)
    locked = list(
        Realisation.objects.select_for_update(of=("self",))
        .select_related("quarter__fiscal_year", "agreement_indicator")
        .filter(pk__in=[r.pk for r in realisations])
    )
    now = timezone.now()
    for r in locked:
        ensure_open(r.quarter.fiscal_year)
        if not rules.can_verify(r.status):
            raise ValidationError(
                _("%(name)s berstatus %(status)s; hanya realisasi yang diajukan dapat diverifikasi.")
                % {"name": r.agreement_indicator.name, "status": r.get_status_display().lower()}
            )
        r.status = Status.ACCEPTED if verdict == Verification.Verdict.ACCEPT else Status.RETURNED
        r.verified_at = now
        Verification.objects.create(
            pemda_id=r.pemda_id, realisation=r, verdict=verdict, comment=comment, value=r.value, inspector=actor,
            at=now,
        )
        _version(r, RealisationVersion.Event.ACCEPTED if r.status == Status.ACCEPTED
                 else RealisationVersion.Event.RETURNED, actor, comment)
        r.save(update_fields=["status", "verified_at", "version", "updated_at"])
        audit.record(
            pemda=r.pemda_id, actor=actor,
            action="nyata.realisation.accepted" if r.status == Status.ACCEPTED else "nyata.realisation.returned",
            obj=r, data={"value": str(r.value), "comment": comment},
        )
    for agency_id, quarter_id in {(r.agency_id, r.quarter_id) for r in locked}:
        _settle_budget(agency_id, quarter_id)
    if verdict == Verification.Verdict.ACCEPT:
        for pemda, year in {(r.pemda_id, r.quarter.fiscal_year.year) for r in locked}:
            recompute_after_commit(pemda, year)
    return locked


def _settle_budget(agency_id: int, quarter_id: int) -> None:
    """Budget rows follow the quarter: accepted once every indicator is, open again if returned."""
    open_items = Realisation.objects.filter(agency_id=agency_id, quarter_id=quarter_id).exclude(
        status=Status.ACCEPTED
    )
    qs = BudgetRealisation.objects.filter(agency_id=agency_id, quarter_id=quarter_id)
    if not open_items.exists():
        qs.update(status=Status.ACCEPTED)
    elif open_items.filter(status=Status.RETURNED).exists():
        qs.exclude(status=Status.ACCEPTED).update(status=Status.DRAFT)


@transaction.atomic
def realisation_reopen(*, actor: User | None, realisation: Realisation, reason: str) -> Realisation:
    """A performance admin unlocks an accepted value, with a reason; it becomes a draft again."""
    require(actor, realisation.pemda_id, ADMINS)
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": _("Tulis alasan pembukaan kembali (minimal 10 karakter).")})
    r = (Realisation.objects.select_for_update(of=("self",)).select_related("quarter__fiscal_year")
         .get(pk=realisation.pk))
    ensure_open(r.quarter.fiscal_year)
    if not rules.can_reopen(r.status):
        raise ValidationError(_("Hanya realisasi yang sudah diterima yang dapat dibuka kembali."))
    r.status, r.verified_at = Status.DRAFT, None
    _version(r, RealisationVersion.Event.REOPENED, actor, reason)
    r.save(update_fields=["status", "verified_at", "version", "updated_at"])
    BudgetRealisation.objects.filter(agency_id=r.agency_id, quarter_id=r.quarter_id).update(status=Status.DRAFT)
    audit.record(pemda=r.pemda_id, actor=actor, action="nyata.realisation.reopened", obj=r,
                 data={"reason": reason, "value": str(r.value)})
    recompute_after_commit(r.pemda_id, r.quarter.fiscal_year.year)
    return cast("Realisation", r)


def _scan(data: bytes, name: str) -> None:
    try:
        result = scanning.get_scanner().scan(data)
    except scanning.ScanError:
        raise ValidationError(
            _("Pemindai malware tidak dapat memeriksa %(name)s saat ini; coba lagi nanti.") % {"name": name}
        ) from None
    if not result.clean:
        raise ValidationError(
            _("Berkas %(name)s ditolak: pemindai malware menemukan %(sig)s.") % {"name": name, "sig": result.signature}
        )


@transaction.atomic
def evidence_add(*, actor: User | None, realisation: Realisation, name: str, data: bytes) -> Evidence:
    """Scan → check content → store under a random name → audit with the SHA-256."""
    require(actor, realisation.pemda_id, AGENCY_OPERATORS, realisation.agency)
    r = (Realisation.objects.select_for_update(of=("self",)).select_related("quarter__fiscal_year")
         .get(pk=realisation.pk))
    ensure_open(r.quarter.fiscal_year)
    if not rules.can_edit(r.status):
        raise ValidationError(_("Realisasi ini sudah %(s)s; bukti tidak dapat ditambah.") % {
            "s": r.get_status_display().lower()})
    display = files.safe_name(name)
    kind = files.check(display, data)
    _scan(data, display)
    digest = hashlib.sha256(data).hexdigest()
    ev = Evidence(pemda_id=r.pemda_id, realisation=r, agency_id=r.agency_id, original_name=display, kind=kind,
                  size=len(data), sha256=digest, uploaded_by=actor)
    ev.file.save("upload", ContentFile(data), save=False)
    with removed_on_failure(ev.file):
        ev.save()
        audit.record(pemda=r.pemda_id, actor=actor, action="nyata.evidence.added", obj=ev,
                     data={"realisation": r.pk, "name": display, "kind": kind, "size": len(data), "sha256": digest})
    return ev


@transaction.atomic
def budget_save(
    *, actor: User | None, agency: Agency, quarter: Quarter, spent: Mapping[int, RawValue]
) -> list[BudgetRealisation]:
    """Year-to-date spending per PK program; the ceiling is the PK's frozen budget."""
    from nyata.core.xlsx import number_message, parse_decimal
    from nyata.numbers import NumberError

    require(actor, agency.pemda_id, AGENCY_OPERATORS, agency)
    _check_quarter(quarter)
    programs = {p.pk: p for p in signed_programs(agency=agency, year=quarter.fiscal_year.year)}
    errors: dict[str, list[str]] = {}
    parsed: dict[int, Decimal] = {}
    for pid, raw in spent.items():
        prog = programs.get(int(pid))
        if prog is None:
            raise ValidationError(_("Program itu tidak ada dalam PK yang ditandatangani."))
        if raw is None or str(raw).strip() == "":
            continue
        try:
            amount = parse_decimal(raw, decimals=2, low=Decimal(0), high=prog.budget)
        except NumberError as e:
            errors.setdefault(f"spent_{pid}", []).append(number_message(e))
            continue
        if amount < 0:
            errors.setdefault(f"spent_{pid}", []).append(_("Realisasi anggaran tidak boleh negatif."))
        elif amount > prog.budget:
            errors.setdefault(f"spent_{pid}", []).append(
                _("Realisasi anggaran %(p)s melebihi pagu PK.") % {"p": prog.code})
        parsed[prog.pk] = amount.quantize(Decimal("0.01"))
    if errors:
        raise ValidationError(errors)
    out = []
    for pid, amount in parsed.items():
        prog = programs[pid]
        row, created = BudgetRealisation.objects.select_for_update(of=("self",)).get_or_create(
            pemda_id=agency.pemda_id, agreement_program=prog, quarter=quarter,
            defaults={"agency": agency, "ceiling": prog.budget, "spent": amount, "updated_by": actor},
        )
        if not created:
            if row.status != Status.DRAFT:
                raise ValidationError(_("Realisasi anggaran triwulan ini sudah diajukan; tidak dapat diubah."))
            before = audit.snapshot(row)
            row.spent, row.updated_by = amount, actor
            row.save()
            audit.record_update(actor, row, before)
        else:
            audit.record_create(actor, row)
        out.append(row)
    return out


# --- self-critique ------------------------------------------------------------------------------


# Rows per group of a self-critique (the form's counts and the API's lists alike).
MAX_CRITIQUE_ROWS = 50
MAX_PEOPLE = 2**31 - 1  # the column's range: a count of recipients beyond it is a typo


def _clean_children(data: Mapping[str, Any], agency: Agency) -> dict[str, list[dict[str, Any]]]:
    errors: list[str] = []
    out: dict[str, list[dict[str, Any]]] = {"products": [], "gaps": [], "causes": [], "actions": []}
    for group in out:
        if len(data.get(group, [])) > MAX_CRITIQUE_ROWS:
            raise ValidationError(_("Paling banyak %(max)d baris per bagian otokritik.") % {"max": MAX_CRITIQUE_ROWS})
    for i, p in enumerate(data.get("products", []), start=1):
        people = as_int(str(p.get("people", "")).replace(".", ""), low=0, high=MAX_PEOPLE)
        if not p.get("what") or people is None:
            errors.append(_("Produk %(i)d: isi apa yang diserahkan dan jumlah penerima (angka ≥ 0).") % {"i": i})
            continue
        out["products"].append({"what": p["what"][:300], "for_whom": (p.get("for_whom") or "")[:300],
                                "where": (p.get("where") or "")[:300], "people": people})
    for i, g in enumerate(data.get("gaps", []), start=1):
        if not g.get("description"):
            errors.append(_("Kesenjangan %(i)d: uraian wajib diisi.") % {"i": i})
            continue
        size = g.get("size")
        if size not in ("", None):
            from nyata.core.xlsx import parse_decimal

            # The form shows sizes in the reader's convention ("0,8"): read them the way every value is read.
            try:
                size = parse_decimal(size)
            except ValueError:
                errors.append(_("Kesenjangan %(i)d: besarnya harus angka, misalnya 0,8.") % {"i": i})
                continue
        ai_id = g.get("agreement_indicator_id")
        if ai_id not in ("", None) and as_int(ai_id) is None:
            errors.append(_("Kesenjangan %(i)d: pilih indikator dari daftar.") % {"i": i})
            continue
        out["gaps"].append({"description": g["description"][:500], "size": size if size not in ("", None) else None,
                            "agreement_indicator_id": as_int(ai_id)})
    for i, c in enumerate(data.get("causes", []), start=1):
        if c.get("category") not in RootCause.Category.values:
            errors.append(_("Akar masalah %(i)d: pilih kategori dari daftar.") % {"i": i})
            continue
        raw_dep = c.get("depends_on_id") or None
        dep = as_int(raw_dep)
        if c["category"] == RootCause.Category.DEPENDENCY and not raw_dep:
            errors.append(_("Akar masalah %(i)d: sebutkan perangkat daerah yang ditunggu.") % {"i": i})
            continue
        if raw_dep and (dep is None or dep == agency.pk or not Agency.objects.filter(pk=dep).exists()):
            errors.append(_("Akar masalah %(i)d: perangkat daerah lain tidak valid.") % {"i": i})
            continue
        out["causes"].append({"category": c["category"], "depends_on_id": dep if c["category"] ==
                              RootCause.Category.DEPENDENCY else None, "text": (c.get("text") or "")[:500]})
    for i, a in enumerate(data.get("actions", []), start=1):
        due = a.get("due")
        if isinstance(due, str):
            try:
                due = dt.date.fromisoformat(due)
            except ValueError:
                due = None
        if not a.get("description") or not a.get("owner") or not isinstance(due, dt.date):
            errors.append(_("Tindakan %(i)d: isi tindakan, penanggung jawab, dan tenggat (tanggal).") % {"i": i})
            continue
        out["actions"].append({"description": a["description"][:500], "owner": a["owner"][:200], "due": due})
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def self_critique_save(
    *, actor: User | None, agency: Agency, quarter: Quarter, summary: str, data: Mapping[str, RawValue],
    previous: Mapping[int, tuple[str, str]] | None = None, submit: bool = False, illustrative: bool = False,
) -> SelfCritique:
    """Save (and optionally submit) the head's otokritik; child rows are replaced while a draft."""
    require(actor, agency.pemda_id, AGENCY_HEADS, agency)
    ensure_open(quarter.fiscal_year)
    sc, _created = SelfCritique.objects.select_for_update(of=("self",)).get_or_create(
        pemda_id=agency.pemda_id, agency=agency, quarter=quarter, defaults={"is_illustrative": illustrative}
    )
    if sc.state == SelfCritique.State.SUBMITTED:
        raise ValidationError(_("Otokritik triwulan ini sudah diajukan dan tidak dapat diubah."))
    children = _clean_children(data, agency)
    if submit and not (children["products"] or children["gaps"]):
        raise ValidationError(_("Isi minimal satu produk yang diserahkan atau satu kesenjangan sebelum mengajukan."))
    if submit and children["gaps"] and not children["causes"]:
        raise ValidationError(_("Setiap kesenjangan perlu akar masalah; isi minimal satu akar masalah."))
    if submit and children["gaps"] and not children["actions"]:
        raise ValidationError(_("Isi minimal satu tindakan perbaikan untuk kesenjangan yang ada."))
    valid_ai = set(signed_indicators(agency=agency, year=quarter.fiscal_year.year).values_list("pk", flat=True))
    sc.summary = (summary or "").strip()[:4000]
    for model in (DeliveredProduct, Gap, RootCause):
        model.objects.filter(critique=sc).delete()
    CorrectiveAction.objects.filter(critique=sc).delete()
    p = sc.pemda_id
    DeliveredProduct.objects.bulk_create([DeliveredProduct(pemda_id=p, critique=sc, **x) for x in children["products"]])
    for g in children["gaps"]:
        ai = g.pop("agreement_indicator_id")
        Gap.objects.create(pemda_id=p, critique=sc, agreement_indicator_id=ai if ai in valid_ai else None, **g)
    RootCause.objects.bulk_create([RootCause(pemda_id=p, critique=sc, **x) for x in children["causes"]])
    CorrectiveAction.objects.bulk_create(
        [CorrectiveAction(pemda_id=p, critique=sc, agency=agency, **x) for x in children["actions"]]
    )
    for action_id, (state, note) in (previous or {}).items():
        if state not in CorrectiveAction.State.values:
            raise ValidationError(_("Status tindakan tidak dikenal."))
        ca = CorrectiveAction.objects.filter(pk=action_id, agency=agency).exclude(critique=sc).first()
        if ca is None:
            raise ValidationError(_("Tindakan triwulan lalu tidak ditemukan."))
        if (ca.state, ca.state_note) != (state, note):
            before = audit.snapshot(ca)
            ca.state, ca.state_note = state, (note or "")[:500]
            ca.save(update_fields=["state", "state_note"])
            audit.record_update(actor, ca, before)
    if submit:
        sc.state, sc.submitted_at, sc.submitted_by = SelfCritique.State.SUBMITTED, timezone.now(), actor
    sc.save()
    audit.record(
        pemda=p, actor=actor, action="nyata.selfcritique.submitted" if submit else "nyata.selfcritique.saved",
        obj=sc, data={"summary": sc.summary, "quarter": quarter.pk, **{k: len(v) for k, v in children.items()}},
    )
    return cast("SelfCritique", sc)
