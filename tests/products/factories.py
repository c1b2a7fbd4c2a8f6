"""Small builders for products tests and matrix samples (run them inside the right scope)."""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from nyata.core.models import Agency
from nyata.products.models import Evidence, Innovation, Survey, SurveyResponse

_seq = itertools.count(1)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def innovation(agency: Agency, **fields: Any) -> Innovation:
    defaults: dict[str, Any] = {"year": 2026, "name": f"Inovasi {agency.code} {next(_seq)}",
                                "problem": "Antrean panjang", "solution": "Antrean daring", "is_public": True}
    defaults.update(fields)
    return Innovation.objects.create(pemda_id=agency.pemda_id, agency=agency, **defaults)


def survey(inn: Innovation, **fields: Any) -> Survey:
    defaults: dict[str, Any] = {"year": inn.year, "population": 100}
    defaults.update(fields)
    return Survey.objects.create(pemda_id=inn.pemda_id, innovation=inn, **defaults)


def response(s: Survey, values: int | dict[str, int] = 4, comment: str = "",
             status: str | None = None) -> SurveyResponse:
    answers = values if isinstance(values, dict) else {f"u{k}": values for k in range(1, 10)}
    status = status or ("pending" if comment else "none")
    return SurveyResponse.objects.create(pemda_id=s.pemda_id, survey=s, submitted_at=timezone.now(),
                                         comment=comment, comment_status=status, **answers)


def evidence(inn: Innovation) -> Evidence:
    ev = Evidence(pemda_id=inn.pemda_id, innovation=inn, title="SK inovasi", content_type="image/png",
                  size=len(PNG), sha256=hashlib.sha256(PNG).hexdigest())
    ev.file.save("x", ContentFile(PNG), save=False)
    ev.save()
    return ev
