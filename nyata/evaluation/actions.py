"""Writes for evaluations. Each action owns its transaction and its audit event (`nyata.evaluation.*`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from nyata.core import audit
from nyata.core.access import require
from nyata.core.models import Pemda, User
from nyata.core.roles import ADMINS, INSPECTORS
from nyata.evaluation.models import EvaluationTemplate
from nyata.scoring.evaluation import TemplateFormatError, template_from_dict, validate

SHIPPED_88_2021 = Path(__file__).resolve().parent / "data" / "permenpanrb_88_2021.json"


def shipped_document() -> dict[str, object]:
    data = json.loads(SHIPPED_88_2021.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{SHIPPED_88_2021}: not an object")
    return data


@transaction.atomic
def template_save(*, actor: User | None, pemda: Pemda, document: Mapping[str, object],
                  reason: str = "") -> EvaluationTemplate:
    """Append a version of a worksheet template; refuse one the engine cannot use, naming every problem."""
    require(actor, pemda.pk, INSPECTORS | ADMINS)
    try:
        template = template_from_dict(document)
    except TemplateFormatError as e:
        raise ValidationError({"document": str(e)}) from None
    problems = validate(template)
    if problems:
        raise ValidationError({"document": [_("Templat tidak dapat dipakai: %(problem)s.") % {"problem": str(p)}
                                            for p in problems]})
    top = EvaluationTemplate.objects.filter(regulation=template.regulation, year=template.year
                                            ).aggregate(v=Max("version"))["v"]
    row: EvaluationTemplate = EvaluationTemplate.objects.create(
        pemda=pemda, regulation=template.regulation, year=template.year,
        version=1 if top is None else int(top) + 1, document=dict(document),
        starting_set=document.get("starting_set") is True, reason=reason, created_by=actor,
    )
    audit.record(pemda=pemda, actor=actor, action="nyata.evaluation.template_saved", obj=row,
                 data={"regulation": row.regulation, "year": row.year, "version": row.version})
    return row


@transaction.atomic
def template_install_shipped(*, actor: User | None, pemda: Pemda) -> tuple[EvaluationTemplate, bool]:
    """Copy the shipped 88/2021 template into the Pemda once; (row, created). Run again, it changes nothing,
    and it never overwrites a version the Pemda has adjusted."""
    require(actor, pemda.pk, INSPECTORS | ADMINS)
    document = shipped_document()
    existing = EvaluationTemplate.objects.filter(regulation=document["regulation"], year=document["year"]).first()
    if existing is not None:
        return existing, False
    return template_save(actor=actor, pemda=pemda, document=document,
                         reason=_("Templat bawaan Nyata (kriteria awal, belum lengkap)")), True
