"""Writes of the products app. Each action owns its transaction and its audit event."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nyata.core import audit
from nyata.core.access import require
from nyata.core.actions import record_save
from nyata.core.models import User
from nyata.core.roles import PRODUCT_PUBLISHERS, PRODUCT_WRITERS, SURVEY_MODERATORS
from nyata.core.signals import public_content_changed
from nyata.core.storage import removed_on_failure
from nyata.core.tenancy import TenantModel
from nyata.planning.models import Indicator
from nyata.products import ikm
from nyata.products.models import Evidence, IidAnswer, Innovation, Survey, SurveyResponse
from nyata.products.validators import sniff_content_type, validate_comment
from nyata.projects.models import Partnership


def _invalidate_portal(pemda_id: int) -> None:
    """Tell the fronts (the portal's page cache) after commit; products does not know them."""
    transaction.on_commit(lambda: public_content_changed.send(sender=Innovation, pemda_id=pemda_id))


def _require_publisher_to_publish(actor: User | None, innovation: Innovation) -> None:
    """Only a publisher (the agency head, an admin) changes whether an innovation is public."""
    was_public = (Innovation.objects.filter(pk=innovation.pk).values_list("is_public", flat=True).first()
                  if innovation.pk is not None else False)
    if bool(was_public) != innovation.is_public:
        require(actor, innovation.pemda_id, PRODUCT_PUBLISHERS, innovation.agency_id)


@transaction.atomic
def innovation_save(*, actor: User | None, innovation: Innovation, indicators: Iterable[Indicator] | None = None,
                    partnerships: Iterable[Partnership] | None = None) -> Innovation:
    """Create or update an innovation; a second flagship for the agency and year is refused.

    `indicators` (plan indicators it moves) and `partnerships` (from the partnerships register)
    replace the current links when given.
    """
    require(actor, innovation.pemda_id, PRODUCT_WRITERS, innovation.agency_id)
    _require_publisher_to_publish(actor, innovation)
    if innovation.is_flagship:
        clash = Innovation.objects.filter(agency_id=innovation.agency_id, year=innovation.year,
                                          is_flagship=True).exclude(pk=innovation.pk)
        if clash.exists():
            raise ValidationError({"is_flagship": _(
                "%(agency)s sudah memiliki produk unggulan tahun %(year)s (%(name)s); "
                "hanya satu per perangkat daerah per tahun.") % {
                    "agency": innovation.agency, "year": innovation.year, "name": clash.first()}})
    record_save(actor=actor, obj=innovation)
    links: dict[str, list[int]] = {}
    items: Iterable[TenantModel] | None
    for name, items in (("indicators", indicators), ("partnerships", partnerships)):
        if items is None:
            continue
        items = list(items)
        if any(getattr(i, "pemda_id", innovation.pemda_id) != innovation.pemda_id for i in items):
            raise ValidationError({name: _("Tautan harus ke data Pemda yang sama.")})
        manager = getattr(innovation, name)
        before = sorted(manager.values_list("pk", flat=True))
        manager.set(items)
        after = sorted(i.pk for i in items)
        if before != after:
            links[name] = after
    if links:
        audit.record(pemda=innovation.pemda_id, actor=actor, action="nyata.innovation.links_changed",
                     obj=innovation, data=links)
    _invalidate_portal(innovation.pemda_id)
    return innovation


def _sha256_of(upload: UploadedFile) -> str:
    h = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        h.update(chunk)
    upload.seek(0)
    return h.hexdigest()


@transaction.atomic
def evidence_add(*, actor: User | None, innovation: Innovation, title: str, upload: UploadedFile,
                 criterion: str = "") -> Evidence:
    """Store an evidence file under a random name after checking its real type by magic bytes."""
    require(actor, innovation.pemda_id, PRODUCT_WRITERS, innovation.agency_id)
    content_type = sniff_content_type(upload)
    if criterion and criterion not in {c.key for c in ikm.iid_criteria(innovation.year)}:
        raise ValidationError({"criterion": _("Kriteria IID tidak dikenal.")})
    ev = Evidence(pemda_id=innovation.pemda_id, innovation=innovation, criterion=criterion,
                  title=title, original_name=(upload.name or "")[:200], content_type=content_type,
                  size=upload.size or 0, sha256=_sha256_of(upload), uploaded_by=actor)
    ev.file.save("upload", upload, save=False)
    with removed_on_failure(ev.file):
        ev.full_clean()
        ev.save()
        audit.record_create(actor, ev)
    return ev


@transaction.atomic
def iid_assess(*, actor: User | None, innovation: Innovation, answers: Mapping[str, tuple[int, str]]) -> None:
    """Save the self-assessment levels (0–3) and notes per IID criterion."""
    require(actor, innovation.pemda_id, PRODUCT_WRITERS, innovation.agency_id)
    keys = {c.key for c in ikm.iid_criteria(innovation.year)}
    before = {a.criterion: a.level for a in innovation.iid_answers.all()}
    for key, (level, note) in answers.items():
        if key not in keys:
            raise ValidationError(_("Kriteria IID tidak dikenal: %(k)s.") % {"k": key})
        if not 0 <= level <= ikm.IID_MAX_LEVEL:
            raise ValidationError(_("Tingkat untuk %(k)s harus 0–3.") % {"k": key})
        IidAnswer.objects.update_or_create(
            pemda_id=innovation.pemda_id, innovation=innovation, criterion=key,
            defaults={"level": level, "note": note})
    after = {k: v[0] for k, v in answers.items()}
    audit.record(pemda=innovation.pemda_id, actor=actor, action="nyata.innovation.iid_assessed",
                 obj=innovation, data={"before": before, "after": after,
                                       "score": str(ikm.iid_self_score(after, innovation.year))})


@transaction.atomic
def survey_save(*, actor: User | None, survey: Survey) -> Survey:
    require(actor, survey.pemda_id, PRODUCT_WRITERS, survey.innovation.agency_id)
    record_save(actor=actor, obj=survey)
    _invalidate_portal(survey.pemda_id)
    return survey


@transaction.atomic
def survey_response_submit(*, survey: Survey, answers: Mapping[str, object], comment: str = "") -> SurveyResponse:
    """Store one anonymous answer sheet; every element must be answered on the 1–4 scale."""
    if not survey.is_open:
        raise ValidationError(_("Survei ini sudah ditutup."))
    errors: dict[str, str] = {}
    values: dict[str, int] = {}
    for key in ikm.ELEMENT_KEYS:
        raw = answers.get(key)
        try:
            value = int(raw)  # type: ignore[call-overload]  # None or junk from the form is caught just below
        except (TypeError, ValueError):
            errors[key] = _("Unsur ini wajib dijawab (1–4).")
            continue
        if value not in ikm.SCALE:
            errors[key] = _("Jawaban harus antara 1 dan 4.")
        values[key] = value
    if errors:
        raise ValidationError(errors)
    comment = validate_comment(comment)
    response = SurveyResponse(
        pemda_id=survey.pemda_id, survey=survey, submitted_at=timezone.now(), comment=comment,
        comment_status=SurveyResponse.CommentStatus.PENDING if comment else SurveyResponse.CommentStatus.NONE,
        **values,
    )
    response.full_clean()
    response.save()
    # The event names the survey only: an anonymous sheet has no actor and no personal data.
    audit.record(pemda=survey.pemda_id, actor=None, action="nyata.surveyresponse.submitted",
                 obj=response, data={"survey": survey.pk, "has_comment": bool(comment)})
    _invalidate_portal(survey.pemda_id)
    return response


@transaction.atomic
def survey_comment_moderate(*, actor: User, response: SurveyResponse, approve: bool) -> SurveyResponse:
    require(actor, response.pemda_id, SURVEY_MODERATORS, response.survey.innovation.agency_id)
    if response.comment_status == SurveyResponse.CommentStatus.NONE:
        raise ValidationError(_("Jawaban ini tidak memiliki komentar."))
    before = audit.snapshot(response)
    response.comment_status = (SurveyResponse.CommentStatus.APPROVED if approve
                               else SurveyResponse.CommentStatus.REJECTED)
    response.moderated_by = actor
    response.moderated_at = timezone.now()
    response.save(update_fields=["comment_status", "moderated_by", "moderated_at"])
    audit.record_update(actor, response, before, action="nyata.surveyresponse.moderated")
    _invalidate_portal(response.pemda_id)
    return response
