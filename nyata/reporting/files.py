"""Evidence file checks: the kind is read from the content, never trusted from the name."""

from __future__ import annotations

import io
import re
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024

# extension → the kind its content must be
EXTENSIONS = {"pdf": "pdf", "jpg": "jpeg", "jpeg": "jpeg", "png": "png", "xlsx": "xlsx", "docx": "docx"}
_OOXML_MAIN = {
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def max_bytes() -> int:
    return int(getattr(settings, "NYATA_EVIDENCE_MAX_MB", 20)) * 1024 * 1024


def sniff(data: bytes) -> str | None:
    """The allowed kind this content is, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        return _ooxml_kind(data)
    return None


def _ooxml_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_ZIP_UNCOMPRESSED:
                return None
            names = set(zf.namelist())
            if "[Content_Types].xml" not in names:
                return None
            types = zf.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
        return None
    for kind, (entry, main_type) in _OOXML_MAIN.items():
        if entry in names and main_type in types:
            return kind
    return None


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check(name: str, data: bytes) -> str:
    """Validate an upload; return its kind or raise a ValidationError saying what is wrong."""
    limit = max_bytes()
    if len(data) > limit:
        raise ValidationError(
            _("Berkas %(name)s terlalu besar (%(size)s MB; maksimal %(max)d MB).")
            % {"name": name, "size": f"{len(data) / 1048576:.1f}".replace(".", ","), "max": limit // 1048576}
        )
    if not data:
        raise ValidationError(_("Berkas %(name)s kosong.") % {"name": name})
    kind = sniff(data)
    ext = extension(name)
    if kind is None:
        raise ValidationError(
            _("Berkas %(name)s bukan PDF, JPEG, PNG, XLSX, atau DOCX menurut isinya; berkas ditolak.") % {"name": name}
        )
    if EXTENSIONS.get(ext) != kind:
        raise ValidationError(
            _("Isi berkas %(name)s adalah %(kind)s, tidak sesuai dengan nama berkasnya; berkas ditolak.")
            % {"name": name, "kind": kind.upper()}
        )
    return kind


_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


def safe_name(name: str) -> str:
    """The original name, cleaned for display and Content-Disposition (never used as a path)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" .") or "berkas"
    return cleaned[:200]
