"""Input checks shared by the back office, the portal and the API."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
MAX_COMMENT_CHARS = 1000
# Magic bytes, not file names: a renamed executable is still refused.
MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
_MARKUP = re.compile(r"<\s*[a-zA-Z!/?]|javascript:|&#|&[a-zA-Z]+;", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def sniff_content_type(upload: UploadedFile) -> str:
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": _("Berkas kosong.")})
    if size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": _("Berkas terlalu besar (maksimum 5 MB).")})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type in MAGIC:
        if head.startswith(magic):
            return content_type
    raise ValidationError({"file": _("Jenis berkas tidak diterima: hanya PDF, PNG atau JPEG "
                                     "(diperiksa dari isi berkas, bukan namanya).")})


def validate_comment(comment: str) -> str:
    """A plain-text comment: markup is refused (not silently stripped), control characters removed."""
    text = _CONTROL.sub("", comment or "").strip()
    if len(text) > MAX_COMMENT_CHARS:
        raise ValidationError({"comment": _("Komentar paling banyak 1000 karakter.")})
    if _MARKUP.search(text):
        raise ValidationError({"comment": _("Komentar hanya boleh berupa teks biasa, tanpa HTML atau skrip.")})
    return text
