from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from nyata.core.integrity import HeldFile


class ReportingConfig(AppConfig):
    name = "nyata.reporting"
    label = "reporting"

    def ready(self) -> None:
        from nyata.core import integrity
        from nyata.core.views import register_history
        from nyata.reporting.models import Evidence, Realisation, SelfCritique

        register_history("reporting.realisation", Realisation, "agency")
        register_history("reporting.evidence", Evidence, "agency")
        register_history("reporting.selfcritique", SelfCritique, "agency")
        integrity.register(evidence_files)


def evidence_files() -> Iterator[HeldFile]:
    """Every evidence file: its SHA-256 was taken at upload and is in the audit chain."""
    from nyata.core.integrity import HeldFile, recorded_in_chain
    from nyata.reporting.models import Evidence

    in_chain = recorded_in_chain("reporting.evidence", "nyata.evidence.added", "sha256")
    for e in Evidence.objects.only("pk", "pemda_id", "file", "sha256"):
        yield HeldFile(f"Bukti #{e.pk}", e.file.name, e.sha256, pemda_id=e.pemda_id,
                       chain_sha256=in_chain.get(str(e.pk)))
