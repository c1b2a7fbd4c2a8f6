"""The file store for evidence, sealed documents and reports: a full or read-only disk is a
message to the user and an alert to the admins, never a bare 500."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

log = logging.getLogger("nyata.storage")


class StorageUnavailable(ValidationError):
    """The file could not be written; the action that needed it is refused and rolled back."""


class GuardedFileSystemStorage(FileSystemStorage):
    def save(self, name: str | None, content: Any, max_length: int | None = None) -> str:
        try:
            return str(super().save(name, content, max_length))
        except OSError as e:
            _alert(name or "", e)
            raise StorageUnavailable(_(
                "Berkas tidak dapat disimpan: penyimpanan server sedang tidak dapat ditulis. Tidak ada yang "
                "tersimpan; admin sudah diberi tahu. Coba lagi nanti."
            )) from e


@contextmanager
def removed_on_failure(file: FieldFile) -> Iterator[None]:
    """Around the writes that record a file just saved: when they fail (a refused row, the
    database gone mid-save), the file goes too, so media holds no file its database does not know.
    A failure of the enclosing transaction's COMMIT itself happens after this block."""
    try:
        yield
    except BaseException:
        if file.name:
            file.storage.delete(file.name)
        raise


def _alert(name: str, error: OSError) -> None:
    """Told to the admins at once: the refused action's transaction rolls back, and an event
    recorded inside it would go with it."""
    from nyata.core import security_events
    from nyata.core.tenancy import current_pemda_id

    log.error("file store not writable for %s: %s", name, error)
    chain = current_pemda_id() or security_events.PLATFORM
    alert = security_events.Alert(chain, security_events.STORAGE_FAILED, "-", timezone.now().isoformat(),
                                  {"error": f"{type(error).__name__}: {error.strerror or error}"})
    try:
        import_string(settings.SECURITY_ALERT_HOOK)(alert)
    except Exception:  # a mail server that is down must not hide the message to the user
        log.exception("storage alert could not be sent")
