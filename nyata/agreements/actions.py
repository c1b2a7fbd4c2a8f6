"""Writes of the agreements app. Each action owns its transaction and its audit events.

Target editing rule ("within the plan's bounds"): the annual target of a PK indicator must equal
the plan's target for that year, or, for a range target, lie inside the plan's range. Quarterly
targets are the only free split, and they must add up to the annual target as the indicator
aggregates its quarters: for `sum` the four quarters add up to the annual target; for `last`
and `max` the fourth quarter equals it; for `mean` their mean equals it. No target may be
negative. Nothing changes once the agreement is locked.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from nyata.agreements import documents
from nyata.agreements.models import (
    Agreement,
    AgreementIndicator,
    AgreementProgram,
    Ceremony,
    Signature,
)
from nyata.core import audit, otp
from nyata.core.access import require
from nyata.core.accounts import check_public_url, official_for_user
from nyata.core.models import Assignment, AuditChainHead, Official, Pemda, Position, User
from nyata.core.periods import ensure_year_open
from nyata.core.roles import ADMINS, AGREEMENT_SIGNERS
from nyata.core.storage import removed_on_failure
from nyata.core.tenancy import unscoped
from nyata.documents import seal
from nyata.planning.models import (
    Aggregation,
    BudgetCeiling,
    Indicator,
    IndicatorTarget,
    PlanPeriod,
    Program,
    QuarterTarget,
)

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
QUARTERS = ("q1_target", "q2_target", "q3_target", "q4_target")


# --- helpers -----------------------------------------------------------------------------------


def new_code() -> str:
    """A random 10-character code, unique across every Pemda (it is looked up publicly)."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        with unscoped():
            if not Agreement.objects.filter(verification_code=code).exists():
                return code


def normalise_code(text: str) -> str:
    table = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})
    return "".join(c for c in text.upper().translate(table) if c in CODE_ALPHABET)[:16]


def holder_on(position: Position, day: dt.date) -> Assignment | None:
    """Who holds the post on that day (acting holders included), the latest appointment first."""
    return (
        Assignment.objects.filter(position=position, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("official")
        .order_by("-start", "-pk")
        .first()
    )


def plan_period_for(year: int) -> PlanPeriod | None:
    return PlanPeriod.objects.filter(is_current=True, start_year__lte=year, end_year__gte=year).first()


def _proposed_quarters(annual: Decimal, aggregation: str, baseline: Decimal | None) -> list[Decimal]:
    """A default quarterly split when the plan has none (admins may edit it before locking)."""
    if aggregation == Aggregation.SUM:
        quarter = (annual / 4).quantize(Decimal("0.0001"))
        return [quarter, quarter, quarter, annual - 3 * quarter]
    if aggregation == Aggregation.MEAN:
        return [annual] * 4
    start = baseline if baseline is not None else annual
    step = (annual - start) / 4
    return [(start + step * k).quantize(Decimal("0.0001")) for k in (1, 2, 3)] + [annual]


def snapshot_plan(agreement: Agreement) -> None:
    """Copy the plan's indicators, targets and programs for the agreement's agency and year."""
    if agreement.kind != Agreement.Kind.PK or agreement.agency_id is None:
        return
    period = plan_period_for(agreement.year)
    if period is None:
        return
    year = agreement.year
    targets = {t.indicator_id: t for t in IndicatorTarget.objects.filter(
        indicator__period=period, indicator__agency_id=agreement.agency_id, year=year)}
    quarters: dict[int, dict[int, Decimal]] = {}
    for q in QuarterTarget.objects.filter(indicator__in=list(targets), year=year):
        quarters.setdefault(q.indicator_id, {})[q.quarter] = q.value
    indicators = (Indicator.objects.filter(pk__in=list(targets), is_key=True)
                  .select_related("agency_objective").order_by("agency_objective__code", "code"))
    rows = []
    for order, ind in enumerate(indicators):
        t = targets[ind.pk]
        given = quarters.get(ind.pk, {})
        proposal = _proposed_quarters(t.value, ind.aggregation, ind.baseline_value)
        qs = [given.get(n, proposal[n - 1]) for n in (1, 2, 3, 4)]
        rows.append(AgreementIndicator(
            pemda_id=agreement.pemda_id, agreement=agreement, indicator=ind, order=order,
            objective_text=ind.agency_objective.name if ind.agency_objective else "",
            name=ind.name, unit=ind.unit, polarity=ind.polarity,
            range_low=t.value if t.value_high is not None else None, range_high=t.value_high,
            aggregation=ind.aggregation, decimals=ind.decimals, annual_target=t.value,
            value_min=ind.value_min, value_max=ind.value_max,
            q1_target=qs[0], q2_target=qs[1], q3_target=qs[2], q4_target=qs[3]))
    AgreementIndicator.objects.bulk_create(rows)
    programs = Program.objects.filter(period=period, agency_id=agreement.agency_id).order_by("code")
    budgets = dict(BudgetCeiling.objects.filter(program__in=programs, year=year)
                   .values_list("program_id", "amount"))
    activity_budgets = dict(BudgetCeiling.objects.filter(activity__program__in=programs, year=year)
                            .values("activity__program_id").annotate(total=Sum("amount"))
                            .values_list("activity__program_id", "total"))
    AgreementProgram.objects.bulk_create([
        AgreementProgram(pemda_id=agreement.pemda_id, agreement=agreement, program=p, order=order,
                         code=p.code, name=p.name,
                         budget=budgets.get(p.pk) or activity_budgets.get(p.pk) or Decimal(0),
                         note="APBD")
        for order, p in enumerate(programs)
    ])


def _parties(position: Position, day: dt.date) -> dict[str, Any] | None:
    first = holder_on(position, day)
    if first is None:
        return None
    superior = position.superior
    second = holder_on(superior, day) if superior is not None else None
    return {
        "first_party": first.official, "first_party_acting": first.acting,
        "second_party": second.official if second else None,
        "second_party_position": superior if second else None,
        "second_party_acting": bool(second and second.acting),
    }


# --- drafts ------------------------------------------------------------------------------------


def signing_positions() -> list[Position]:
    """Posts that sign a PK with their superior by default: agency heads (incl. the Sekda)."""
    return list(Position.objects.filter(is_agency_head=True, superior__isnull=False)
                .select_related("superior", "agency").order_by("code"))


@transaction.atomic
def agreements_generate(
    *,
    actor: User | None,
    pemda: Pemda,
    year: int,
    signing_date: dt.date,
    place: str = "",
    ceremony: Ceremony | None = None,
    positions: Iterable[Position] | None = None,
    kinds: Sequence[str] = (Agreement.Kind.PK, Agreement.Kind.PAKTA),
    illustrative: bool = False,
) -> list[Agreement]:
    """Draft a PK and a pact for every signing post that has none for the year yet."""
    require(actor, pemda.pk, ADMINS)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Tahun perjanjian tidak valid.")})
    ensure_year_open(pemda, year, what=_("perjanjian kinerja"))
    created = []
    for position in positions if positions is not None else signing_positions():
        parties = _parties(position, signing_date)
        if parties is None:
            continue  # vacant post: nothing to sign until someone holds it
        for kind in kinds:
            if Agreement.objects.filter(kind=kind, year=year, position=position).exists():
                continue
            agreement = Agreement(
                pemda=pemda, kind=kind, year=year, position=position, agency=position.agency,
                verification_code=new_code(), ceremony=ceremony,
                place=place or pemda.capital, signing_date=signing_date,
                is_illustrative=illustrative, **parties,
            )
            agreement.save()
            snapshot_plan(agreement)
            created.append(agreement)
    audit.record(pemda=pemda, actor=actor, action="nyata.agreement.generated", obj=ceremony,
                 data={"year": year, "created": [a.pk for a in created]})
    return created


def _require_draft(agreement: Agreement) -> None:
    if agreement.status != Agreement.Status.DRAFT:
        raise ValidationError(_("Perjanjian %(a)s tidak lagi berupa draf (status: %(s)s); isinya "
                                "tidak dapat diubah.") % {"a": agreement, "s": agreement.get_status_display()})


def check_targets(row: AgreementIndicator, annual: Decimal, quarters: Sequence[Decimal | None]) -> None:
    """Refuse targets outside the plan's bounds (rule in the module docstring)."""
    where = row.name
    plan = IndicatorTarget.objects.filter(indicator_id=row.indicator_id, year=row.agreement.year).first()
    if plan is None:
        raise ValidationError(_("Indikator %(i)s tidak memiliki target tahun %(y)s di rencana.")
                              % {"i": where, "y": row.agreement.year})
    low, high = plan.bounds
    if not low <= annual <= high:
        bound = f"{low}" if low == high else f"{low}–{high}"
        raise ValidationError(_("Target tahunan %(i)s harus sama dengan target rencana (%(b)s).")
                              % {"i": where, "b": bound})
    if any(q is None for q in quarters):
        raise ValidationError(_("Target triwulan %(i)s belum lengkap.") % {"i": where})
    values = [q for q in quarters if q is not None]
    if annual < 0 or any(q < 0 for q in values):
        raise ValidationError(_("Target %(i)s tidak boleh negatif.") % {"i": where})
    if row.aggregation == Aggregation.SUM:
        ok, rule = sum(values) == annual, _("jumlah keempat triwulan")
    elif row.aggregation == Aggregation.MEAN:
        ok, rule = sum(values) / 4 == annual, _("rata-rata keempat triwulan")
    else:
        ok, rule = values[3] == annual, _("target triwulan IV")
    if not ok:
        raise ValidationError(_("Target triwulan %(i)s tidak sesuai: %(r)s harus sama dengan target "
                                "tahunan %(a)s.") % {"i": where, "r": rule, "a": annual})


@transaction.atomic
def agreement_update_targets(
    *, actor: User | None, agreement: Agreement, targets: dict[int, dict[str, Decimal | None]]
) -> None:
    """Edit the annual/quarterly targets of a draft PK (keys: AgreementIndicator ids)."""
    require(actor, agreement.pemda_id, ADMINS)
    agreement = Agreement.objects.select_for_update(of=("self",)).get(pk=agreement.pk)
    _require_draft(agreement)
    ensure_year_open(agreement.pemda_id, agreement.year, what=_("perjanjian kinerja"))
    rows = {r.pk: r for r in agreement.indicators.select_related("agreement")}
    changes = {}
    for row_id, values in targets.items():
        row = rows.get(row_id)
        if row is None:
            raise ValidationError(_("Indikator tidak termasuk perjanjian ini."))
        annual = values.get("annual_target", row.annual_target)
        assert annual is not None
        quarters = [values.get(f, getattr(row, f)) for f in QUARTERS]
        check_targets(row, annual, quarters)
        before = audit.snapshot(row)
        row.annual_target = annual
        for f, v in zip(QUARTERS, quarters, strict=True):
            setattr(row, f, v)
        row.save()
        changes[row.pk] = audit.diff(before, audit.snapshot(row))
    audit.record(pemda=agreement.pemda_id, actor=actor, action="nyata.agreement.targets_updated",
                 obj=agreement, data={"rows": changes})


@transaction.atomic
def agreement_lock(*, actor: User | None, agreement: Agreement) -> Agreement:
    """Fix the content: render the PDF the parties will sign and keep its SHA-256."""
    require(actor, agreement.pemda_id, ADMINS)
    agreement = Agreement.objects.select_for_update(of=("self",)).get(pk=agreement.pk)
    _require_draft(agreement)
    ensure_year_open(agreement.pemda_id, agreement.year, what=_("perjanjian kinerja"))
    rows = list(agreement.indicators.select_related("agreement"))
    for row in rows:
        check_targets(row, row.annual_target, row.quarter_targets)
    if agreement.kind == Agreement.Kind.PK:
        _require_content(agreement, has_indicators=bool(rows), has_programs=agreement.programs.exists())
    if agreement.second_party_id is None and agreement.kind == Agreement.Kind.PK:
        raise ValidationError(_("PK %(a)s belum memiliki pihak kedua (jabatan atasan kosong).")
                              % {"a": agreement})
    agreement.status = Agreement.Status.LOCKED
    agreement.locked_at = timezone.now()
    pdf = documents.compile_pdf([agreement])
    agreement.locked_sha256 = hashlib.sha256(pdf).hexdigest()
    agreement.locked_pdf.save(f"{agreement.verification_code}-locked.pdf", ContentFile(pdf), save=False)
    with removed_on_failure(agreement.locked_pdf):
        agreement.save()
        audit.record(pemda=agreement.pemda_id, actor=actor, action="nyata.agreement.locked", obj=agreement,
                     data={"document_sha256": agreement.locked_sha256})
    return agreement


def _require_content(agreement: Agreement, *, has_indicators: bool, has_programs: bool) -> None:
    """A PK promises results (indicators with targets) and funds them (programs with budget):
    a sheet without either has nothing to sign."""
    errors = []
    if not has_indicators:
        errors.append(_("PK %(a)s belum memiliki indikator kinerja; tambahkan sasaran dan indikator dari "
                        "Renstra perangkat daerah sebelum dikunci.") % {"a": agreement})
    if not has_programs:
        errors.append(_("PK %(a)s belum memiliki program dan anggaran; tambahkan program dengan pagunya "
                        "sebelum dikunci.") % {"a": agreement})
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def agreement_unlock(*, actor: User, agreement: Agreement) -> Agreement:
    """Back to draft, only while nobody has signed."""
    require(actor, agreement.pemda_id, ADMINS)
    agreement = Agreement.objects.select_for_update(of=("self",)).get(pk=agreement.pk)
    if agreement.status != Agreement.Status.LOCKED:
        raise ValidationError(_("Hanya perjanjian yang dikunci dan belum ditandatangani yang dapat "
                                "dibuka kembali."))
    agreement.status = Agreement.Status.DRAFT
    agreement.locked_sha256 = ""
    agreement.locked_pdf = None
    agreement.save()
    audit.record(pemda=agreement.pemda_id, actor=actor, action="nyata.agreement.unlocked", obj=agreement)
    return agreement


# --- signing -----------------------------------------------------------------------------------


def official_of(user: User) -> Official | None:
    """The official this user signs as in the Pemda in scope (core's Account link)."""
    return official_for_user(user)


def parties_of(user: User, agreement: Agreement) -> list[str]:
    """Which parties of this agreement the user signs as."""
    official = official_of(user)
    if official is None:
        return []
    out: list[str] = []
    if agreement.first_party_id == official.pk:
        out.append(Signature.Party.FIRST)
    if agreement.second_party_id == official.pk:
        out.append(Signature.Party.SECOND)
    return out


def _check_can_sign(*, actor: User, agreement: Agreement, party: str) -> Official:
    check_public_url(agreement.pemda)  # the sealed QR must open the public page
    seal.check_configured()  # nobody signs what could not be sealed
    if party not in Signature.Party.values:
        raise ValidationError(_("Pihak penanda tangan tidak dikenal."))
    if agreement.status == Agreement.Status.DRAFT:
        raise ValidationError(_("Perjanjian ini masih draf; admin kinerja harus menguncinya sebelum "
                                "ditandatangani."))
    if agreement.signatures.filter(party=party).exists():
        raise ValidationError(_("Perjanjian ini sudah ditandatangani oleh pihak tersebut."))
    if agreement.status in (Agreement.Status.SIGNED, Agreement.Status.SUPERSEDED):
        raise ValidationError(_("Perjanjian ini sudah ditandatangani kedua pihak."))
    official = official_of(actor)
    named = agreement.first_party if party == Signature.Party.FIRST else agreement.second_party
    if official is None or named is None or official.pk != named.pk:
        raise ValidationError(_("Hanya %(n)s yang dapat menandatangani sebagai %(p)s.")
                              % {"n": named or "—", "p": Signature.Party(party).label.lower()})
    if party == Signature.Party.SECOND and agreement.status != Agreement.Status.SIGNED_FIRST:
        raise ValidationError(_("Pihak kedua menandatangani setelah pihak pertama."))
    return official


@transaction.atomic
def agreement_sign(*, actor: User, agreement: Agreement, party: str, otp_token: str) -> Agreement:
    """The named party signs the locked document after a fresh second factor."""
    require(actor, agreement.pemda_id, AGREEMENT_SIGNERS)
    agreement = Agreement.objects.select_for_update(of=("self",)).get(pk=agreement.pk)
    official = _check_can_sign(actor=actor, agreement=agreement, party=party)
    otp.verify(actor, otp_token)  # a refusal is counted by the caller, outside this transaction
    return record_signature(actor=actor, agreement=agreement, party=party, official=official,
                            otp_verified=True)


@transaction.atomic
def agreements_sign_batch(*, actor: User, agreements: Sequence[Agreement], party: str,
                          otp_token: str) -> list[Agreement]:
    """One fresh second factor for the documents the official selected (e.g. the governor as
    second party at the ceremony); all or nothing."""
    if not agreements:
        raise ValidationError(_("Pilih setidaknya satu perjanjian."))
    require(actor, agreements[0].pemda_id, AGREEMENT_SIGNERS)
    locked = list(Agreement.objects.select_for_update(of=("self",)).filter(pk__in=[a.pk for a in agreements]))
    officials = [_check_can_sign(actor=actor, agreement=a, party=party) for a in locked]
    otp.verify(actor, otp_token)  # a refusal is counted by the caller, outside this transaction
    return [record_signature(actor=actor, agreement=a, party=party, official=o, otp_verified=True)
            for a, o in zip(locked, officials, strict=True)]


def record_signature(*, actor: User | None, agreement: Agreement, party: str, official: Official,
                     otp_verified: bool, signed_at: dt.datetime | None = None) -> Agreement:
    """Write the signature and its audit event; seal the document once every party signed.

    Called by the signing actions (inside their transaction) and by the demo loader, which
    passes the ceremony's time as `signed_at`."""
    now = signed_at or timezone.now()
    sig = Signature(pemda_id=agreement.pemda_id, agreement=agreement, party=party, official=official,
                    user=actor, signed_at=now, document_sha256=agreement.locked_sha256,
                    otp_verified=otp_verified)
    sig.save()
    event = audit.record(pemda=agreement.pemda_id, actor=actor, action="nyata.agreement.signed",
                         obj=agreement, data={"party": party, "official": official.pk,
                                              "document_sha256": agreement.locked_sha256,
                                              "second_factor": otp_verified})
    sig.audit_seq = event.seq
    sig.save(update_fields=["audit_seq"])
    needs_second = agreement.second_party_id is not None
    if party == Signature.Party.FIRST and needs_second:
        agreement.status = Agreement.Status.SIGNED_FIRST
        agreement.save(update_fields=["status", "updated_at"])
        return agreement
    _record_signed(actor=actor, agreement=agreement, event_seq=event.seq, event_hash=event.hash, at=now)
    return agreement


def _record_signed(*, actor: User | None, agreement: Agreement, event_seq: int, event_hash: str,
                   at: dt.datetime) -> None:
    """Every party signed: record the fact now, seal the PDF after commit.

    Compiling and sealing the PDF takes a second or more; done here it would hold the Pemda's
    audit-chain lock (taken by the `signed` event) the whole time, and every write of that
    Pemda would wait for it. The seal runs as a task after commit (inline when no worker is
    configured) and records its own `sealed` event.
    """
    check_public_url(agreement.pemda)  # the sealed QR must open the public page
    seal.check_configured()  # refused before the signature is recorded, not after commit
    agreement.status = Agreement.Status.SIGNED
    agreement.signed_at = at
    agreement.chain_seq, agreement.chain_hash = event_seq, event_hash
    agreement.save()
    previous = agreement.supersedes
    if previous is not None and previous.status == Agreement.Status.SIGNED:
        previous.status = Agreement.Status.SUPERSEDED
        previous.save(update_fields=["status", "updated_at"])
        audit.record(pemda=agreement.pemda_id, actor=actor, action="nyata.agreement.superseded",
                     obj=previous, data={"by": agreement.pk})
    transaction.on_commit(functools.partial(_enqueue_seal, agreement.pk, actor.pk if actor else None))


def _enqueue_seal(agreement_id: int, actor_id: int | None) -> None:
    from nyata.agreements.tasks import agreement_seal_task

    agreement_seal_task.enqueue(agreement_id, actor_id)


def agreement_seal(*, actor: User | None, agreement_id: int) -> Agreement:
    """Compile the signed PK's PDF and seal it, outside any transaction; then record the result.

    Idempotent: a PK already sealed is returned as it is. Only the final write (file, hash and
    the `sealed` audit event) takes the locks, for milliseconds.
    """
    agreement = Agreement.objects.get(pk=agreement_id)
    if agreement.signed_pdf or agreement.status not in (Agreement.Status.SIGNED, Agreement.Status.SUPERSEDED):
        return cast("Agreement", agreement)
    pdf = documents.compile_pdf([agreement], final=True)
    sealed = seal.seal_pdf(pdf, reason=f"Segel Pemda atas {agreement}", location=agreement.place)
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update(of=("self",)).get(pk=agreement_id)
        if agreement.signed_pdf:
            return cast("Agreement", agreement)
        agreement.document_sha256 = hashlib.sha256(sealed).hexdigest()
        agreement.signed_pdf.save(f"{agreement.verification_code}.pdf", ContentFile(sealed), save=False)
        with removed_on_failure(agreement.signed_pdf):
            agreement.save(update_fields=["document_sha256", "signed_pdf", "updated_at"])
            audit.record(pemda=agreement.pemda_id, actor=actor, action="nyata.agreement.sealed", obj=agreement,
                         data={"document_sha256": agreement.document_sha256})
    return cast("Agreement", agreement)


def chain_head(pemda_id: int) -> AuditChainHead | None:
    return AuditChainHead.objects.filter(pk=pemda_id).first()


# --- amendments --------------------------------------------------------------------------------


@transaction.atomic
def agreement_amend(*, actor: User | None, agreement: Agreement, reason: str, note: str = "",
                    signing_date: dt.date | None = None) -> Agreement:
    """Open a *PK perubahan*: a new draft version; the signed one stays current until the
    amendment is signed, then it is marked superseded."""
    require(actor, agreement.pemda_id, ADMINS)
    agreement = Agreement.objects.select_for_update(of=("self",)).get(pk=agreement.pk)
    if reason not in Agreement.AmendmentReason.values:
        raise ValidationError({"reason": _("Pilih salah satu dari tiga alasan perubahan yang sah.")})
    if agreement.status != Agreement.Status.SIGNED:
        raise ValidationError(_("Hanya perjanjian yang sudah ditandatangani kedua pihak yang dapat "
                                "diubah melalui PK perubahan."))
    ensure_year_open(agreement.pemda_id, agreement.year, what=_("perjanjian kinerja"))
    if agreement.amendments.exclude(status=Agreement.Status.SUPERSEDED).exists():
        raise ValidationError(_("Sudah ada PK perubahan yang sedang disusun untuk perjanjian ini."))
    day = signing_date or timezone.localdate()
    parties = _parties(agreement.position, day)
    if parties is None:
        raise ValidationError(_("Jabatan %(p)s kosong pada %(d)s.") % {"p": agreement.position, "d": day})
    new = Agreement(
        pemda_id=agreement.pemda_id, kind=agreement.kind, year=agreement.year,
        position=agreement.position, agency=agreement.agency, version=agreement.version + 1,
        supersedes=agreement, amendment_reason=reason, amendment_note=note[:500],
        verification_code=new_code(), ceremony=None, place=agreement.place, signing_date=day,
        is_illustrative=agreement.is_illustrative, **parties,
    )
    new.save()
    if reason == Agreement.AmendmentReason.OFFICIAL_CHANGE:
        _copy_content(agreement, new)  # same commitments, new official
    else:
        snapshot_plan(new)  # programs, budgets or priorities changed: take the plan as it is now
    audit.record(pemda=agreement.pemda_id, actor=actor, action="nyata.agreement.amended", obj=new,
                 data={"supersedes": agreement.pk, "reason": reason, "note": note[:500]})
    return new


def _copy_content(old: Agreement, new: Agreement) -> None:
    rows = list(old.indicators.all())
    for r in rows:
        r.pk, r.agreement = None, new
    AgreementIndicator.objects.bulk_create(rows)
    progs = list(old.programs.all())
    for p in progs:
        p.pk, p.agreement = None, new
    AgreementProgram.objects.bulk_create(progs)


# --- ceremonies and signers -------------------------------------------------------------------


@transaction.atomic
def ceremony_create(*, actor: User | None, pemda: Pemda, name: str, place: str, date: dt.date,
                    year: int) -> Ceremony:
    require(actor, pemda.pk, ADMINS)
    if not name.strip() or not place.strip():
        raise ValidationError(_("Nama dan tempat acara wajib diisi."))
    ceremony = Ceremony(pemda=pemda, name=name.strip(), place=place.strip(), date=date, year=year)
    ceremony.save()
    audit.record_create(actor, ceremony)
    return ceremony


@transaction.atomic
def ceremony_generate(*, actor: User | None, ceremony: Ceremony, illustrative: bool = False) -> list[Agreement]:
    """Draft every signing post's PK and pact for the ceremony, and attach existing open ones."""
    require(actor, ceremony.pemda_id, ADMINS)
    created = agreements_generate(actor=actor, pemda=ceremony.pemda, year=ceremony.year,
                                  signing_date=ceremony.date, place=ceremony.place,
                                  ceremony=ceremony, illustrative=illustrative)
    Agreement.objects.filter(year=ceremony.year, ceremony__isnull=True, version=1).update(ceremony=ceremony)
    return created
