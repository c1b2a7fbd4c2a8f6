"""Writes for merit ratings. Each action owns its transaction and its audit event (`nyata.rating.*`).

Refusals raise `ValidationError` with an Indonesian message keyed by the field at fault; nothing
is saved when one is raised. History is appended: a new proposal or a final rating is a new
version row, never an update of the last one (only a predicate's confirmation, given once,
fills the row's blank confirmation fields).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from nyata.agreements.services import current_agreement
from nyata.core import audit
from nyata.core.access import require
from nyata.core.models import Agency, Official, Pemda, User
from nyata.core.roles import ADMINS, AGENCY_HEADS, LEADERS
from nyata.ratings import services
from nyata.ratings.models import (
    IndividualRating,
    MeritSettings,
    OrganisationalPredicate,
    OrgPredicateChoice,
    PredicateChoice,
    RatingChoice,
)
from nyata.scoring.merit import (
    Breach,
    MeritConfig,
    OrgPredicate,
    Predicate,
    Rating,
    check_distribution,
    individual_predicate,
    org_predicate,
    work_result,
)


def _next_version(model: type[MeritSettings | OrganisationalPredicate | IndividualRating], **where: object) -> int:
    top = model.objects.filter(**where).aggregate(v=Max("version"))["v"]
    return 1 if top is None else int(top) + 1


@transaction.atomic
def merit_settings_save(*, actor: User | None, pemda: Pemda, year: int, config: MeritConfig) -> MeritSettings:
    """Append a version of the Pemda's merit scales for the year (the engine checked `config`)."""
    require(actor, pemda.pk, ADMINS)
    row: MeritSettings = MeritSettings.objects.create(
        pemda=pemda, year=year, version=_next_version(MeritSettings, year=year),
        config=config.to_dict(), changed_by=actor,
    )
    audit.record(pemda=pemda, actor=actor, action="nyata.rating.settings_changed", obj=row,
                 data={"year": year, "version": row.version})
    return row


@transaction.atomic
def org_predicate_propose(*, actor: User | None, agency: Agency, year: int) -> OrganisationalPredicate:
    """Compute the unit's predicate from its stored score (needs its head's signed PK)."""
    require(actor, agency.pemda_id, LEADERS | ADMINS)
    if current_agreement(agency=agency, year=year) is None:
        raise ValidationError({"agency": _("%(agency)s belum memiliki Perjanjian Kinerja yang ditandatangani "
                                           "untuk tahun %(year)s.") % {"agency": agency, "year": year}})
    ach = services.unit_achievement(agency, year)
    if ach is None:
        raise ValidationError({"agency": _("Nilai kinerja %(agency)s tahun %(year)s belum dihitung.")
                               % {"agency": agency, "year": year}})
    computed = org_predicate(ach.value, services.merit_config(year))
    row: OrganisationalPredicate = OrganisationalPredicate.objects.create(
        pemda_id=agency.pemda_id, agency=agency, year=year,
        version=_next_version(OrganisationalPredicate, agency=agency, year=year),
        score=ach.value, basis=ach.basis, computed=computed.value, created_by=actor,
    )
    audit.record(pemda=agency.pemda_id, actor=actor, action="nyata.rating.org_proposed", obj=row,
                 data={"year": year, "score": str(ach.value), "computed": computed.value, "version": row.version})
    return row


@transaction.atomic
def org_predicate_confirm(
    *, actor: User | None, predicate: OrganisationalPredicate, confirmed: str, reason: str = ""
) -> OrganisationalPredicate:
    """The leader above sets the unit's predicate; departing from the computed one needs a reason."""
    require(actor, predicate.pemda_id, LEADERS | ADMINS)
    row: OrganisationalPredicate = OrganisationalPredicate.objects.select_for_update().get(pk=predicate.pk)
    if row.confirmed:
        raise ValidationError({"confirmed": _("Predikat organisasi ini sudah ditetapkan; ajukan perhitungan baru "
                                              "untuk mengubahnya.")})
    if confirmed not in OrgPredicateChoice.values:
        raise ValidationError({"confirmed": _("Predikat organisasi %(value)s tidak dikenal.") % {"value": confirmed}})
    reason = reason.strip()
    if confirmed != row.computed and not reason:
        raise ValidationError({"reason": _("Alasan wajib diisi bila predikat yang ditetapkan berbeda dari hasil "
                                           "perhitungan (%(computed)s).") % {"computed": row.get_computed_display()}})
    row.confirmed, row.reason = confirmed, reason
    row.confirmed_by, row.confirmed_at = actor, timezone.now()
    row.save(update_fields=["confirmed", "reason", "confirmed_by", "confirmed_at"])
    audit.record(pemda=row.pemda_id, actor=actor, action="nyata.rating.org_confirmed", obj=row,
                 data={"computed": row.computed, "confirmed": confirmed, "departs": confirmed != row.computed,
                       "reason": reason})
    return row


def _rating(value: str, field: str, label: str) -> Rating:
    if value not in RatingChoice.values:
        raise ValidationError({field: _("%(label)s %(value)s di luar skala (Di Atas, Sesuai atau Di Bawah "
                                        "Ekspektasi).") % {"label": label, "value": value}})
    return Rating(value)


@transaction.atomic
def rating_propose(
    *, actor: User | None, official: Official, year: int, behaviour: str, work: str | None = None,
    reason: str = "",
) -> IndividualRating:
    """Propose an official's rating: the work result from their PK's data (or a departure from it,
    with a reason), the appraiser's behaviour rating, and the predicate from the two."""
    require(actor, official.pemda_id, AGENCY_HEADS | ADMINS)
    agreement = services.official_agreement(official, year)
    if agreement is None:
        raise ValidationError({"official": _("%(official)s tidak memiliki Perjanjian Kinerja yang ditandatangani "
                                             "untuk tahun %(year)s.") % {"official": official, "year": year}})
    agency = services.agreement_agency(agreement)
    beh = _rating(behaviour, "behaviour", _("Rating perilaku"))
    if agency is None:
        raise ValidationError({"official": _("Jabatan %(position)s tidak terhubung ke perangkat daerah.")
                               % {"position": agreement.position}})
    if IndividualRating.objects.filter(official=official, year=year,
                                       status=IndividualRating.Status.FINAL).exists():
        raise ValidationError({"official": _("Penilaian %(official)s tahun %(year)s sudah final; tidak dapat "
                                             "dinilai ulang.") % {"official": official, "year": year}})
    ach = services.pk_achievement(agency.pemda, agreement, year)
    if ach is None:
        raise ValidationError({"official": _("Capaian Perjanjian Kinerja %(official)s tahun %(year)s belum ada.")
                               % {"official": official, "year": year}})
    config = services.merit_config(year)
    proposed = work_result(ach.value, config)
    final_work = proposed if not work else _rating(work, "work", _("Rating hasil kerja"))
    reason = reason.strip()
    if final_work != proposed and not reason:
        raise ValidationError({"departure_reason": _(
            "Alasan wajib diisi bila rating hasil kerja berbeda dari usulan data (%(proposed)s).")
            % {"proposed": RatingChoice(proposed.value).label}})
    predicate = individual_predicate(final_work, beh, config)
    row: IndividualRating = IndividualRating.objects.create(
        pemda_id=agency.pemda_id, official=official, position=agreement.position, agency=agency, year=year,
        version=_next_version(IndividualRating, official=official, year=year), agreement=agreement,
        achievement=ach.value, proposed_work=proposed.value, work=final_work.value, behaviour=beh.value,
        predicate=predicate.value, departure_reason=reason if final_work != proposed else "", created_by=actor,
    )
    audit.record(pemda=agency.pemda_id, actor=actor, action="nyata.rating.proposed", obj=row,
                 data={"year": year, "achievement": str(ach.value), "proposed_work": proposed.value,
                       "work": final_work.value, "behaviour": beh.value, "predicate": predicate.value,
                       "departs": final_work != proposed, "reason": row.departure_reason,
                       "version": row.version})
    return row


def _percent(value: Decimal) -> str:
    return formats.number_format(value.quantize(Decimal("0.1")), 1)


def breach_message(org: OrgPredicate, breach: Breach) -> str:
    """One sentence naming the share that breaks the pattern of the unit's predicate."""
    names = " / ".join(str(PredicateChoice(p.value).label) for p in Predicate if p in breach.rule.predicates)
    values = {"org": OrgPredicateChoice(org.value).label, "preds": names, "count": breach.count,
              "total": breach.total, "share": _percent(breach.share)}
    if breach.rule.at_least_one and breach.count == 0:
        return _("Predikat organisasi %(org)s: harus ada pegawai dengan predikat %(preds)s (saat ini 0 dari "
                 "%(total)s).") % values
    if breach.rule.at_most is not None and breach.count * 100 > breach.rule.at_most * breach.total:
        return _("Predikat organisasi %(org)s: predikat %(preds)s paling banyak %(limit)s %%, usulan %(share)s %% "
                 "(%(count)s dari %(total)s).") % {**values, "limit": _percent(breach.rule.at_most)}
    assert breach.rule.at_least is not None
    return _("Predikat organisasi %(org)s: predikat %(preds)s paling sedikit %(limit)s %%, usulan %(share)s %% "
             "(%(count)s dari %(total)s).") % {**values, "limit": _percent(breach.rule.at_least)}


@transaction.atomic
def ratings_finalise(*, actor: User | None, agency: Agency, year: int) -> list[IndividualRating]:
    """Finalise the unit's proposed ratings, if they fit the pattern its confirmed predicate allows."""
    require(actor, agency.pemda_id, AGENCY_HEADS | ADMINS, agency)
    org = services.current_org_predicate(agency, year)
    if org is None or not org.confirmed:
        raise ValidationError({"agency": _("Predikat organisasi %(agency)s tahun %(year)s belum ditetapkan.")
                               % {"agency": agency, "year": year}})
    ratings = services.current_ratings(agency, year)
    if not ratings:
        raise ValidationError({"agency": _("Belum ada usulan penilaian pegawai di %(agency)s tahun %(year)s.")
                               % {"agency": agency, "year": year}})
    done = [r for r in ratings if r.status == IndividualRating.Status.FINAL]
    if done:
        raise ValidationError({"agency": _("Penilaian %(official)s tahun %(year)s sudah final; tidak ada penilaian "
                                           "final kedua.") % {"official": done[0].official, "year": year}})
    org_value = OrgPredicate(org.confirmed)
    breaches = check_distribution(org_value, [Predicate(r.predicate) for r in ratings], services.merit_config(year))
    if breaches:
        raise ValidationError({"agency": [breach_message(org_value, b) for b in breaches]})
    finals: list[IndividualRating] = []
    for r in ratings:
        final: IndividualRating = IndividualRating.objects.create(
            pemda_id=r.pemda_id, official_id=r.official_id, position_id=r.position_id, agency=agency, year=year,
            version=r.version + 1, agreement_id=r.agreement_id, achievement=r.achievement,
            proposed_work=r.proposed_work, work=r.work, behaviour=r.behaviour, predicate=r.predicate,
            departure_reason=r.departure_reason, status=IndividualRating.Status.FINAL, created_by=actor,
        )
        audit.record(pemda=r.pemda_id, actor=actor, action="nyata.rating.finalised", obj=final,
                     data={"year": year, "predicate": r.predicate, "departs": final.departs,
                           "org_predicate": org.confirmed, "version": final.version})
        finals.append(final)
    return finals
